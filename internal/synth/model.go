package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// fill is how a tensor's values are drawn.
type fill int

const (
	initMatrix   fill = iota // N(0, 1/ne0): a weight matrix, stored in the spec's type
	initEmbed                // N(0, 1): token embeddings, stored in the spec's type
	initNorm                 // 1 + 0.1*N(0, 1)
	initZero                 // biases
	initConv                 // N(0, 1/d_conv): Mamba's depthwise conv taps, kept F32
	initMambaA               // -(1..d_state) for every channel
	initOne                  // Mamba's D
	initDtBias               // softplus^-1(dt), dt log-uniform in [1e-3, 0.1]
	initSmallMat             // N(0, 1/ne0) but always F32 (Mamba's dt projection)
)

type tensor struct {
	name string
	dims []uint64 // ne0 first
	fill fill
}

func (t tensor) numel() int {
	n := 1
	for _, d := range t.dims {
		n *= int(d)
	}
	return n
}

// model is a spec expanded into metadata and a tensor list.
type model struct {
	kv      []kv
	tensors []tensor
}

type kv struct {
	key   string
	value any
}

func (m *model) set(key string, value any) { m.kv = append(m.kv, kv{key, value}) }

func (m *model) add(name string, fill fill, dims ...int) {
	d := make([]uint64, len(dims))
	for i, x := range dims {
		d[i] = uint64(x)
	}
	m.tensors = append(m.tensors, tensor{name, d, fill})
}

func positive(name string, vals ...int) error {
	for _, v := range vals {
		if v <= 0 {
			return fmt.Errorf("synth: %s: every dimension must be positive", name)
		}
	}
	return nil
}

// storedType is the type a tensor is written in: matrices (2-D, or 3-D
// stacks of experts) and embeddings in the spec's type when their rows
// are whole blocks of it, the rest F32 (as
// llama.cpp's quantiser leaves norms, biases and odd-shaped tensors).
func storedType(t tensor, w lcrun.DType) lcrun.DType {
	if (t.fill == initMatrix || t.fill == initEmbed) && (len(t.dims) == 2 || len(t.dims) == 3) && int(t.dims[0])%w.BlockSize() == 0 {
		return w
	}
	return lcrun.F32
}

// fileType is general.file_type for a weight type (llama.cpp's LLAMA_FTYPE).
func fileType(w lcrun.DType) (uint32, error) {
	switch w {
	case lcrun.F32:
		return 0, nil
	case lcrun.F16:
		return 1, nil
	case lcrun.Q4_0:
		return 2, nil
	case lcrun.Q8_0:
		return 7, nil
	case lcrun.Q4_K:
		return 15, nil // MOSTLY_Q4_K_M is what people have; all-Q4_K here
	case lcrun.Q6_K:
		return 18, nil
	case lcrun.BF16:
		return 32, nil
	}
	return 0, fmt.Errorf("synth: weight type %s is not supported (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)", w)
}

// encode writes the model with tensor i stored as types[i] and
// general.file_type ft.
func (m *model) encode(types []lcrun.DType, ft uint32, seed uint64) (*gguf.Writer, error) {
	w := gguf.NewWriter()
	for _, p := range m.kv {
		if err := w.Set(p.key, p.value); err != nil {
			return nil, err
		}
	}
	w.SetUint32("general.file_type", ft)
	w.SetUint32("general.quantization_version", 2)

	data := make([][]byte, len(m.tensors))
	errs := make([]error, len(m.tensors))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, t := range m.tensors {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			data[i], errs[i] = t.generate(types[i], seed)
		}()
	}
	wg.Wait()
	for i, t := range m.tensors {
		if errs[i] != nil {
			return nil, fmt.Errorf("synth: %s: %w", t.name, errs[i])
		}
		if err := w.AddTensor(t.name, types[i], t.dims, data[i]); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// generate draws the tensor's values from a generator seeded by the spec's
// seed and the tensor's name, so each tensor is independent of the order
// (and the parallelism) in which tensors are made.
func (t tensor) generate(typ lcrun.DType, seed uint64) ([]byte, error) {
	h := fnv.New64a()
	h.Write([]byte(t.name))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	ne0 := int(t.dims[0])
	vals := make([]float32, t.numel())
	switch t.fill {
	case initMatrix, initSmallMat:
		std := 1 / math.Sqrt(float64(ne0))
		for i := range vals {
			vals[i] = float32(rng.NormFloat64() * std)
		}
	case initEmbed:
		for i := range vals {
			vals[i] = float32(rng.NormFloat64())
		}
	case initNorm:
		for i := range vals {
			vals[i] = float32(1 + 0.1*rng.NormFloat64())
		}
	case initZero:
	case initConv:
		std := 1 / math.Sqrt(float64(ne0))
		for i := range vals {
			vals[i] = float32(rng.NormFloat64() * std)
		}
	case initMambaA:
		for i := range vals {
			vals[i] = -float32(i%ne0 + 1)
		}
	case initOne:
		for i := range vals {
			vals[i] = 1
		}
	case initDtBias:
		lo, hi := math.Log(1e-3), math.Log(0.1)
		for i := range vals {
			dt := math.Exp(lo + (hi-lo)*rng.Float64())
			vals[i] = float32(dt + math.Log(-math.Expm1(-dt))) // softplus^-1
		}
	}
	n, err := typ.RowBytes(len(vals))
	if err != nil {
		return nil, err
	}
	out := make([]byte, n)
	if err := lcrun.Quantize(typ, out, vals); err != nil {
		return nil, err
	}
	return out, nil
}
