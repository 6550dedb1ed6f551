package model

import (
	"fmt"
	"math"
	"reflect"

	"github.com/lcrun/lcrun/ropescale"
)

// Tensors holding per-pair RoPE frequency divisors.
const (
	tensorRopeFreqs        = "rope_freqs.weight"         // Llama 3.1 (and others): divisors for every context
	tensorRopeFactorsLong  = "rope_factors_long.weight"  // LongRoPE, contexts past the original length
	tensorRopeFactorsShort = "rope_factors_short.weight" // LongRoPE, contexts within it
)

// ropeFromMetadata reads a model's RoPE parameters from its GGUF metadata
// the way llama.cpp does, through get (a metadata lookup: key -> value of
// any GGUF number type, or string) and tensor (float32 contents of a
// tensor by name; nil when the model has none to offer):
//
//   - the rotated dimensions are rope.dimension_count, else
//     attention.key_length, else embedding_length / attention.head_count;
//   - the frequency base is rope.freq_base (absent: ropescale's default);
//   - the factor is rope.scaling.factor, in older files rope.scale_linear;
//   - the original context is rope.scaling.original_context_length, else
//     context_length;
//   - a missing rope.scaling.type is linear if a factor is given, else none;
//   - rope.scaling.attn_factor multiplies the magnitude (Phi-3's LongRoPE
//     files write it); rope.scaling.yarn_ext_factor, .yarn_beta_fast and
//     .yarn_beta_slow shape YaRN's ramp;
//   - rope.scaling.yarn_log_multiplier L (Hugging Face's mscale_all_dim)
//     makes YaRN's net magnitude mscale(s, 1)/mscale(s, L) instead of
//     1 + 0.1 ln s, mscale(s, m) = 1 + 0.1 m ln s (llama.cpp's reading).
//
// A rope_freqs tensor makes an unscaled model Llama3 (with those divisors);
// rope_factors_long/short make it LongRoPE, whose factor, when not given,
// is context_length/original_context_length. Ctx is left 0: the model sets
// it to the context of the run. The result still goes through
// ropescale.New's checks.
func ropeFromMetadata(arch string, get func(key string) (any, bool), tensor func(name string) ([]float32, bool)) (ropescale.Params, error) {
	md := &metaReader{arch: arch, get: get}
	var p ropescale.Params
	p.Dims = md.dims()
	p.FreqBase, _ = md.float(keyRopeFreqBase)
	ctxTrain, _ := md.int(keyContextLength)
	p.Factor, _ = md.float(keyRopeScalingFactor)
	if p.Factor == 0 {
		p.Factor, _ = md.float(keyRopeScaleLinear)
	}
	p.OrigCtx, _ = md.int(keyRopeOrigCtx)
	if p.OrigCtx == 0 {
		p.OrigCtx = ctxTrain
	}
	p.AttnFactor, _ = md.float(keyRopeAttnFactor)
	ext, hasExt := md.float(keyRopeYarnExtFactor)
	p.BetaFast, _ = md.float(keyRopeYarnBetaFast)
	p.BetaSlow, _ = md.float(keyRopeYarnBetaSlow)
	logMul, _ := md.float(keyRopeYarnLogMul)
	typ, hasType := md.string(keyRopeScalingType)
	if md.err != nil {
		return ropescale.Params{}, md.err
	}

	// llama.cpp reads a missing scaling type as "linear" (a no-op without a
	// factor); "none" means no scaling even if a factor is present.
	p.Method = ropescale.Linear
	if hasType {
		var err error
		if p.Method, err = ropescale.ParseMethod(typ); err != nil {
			return ropescale.Params{}, fmt.Errorf("gguf %s.%s: %w", arch, keyRopeScalingType, err)
		}
	} else if p.Factor == 0 || p.Factor == 1 {
		p.Method = ropescale.None
	}
	if p.Method == ropescale.YaRN && hasExt {
		if ext == 0 {
			p.Method = ropescale.Linear // YaRN without its ramp is linear interpolation, exactly
		}
		p.ExtFactor = ext
	}
	if p.Method == ropescale.YaRN && logMul != 0 {
		p.AttnFactor = yarnLogMulAttnFactor(p.AttnFactor, p.Factor, logMul)
	}

	if tensor == nil {
		tensor = func(string) ([]float32, bool) { return nil, false }
	}
	long, hasLong := tensor(tensorRopeFactorsLong)
	short, hasShort := tensor(tensorRopeFactorsShort)
	if hasLong || hasShort {
		if !hasType || p.Method == ropescale.None || p.Method == ropescale.LongRoPE {
			p.Method = ropescale.LongRoPE
		}
		if p.Method == ropescale.LongRoPE && p.Factor == 0 && p.OrigCtx > 0 && ctxTrain > p.OrigCtx {
			p.Factor = float64(ctxTrain) / float64(p.OrigCtx)
		}
		p.LongFactors, p.ShortFactors = long, short
	}
	if freqs, ok := tensor(tensorRopeFreqs); ok && p.Method != ropescale.LongRoPE {
		if p.Method == ropescale.None {
			p.Method = ropescale.Llama3
		}
		p.FreqFactors = freqs
	}
	if p.Method == ropescale.None {
		p.Factor = 0 // "none" never scales (llama.cpp sets freq_scale 1)
	}
	return p, nil
}

// yarnLogMulAttnFactor is the attention factor (times the file's own, 0 =
// 1) that turns YaRN's built-in magnitude 1 + 0.1 ln s into
// mscale(s, 1)/mscale(s, logMul).
func yarnLogMulAttnFactor(attn, factor, logMul float64) float64 {
	if attn == 0 {
		attn = 1
	}
	if !(factor > 1) {
		return attn
	}
	mscale := func(m float64) float64 { return 0.1*m*math.Log(factor) + 1 }
	return attn * mscale(1) / mscale(logMul) / mscale(1)
}

// metaReader reads {arch}.-prefixed GGUF keys with type checks; the first
// error is kept in err and later reads return zero values.
type metaReader struct {
	arch string
	get  func(key string) (any, bool)
	err  error
}

// lookup returns the key's value; false when it is missing or an error is pending.
func (m *metaReader) lookup(k string) (any, bool) {
	if m.err != nil {
		return nil, false
	}
	return m.get(m.arch + "." + k)
}

func (m *metaReader) fail(k, want string, v any) {
	m.err = fmt.Errorf("gguf %s.%s: want %s, have %T %v", m.arch, k, want, v, v)
}

// float returns the key as a finite number; a missing key is (0, false).
func (m *metaReader) float(k string) (float64, bool) {
	v, ok := m.lookup(k)
	if !ok {
		return 0, false
	}
	f, ok := asFloat(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		m.fail(k, "a finite number", v)
		return 0, false
	}
	return f, true
}

// int returns the key as a non-negative integer (a count).
func (m *metaReader) int(k string) (int, bool) {
	v, ok := m.lookup(k)
	if !ok {
		return 0, false
	}
	f, ok := asFloat(v)
	if !ok || f != math.Trunc(f) || f < 0 || f > 1<<40 {
		m.fail(k, "a count", v)
		return 0, false
	}
	return int(f), true
}

func (m *metaReader) string(k string) (string, bool) {
	v, ok := m.lookup(k)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		m.fail(k, "a string", v)
	}
	return s, ok
}

// dims is the rotated dimension count, with llama.cpp's fallbacks.
func (m *metaReader) dims() int {
	for _, k := range []string{keyRopeDims, keyKeyLength} {
		if n, ok := m.int(k); ok {
			return n
		}
	}
	embd, okE := m.int(keyEmbedding)
	heads, okH := m.int(keyHeads)
	if m.err == nil && (!okE || !okH || heads == 0 || embd%heads != 0) {
		m.err = fmt.Errorf("gguf: no %s.%s (nor %s divisible by %s)", m.arch, keyRopeDims, keyEmbedding, keyHeads)
	}
	return embd / max(heads, 1)
}

// asFloat converts any Go integer or float type (the GGUF number types).
func asFloat(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}
