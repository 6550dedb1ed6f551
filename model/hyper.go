package model

import "github.com/lcrun/lcrun/gguf"

// Hyper is what a file's metadata says about its architecture's
// hyperparameters. Each value is the one the file stores (a number, or a
// per-layer array in models that have them), nil when its key is absent:
// a report of the file, not of what a loaded model would use (defaults,
// checks). A family's own keys come as a section of their own (SSM),
// nil when the file has none, so that the report grows by sections.
type Hyper struct {
	ContextLength *gguf.Value // the context the model was trained at
	Embedding     *gguf.Value
	Layers        *gguf.Value
	Heads         *gguf.Value
	KVHeads       *gguf.Value
	FeedForward   *gguf.Value
	RMSEpsilon    *gguf.Value
	Rope          RopeHyper
	SSM           *SSMHyper // state-space layers: nil without ssm.state_size
}

// RopeHyper are the file's RoPE settings. Older files give a linear
// factor as rope.scale_linear: without a scaling type, ScalingType is then
// the string "linear" and ScalingFactor that factor, as llama.cpp reads them.
type RopeHyper struct {
	Dims          *gguf.Value
	FreqBase      *gguf.Value
	ScalingType   *gguf.Value
	ScalingFactor *gguf.Value
	OrigCtx       *gguf.Value // the context length the scaling starts from
}

// SSMHyper are the settings of selective state-space layers (Mamba).
type SSMHyper struct {
	ConvKernel   *gguf.Value
	InnerSize    *gguf.Value
	StateSize    *gguf.Value
	TimeStepRank *gguf.Value
	GroupCount   *gguf.Value // Mamba-2; Mamba-1 files have none
}

// Hyperparameters reports the hyperparameters f's metadata gives for its
// general.architecture. It reads metadata only, so it describes any file:
// one whose model does not load (unusable tensors, an architecture this
// package does not run) or that holds only a vocabulary.
func Hyperparameters(f *gguf.File) Hyper {
	l := &loader{f: f, arch: f.Arch()}
	h := Hyper{
		ContextLength: l.stored(keyContextLength),
		Embedding:     l.stored(keyEmbedding),
		Layers:        l.stored(keyBlockCount),
		Heads:         l.stored(keyHeads),
		KVHeads:       l.stored(keyKVHeads),
		FeedForward:   l.stored(keyFeedForward),
		RMSEpsilon:    l.stored(keyRMSEpsilon),
		Rope:          ropeHyper(l),
	}
	if f.Has(l.key(keySSMStateSize)) {
		h.SSM = &SSMHyper{
			ConvKernel:   l.stored(keySSMConvKernel),
			InnerSize:    l.stored(keySSMInnerSize),
			StateSize:    l.stored(keySSMStateSize),
			TimeStepRank: l.stored(keySSMTimeStepRank),
			GroupCount:   l.stored(keySSMGroupCount),
		}
	}
	return h
}

func ropeHyper(l *loader) RopeHyper {
	r := RopeHyper{
		Dims:          l.stored(keyRopeDims),
		FreqBase:      l.stored(keyRopeFreqBase),
		ScalingType:   l.stored(keyRopeScalingType),
		ScalingFactor: l.stored(keyRopeScalingFactor),
		OrigCtx:       l.stored(keyRopeOrigCtx),
	}
	if legacy := l.stored(keyRopeScaleLinear); legacy != nil && r.ScalingType == nil {
		linear, _ := gguf.ValueOf("linear")
		r.ScalingType, r.ScalingFactor = &linear, legacy
	}
	return r
}

// stored is {arch}.k as the file stores it, nil when absent.
func (l *loader) stored(k string) *gguf.Value {
	v, ok := l.f.Get(l.key(k))
	if !ok {
		return nil
	}
	return &v
}
