package lcrun

// Quantised weights: the tile slots of the 32-value formats (the
// K-quants' are in matmul_quantk.go), the table that pairs each weight
// type with its slot and activation type, and the activation quantisation
// that feeds the tiles (see tile in matmul.go for the contract, and
// matmul_quant_generic.go for the Go loops).
var (
	matmulQ8_0K = newQuantKernel(Q8_0, Q8_0, "matmul_q8_0", quantTileGeneric(vecDotQ8_0, BlockQ8_0Bytes, BlockQ8_0Bytes, QK))
	matmulQ4_0K = newQuantKernel(Q4_0, Q8_0, "matmul_q4_0", quantTileGeneric(vecDotQ4_0, BlockQ4_0Bytes, BlockQ8_0Bytes, QK))
	matmulQ4_1K = newQuantKernel(Q4_1, Q8_1, "matmul_q4_1", quantTileGeneric(vecDotQ4_1, BlockQ4_1Bytes, BlockQ8_1Bytes, QK))
	matmulQ5_0K = newQuantKernel(Q5_0, Q8_0, "matmul_q5_0", quantTileGeneric(vecDotQ5_0, BlockQ5_0Bytes, BlockQ8_0Bytes, QK))
	matmulQ5_1K = newQuantKernel(Q5_1, Q8_1, "matmul_q5_1", quantTileGeneric(vecDotQ5_1, BlockQ5_1Bytes, BlockQ8_1Bytes, QK))
)

// quantSlot is a quantised weight type's tile slot and the type its
// activations are quantised to (llama.cpp's vec_dot_type for it).
type quantSlot struct {
	slot *kernel[tile[byte, byte]]
	act  DType
}

// quantSlots is indexed by weight type; a nil slot means the type has no
// tile of its own.
var quantSlots [64]quantSlot

// newQuantKernel declares the tile slot of weight type w, whose
// activations are quantised to act, and enters it in quantSlots. Call it
// from a package-level var, as newKernel.
func newQuantKernel(w, act DType, name string, generic tile[byte, byte]) *kernel[tile[byte, byte]] {
	if quantSlots[w].slot != nil {
		panic("lcrun: two tile slots for " + w.String())
	}
	k := newKernel(name, generic)
	quantSlots[w] = quantSlot{k, act}
	return k
}

// hasQuantTile reports whether quantised weight type t has a tile slot.
func hasQuantTile(t DType) bool {
	return uint32(t) < uint32(len(quantSlots)) && quantSlots[t].slot != nil
}

// quantTile returns the tile for weights of type t and the type the
// activations are quantised to for it.
func quantTile(t DType) (tile[byte, byte], DType) {
	if !hasQuantTile(t) {
		panic("lcrun: no quantised tile for " + t.String())
	}
	s := quantSlots[t]
	return s.slot.fn, s.act
}

// activationQuantizers quantise one row of activations to each
// activation type, the way llama.cpp's x86 build does: Q8_0 and Q8_1 with
// 127/amax and ties to even (Q8_1 adding s = d*sum(q)), Q8_K as its
// reference quantiser. A type that needs another activation type adds it
// here.
var activationQuantizers = map[DType]func(dst []byte, x []float32){
	Q8_0: func(dst []byte, x []float32) { quantizeQ8_0K.fn(dst, x) },
	Q8_1: func(dst []byte, x []float32) { quantizeQ8_1K.fn(dst, x) },
	Q8_K: QuantizeRowQ8_K,
}

// quantizeActivations quantises the n rows of x (k values each) to act in
// the pool's shared scratch, one row per work item.
func (p *Pool) quantizeActivations(act DType, x []float32, n, k int) []byte {
	rb, _ := act.RowBytes(k)
	j := &p.mm.actq
	j.xq, j.x, j.k, j.rb = p.shared.bytes(0, n*rb), x, k, rb
	j.quant = activationQuantizers[act]
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
