package longinput

import (
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// TextSource is a Source that tokenises a text as it streams, never
// holding it whole: Text returns the text from its start at each pass. A
// reader with a Name() method (a file, an internal/source input) names the
// text in read errors.
type TextSource struct {
	Text      func() (io.ReadCloser, error)
	Tokenizer *tokenizer.Tokenizer
	AddBOS    bool
	// ChunkSize is how many bytes the tokenizer reads at a time (0: its
	// default); its cuts between chunks are where states are saved.
	ChunkSize int

	// TokenizerBytes is, once the first pass has ended, the heap the
	// tokenizer held at its end (its word cache): the second pass holds as
	// much again, which a memory plan counts (PlanInput.ExtraProcess).
	TokenizerBytes int64

	passes int
}

// Open starts a pass (Source).
func (t *TextSource) Open() (Stream, error) {
	r, err := t.Text()
	if err != nil {
		return nil, err
	}
	st := t.Tokenizer.NewStream(r, t.AddBOS, false)
	if t.ChunkSize > 0 {
		st.ChunkSize = t.ChunkSize
	}
	ts := &textStream{r: r, st: st}
	if t.passes++; t.passes == 1 {
		runtime.GC()
		base := sysmem.HeapLive()
		ts.atEOF = func() {
			runtime.GC()
			t.TokenizerBytes = max(sysmem.HeapLive()-base, 0)
			runtime.KeepAlive(st)
		}
	}
	return ts, nil
}

// textStream is one pass of a TextSource.
type textStream struct {
	r     io.ReadCloser
	st    *tokenizer.Stream
	atEOF func() // the first pass's measurement, or nil
}

func (s *textStream) Next() ([]int32, error) {
	ids, err := s.st.Next()
	if errors.Is(err, io.EOF) {
		if s.atEOF != nil {
			s.atEOF()
			s.atEOF = nil
		}
		return nil, io.EOF
	}
	if named, ok := s.r.(interface{ Name() string }); ok && err != nil {
		return nil, fmt.Errorf("%s: %w", named.Name(), err)
	}
	return ids, err
}

func (s *textStream) Close() error { return s.r.Close() }
