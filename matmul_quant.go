package lcrun

// Quantised weights: the tile slots of the 32-value formats (the
// K-quants' are in matmul_quantk.go), the choice of tile, and the
// activation quantisation that feeds them (see tile in matmul.go for the
// contract, and matmul_quant_generic.go for the Go loops).
var (
	matmulQ8_0K = newKernel("matmul_q8_0", quantTileGeneric(vecDotQ8_0, BlockQ8_0Bytes, BlockQ8_0Bytes, QK))
	matmulQ4_0K = newKernel("matmul_q4_0", quantTileGeneric(vecDotQ4_0, BlockQ4_0Bytes, BlockQ8_0Bytes, QK))
)

// quantTile returns the tile for weights of type t and the type the
// activations are quantised to for it.
func quantTile(t DType) (tile[byte, byte], DType) {
	switch t {
	case Q8_0:
		return matmulQ8_0K.fn, Q8_0
	case Q4_0:
		return matmulQ4_0K.fn, Q8_0
	case Q4_K:
		return matmulQ4_KK.fn, Q8_K
	case Q6_K:
		return matmulQ6_KK.fn, Q8_K
	}
	panic("lcrun: no quantised tile for " + t.String())
}

// quantizeActivations quantises the n rows of x (k values each) to act in
// the pool's shared scratch, one row per work item, the way llama.cpp's
// x86 build does: Q8_0 with 127/amax and ties to even, Q8_K as its
// reference quantiser.
func (p *Pool) quantizeActivations(act DType, x []float32, n, k int) []byte {
	rb, _ := act.RowBytes(k)
	j := &p.mm.actq
	j.xq, j.x, j.k, j.rb = p.shared.bytes(0, n*rb), x, k, rb
	j.quant = quantizeQ8_0K.fn
	if act == Q8_K {
		j.quant = QuantizeRowQ8_K
	}
	p.parallel(n, j)
	return j.xq
}

type actQuantJob struct {
	xq    []byte
	x     []float32
	k, rb int
	quant func(dst []byte, x []float32)
}

func (j *actQuantJob) run(_ *worker, i int) {
	j.quant(j.xq[i*j.rb:(i+1)*j.rb], j.x[i*j.k:(i+1)*j.k])
}
