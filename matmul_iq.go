package lcrun

// Non-linear 4-bit weights: the tile slots of IQ4_NL and MXFP4 (32-value
// blocks, activations quantised to Q8_0) and IQ4_XS (256-value
// super-blocks, activations Q8_K), the pairings of llama.cpp's
// vec_dot_type. Their nibbles index a table of 16 int8 levels
// (kvaluesIQ4NL, kvaluesMXFP4), so a tile looks the levels up and then
// computes exact integer dot products as the Q4_0 and Q4_K tiles do (see
// tile in matmul.go for the contract, matmul_iq_generic.go for the Go
// loops):
//
//	IQ4_NL x Q8_0: sum over blocks of f16(w.d)*f16(x.d) * sum_l kvaluesIQ4NL[q_l]*x.qs[l]
//	MXFP4 x Q8_0:  the same with 2^(w.e-128) for f16(w.d) and kvaluesMXFP4
//	IQ4_XS x Q8_K: sum over super-blocks of x.d*f16(w.d) * sum_s (ls_s-32)*(levels.x)_s
var (
	matmulIQ4_NLK = newQuantKernel(IQ4_NL, Q8_0, "matmul_iq4_nl", quantTileGeneric(vecDotIQ4_NL, BlockIQ4_NLBytes, BlockQ8_0Bytes, QK))
	matmulIQ4_XSK = newQuantKernel(IQ4_XS, Q8_K, "matmul_iq4_xs", quantTileGeneric(vecDotIQ4_XS, BlockIQ4_XSBytes, BlockQ8_KBytes, QKK))
	matmulMXFP4K  = newQuantKernel(MXFP4, Q8_0, "matmul_mxfp4", quantTileGeneric(vecDotMXFP4, BlockMXFP4Bytes, BlockQ8_0Bytes, QK))
)
