package lcrun

import "fmt"

// maxMany is the most products MatMulMany runs as one parallel loop (a
// layer's Q, K and V; its gate and up).
const maxMany = 4

// MatMulMany computes dst[i] = ws[i] times x for every i, as MatMul does
// one at a time and with the same results bit for bit, but as one
// parallel loop over the rows of all the matrices, with x quantised once
// for them: for decode, where each product is a small GEMV, it saves a
// hand-off to the pool's threads (and their wait for the slowest) per
// product. Matrices of mixed types or widths, more than maxMany of them,
// or types without their own tile run one by one.
func (p *Pool) MatMulMany(dst [][]float32, ws []Matrix, x []float32, n int) {
	if len(dst) != len(ws) {
		panic(fmt.Sprintf("lcrun: MatMulMany of %d matrices into %d outputs", len(ws), len(dst)))
	}
	if !fusable(ws) || n <= 0 {
		for i := range ws {
			p.MatMul(dst[i], ws[i], x, n)
		}
		return
	}
	for i, w := range ws {
		if len(dst[i]) < n*w.Rows || len(x) < n*w.Cols {
			panic(fmt.Sprintf("lcrun: MatMulMany of a %dx%d matrix by %d rows: dst has %d values, x %d", w.Rows, w.Cols, n, len(dst[i]), len(x)))
		}
	}
	q := p.acquire()
	defer q.release(p)
	q.matmulMany(dst, ws, x, n)
}

// fusable reports whether ws can share one loop: 2..maxMany non-empty
// matrices of one type with a tile of its own, all of one width.
func fusable(ws []Matrix) bool {
	if len(ws) < 2 || len(ws) > maxMany {
		return false
	}
	if t := ws[0].Type; t != F32 && t != F16 && t != BF16 && !hasQuantTile(t) {
		return false
	}
	for _, w := range ws {
		if w.Type != ws[0].Type || w.Cols != ws[0].Cols || w.Rows == 0 || w.Cols == 0 {
			return false
		}
	}
	return true
}

// manyJobs are the preallocated MatMulMany loops of one pool.
type manyJobs struct {
	f32   manyJob[float32, float32]
	half  manyJob[uint16, float32]
	quant manyJob[byte, byte]
}

// manyJob runs the items of several matmulJobs as one loop: items
// [ends[i-1], ends[i]) are part i's.
type manyJob[W, X any] struct {
	parts [maxMany]matmulJob[W, X]
	ends  [maxMany]int
}

// set plans each product exactly as MatMul would (so the results match
// bit for bit) and returns the total number of items.
func (j *manyJob[W, X]) set(dst [][]float32, ws []Matrix, x []X, k, n, ldw, ldx int, t tile[W, X], threads int) int {
	total := 0
	for i, w := range ws {
		pt := &j.parts[i]
		pt.set(dst[i], w.Data, x, k, w.Rows, n, ldw, ldx, t, threads)
		total += pt.plan.items()
		j.ends[i] = total
	}
	return total
}

func (j *manyJob[W, X]) run(w *worker, i int) {
	part, start := 0, 0
	for i >= j.ends[part] {
		start = j.ends[part]
		part++
	}
	j.parts[part].run(w, i-start)
}

func (p *Pool) matmulMany(dst [][]float32, ws []Matrix, x []float32, n int) {
	k := ws[0].Cols
	x = x[:n*k]
	switch t := ws[0].Type; t {
	case F32:
		j := &p.many.f32
		p.parallel(j.set(dst, ws, x, k, n, k, k, matmulF32K.fn, p.threads), j)
	case F16, BF16:
		tl := matmulF16K.fn
		if t == BF16 {
			tl = matmulBF16K.fn
		}
		j := &p.many.half
		p.parallel(j.set(dst, ws, x, k, n, k, k, tl, p.threads), j)
	default:
		tl, act := quantTile(t)
		xq := p.quantizeActivations(act, x, n, k)
		xrb, _ := act.RowBytes(k)
		j := &p.many.quant
		p.parallel(j.set(dst, ws, xq, k, n, ws[0].rowBytes(), xrb, tl, p.threads), j)
	}
}
