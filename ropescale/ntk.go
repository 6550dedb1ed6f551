package ropescale

import (
	"math"
	"sync"
)

// NTK-aware scaling (bloc97, "NTK-Aware Scaled RoPE allows LLaMA models to
// have extended (8k+) context size without any fine-tuning", r/LocalLLaMA,
// June 2023; analysed in the YaRN paper, arXiv:2309.00071, section 3.1).
//
// Derivation. Position interpolation divides every frequency by s, which
// crowds the high frequencies the model uses to tell neighbouring tokens
// apart. NTK-aware scaling changes the base instead, b' = b*k, so that the
// highest frequency (pair 0, theta_0 = 1) is untouched and the lowest one
// (pair d/2-1, theta = b^(-(d-2)/d)) is divided by exactly s, i.e.
// interpolated like PI:
//   (b*k)^(-(d-2)/d) = b^(-(d-2)/d) / s   =>   k = s^(d/(d-2)),
// so b' = b * s^(d/(d-2)). Frequencies in between are scaled by
// s^(-2i/(d-2)): a smooth spread of the interpolation over the dimensions.

// ntkBase returns the NTK-aware base b * s^(d/(d-2)).
func ntkBase(base, factor float64, dims int) float64 {
	return base * math.Pow(factor, float64(dims)/float64(dims-2))
}

// Dynamic NTK (emozilla, r/LocalLLaMA, July 2023; Hugging Face
// transformers' DynamicNTKScalingRotaryEmbedding, "dynamic" rope_scaling).
//
// Derivation. Static NTK scaling changes the frequencies even for short
// inputs, which costs quality inside the trained context. Dynamic NTK leaves
// them alone up to the trained length L0 and, for a sequence of length
// L > L0, uses the NTK base for the factor that the sequence actually needs,
// s(L) = s*L/L0 - (s-1) (= 1 at L = L0, growing linearly with slope s/L0):
//   b(L) = b * (s*L/L0 - (s-1))^(d/(d-2)).
// (So even s = 1 extends the context past L0, with s(L) = L/L0: the factor
// only sets the slope.) Hugging Face recomputes it from the current length at every forward call.
// We recompute it once per bucket of dynamicBucket tokens, using the
// bucket's upper end, so every position inside the bucket is covered and a
// model calling ForLength per micro-batch gets the same table until the
// sequence crosses into the next bucket. (Hugging Face's cache keeps keys
// rotated with the table of the length they were written at; lcrun's model
// re-rotates every cached key to the new table when the bucket changes, so
// that a cache filled in steps attends as one filled at once: see
// model/kvcache/rerotate.go.)

// dynamicBucket is the granularity of dynamic NTK's length buckets, in tokens.
const dynamicBucket = 256

// dynamicBase returns the dynamic NTK base for a sequence of length n > L0.
func dynamicBase(base, factor float64, dims, n, origCtx int) float64 {
	s := factor*float64(n)/float64(origCtx) - (factor - 1)
	return base * math.Pow(s, float64(dims)/float64(dims-2))
}

// dynamicTables hands out dynamic NTK tables per length bucket. Models grow
// their sequences monotonically, so only the last table is kept.
type dynamicTables struct {
	root *Rope // the unscaled table, used up to the trained length

	mu     sync.Mutex
	length int // bucket length of last
	last   *Rope
}

func (d *dynamicTables) forLength(n int) *Rope {
	root := d.root
	if n <= root.p.OrigCtx {
		return root
	}
	length := (n + dynamicBucket - 1) / dynamicBucket * dynamicBucket
	if length < n { // overflow: n within a bucket of MaxInt
		length = n
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last != nil && d.length == length {
		return d.last
	}
	t := *root
	t.length = length
	t.base = dynamicBase(root.p.FreqBase, root.p.Factor, root.p.Dims, length, root.p.OrigCtx)
	if math.IsInf(float64(float32(t.base)), 1) {
		// Far past any realistic length: keep the largest float32 base, the
		// frequencies are then as low as ggml could represent them.
		t.base = math.MaxFloat32
	}
	t.thetaScale = thetaScale(t.base, root.p.Dims)
	d.length, d.last = length, &t
	return &t
}
