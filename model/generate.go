package model

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"
)

// GenerateOptions control Generate.
type GenerateOptions struct {
	// MaxTokens stops generation after that many tokens (0 = until an
	// end-of-generation token or a full context).
	MaxTokens int
	// Sampler draws the tokens; nil = greedy.
	Sampler *Sampler
	// IgnoreEOG keeps generating past end-of-generation tokens (</s>,
	// <|eot_id|>, ...), which are otherwise not returned and end the stream.
	IgnoreEOG bool
	// Stop ends generation at the first of these texts in the output
	// (llama.cpp's reverse prompts, an API's stop strings). The stop text
	// itself is not returned; text that might be its start is held back
	// until it is clear that it is not. The token that completed it is
	// the last one evaluated.
	Stop []string
	// StopTokens end generation when one of these ids is drawn, as an
	// end-of-generation token does (also with IgnoreEOG): it is neither
	// returned nor evaluated. For a template's end of turn that the
	// tokenizer does not mark as end of generation, or a caller's own.
	StopTokens []int32
}

// Token is one generated token.
type Token struct {
	ID int32
	// Text is what this token adds to the output, in whole UTF-8
	// characters: a character split over several byte tokens appears with
	// the token that completes it (so Text may be empty). Concatenating the
	// Texts of a stream gives its whole text. Empty without a tokenizer.
	// A stream that ends at an end-of-generation token while a character
	// is incomplete yields those bytes last, with ID -1.
	Text string
}

// ErrNoLogits is returned by Generate when the session has no logits to
// continue from (nothing evaluated yet, or the last evaluation did not
// keep the last token's logits).
var ErrNoLogits = errors.New("model: nothing to continue from: prefill the session first")

// Generate continues the sequence: it draws a token from the last logits,
// yields it, evaluates it (so the session holds every token it returned,
// also when the caller stops the loop), and repeats. The stream stops at
// MaxTokens, at an end-of-generation token, when ctx is done (yielding
// ctx.Err()), when the caller stops, or with the error of an evaluation
// (a full context: the token before it is then not in the session).
func (s *Session) Generate(ctx context.Context, o GenerateOptions) iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		if err := s.m.acquire(); err != nil {
			yield(Token{}, err)
			return
		}
		s.m.release()
		if !s.hasLogits {
			yield(Token{}, ErrNoLogits)
			return
		}
		sampler := o.Sampler
		if sampler == nil {
			sampler = NewSampler(SamplerOptions{})
		}
		tok := s.m.tok
		var text utf8Stream
		stop := stopText{stops: o.Stop}
		for i := 0; o.MaxTokens <= 0 || i < o.MaxTokens; i++ {
			if err := ctx.Err(); err != nil {
				yield(Token{}, err)
				return
			}
			id := sampler.Sample(s.logits, s.Tokens())
			if tok != nil && !o.IgnoreEOG && tok.IsEOG(id) || slices.Contains(o.StopTokens, id) {
				rest, _ := stop.add(text.flush())
				if rest += stop.flush(); rest != "" {
					yield(Token{ID: -1, Text: rest}, nil)
				}
				return
			}
			t := Token{ID: id}
			stopped := false
			if tok != nil {
				last := o.MaxTokens > 0 && i == o.MaxTokens-1
				t.Text, stopped = stop.add(text.add(tok.Piece(id), last))
				if last && !stopped {
					t.Text += stop.flush()
				}
			}
			more := yield(t, nil)
			if _, err := s.Decode(id); err != nil {
				if more {
					yield(Token{}, err)
				}
				return
			}
			if !more || stopped {
				return
			}
		}
	}
}

// utf8Stream releases bytes in whole UTF-8 characters, holding back the
// start of a character whose remaining bytes have not arrived yet.
// Invalid bytes that can never complete a character pass through as they
// are, like any other byte-level decoder.
type utf8Stream struct{ pending []byte }

// add appends b and returns the text that is complete (everything when last).
func (u *utf8Stream) add(b []byte, last bool) string {
	u.pending = append(u.pending, b...)
	if last {
		return u.flush()
	}
	cut := len(u.pending)
	for i := len(u.pending) - 1; i >= 0 && i >= len(u.pending)-utf8.UTFMax; i-- {
		if utf8.RuneStart(u.pending[i]) {
			if !utf8.FullRune(u.pending[i:]) {
				cut = i
			}
			break
		}
	}
	out := string(u.pending[:cut])
	u.pending = append(u.pending[:0], u.pending[cut:]...)
	return out
}

// flush returns whatever is held back.
func (u *utf8Stream) flush() string {
	out := string(u.pending)
	u.pending = u.pending[:0]
	return out
}

// stopText finds stop strings in a stream of text, holding back what may
// be the start of one.
type stopText struct {
	stops []string
	held  string
}

// add appends text and returns what may be given out: all of it before the
// first stop string (stopped true), or all but the longest end that begins
// some stop string.
func (st *stopText) add(text string) (out string, stopped bool) {
	if len(st.stops) == 0 {
		return text, false
	}
	buf := st.held + text
	first := -1
	for _, s := range st.stops {
		if i := strings.Index(buf, s); s != "" && i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first >= 0 {
		st.held = ""
		return buf[:first], true
	}
	keep := 0
	for _, s := range st.stops {
		for n := min(len(s)-1, len(buf)); n > keep; n-- {
			if strings.HasSuffix(buf, s[:n]) {
				keep = n
				break
			}
		}
	}
	st.held = buf[len(buf)-keep:]
	return buf[:len(buf)-keep], false
}

// flush gives out what is held back (the stream ended without a stop).
func (st *stopText) flush() string {
	out := st.held
	st.held = ""
	return out
}
