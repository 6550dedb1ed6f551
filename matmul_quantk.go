package lcrun

// K-quant weights: the tile slots of Q2_K..Q6_K, whose activations are
// quantised to Q8_K (quantTile in matmul_quant.go picks the tile; see tile
// in matmul.go for the contract, and matmul_quantk_generic.go for the Go
// loops).
var (
	matmulQ2_KK = newQuantKernel(Q2_K, Q8_K, "matmul_q2_k", quantTileGeneric(vecDotQ2_K, BlockQ2_KBytes, BlockQ8_KBytes, QKK))
	matmulQ3_KK = newQuantKernel(Q3_K, Q8_K, "matmul_q3_k", quantTileGeneric(vecDotQ3_K, BlockQ3_KBytes, BlockQ8_KBytes, QKK))
	matmulQ4_KK = newQuantKernel(Q4_K, Q8_K, "matmul_q4_k", quantTileGeneric(vecDotQ4_K, BlockQ4_KBytes, BlockQ8_KBytes, QKK))
	matmulQ5_KK = newQuantKernel(Q5_K, Q8_K, "matmul_q5_k", quantTileGeneric(vecDotQ5_K, BlockQ5_KBytes, BlockQ8_KBytes, QKK))
	matmulQ6_KK = newQuantKernel(Q6_K, Q8_K, "matmul_q6_k", quantTileGeneric(vecDotQ6_K, BlockQ6_KBytes, BlockQ8_KBytes, QKK))
)
