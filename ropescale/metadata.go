package ropescale

import (
	"fmt"
	"math"
	"reflect"
)

// GGUF tensor names holding per-pair frequency divisors.
const (
	TensorFreqs       = "rope_freqs.weight"         // Llama 3.1 (and others): divisors for every context
	TensorFactorsLong = "rope_factors_long.weight"  // LongRoPE, contexts past the original length
	TensorFactorShort = "rope_factors_short.weight" // LongRoPE, contexts within it
)

// FromMetadata reads a model's RoPE parameters from its GGUF metadata the
// way llama.cpp does, through get (a metadata lookup: key -> value of any
// GGUF number type, or string) and tensor (float32 contents of a tensor by
// name; nil when the model has none to offer). Keys, for arch "llama":
//
//	llama.rope.dimension_count                 (else attention.key_length, else embedding_length/attention.head_count)
//	llama.rope.freq_base                       (default 10000)
//	llama.rope.scaling.type                    none|linear|yarn|longrope|... (absent: linear if a factor is given)
//	llama.rope.scaling.factor                  (older files: llama.rope.scale_linear)
//	llama.rope.scaling.original_context_length (default llama.context_length)
//	llama.rope.scaling.attn_factor             magnitude multiplier (Phi-3 LongRoPE writes it)
//	llama.rope.scaling.yarn_ext_factor, .yarn_beta_fast, .yarn_beta_slow
//
// A rope_freqs tensor makes an unscaled model Llama3 (with those divisors);
// rope_factors_long/short make it LongRoPE, whose factor, when not given,
// is context_length/original_context_length. Ctx is left 0: the model sets
// it to the context of the run. The result still goes through New's checks.
func FromMetadata(arch string, get func(key string) (any, bool), tensor func(name string) ([]float32, bool)) (Params, error) {
	md := &metadata{arch: arch, get: get}
	var p Params
	p.Dims = md.dims()
	p.FreqBase, _ = md.float("rope.freq_base")
	ctxTrain, _ := md.int("context_length")
	p.Factor, _ = md.float("rope.scaling.factor")
	if p.Factor == 0 {
		p.Factor, _ = md.float("rope.scale_linear")
	}
	p.OrigCtx, _ = md.int("rope.scaling.original_context_length")
	if p.OrigCtx == 0 {
		p.OrigCtx = ctxTrain
	}
	p.AttnFactor, _ = md.float("rope.scaling.attn_factor")
	ext, hasExt := md.float("rope.scaling.yarn_ext_factor")
	p.BetaFast, _ = md.float("rope.scaling.yarn_beta_fast")
	p.BetaSlow, _ = md.float("rope.scaling.yarn_beta_slow")
	typ, hasType := md.string("rope.scaling.type")
	if md.err != nil {
		return Params{}, md.err
	}

	// llama.cpp reads a missing scaling type as "linear" (a no-op without a
	// factor); "none" means no scaling even if a factor is present.
	p.Method = Linear
	if hasType {
		var err error
		if p.Method, err = ParseMethod(typ); err != nil {
			return Params{}, fmt.Errorf("gguf %s.rope.scaling.type: %w", arch, err)
		}
	} else if p.Factor == 0 || p.Factor == 1 {
		p.Method = None
	}
	if p.Method == YaRN && hasExt {
		if ext == 0 {
			p.Method = Linear // YaRN without its ramp is linear interpolation, exactly
		}
		p.ExtFactor = ext
	}

	if tensor == nil {
		tensor = func(string) ([]float32, bool) { return nil, false }
	}
	long, hasLong := tensor(TensorFactorsLong)
	short, hasShort := tensor(TensorFactorShort)
	if hasLong || hasShort {
		if !hasType || p.Method == None || p.Method == LongRoPE {
			p.Method = LongRoPE
		}
		if p.Method == LongRoPE && p.Factor == 0 && p.OrigCtx > 0 && ctxTrain > p.OrigCtx {
			p.Factor = float64(ctxTrain) / float64(p.OrigCtx)
		}
		p.LongFactors, p.ShortFactors = long, short
	}
	if freqs, ok := tensor(TensorFreqs); ok && p.Method != LongRoPE {
		if p.Method == None {
			p.Method = Llama3
		}
		p.FreqFactors = freqs
	}
	if p.Method == None {
		p.Factor = 0 // "none" never scales (llama.cpp sets freq_scale 1)
	}
	return p, nil
}

// metadata reads {arch}.-prefixed GGUF keys with type checks; the first
// error is kept in err and later reads return zero values.
type metadata struct {
	arch string
	get  func(key string) (any, bool)
	err  error
}

// lookup returns the key's value; false when it is missing or an error is pending.
func (m *metadata) lookup(k string) (any, bool) {
	if m.err != nil {
		return nil, false
	}
	return m.get(m.arch + "." + k)
}

func (m *metadata) fail(k, want string, v any) {
	m.err = fmt.Errorf("gguf %s.%s: want %s, have %T %v", m.arch, k, want, v, v)
}

// float returns the key as a finite number; a missing key is (0, false).
func (m *metadata) float(k string) (float64, bool) {
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
func (m *metadata) int(k string) (int, bool) {
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

func (m *metadata) string(k string) (string, bool) {
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
func (m *metadata) dims() int {
	for _, k := range []string{"rope.dimension_count", "attention.key_length"} {
		if n, ok := m.int(k); ok {
			return n
		}
	}
	embd, okE := m.int("embedding_length")
	heads, okH := m.int("attention.head_count")
	if m.err == nil && (!okE || !okH || heads == 0 || embd%heads != 0) {
		m.err = fmt.Errorf("gguf: no %s.rope.dimension_count (nor embedding_length divisible by attention.head_count)", m.arch)
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
