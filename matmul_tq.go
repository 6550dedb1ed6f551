package lcrun

// Ternary weights: the tile slots of TQ1_0 and TQ2_0 (BitNet b1.58,
// TriLM), whose activations are quantised to Q8_K as llama.cpp pairs them
// (quantTile in matmul_quant.go picks the tile; see tile in matmul.go for
// the contract, and matmul_tq_generic.go for the Go loops):
//
//	TQ1_0, TQ2_0 x Q8_K: sum over super-blocks of
//	                     float32(sum_e (t_e-1)*x.qs[e]) * (f16(w.d)*x.d)
//
// with t_e the stored digit 0..2 of value e (quant_layout.go), the
// integer sum exact in int32 (at most 256*127 in magnitude).
var (
	matmulTQ1_0K = newQuantKernel(TQ1_0, Q8_K, "matmul_tq1_0", quantTileGeneric(vecDotTQ1_0, BlockTQ1_0Bytes, BlockQ8_KBytes, QKK))
	matmulTQ2_0K = newQuantKernel(TQ2_0, Q8_K, "matmul_tq2_0", quantTileGeneric(vecDotTQ2_0, BlockTQ2_0Bytes, BlockQ8_KBytes, QKK))
)
