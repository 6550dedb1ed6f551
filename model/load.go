package model

import (
	"fmt"
	"math"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// loader reads one architecture's hyperparameters and tensors from a file,
// checking every value and shape so that a hostile or inconsistent file
// gives one clear error instead of a panic or a huge allocation.
type loader struct {
	f    *gguf.File
	arch string // general.architecture: the prefix of the hyperparameter keys
	// read holds the tensors the architecture looked at (unreadTensor).
	read map[string]bool
}

// Limits on hyperparameters: far above any real model, low enough that
// products of them (scratch sizes) cannot overflow.
const (
	maxLayers = 1 << 12
	maxWidth  = 1 << 20 // embedding, feed-forward, inner sizes
	maxHeads  = 1 << 12
	maxVocab  = 1 << 24
)

// key is the full name of an architecture hyperparameter.
func (l *loader) key(k string) string { return l.arch + "." + k }

// count reads {arch}.k, a positive integer at most limit.
func (l *loader) count(k string, limit int) (int, error) {
	n, err := l.f.Count(l.key(k))
	if err != nil {
		return 0, fmt.Errorf("model: %w", err)
	}
	return n, checkCount(l.key(k), n, limit)
}

// countOr is count with a default for an absent key.
func (l *loader) countOr(k string, def, limit int) (int, error) {
	if !l.f.Has(l.key(k)) {
		return def, nil
	}
	return l.count(k, limit)
}

func checkCount(key string, n, limit int) error {
	if n <= 0 || n > limit {
		return fmt.Errorf("model: %s = %d is out of range (1..%d)", key, n, limit)
	}
	return nil
}

// floatOr reads {arch}.k as a finite number, def when absent.
func (l *loader) floatOr(k string, def float64) (float64, error) {
	x, err := l.f.FloatOr(l.key(k), def)
	if err != nil {
		return 0, fmt.Errorf("model: %w", err)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("model: %s = %v is not a finite number", l.key(k), x)
	}
	return x, nil
}

// tensorInfo finds a tensor and checks its extents: dims are ne0 first
// (a matrix of rows x cols is {cols, rows}); trailing extents of 1 in the
// file are accepted.
func (l *loader) tensorInfo(name string, dims ...int) (*gguf.TensorInfo, error) {
	t, ok := l.f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("model: tensor %s is missing", name)
	}
	l.markRead(name)
	if t.Err != nil {
		return nil, fmt.Errorf("model: %w", t.Err)
	}
	if !shapeIs(t.Dims, dims) {
		return nil, fmt.Errorf("model: tensor %s has shape %v, want %v (from the hyperparameters)", name, t.Dims, dims)
	}
	return t, nil
}

func shapeIs(got []uint64, want []int) bool {
	for i := range max(len(got), len(want)) {
		g, w := uint64(1), 1
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if w < 0 || g != uint64(w) {
			return false
		}
	}
	return true
}

// matrix returns tensor name as a rows x cols weight matrix in place (no copy).
func (l *loader) matrix(name string, rows, cols int) (lc.Matrix, error) {
	t, err := l.tensorInfo(name, cols, rows)
	if err != nil {
		return lc.Matrix{}, err
	}
	data, err := l.f.TensorData(name)
	if err != nil {
		return lc.Matrix{}, fmt.Errorf("model: %w", err)
	}
	m, err := lc.NewMatrix(t.Type, rows, cols, data)
	if err != nil {
		return lc.Matrix{}, fmt.Errorf("model: tensor %s: %w", name, err)
	}
	return m, nil
}

// optMatrix is matrix for a tensor that may be absent (ok false, no error).
func (l *loader) optMatrix(name string, rows, cols int) (m lc.Matrix, ok bool, err error) {
	if _, has := l.f.Tensor(name); !has {
		return lc.Matrix{}, false, nil
	}
	m, err = l.matrix(name, rows, cols)
	return m, err == nil, err
}

// vector returns tensor name (n values of any type Dequantize reads) as a
// new float32 slice: small tensors (norms, biases) are copied, which also
// frees them from the file's alignment.
func (l *loader) vector(name string, dims ...int) ([]float32, error) {
	t, err := l.tensorInfo(name, dims...)
	if err != nil {
		return nil, err
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	data, err := l.f.TensorData(name)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	out := make([]float32, n)
	if err := lc.Dequantize(t.Type, out, data); err != nil {
		return nil, fmt.Errorf("model: tensor %s: %w", name, err)
	}
	return out, nil
}

// optVector is vector for a tensor that may be absent (nil, no error).
func (l *loader) optVector(name string, dims ...int) ([]float32, error) {
	if _, has := l.f.Tensor(name); !has {
		return nil, nil
	}
	return l.vector(name, dims...)
}

// f32Tensor gives the float32 contents of a small tensor of any shape, for
// ropeFromMetadata's rope_freqs and LongRoPE factor tensors.
func (l *loader) f32Tensor(name string) ([]float32, bool) {
	t, ok := l.f.Tensor(name)
	if !ok || t.Err != nil || t.Elements() > maxWidth {
		return nil, false
	}
	l.markRead(name)
	data, err := l.f.TensorData(name)
	if err != nil {
		return nil, false
	}
	out := make([]float32, t.Elements())
	if lc.Dequantize(t.Type, out, data) != nil {
		return nil, false
	}
	return out, true
}

// metaValue gives a metadata value as the Go value ropeFromMetadata expects.
func (l *loader) metaValue(key string) (any, bool) {
	v, ok := l.f.Get(key)
	if !ok {
		return nil, false
	}
	return v.Any(), true
}
