package model

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// architecture is one model family's loaded weights (read-only, shared by
// every session of a Model). An architecture file registers a loader for
// the GGUF general.architecture names it serves:
//
//	func init() { registerArch(loadMamba, "mamba") }
//
// and the loader reads hyperparameters and tensors through a *loader,
// which validates shapes and reports clear errors.
type architecture interface {
	// features says which session options apply to this family.
	features() Features
	// vocabSize is the number of logits per evaluated row.
	vocabSize() int
	// contextLength is the context the model was trained with (0 = unknown).
	contextLength() int
	// stateBytes is the memory one session with cfg holds (state and
	// scratch), for estimates before allocating.
	stateBytes(cfg *sessionConfig) int64
	// newState allocates one session's state. cfg is already validated
	// (positive Ctx and Batch, a pool) and stays valid for the state's life.
	newState(cfg *sessionConfig) (archState, error)
}

// archState is one session's sequence state and scratch. Methods are
// called from one goroutine at a time.
type archState interface {
	// forward evaluates one micro-batch: tokens (1 <= len <= cfg.Batch,
	// every id < vocabSize) at positions pos (same length). For each i,
	// the logits of row rows[i] (indices into tokens, ascending) go to
	// out[i*vocab:(i+1)*vocab]. A state that needs consecutive positions
	// (recurrent models) returns an error for any other sequence; one that
	// runs out of room returns an error and leaves its state unchanged.
	forward(tokens, pos []int32, rows []int, out []float32) error
	// reset empties the state: the next position may be anything.
	reset()
	// saveState writes everything forward depends on; restoreState reads
	// it back into a state made with compatible options, or returns an
	// error (and leaves the state reset) for anything else. Both are
	// versioned by the session's header (stateVersion).
	saveState(w io.Writer) error
	restoreState(r io.Reader) error
}

// Features are the session options that apply to an architecture. The CLI
// accepts the others with a note (scripts sweep models with one command).
type Features struct {
	// Attention: a KV cache (KV type, Ctx as its size, Window and Sinks).
	Attention bool
	// RoPE: rotary position embeddings (the RoPE scaling overrides).
	RoPE bool
}

// loaderFunc builds an architecture from a file.
type loaderFunc func(l *loader) (architecture, error)

var archLoaders = map[string]loaderFunc{}

// registerArch makes load serve the given general.architecture names.
// Called from init functions only.
func registerArch(load loaderFunc, names ...string) {
	for _, n := range names {
		if _, dup := archLoaders[n]; dup {
			panic("model: architecture registered twice: " + n)
		}
		archLoaders[n] = load
	}
}

// Architectures lists the general.architecture values this package loads.
func Architectures() []string {
	names := make([]string, 0, len(archLoaders))
	for n := range archLoaders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Supported reports whether arch is a general.architecture this package loads.
func Supported(arch string) bool {
	_, ok := archLoaders[arch]
	return ok
}

func unknownArch(arch string) error {
	if arch == "" {
		return fmt.Errorf("model: no general.architecture in the file")
	}
	return fmt.Errorf("model: architecture %q is not supported (supported: %s)", arch, strings.Join(Architectures(), ", "))
}
