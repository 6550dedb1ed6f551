package lcrun

import (
	"fmt"
	"unsafe"
)

// Matrix is a weight matrix in place, e.g. a zero-copy slice of a mapped
// GGUF file: Rows rows of Cols values of Type, row r at
// Data[r*RowBytes(Cols):]. Cols is GGUF's ne0 (the contiguous dimension).
type Matrix struct {
	Type       DType
	Rows, Cols int
	Data       []byte
}

// NewMatrix checks that data holds rows x cols values of t, that t is a
// type MatMul can compute with, and that plain float data is aligned for
// its element type (GGUF's alignment guarantees it for tensors in a file).
func NewMatrix(t DType, rows, cols int, data []byte) (Matrix, error) {
	if !matmulSupports(t) {
		return Matrix{}, fmt.Errorf("matrix: tensor type %s is not supported", t)
	}
	if rows < 0 || cols < 0 {
		return Matrix{}, fmt.Errorf("matrix: negative shape %dx%d", rows, cols)
	}
	rb, err := t.RowBytes(cols)
	if err != nil {
		return Matrix{}, fmt.Errorf("matrix: %w", err)
	}
	if rows > 0 && rb > 0 && len(data)/rb < rows {
		return Matrix{}, fmt.Errorf("matrix: %d rows of %d %s values need %d bytes, have %d", rows, cols, t, rows*rb, len(data))
	}
	if a := elemAlign(t); len(data) > 0 && uintptr(unsafe.Pointer(&data[0]))%a != 0 {
		return Matrix{}, fmt.Errorf("matrix: %s data is not aligned to %d bytes", t, a)
	}
	return Matrix{Type: t, Rows: rows, Cols: cols, Data: data[:rows*rb]}, nil
}

func elemAlign(t DType) uintptr {
	switch t {
	case F32:
		return 4
	case F16, BF16:
		return 2
	}
	return 1
}

// matmulSupports reports whether MatMul handles weights of type t: natively
// or by dequantising rows to float32.
func matmulSupports(t DType) bool {
	switch t {
	case F32, F16, BF16:
		return true
	}
	return t.Quantized() && (hasQuantTile(t) || CanDequantize(t))
}

// rowBytes is the byte length of one row (valid for matrices NewMatrix made).
func (w Matrix) rowBytes() int {
	rb, _ := w.Type.RowBytes(w.Cols)
	return rb
}

// Row dequantises row r into dst (len Cols), exactly as ggml's get_rows.
func (w Matrix) Row(r int, dst []float32) {
	if r < 0 || r >= w.Rows || len(dst) != w.Cols {
		panic(fmt.Sprintf("lcrun: Matrix.Row(%d) of a %dx%d matrix into %d values", r, w.Rows, w.Cols, len(dst)))
	}
	rb := w.rowBytes()
	if err := Dequantize(w.Type, dst, w.Data[r*rb:(r+1)*rb]); err != nil {
		panic("lcrun: Matrix.Row: " + err.Error())
	}
}

// MatMul computes dst[b*Rows+r] = sum_c W[r][c] * x[b*Cols+c] for the n
// activation rows of x (n == 1 is the decode GEMV). Rows of W, and
// columns of the batch for n > 1, are split across the pool.
//
// Quantised weights meet activations quantised per row the way llama.cpp
// does it (Q8_0 for Q8_0/Q4_0/Q5_0 weights, Q8_1 for Q4_1/Q5_1, Q8_K for
// the K-quants) with integer dot products; F16 and BF16 weights are
// widened and meet float32 activations; other quantised types are
// dequantised to float32 rows in scratch.
func (p *Pool) MatMul(dst []float32, w Matrix, x []float32, n int) {
	if n < 0 || len(dst) < n*w.Rows || len(x) < n*w.Cols {
		panic(fmt.Sprintf("lcrun: MatMul of a %dx%d matrix by %d rows: dst has %d values, x %d", w.Rows, w.Cols, n, len(dst), len(x)))
	}
	if n == 0 || w.Rows == 0 {
		return
	}
	if w.Cols == 0 {
		clear(dst[:n*w.Rows])
		return
	}
	q := p.acquire()
	defer q.release(p)
	q.matmul(dst, w, x, n)
}

// tile is a micro-kernel of the matrix product together with the tile
// shape it is fastest at. fn computes, for i < rows <= mr and j < cols <= nr,
//
//	dst[j*ldd+i] = sum over c < k of W(i, c) * X(j, c)
//
// where row i of W starts at w[i*ldw] and activation row j at x[j*ldx]
// (ldw, ldx in elements of w and x: bytes for quantised data), and k is
// the number of values per row (a whole number of blocks). The result
// overwrites dst. Every slice starts at the tile's first element and is
// long enough for what the tile addresses. The driver (matmulJob) does
// the blocking and threading; an implementation only provides fn.
type tile[W, X any] struct {
	mr, nr int
	fn     func(dst []float32, ldd int, w []W, ldw int, x []X, ldx int, k, rows, cols int)
}

// The tile slots. Float weights meet float32 activations (F16 and BF16
// widened exactly); the quantised ones meet activations quantised per row
// to Q8_0 (for Q8_0, Q4_0, Q5_0), Q8_1 (Q4_1, Q5_1) or Q8_K (the
// K-quants), where each block's integer dot product is exact and the float
// accumulation order is free:
//
//	Q8_0 x Q8_0: sum over blocks b of f16(w.d)*f16(x.d) * sum_l w.qs[l]*x.qs[l]
//	Q4_0 x Q8_0: same with w.q = nibble - 8
//	Q5_0 x Q8_0: same with w.q = (nibble | fifth bit from qh << 4) - 16
//	Q4_1 x Q8_1: sum over blocks of f16(w.d)*f16(x.d) * sum_l w.q[l]*x.qs[l]
//	             + f16(w.m)*f16(x.s), w.q the unsigned nibble
//	Q5_1 x Q8_1: same with w.q = nibble | fifth bit << 4
//	Q4_K x Q8_K: sum over super-blocks of x.d*f16(w.d)*sum_j sc_j*(q.x)_j
//	             - x.d*f16(w.dmin)*sum_j m_j*(x.bsums[2j]+x.bsums[2j+1])
//	Q6_K x Q8_K: sum over super-blocks of x.d*f16(w.d)*sum_s scales[s]*(q.x)_s
//	Q2_K, Q3_K, Q5_K x Q8_K: as Q4_K or Q6_K (vecDotQ2_K etc.)
var (
	matmulF32K  = newKernel("matmul_f32", tile[float32, float32]{4, 2, matmulF32Generic})
	matmulF16K  = newKernel("matmul_f16", tile[uint16, float32]{4, 4, matmulF16Generic})
	matmulBF16K = newKernel("matmul_bf16", tile[uint16, float32]{4, 4, matmulBF16Generic})
)

// Tile sizes. A work item is a block of rows of W times a block of
// activation columns: the W block (at most matmulBlockBytes) stays in the
// core's L2 cache while it meets every column of the block, and each
// micro-tile of nr columns stays in L1 while it meets the block's rows.
const (
	matmulBlockBytes = 192 << 10
	matmulBlockCols  = 64
	itemsPerThread   = 4 // enough items that threads finish together
)

// matmulJobs are the preallocated job descriptions of one pool.
type matmulJobs struct {
	f32   matmulJob[float32, float32]
	half  matmulJob[uint16, float32]
	quant matmulJob[byte, byte]
	deq   dequantJob
	actq  actQuantJob
}

func (p *Pool) matmul(dst []float32, w Matrix, x []float32, n int) {
	rows, k := w.Rows, w.Cols
	x = x[:n*k]
	switch w.Type {
	case F32:
		j := &p.mm.f32
		j.set(dst, w.Data, x, k, rows, n, k, k, matmulF32K.fn, p.threads)
		p.parallel(j.plan.items(), j)
	case F16, BF16:
		t := matmulF16K.fn
		if w.Type == BF16 {
			t = matmulBF16K.fn
		}
		j := &p.mm.half
		j.set(dst, w.Data, x, k, rows, n, k, k, t, p.threads)
		p.parallel(j.plan.items(), j)
	default:
		if !hasQuantTile(w.Type) {
			p.matmulDequant(dst, w, x, n)
			return
		}
		t, act := quantTile(w.Type)
		xq := p.quantizeActivations(act, x, n, k)
		xrb, _ := act.RowBytes(k)
		j := &p.mm.quant
		j.set(dst, w.Data, xq, k, rows, n, w.rowBytes(), xrb, t, p.threads)
		p.parallel(j.plan.items(), j)
	}
}

// matmulDequant is MatMul for quantised types without a tile of their own.
func (p *Pool) matmulDequant(dst []float32, w Matrix, x []float32, n int) {
	j := &p.mm.deq
	j.dst, j.w, j.x, j.k, j.rows, j.n = dst, w, x, w.Cols, w.Rows, n
	j.t = matmulF32K.fn
	// Rows dequantised per item: enough to keep the f32 tile busy,
	// little enough to stay in L2 as float32.
	j.plan = planMatmul(w.Rows, n, 4*w.Cols, j.t.mr, n, p.threads)
	p.parallel(j.plan.items(), j)
}

// matmulPlan splits rows x n into items of rb rows by cb columns.
type matmulPlan struct {
	rows, n, rb, cb, nrb, ncb int
}

func (pl matmulPlan) items() int { return pl.nrb * pl.ncb }

// bounds returns the rows [r0, r1) and columns [c0, c1) of item i.
func (pl matmulPlan) bounds(i int) (r0, r1, c0, c1 int) {
	r0 = i / pl.ncb * pl.rb
	c0 = i % pl.ncb * pl.cb
	return r0, min(r0+pl.rb, pl.rows), c0, min(c0+pl.cb, pl.n)
}

// planMatmul picks the item shape: rb a multiple of mr whose rows take at
// most matmulBlockBytes (rowBytes each), cb = the given column block, then
// rows halved until there are enough items to keep every thread busy.
func planMatmul(rows, n, rowBytes, mr, cb, threads int) matmulPlan {
	rb := max(mr, matmulBlockBytes/max(rowBytes, 1)/mr*mr)
	rb = min(rb, (rows+mr-1)/mr*mr)
	cb = max(1, min(cb, n))
	ncb := (n + cb - 1) / cb
	for threads > 1 && rb > mr && ((rows+rb-1)/rb)*ncb < itemsPerThread*threads {
		rb = max(mr, (rb/2+mr-1)/mr*mr)
	}
	return matmulPlan{rows: rows, n: n, rb: rb, cb: cb, nrb: (rows + rb - 1) / rb, ncb: ncb}
}

// matmulJob is the blocked, threaded driver shared by every weight type:
// W elements (or bytes) of type W, activations of type X.
type matmulJob[W, X any] struct {
	dst      []float32
	w        []W
	x        []X
	k        int
	ldw, ldx int
	t        tile[W, X]
	plan     matmulPlan
}

// set fills the job; wData is the matrix bytes viewed as []W.
func (j *matmulJob[W, X]) set(dst []float32, wData []byte, x []X, k, rows, n, ldw, ldx int, t tile[W, X], threads int) {
	j.dst, j.w, j.x, j.k, j.ldw, j.ldx, j.t = dst, bytesAs[W](wData), x, k, ldw, ldx, t
	var zero W
	rowBytes := ldw * int(unsafe.Sizeof(zero))
	j.plan = planMatmul(rows, n, rowBytes, t.mr, max(t.nr, matmulBlockCols/t.nr*t.nr), threads)
}

func (j *matmulJob[W, X]) run(_ *worker, i int) {
	r0, r1, c0, c1 := j.plan.bounds(i)
	tileBlock(j.dst, j.plan.rows, j.w, j.ldw, j.x, j.ldx, j.k, r0, r1, c0, c1, j.t)
}

// tileBlock covers rows [r0, r1) x columns [c0, c1) of dst with micro-tiles:
// columns outermost, so that one micro-tile of activations meets every row
// of the (cache-resident) W block before the next is loaded.
func tileBlock[W, X any](dst []float32, ldd int, w []W, ldw int, x []X, ldx, k, r0, r1, c0, c1 int, t tile[W, X]) {
	for c := c0; c < c1; c += t.nr {
		cols := min(t.nr, c1-c)
		for r := r0; r < r1; r += t.mr {
			t.fn(dst[c*ldd+r:], ldd, w[r*ldw:], ldw, x[c*ldx:], ldx, k, min(t.mr, r1-r), cols)
		}
	}
}

// bytesAs views b as a slice of T (no copy). NewMatrix checked alignment.
func bytesAs[T any](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) < size {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size)
}

// dequantJob is the fallback for quantised types without their own tile:
// each item dequantises its block of rows into worker scratch and runs the
// float32 tile over every column.
type dequantJob struct {
	dst        []float32
	w          Matrix
	x          []float32
	k, rows, n int
	t          tile[float32, float32]
	plan       matmulPlan
}

func (j *dequantJob) run(wk *worker, i int) {
	r0, r1, c0, c1 := j.plan.bounds(i)
	rb := j.w.rowBytes()
	buf := wk.s.floats(0, (r1-r0)*j.k)
	if err := Dequantize(j.w.Type, buf, j.w.Data[r0*rb:r1*rb]); err != nil {
		panic("lcrun: MatMul: " + err.Error()) // NewMatrix admitted only types Dequantize handles
	}
	// buf holds rows r0..r1 at offset 0: shift dst so row r0 is row 0.
	tileBlock(j.dst[r0:], j.rows, buf, j.k, j.x, j.k, j.k, 0, r1-r0, c0, c1, j.t)
}
