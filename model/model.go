package model

import (
	"errors"
	"fmt"
	"sync"

	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// Model is a loaded GGUF model: hyperparameters, weights used in place from
// the file's mapping, and its tokenizer. It is read-only once loaded: any
// number of Sessions may use it at once, from different goroutines.
type Model struct {
	file   *gguf.File
	owned  bool   // Close closes file
	name   string // what messages call it: a path, or the name OpenBytes was given
	archID string
	arch   architecture
	tok    *tokenizer.Tokenizer
	tokErr error // why there is no tokenizer (token ids still work)

	hashOnce sync.Once
	hash     [32]byte
	hashErr  error

	// use is held for reading while a session computes on the weights
	// (one micro-batch at a time) and for writing by Close, which so
	// waits for the micro-batches in progress; closed is set under it.
	use    sync.RWMutex
	closed bool
}

// ErrClosed is returned by the methods of a closed Model, and of the
// sessions of one, instead of touching weights that are no longer mapped.
var ErrClosed = errors.New("model: the model is closed")

// acquire holds the model open for one computation; release undoes it.
func (m *Model) acquire() error {
	m.use.RLock()
	if m.closed {
		m.use.RUnlock()
		return ErrClosed
	}
	return nil
}

func (m *Model) release() { m.use.RUnlock() }

// Open loads the model in a GGUF file (or the first part of a split set).
func Open(path string) (*Model, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	m, err := newModel(f, path)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.owned = true
	return m, nil
}

// OpenBytes loads a model held in memory, such as the embedded default
// model; name is what messages call it. b must not change while the Model
// is in use.
func OpenBytes(b []byte, name string) (*Model, error) {
	f, err := gguf.OpenBytes(b)
	if err != nil {
		return nil, err
	}
	m, err := newModel(f, name)
	if err != nil {
		return nil, err
	}
	m.owned = true
	return m, nil
}

// New loads the model in an open file. The Model borrows f: close the
// Model before f, and f only after the last session is done.
func New(f *gguf.File) (*Model, error) {
	name := "model"
	if p := f.Paths(); len(p) > 0 {
		name = p[0]
	}
	return newModel(f, name)
}

func newModel(f *gguf.File, name string) (*Model, error) {
	archID := f.Arch()
	load, ok := archLoaders[archID]
	if !ok {
		return nil, unknownArch(archID)
	}
	if err := checkWeightTypes(f); err != nil {
		return nil, err
	}
	m := &Model{file: f, name: name, archID: archID}
	var err error
	l := &loader{f: f, arch: archID}
	if m.arch, err = load(l); err != nil {
		return nil, err
	}
	if err := l.checkAllRead(); err != nil {
		return nil, err
	}
	m.tok, m.tokErr = tokenizer.FromGGUF(f)
	if m.tok != nil && m.tok.VocabSize() > m.arch.vocabSize() {
		return nil, fmt.Errorf("model: the tokenizer has %d tokens, the model only %d rows of logits", m.tok.VocabSize(), m.arch.vocabSize())
	}
	return m, nil
}

// Close releases the file if the Model opened it. It waits for the
// micro-batches sessions are evaluating to finish (a long Prefill stops at
// its next micro-batch); from then on NewSession, and every evaluation,
// Save and Restore of the model's sessions, return ErrClosed. Closing twice
// is harmless.
func (m *Model) Close() error {
	m.use.Lock()
	defer m.use.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	if m.owned {
		return m.file.Close()
	}
	return nil
}

// Name is the path the model came from, or the name it was given.
func (m *Model) Name() string { return m.name }

// Arch is the GGUF general.architecture ("llama", "qwen2", "mamba", ...).
func (m *Model) Arch() string { return m.archID }

// Features says which session options apply to this model's architecture.
func (m *Model) Features() Features { return m.arch.features() }

// VocabSize is the number of logits per evaluated token.
func (m *Model) VocabSize() int { return m.arch.vocabSize() }

// ContextLength is the context the model was trained with (its GGUF
// context_length), 0 when the file does not say.
func (m *Model) ContextLength() int { return m.arch.contextLength() }

// File is the GGUF file the model reads its weights from (shared; read-only).
func (m *Model) File() *gguf.File { return m.file }

// Tokenizer returns the model's tokenizer, or an error saying why the file
// has none that works (the model still evaluates token ids).
func (m *Model) Tokenizer() (*tokenizer.Tokenizer, error) {
	if m.tok == nil {
		return nil, m.tokErr
	}
	return m.tok, nil
}

// SHA256 is the hash of the model's bytes, the identity saved session
// states carry. It is computed on first use (streamed from disk for a
// single file: seconds for gigabytes) and then remembered.
func (m *Model) SHA256() ([32]byte, error) {
	if err := m.acquire(); err != nil {
		return [32]byte{}, err
	}
	defer m.release()
	m.hashOnce.Do(func() {
		if paths := m.file.Paths(); len(paths) == 1 {
			m.hash, m.hashErr = gguf.FileSHA256(paths[0]) // a stream: no mapped pages pulled in
		} else {
			m.hash, m.hashErr = m.file.SHA256()
		}
	})
	return m.hash, m.hashErr
}
