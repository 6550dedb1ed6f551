package lcrun

import (
	"fmt"
	"math"
)

// AttentionParams describes one attention call.
type AttentionParams struct {
	Heads, KVHeads, HeadDim int     // query head h uses KV head h / (Heads/KVHeads)
	Scale                   float32 // usually 1/sqrt(HeadDim)
	SoftCap                 float32 // 0 = none; else s = Scale*SoftCap*tanh(q.k/SoftCap), llama.cpp's order
	Window                  int     // 0 = unlimited; else key visible iff qpos-kpos < Window
	Sinks                   int     // keys with kpos < Sinks always visible (with Window)
	// SinkLogits, when not nil, holds one learned logit per query head
	// (gpt-oss's attn_sinks) that joins each softmax as a key without a
	// value: it takes probability mass, adds nothing to the output. It is
	// in the units of the scaled scores.
	SinkLogits []float32
}

// attentionPVK: o[i*ldo+c] += sum_{j<nk} p[i*ldp+j] * v[j*ldv+c] for
// i < rows, c < d: the probability-weighted sum of a block of values.
// Scores come from matmul_f32 (keys as W rows, queries as activation rows).
var attentionPVK = newKernel("attention_pv", attentionPVGeneric)

// attentionQKF16K and attentionPVF16K are the decode forms over an f16
// cache, one query row at a time, reading the cache rows as they are
// stored (widened in registers) instead of widening a block to float32
// scratch first:
//
//	qk: s[j] = sum_c q[c] * f16(k[j*ldk+c]), j < len(s), c < len(q)
//	pv: o[c] += sum_j p[j] * f16(v[j*ldv+c]), c < len(o), j < len(p)
//
// attentionQKQ8K and attentionPVQ8K are the same over Q8_0 rows of ldk
// (ldv) bytes, column c = 32b+i being int8 i of block b times its scale
// (see attentionQKQ8Generic for the order of the products).
var (
	attentionQKF16K = newKernel("attention_qk_f16", attentionQKF16Generic)
	attentionPVF16K = newKernel("attention_pv_f16", attentionPVF16Generic)
	attentionQKQ8K  = newKernel("attention_qk_q8_0", attentionQKQ8Generic)
	attentionPVQ8K  = newKernel("attention_pv_q8_0", attentionPVQ8Generic)
)

// qkWhole and pvWhole drive an assembly kernel of the narrow slots above,
// which takes whole vectors (f16: 8 columns) or blocks (Q8_0: 32), and
// add the last columns with the Go twin's tail.
func qkWhole[E uint16 | byte](asm func(s, q []float32, k []E, ldk int), tail func(s, q []float32, k []E, ldk, c0 int),
	width int, s, q []float32, k []E, ldk int) {
	c0 := len(q) / width * width
	asm(s, q[:c0], k, ldk)
	if c0 < len(q) {
		tail(s, q, k, ldk, c0)
	}
}

func pvWhole[E uint16 | byte](asm func(o, p []float32, v []E, ldv, nk, d int), tail func(o, p []float32, v []E, ldv, c0 int),
	width int, o, p []float32, v []E, ldv int) {
	c0 := len(o) / width * width
	if c0 > 0 {
		asm(o, p, v, ldv, len(p), c0)
	}
	if c0 < len(o) {
		tail(o, p, v, ldv, c0)
	}
}

// Block sizes: about 64 query rows (queries x the heads that share a KV
// head) meet blocks of 64 keys; the query rows, the key and value blocks
// and the score block (16 KiB each at head_dim 64) stay in L2.
const (
	attnRows = 64
	attnKeys = 64
	// attnMinSplitBlocks is the fewest key blocks a decode split gets.
	attnMinSplitBlocks = 4
	// attnNarrowF16Rows and attnNarrowQ8Rows are the most query rows
	// per block that read an f16 or Q8_0 cache directly: each row widens
	// the block again in registers, which beats one widening pass through
	// scratch only for a few rows (decode: one query times the heads of a
	// group). Measured with BenchmarkAttention/decode4096*, one thread,
	// GFLOP/cpu-s, widened vs direct: f16 23 vs 61 at 1 row, 47 vs 72 at
	// 4, 68 vs 77 at 8; Q8_0 (dearer to widen) 27 vs 50, 51 vs 51, 72 vs 52.
	attnNarrowF16Rows = 8
	attnNarrowQ8Rows  = 4
)

// readsNarrow reports whether a block of rows query rows reads cache
// rows of type t as stored rather than widened.
func readsNarrow(t DType, rows int) bool {
	switch t {
	case F16:
		return rows <= attnNarrowF16Rows
	case Q8_0:
		return rows <= attnNarrowQ8Rows
	}
	return false
}

// forceAttnSplit, when > 0, fixes the number of key ranges each query block
// is split into (a test hook; 0 lets Attention decide).
var forceAttnSplit int

// Attention computes softmax(Scale * q.k + mask) . v per query and head
// with blockwise online softmax (Rabe & Staats 2021; FlashAttention): for
// each block of queries, one pass over blocks of keys keeping a running
// max, a running denominator and an unnormalised output, so memory is
// O(block^2 + s*d). Key j (slot j of k and v, j < nk) is visible to query
// i iff kpos[j] <= qpos[i] and, with a Window, qpos[i]-kpos[j] < Window or
// kpos[j] < Sinks. A query that sees no key gets zeros.
//
// q and out are [len(qpos)][Heads][HeadDim]. Work is split over (KV head,
// query block); when that gives too few items for the pool (decode: one
// query, long cache), each query block's keys are also split into ranges
// whose partial results are merged by log-sum-exp. Keys and values are
// widened to float32 one block at a time, once for all the queries and
// heads that share them; a block with few query rows (decode) reads f16
// and Q8_0 rows as stored instead, widening them in registers.
func (p *Pool) Attention(out, q []float32, qpos []int32, k, v *KV, kpos []int32, nk int, prm AttentionParams) {
	if err := checkAttention(out, q, qpos, k, v, kpos, nk, prm); err != nil {
		panic("lcrun: Attention: " + err.Error())
	}
	if len(qpos) == 0 {
		return
	}
	pp := p.acquire()
	defer pp.release(p)
	pp.attention(out, q, qpos, k, v, kpos, nk, prm)
}

func checkAttention(out, q []float32, qpos []int32, k, v *KV, kpos []int32, nk int, prm AttentionParams) error {
	switch {
	case prm.Heads <= 0 || prm.KVHeads <= 0 || prm.HeadDim <= 0 || prm.Heads%prm.KVHeads != 0:
		return fmt.Errorf("%d heads, %d KV heads, head dim %d", prm.Heads, prm.KVHeads, prm.HeadDim)
	case k == nil || v == nil:
		return fmt.Errorf("nil cache")
	case k.Heads != prm.KVHeads || v.Heads != prm.KVHeads || k.Dim != prm.HeadDim || v.Dim != prm.HeadDim:
		return fmt.Errorf("caches of %dx%d and %dx%d for %d KV heads of %d", k.Heads, k.Dim, v.Heads, v.Dim, prm.KVHeads, prm.HeadDim)
	case nk < 0 || nk > k.Cap || nk > v.Cap || len(kpos) < nk:
		return fmt.Errorf("%d keys in caches of %d and %d slots with %d positions", nk, k.Cap, v.Cap, len(kpos))
	case len(q) < len(qpos)*prm.Heads*prm.HeadDim || len(out) < len(qpos)*prm.Heads*prm.HeadDim:
		return fmt.Errorf("q has %d and out %d values for %d queries", len(q), len(out), len(qpos))
	case prm.Window < 0 || prm.Sinks < 0:
		return fmt.Errorf("negative window or sinks")
	case prm.SinkLogits != nil && len(prm.SinkLogits) != prm.Heads:
		return fmt.Errorf("%d sink logits for %d heads", len(prm.SinkLogits), prm.Heads)
	}
	return nil
}

// attentionJob holds one call's shape and plan; items are
// (KV head, query block, key range).
type attentionJob struct {
	out, q     []float32
	qpos, kpos []int32
	k, v       *KV
	nk         int
	prm        AttentionParams
	group      int // query heads per KV head
	bq         int // queries per block
	nqb, nkb   int // query blocks, key blocks
	split      int // key ranges per query block
	kbMin      []int32
	kbMax      []int32
	partial    []float32 // split > 1: per item, o, m, l of its rows
}

// partStride is the room one item's partial result takes: bq*group rows of
// (HeadDim values, max, sum).
func (j *attentionJob) partStride() int { return j.bq * j.group * (j.prm.HeadDim + 2) }

// partOf returns the partial output, running max and sum of item's rows.
func (j *attentionJob) partOf(item, rows int) (o, m, l []float32) {
	part := j.partial[item*j.partStride():][:rows*(j.prm.HeadDim+2)]
	d := j.prm.HeadDim
	return part[:rows*d], part[rows*d : rows*d+rows], part[rows*d+rows:]
}

func (p *Pool) attention(out, q []float32, qpos []int32, k, v *KV, kpos []int32, nk int, prm AttentionParams) {
	j := &p.attn
	nq := len(qpos)
	*j = attentionJob{out: out, q: q, qpos: qpos, kpos: kpos, k: k, v: v, nk: nk, prm: prm,
		kbMin: j.kbMin, kbMax: j.kbMax, partial: j.partial}
	j.group = prm.Heads / prm.KVHeads
	j.bq = min(nq, max(1, attnRows/j.group))
	j.nqb = (nq + j.bq - 1) / j.bq
	j.nkb = (nk + attnKeys - 1) / attnKeys

	// Position range of each key block, so whole blocks can be skipped or
	// taken without a per-key mask.
	j.kbMin, j.kbMax = growInt32(j.kbMin, j.nkb), growInt32(j.kbMax, j.nkb)
	for b := range j.nkb {
		lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
		for _, kp := range kpos[b*attnKeys : min(nk, (b+1)*attnKeys)] {
			lo, hi = min(lo, kp), max(hi, kp)
		}
		j.kbMin[b], j.kbMax[b] = lo, hi
	}

	base := prm.KVHeads * j.nqb
	j.split = 1
	if forceAttnSplit > 0 {
		j.split = min(forceAttnSplit, max(1, j.nkb))
	} else if p.threads > 1 && base < 2*p.threads {
		j.split = max(1, min((2*p.threads+base-1)/base, j.nkb/attnMinSplitBlocks))
	}
	items := base * j.split
	if j.split > 1 {
		n := items * j.partStride()
		if cap(j.partial) < n {
			j.partial = make([]float32, n)
		}
		j.partial = j.partial[:n]
	}
	p.parallel(items, j)
	if j.split > 1 {
		j.merge()
	}
	j.out, j.q, j.qpos, j.kpos, j.k, j.v = nil, nil, nil, nil, nil, nil
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// visible is the mask rule for one query and one key position.
func (prm *AttentionParams) visible(qp, kp int32) bool {
	return kp <= qp && (prm.Window == 0 || int64(qp)-int64(kp) < int64(prm.Window) || int64(kp) < int64(prm.Sinks))
}

// blockVisibility classifies keys with positions in [kmin, kmax] against
// queries in [qmin, qmax]: none visible, all visible, or mixed.
func (prm *AttentionParams) blockVisibility(qmin, qmax, kmin, kmax int32) (none, all bool) {
	w, s := int64(prm.Window), int64(prm.Sinks)
	if kmin > qmax || (w > 0 && int64(qmin)-int64(kmax) >= w && int64(kmin) >= s) {
		return true, false
	}
	all = kmax <= qmin && (w == 0 || int64(qmax)-int64(kmin) < w || int64(kmax) < s)
	return false, all
}

// Worker scratch buffers of the attention job.
const (
	attnBufQ  = iota // query rows, pre-scaled
	attnBufO         // unnormalised outputs
	attnBufS         // scores, then probabilities
	attnBufK         // widened key block
	attnBufV         // widened value block
	attnBufML        // running max and sum per row
)

func (j *attentionJob) run(w *worker, item int) {
	split := item % j.split
	qb := item / j.split % j.nqb
	hk := item / j.split / j.nqb
	d, g, prm := j.prm.HeadDim, j.group, &j.prm
	q0 := qb * j.bq
	q1 := min(q0+j.bq, len(j.qpos))
	rows := (q1 - q0) * g

	// Gather the query rows of this KV head: row (qi-q0)*g + gi is query qi,
	// head hk*g + gi. Without a soft-cap the scale is folded in here.
	qs := w.s.floats(attnBufQ, rows*d)
	scale := prm.Scale
	if prm.SoftCap != 0 {
		scale = 1
	}
	for qi := q0; qi < q1; qi++ {
		src := j.q[(qi*prm.Heads+hk*g)*d:][:g*d]
		dst := qs[(qi-q0)*g*d:][:g*d]
		for c, x := range src {
			dst[c] = x * scale
		}
	}
	qmin, qmax := int32(math.MaxInt32), int32(math.MinInt32)
	for _, qp := range j.qpos[q0:q1] {
		qmin, qmax = min(qmin, qp), max(qmax, qp)
	}

	o := w.s.floats(attnBufO, rows*d)
	clear(o)
	ml := w.s.floats(attnBufML, 2*rows)
	m, l := ml[:rows], ml[rows:]
	for r := range m {
		m[r], l[r] = float32(math.Inf(-1)), 0
	}

	ld := j.k.ld()
	kb0 := split * j.nkb / j.split
	kb1 := (split + 1) * j.nkb / j.split
	scores := matmulF32K.fn
	narrowK, narrowV := readsNarrow(j.k.Type, rows), readsNarrow(j.v.Type, rows)
	for kb := kb0; kb < kb1; kb++ {
		none, all := prm.blockVisibility(qmin, qmax, j.kbMin[kb], j.kbMax[kb])
		if none {
			continue
		}
		k0 := kb * attnKeys
		k1 := min(k0+attnKeys, j.nk)
		nkc := k1 - k0
		s := w.s.floats(attnBufS, rows*nkc)
		if narrowK {
			j.narrowScores(s, qs, rows, hk, k0, k1)
		} else {
			kf := j.k.widen(w.s.floats(attnBufK, nkc*ld), ld, hk, k0, k1)
			tileBlock(s, nkc, kf, ld, qs, d, d, 0, nkc, 0, rows, scores)
		}
		if prm.SoftCap != 0 {
			c := float64(prm.SoftCap)
			for i, x := range s {
				s[i] = prm.Scale * float32(c*math.Tanh(float64(x)/c))
			}
		}
		if !all {
			for r := range rows {
				qp := j.qpos[q0+r/g]
				sr := s[r*nkc:][:nkc]
				for c, kp := range j.kpos[k0:k1] {
					if !prm.visible(qp, kp) {
						sr[c] = float32(math.Inf(-1))
					}
				}
			}
		}
		// Online softmax update of every row, then o += p.v for the block.
		for r := range rows {
			sr := s[r*nkc:][:nkc]
			mb := maxK.fn(sr)
			if math.IsInf(float64(mb), -1) {
				// The row sees nothing in this block, or only NaN scores
				// (max skips NaN): those must poison the result.
				if hasNaN(sr) {
					l[r] = float32(math.NaN())
				}
				clear(sr)
				continue
			}
			if mb > m[r] {
				alpha := expf(m[r] - mb) // 0 on the first visible block
				if alpha != 1 {
					scaleK.fn(alpha, o[r*d:][:d])
					l[r] *= alpha
				}
				m[r] = mb
			}
			l[r] += expSumK.fn(sr, m[r])
		}
		if narrowV {
			j.narrowValues(o, s, rows, hk, k0, k1)
		} else {
			vf := j.v.widen(w.s.floats(attnBufV, nkc*ld), ld, hk, k0, k1)
			attentionPVK.fn(o, d, s, nkc, vf, ld, rows, nkc, d)
		}
	}

	if j.split > 1 {
		po, pm, pl := j.partOf(item, rows)
		copy(po, o)
		copy(pm, m)
		copy(pl, l)
		return
	}
	for r := range rows {
		j.finish(q0+r/g, hk*g+r%g, o[r*d:][:d], m[r], l[r])
	}
}

// narrowScores sets the scores s (rows x k1-k0) of the query rows qs
// against keys [k0, k1) of KV head hk, read as the cache stores them.
func (j *attentionJob) narrowScores(s, qs []float32, rows, hk, k0, k1 int) {
	d, nkc := j.prm.HeadDim, k1-k0
	src := j.k.rows(hk, k0, k1)
	for r := range rows {
		sr, qr := s[r*nkc:][:nkc], qs[r*d:][:d]
		if j.k.Type == F16 {
			attentionQKF16K.fn(sr, qr, bytesAs[uint16](src), d)
		} else {
			attentionQKQ8K.fn(sr, qr, src, j.k.RowBytes)
		}
	}
}

// narrowValues adds to the outputs o the values [k0, k1) of KV head hk,
// read as the cache stores them, weighted by the probabilities p.
func (j *attentionJob) narrowValues(o, p []float32, rows, hk, k0, k1 int) {
	d, nkc := j.prm.HeadDim, k1-k0
	src := j.v.rows(hk, k0, k1)
	for r := range rows {
		or, pr := o[r*d:][:d], p[r*nkc:][:nkc]
		if j.v.Type == F16 {
			attentionPVF16K.fn(or, pr, bytesAs[uint16](src), d)
		} else {
			attentionPVQ8K.fn(or, pr, src, j.v.RowBytes)
		}
	}
}

// finish writes o/l to out for query qi, head h (zeros if nothing was
// seen); o and l are relative to the running max m. A sink logit joins
// the normaliser here, outside the kernels: with M = max(m, sink),
// out = o exp(m-M) / (l exp(m-M) + exp(sink-M)).
func (j *attentionJob) finish(qi, h int, o []float32, m, l float32) {
	d := j.prm.HeadDim
	dst := j.out[(qi*j.prm.Heads+h)*d:][:d]
	if l == 0 {
		clear(dst)
		return
	}
	inv := 1 / l
	if j.prm.SinkLogits != nil {
		sink := j.prm.SinkLogits[h]
		mm := max(m, sink)
		f := expf(m - mm)
		inv = f / (l*f + expf(sink-mm))
	}
	for c, x := range o {
		dst[c] = x * inv
	}
}

// merge combines the key ranges of every query block by log-sum-exp:
// M = max m_s, l = sum exp(m_s-M) l_s, o = sum exp(m_s-M) o_s, the sum
// gathered in the first range's rows.
func (j *attentionJob) merge() {
	d, g := j.prm.HeadDim, j.group
	for hk := range j.prm.KVHeads {
		for qb := range j.nqb {
			q0 := qb * j.bq
			q1 := min(q0+j.bq, len(j.qpos))
			rows := (q1 - q0) * g
			first := (hk*j.nqb + qb) * j.split
			acc, _, _ := j.partOf(first, rows)
			for r := range rows {
				mMax := float32(math.Inf(-1))
				for s := range j.split {
					_, m, _ := j.partOf(first+s, rows)
					mMax = max(mMax, m[r])
				}
				out := acc[r*d:][:d]
				var l float32
				if math.IsInf(float64(mMax), -1) {
					mMax = 0 // no range saw a key: l stays 0
				}
				for s := range j.split {
					o, m, ls := j.partOf(first+s, rows)
					f := float32(0)
					if ls[r] != 0 {
						f = expf(m[r] - mMax)
					}
					l += f * ls[r]
					if s == 0 {
						scaleK.fn(f, out)
					} else if f != 0 {
						axpyK.fn(f, o[r*d:][:d], out)
					}
				}
				j.finish(q0+r/g, hk*g+r%g, out, mMax, l)
			}
		}
	}
}
