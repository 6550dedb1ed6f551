package tokenizer

import (
	"errors"
	"io"
)

// Stream tokenises text read from an io.Reader without holding all of it:
// it reads chunks, encodes up to the last safe cut point and keeps the rest
// for the next round. The concatenated output equals Encode on the whole
// text.
//
// Cuts are made only in a run of newlines "X\n...\nY" with X and Y printable
// ASCII other than space. For those, every pre-tokenizer ends a word inside
// the run in a way that does not depend on what follows Y: the llama3/qwen2
// patterns keep the whole run as one word (cut before Y); GPT-2's
// "\s+(?!\S)" gives the run's last newline a word of its own when the GPT-2
// step sees Y after the run (cut before that newline if the run is longer
// than one) and keeps the run whole when an earlier step already split Y
// off (cut before Y); the deepseek pre-tokenizers and chameleon
// split every newline off. A few pre-tokenizers let a word reach over the
// run for some Y, and then there is no cut (see cutsBefore): gpt-4o and
// tekken before '/', bloom and viking before one of their stop characters,
// superbpe (whose words span lines) before anything but a digit. In
// addition no special token may overlap the
// cut, and for SentencePiece vocabularies no token may contain "\nY" and no
// multi-byte character may straddle the cut. Text without such a point for
// more than maxStretch bytes (one endless line, CRLF text, lines that all
// start with a space) is cut by a fixed rule (forcedCut), which Encode
// follows too: memory stays bounded, and only such stretches may get ids
// that differ from llama.cpp's, which tokenises the whole text at once.
type Stream struct {
	t            *Tokenizer
	r            io.Reader
	e            *encoder
	addSpecial   bool
	parseSpecial bool

	// ChunkSize is how many bytes each read asks for (default 1 MiB).
	ChunkSize int

	buf         []byte
	scanned     int  // the unfinished segment at buf[0] has no cut point below this
	prevSpecial bool // the text so far ended with a special token (or is empty)
	started     bool
	eof, done   bool
}

// NewStream tokenises r; addSpecial and parseSpecial mean what they mean for
// Encode.
func (t *Tokenizer) NewStream(r io.Reader, addSpecial, parseSpecial bool) *Stream {
	return &Stream{t: t, r: r, e: t.newEncoder(), addSpecial: addSpecial, parseSpecial: parseSpecial,
		ChunkSize: 1 << 20, prevSpecial: true}
}

// Next returns the ids of the next part of the input. At the end it returns
// io.EOF (with no ids); a read error is returned as is.
func (s *Stream) Next() ([]int32, error) {
	for !s.done {
		if cut := s.findCut(); cut > 0 {
			ids := s.encode(string(s.buf[:cut]))
			s.buf = s.buf[:copy(s.buf, s.buf[cut:])]
			return ids, nil
		}
		if s.eof {
			ids := s.encode("")
			if s.addSpecial && s.t.addEOS {
				ids = append(ids, s.t.special.eos)
			}
			s.done = true
			return ids, nil
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
	return nil, io.EOF
}

// EncodeReader tokenises everything r yields, chunk by chunk.
func (t *Tokenizer) EncodeReader(r io.Reader, addSpecial, parseSpecial bool) ([]int32, error) {
	s := t.NewStream(r, addSpecial, parseSpecial)
	var out []int32
	for {
		ids, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ids...)
	}
}

func (s *Stream) encode(text string) []int32 {
	var ids []int32
	if !s.started {
		s.started = true
		if s.addSpecial && s.t.addBOS {
			ids = append(ids, s.t.special.bos)
		}
	}
	ids, s.prevSpecial = s.e.encode(text, s.parseSpecial, s.prevSpecial, ids)
	return ids
}

// fill reads up to one chunk.
func (s *Stream) fill() error {
	size := s.ChunkSize
	if size <= 0 {
		size = 1 << 20
	}
	s.buf = append(s.buf, make([]byte, size)...)
	have := len(s.buf) - size
	n, err := io.ReadFull(s.r, s.buf[have:])
	s.buf = s.buf[:have+n]
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		s.eof = true
	case err != nil:
		return err
	}
	return nil
}

// findCut returns where the buffer can be cut: the end of its last whole
// segment (see nextSegment), stopping after a forced cut, which must end
// the text given to one encode call; or 0.
func (s *Stream) findCut() int {
	pos, from := 0, s.scanned
	s.scanned = 0
	for pos < len(s.buf) {
		end, forced, ok, resume := nextSegment(s.t, s.buf[pos:], s.parseSpecial, s.eof, from)
		if !ok {
			// Relative to buf[pos:], which Next moves to the front. Small
			// reads into a long segment would otherwise scan it again
			// from its start each time.
			s.scanned = resume
			break
		}
		from = 0
		pos += end
		if forced {
			break
		}
	}
	return pos
}

// cutBefore checks the cut rule (see Stream) for the newline run that ends
// right before text[y], returning where to cut.
func cutBefore[S string | []byte](t *Tokenizer, text S, y int, parseSpecial bool) (int, bool) {
	if y < 2 || y >= len(text) || text[y-1] != '\n' || !printable(text[y]) {
		return 0, false
	}
	r0 := y - 1
	for r0 > 0 && text[r0-1] == '\n' {
		r0--
	}
	if r0 == 0 || !printable(text[r0-1]) {
		return 0, false
	}
	cut := y
	if t.kind == kindSPM {
		if t.spm.newlineBefore[text[y]] || y >= 3 && text[y-3] >= 0x80 {
			return 0, false
		}
	} else {
		if !t.bpePre.cutsBefore(text[y]) {
			return 0, false
		}
		if y-r0 >= 2 && t.bpePre.lastNewlineAlone(text[y]) {
			cut = y - 1
		}
	}
	if overlapsSpecial(t.specials, text, cut-1, cut+1, parseSpecial) {
		return 0, false
	}
	return cut, true
}

func printable(c byte) bool { return c > ' ' && c < 0x7F }
