package bench

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/model"
)

// Speed is a model's end-to-end speed.
type Speed struct {
	PromptTokens, GenTokens int
	PPTPS, TGTPS            float64 // tokens per second
	PPSeconds, TGSeconds    float64
}

// MeasureModel times a prefill of prompt tokens in one Eval (micro-
// batches of the session's Batch, as a long prompt runs) and then gen
// single-token decode steps, like llama-bench's pp and tg tests. The
// tokens are a fixed pseudo-random sequence (the speed does not depend on
// them; no sampling is timed). A short untimed warm-up comes first.
func MeasureModel(m *model.Model, prompt, gen, threads int) (Speed, error) {
	if prompt < 1 || gen < 0 {
		return Speed{}, fmt.Errorf("bench: need at least one prompt token and no negative generation (-p %d -n %d)", prompt, gen)
	}
	s, err := m.NewSession(model.SessionOptions{Ctx: prompt + gen, Threads: threads})
	if err != nil {
		return Speed{}, err
	}
	defer s.Close()
	vocab := m.VocabSize()
	if vocab < 1 {
		return Speed{}, errors.New("bench: the model has no vocabulary")
	}
	tokens := make([]int32, prompt+gen)
	x := uint32(12345)
	for i := range tokens {
		x = x*1664525 + 1013904223
		tokens[i] = int32(x>>8) % int32(vocab)
	}
	ctx := context.Background()

	warm := min(prompt, 16)
	if err := s.Prefill(ctx, tokens[:warm], nil); err != nil {
		return Speed{}, err
	}
	for i := 0; i < min(gen, 2); i++ {
		if _, err := s.Decode(tokens[warm+i]); err != nil {
			return Speed{}, err
		}
	}
	s.Reset()

	sp := Speed{PromptTokens: prompt, GenTokens: gen}
	start := time.Now()
	if err := s.Prefill(ctx, tokens[:prompt], nil); err != nil {
		return Speed{}, err
	}
	sp.PPSeconds = time.Since(start).Seconds()
	sp.PPTPS = float64(prompt) / sp.PPSeconds
	start = time.Now()
	for _, t := range tokens[prompt:] {
		if _, err := s.Decode(t); err != nil {
			return Speed{}, err
		}
	}
	sp.TGSeconds = time.Since(start).Seconds()
	if gen > 0 {
		sp.TGTPS = float64(gen) / sp.TGSeconds
	}
	return sp, nil
}

// DescribeModel fills the report's model section; name is the shape name
// or the label the CLI uses for the file.
func DescribeModel(m *model.Model, name string, synthetic bool) *ModelInfo {
	f := m.File()
	info := &ModelInfo{Name: name, Arch: m.Arch(), Synthetic: synthetic, SizeBytes: f.Size()}
	if paths := f.Paths(); len(paths) > 0 {
		info.Path = paths[0]
		if name == "" {
			info.Name = filepath.Base(paths[0])
		}
	}
	for i := range f.Tensors {
		info.Parameters += int64(f.Tensors[i].Elements())
	}
	if id, _, ok, err := f.FileType(); ok && err == nil {
		info.FileType = gguf.FileTypeName(id)
	}
	return info
}
