package lcrun

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// naiveAttention is the test-only reference: the full score matrix of each
// query and head in float64, masked, soft-maxed and applied to V, over the
// cache rows as the cache stores them (KV.Get), so the rounding of f16 and
// q8_0 caches is in the reference too.
func naiveAttention(q []float32, qpos []int32, k, v *KV, kpos []int32, nk int, prm AttentionParams) []float64 {
	d, g := prm.HeadDim, prm.Heads/prm.KVHeads
	keys := make([][][]float32, prm.KVHeads)
	vals := make([][][]float32, prm.KVHeads)
	for h := range prm.KVHeads {
		for j := range nk {
			kr, vr := make([]float32, d), make([]float32, d)
			k.Get(h, j, kr)
			v.Get(h, j, vr)
			keys[h] = append(keys[h], kr)
			vals[h] = append(vals[h], vr)
		}
	}
	out := make([]float64, len(qpos)*prm.Heads*d)
	s := make([]float64, nk)
	for i, qp := range qpos {
		for h := range prm.Heads {
			qh := q[(i*prm.Heads+h)*d:][:d]
			hk := h / g
			m := math.Inf(-1)
			for j := range nk {
				s[j] = math.Inf(-1)
				if !prm.visible(qp, kpos[j]) {
					continue
				}
				var dot float64
				for c := range d {
					dot += float64(qh[c]) * float64(keys[hk][j][c])
				}
				if prm.SoftCap != 0 {
					dot = float64(prm.SoftCap) * math.Tanh(dot/float64(prm.SoftCap))
				}
				s[j] = dot * float64(prm.Scale)
				m = math.Max(m, s[j])
			}
			if math.IsInf(m, -1) {
				continue // sees nothing: zeros
			}
			var sink float64
			if prm.SinkLogits != nil {
				sink = float64(prm.SinkLogits[h])
				m = math.Max(m, sink)
			}
			var sum float64
			for j := range nk {
				s[j] = math.Exp(s[j] - m)
				sum += s[j]
			}
			if prm.SinkLogits != nil {
				sum += math.Exp(sink - m)
			}
			o := out[(i*prm.Heads+h)*d:][:d]
			for j := range nk {
				if s[j] == 0 {
					continue
				}
				for c := range d {
					o[c] += s[j] / sum * float64(vals[hk][j][c])
				}
			}
		}
	}
	return out
}

type attnCase struct {
	nq, nk, heads, kvHeads, d int
	window, sinks             int
	softCap                   float32
	kvType                    DType
	shuffled                  bool // slots not in position order (a ring buffer)
	sinkLogits                bool // learned sink logits per head (gpt-oss)
}

func (c attnCase) String() string {
	return fmt.Sprintf("nq%d_nk%d_h%d_kv%d_d%d_w%d_s%d_cap%g_%v_shuf%v_sinklogits%v", c.nq, c.nk, c.heads, c.kvHeads, c.d, c.window, c.sinks, c.softCap, c.kvType, c.shuffled, c.sinkLogits)
}

// setup fills caches and queries with N(0,1) data; queries sit at the end
// of the cached positions (prefill of nq tokens after nk-nq cached ones).
func (c attnCase) setup(t testing.TB, seed uint64) (q []float32, qpos []int32, k, v *KV, kpos []int32, prm AttentionParams) {
	r := newRand(seed)
	var err error
	k, err = NewKV(c.kvType, c.kvHeads, c.nk+3, c.d)
	require.NoError(t, err)
	v, err = NewKV(c.kvType, c.kvHeads, c.nk+3, c.d)
	require.NoError(t, err)
	kpos = make([]int32, c.nk)
	for j := range kpos {
		kpos[j] = int32(j)
	}
	if c.shuffled {
		r.Shuffle(len(kpos), func(a, b int) { kpos[a], kpos[b] = kpos[b], kpos[a] })
	}
	for j := range c.nk {
		k.Put(j, randVec(r, c.kvHeads*c.d, 0, 1))
		v.Put(j, randVec(r, c.kvHeads*c.d, 0, 1))
	}
	q = randVec(r, c.nq*c.heads*c.d, 1, 1)
	qpos = make([]int32, c.nq)
	for i := range qpos {
		qpos[i] = int32(c.nk - c.nq + i)
	}
	prm = AttentionParams{Heads: c.heads, KVHeads: c.kvHeads, HeadDim: c.d, Scale: float32(1 / math.Sqrt(float64(c.d))),
		SoftCap: c.softCap, Window: c.window, Sinks: c.sinks}
	if c.sinkLogits {
		// Around the scores' range, some above every score, some below.
		prm.SinkLogits = randVec(r, c.heads, 0, 3)
	}
	return
}

func attentionCases(short bool) []attnCase {
	var cs []attnCase
	for _, kv := range []DType{F32, F16, Q8_0} {
		for _, ratio := range []int{1, 2, 4, 8} {
			cs = append(cs,
				attnCase{nq: 70, nk: 70, heads: 8, kvHeads: 8 / ratio, d: 16, kvType: kv},         // prefill, causal
				attnCase{nq: 1, nk: 300, heads: 8, kvHeads: 8 / ratio, d: 32, kvType: kv},         // decode
				attnCase{nq: 5, nk: 200, heads: ratio, kvHeads: 1, d: 40, window: 37, kvType: kv}, // window, d not a block multiple
				attnCase{nq: 100, nk: 260, heads: 2 * ratio, kvHeads: 2, d: 8, window: 50, sinks: 4, kvType: kv, shuffled: true},
			)
		}
	}
	cs = append(cs,
		attnCase{nq: 1, nk: 1, heads: 1, kvHeads: 1, d: 1, kvType: F32},
		attnCase{nq: 33, nk: 33, heads: 4, kvHeads: 2, d: 64, softCap: 5, kvType: F32},
		attnCase{nq: 3, nk: 129, heads: 3, kvHeads: 3, d: 7, window: 1, kvType: F32}, // sees only itself
		attnCase{nq: 64, nk: 64, heads: 2, kvHeads: 1, d: 128, window: 1, sinks: 1, kvType: F16},
		// Decode over f16 rows read directly: d not a multiple of 8, a
		// ring with window and sinks, a soft-cap; and the most rows
		// (attnNarrowF16Rows) that take that path.
		attnCase{nq: 1, nk: 300, heads: 6, kvHeads: 2, d: 20, window: 100, sinks: 3, kvType: F16, shuffled: true},
		attnCase{nq: 2, nk: 150, heads: 4, kvHeads: 4, d: 67, softCap: 5, kvType: F16},
		attnCase{nq: 1, nk: 200, heads: 8, kvHeads: 1, d: 72, kvType: F16},
		attnCase{nq: 1, nk: 200, heads: 4, kvHeads: 1, d: 40, window: 90, kvType: Q8_0, shuffled: true},
		attnCase{nq: 3, nk: 130, heads: 3, kvHeads: 3, d: 96, softCap: 5, kvType: Q8_0},
		// Learned sink logits: prefill, a window over a ring, decode
		// (split on more threads) over each cache type.
		attnCase{nq: 70, nk: 70, heads: 4, kvHeads: 2, d: 16, kvType: F32, sinkLogits: true},
		attnCase{nq: 20, nk: 150, heads: 4, kvHeads: 2, d: 16, window: 32, kvType: F32, shuffled: true, sinkLogits: true},
		attnCase{nq: 1, nk: 300, heads: 4, kvHeads: 2, d: 16, kvType: F16, sinkLogits: true},
		attnCase{nq: 1, nk: 300, heads: 4, kvHeads: 2, d: 32, window: 64, kvType: Q8_0, sinkLogits: true},
	)
	if short {
		cs = append(cs, attnCase{nq: 256, nk: 256, heads: 4, kvHeads: 2, d: 32, kvType: F32},
			attnCase{nq: 1, nk: 512, heads: 4, kvHeads: 1, d: 64, window: 128, sinks: 4, kvType: Q8_0})
	} else {
		cs = append(cs, attnCase{nq: 2048, nk: 2048, heads: 2, kvHeads: 1, d: 32, kvType: F32},
			attnCase{nq: 512, nk: 2048, heads: 4, kvHeads: 2, d: 64, window: 700, sinks: 8, kvType: F16},
			attnCase{nq: 1, nk: 2048, heads: 8, kvHeads: 2, d: 64, kvType: Q8_0})
	}
	return cs
}

// TestAttentionVsNaive checks the blockwise kernel against the full-matrix
// reference for every mask, GQA ratio and cache type, on 1 to 4 threads
// and with the decode split forced on. Tolerance 2e-5 absolute: outputs
// are convex combinations of N(0,1) values (|o| < 5); the float32 dot
// products (|q.k| up to ~30 relative error 1e-6) and the running
// rescaling move probabilities by a few 1e-7 relative, the outputs by
// a few 1e-6.
func TestAttentionVsNaive(t *testing.T) {
	cases := attentionCases(testing.Short())
	refs := make([][]float64, len(cases))
	forEachImpl(t, func(t *testing.T) {
		for ci, c := range cases {
			q, qpos, k, v, kpos, prm := c.setup(t, uint64(ci)+100)
			if refs[ci] == nil {
				refs[ci] = naiveAttention(q, qpos, k, v, kpos, c.nk, prm)
			}
			ref := refs[ci]
			runs := []struct{ threads, split int }{{1, 0}, {2, 0}, {3, 0}, {4, 0}, {1, 3}, {4, 7}}
			if testing.Short() || c.nq*c.nk > 1<<18 { // the largest cases once single- and once multi-threaded
				runs = []struct{ threads, split int }{{1, 0}, {3, 0}, {4, 7}}
			}
			for _, run := range runs {
				forceAttnSplit = run.split
				p := NewPool(run.threads)
				out := newGuarded(len(ref), ci%4)
				p.Attention(out.s(), q, qpos, k, v, kpos, c.nk, prm)
				p.Close()
				forceAttnSplit = 0
				out.check(t)
				for i, got := range out.s() {
					if math.Abs(ref[i]-float64(got)) > 2e-5 {
						t.Fatalf("%v threads=%d split=%d: out[%d] = %v, want %v", c, run.threads, run.split, i, got, ref[i])
					}
				}
			}
		}
	})
}

// TestAttentionDecodeSplit: splitting the keys of one query across ranges
// merged by log-sum-exp gives the unsplit result to float32 rounding.
func TestAttentionDecodeSplit(t *testing.T) {
	c := attnCase{nq: 1, nk: 1000, heads: 8, kvHeads: 2, d: 64, kvType: F16}
	q, qpos, k, v, kpos, prm := c.setup(t, 7)
	whole := make([]float32, 8*64)
	(*Pool)(nil).Attention(whole, q, qpos, k, v, kpos, c.nk, prm)
	for _, split := range []int{2, 3, 5, 16, 100} {
		forceAttnSplit = split
		got := make([]float32, len(whole))
		(*Pool)(nil).Attention(got, q, qpos, k, v, kpos, c.nk, prm)
		forceAttnSplit = 0
		assertClose(t, whole, got, 2e-6, "split %d", split)
	}
	// The automatic choice splits on a multi-thread pool.
	p := NewPool(4)
	defer p.Close()
	got := make([]float32, len(whole))
	p.Attention(got, q, qpos, k, v, kpos, c.nk, prm)
	assert.Greater(t, p.attn.split, 1)
	assertClose(t, whole, got, 2e-6, "automatic split")
}

// TestAttentionGolden runs the llama.cpp op goldens: q [H][nq][D] (numpy
// order) is transposed to our [nq][H][D]; k, v [Hkv][nkv][D] go into the
// caches slot by slot. Tolerances are the manifest's: 1e-5 for f32 K/V,
// 0.0021 for f16 (llama.cpp also rounds Q and P to f16 there; we do not).
func TestAttentionGolden(t *testing.T) {
	const d, h, hkv, n = 64, 8, 2, 300
	q := readF32(t, "testdata/golden/ops/attn/d64_h8_hkv2_n300_q.f32")
	kf := readF32(t, "testdata/golden/ops/attn/d64_h8_hkv2_n300_k.f32")
	vf := readF32(t, "testdata/golden/ops/attn/d64_h8_hkv2_n300_v.f32")
	require.Len(t, q, h*n*d)
	qt := make([]float32, len(q))
	for hi := range h {
		for i := range n {
			copy(qt[(i*h+hi)*d:][:d], q[(hi*n+i)*d:][:d])
		}
	}
	pos := make([]int32, n)
	for i := range pos {
		pos[i] = int32(i)
	}
	prm := AttentionParams{Heads: h, KVHeads: hkv, HeadDim: d, Scale: 1.0 / 8}
	forEachImpl(t, func(t *testing.T) {
		for _, tc := range []struct {
			typ  DType
			want string
			tol  float64
		}{{F32, "kvf32", 1e-5}, {F16, "kvf16", 0.0021}} {
			k, err := NewKV(tc.typ, hkv, n, d)
			require.NoError(t, err)
			v, err := NewKV(tc.typ, hkv, n, d)
			require.NoError(t, err)
			row := make([]float32, hkv*d)
			for j := range n {
				for hk := range hkv {
					copy(row[hk*d:][:d], kf[(hk*n+j)*d:][:d])
				}
				k.Put(j, row)
				for hk := range hkv {
					copy(row[hk*d:][:d], vf[(hk*n+j)*d:][:d])
				}
				v.Put(j, row)
			}
			want := readF32(t, "testdata/golden/ops/attn/d64_h8_hkv2_n300_out_"+tc.want+".f32")
			for _, threads := range []int{1, 3} {
				p := NewPool(threads)
				out := make([]float32, n*h*d)
				p.Attention(out, qt, pos, k, v, pos, n, prm)
				p.Close()
				assertClose(t, want, out, tc.tol, "%s threads=%d", tc.want, threads)
			}
			// Decode: the last query alone against the whole cache.
			out := make([]float32, h*d)
			forceAttnSplit = 3
			(*Pool)(nil).Attention(out, qt[(n-1)*h*d:], pos[n-1:], k, v, pos, n, prm)
			forceAttnSplit = 0
			assertClose(t, want[(n-1)*h*d:], out, tc.tol, "%s decode", tc.want)
		}
	})
}

func TestAttentionEdgeCases(t *testing.T) {
	c := attnCase{nq: 4, nk: 10, heads: 2, kvHeads: 1, d: 8, kvType: F32}
	q, qpos, k, v, kpos, prm := c.setup(t, 9)
	// Queries before every key see nothing: zeros, not NaN.
	early := []int32{-5, -1, -3, -2}
	out := make([]float32, 4*2*8)
	for i := range out {
		out[i] = 42
	}
	(*Pool)(nil).Attention(out, q, early, k, v, kpos, c.nk, prm)
	for _, x := range out {
		require.Equal(t, float32(0), x)
	}
	// nk = 0 is the same.
	(*Pool)(nil).Attention(out, q, qpos, k, v, kpos, 0, prm)
	assert.Equal(t, make([]float32, len(out)), out)
	// No queries: nothing happens.
	(*Pool)(nil).Attention(nil, nil, nil, k, v, kpos, c.nk, prm)
	// NaN in a query reaches only its own outputs.
	q2 := append([]float32(nil), q...)
	q2[0] = float32(math.NaN())
	(*Pool)(nil).Attention(out, q2, qpos, k, v, kpos, c.nk, prm)
	assert.True(t, math.IsNaN(float64(out[0])))
	assert.False(t, math.IsNaN(float64(out[8])), "head 1 of query 0 is unaffected")

	bad := []struct {
		name string
		f    func()
	}{
		{"heads not a multiple", func() {
			p := prm
			p.Heads = 3
			(*Pool)(nil).Attention(out, q, qpos, k, v, kpos, c.nk, p)
		}},
		{"nk past the cache", func() { (*Pool)(nil).Attention(out, q, qpos, k, v, kpos, k.Cap+1, prm) }},
		{"short out", func() { (*Pool)(nil).Attention(out[:5], q, qpos, k, v, kpos, c.nk, prm) }},
		{"head dim mismatch", func() {
			p := prm
			p.HeadDim = 4
			(*Pool)(nil).Attention(out, q, qpos, k, v, kpos, c.nk, p)
		}},
	}
	for _, b := range bad {
		assert.Panics(t, b.f, b.name)
	}
}

func TestAttentionNoAllocation(t *testing.T) {
	for _, c := range []attnCase{
		{nq: 1, nk: 700, heads: 8, kvHeads: 2, d: 64, kvType: Q8_0},
		{nq: 50, nk: 100, heads: 4, kvHeads: 4, d: 32, window: 20, sinks: 2, kvType: F16},
	} {
		q, qpos, k, v, kpos, prm := c.setup(t, 11)
		p := NewPool(3)
		out := make([]float32, c.nq*c.heads*c.d)
		p.Attention(out, q, qpos, k, v, kpos, c.nk, prm)
		allocs := testing.AllocsPerRun(10, func() { p.Attention(out, q, qpos, k, v, kpos, c.nk, prm) })
		p.Close()
		assert.Zero(t, allocs, c.String())
	}
}

func TestKV(t *testing.T) {
	r := newRand(12)
	for _, typ := range []DType{F32, F16, Q8_0} {
		for _, dim := range []int{1, 31, 32, 33, 64, 100} {
			kv, err := NewKV(typ, 3, 5, dim)
			require.NoError(t, err)
			x := randVec(r, 3*dim, 0, 1)
			kv.Put(4, x)
			row := make([]float32, dim)
			for h := range 3 {
				kv.Get(h, 4, row)
				src := x[h*dim:][:dim]
				var amax float64
				for _, v := range src {
					amax = math.Max(amax, math.Abs(float64(v)))
				}
				for i, v := range src {
					var tol float64
					switch typ {
					case F16:
						tol = math.Abs(float64(v)) * 0x1p-11 // half an f16 ulp
					case Q8_0:
						tol = amax / 127 * 0.57 // as for Q8_0 activations
					}
					require.InDelta(t, v, row[i], tol+1e-30, "%v dim %d head %d value %d", typ, dim, h, i)
				}
				kv.Get(h, 3, row)
				assert.Equal(t, make([]float32, dim), row, "untouched slots stay zero")
			}
			assert.Panics(t, func() { kv.Put(5, x) })
			assert.Panics(t, func() { kv.Put(0, x[1:]) })
		}
	}
	for _, bad := range []struct {
		typ             DType
		heads, cap, dim int
	}{{Q4_0, 1, 1, 32}, {F32, 0, 1, 1}, {F32, 1, -1, 1}, {F16, 1, 1, 0}, {F32, 1 << 30, 1 << 30, 1 << 30}} {
		_, err := NewKV(bad.typ, bad.heads, bad.cap, bad.dim)
		assert.Error(t, err, "%+v", bad)
	}
}
