// Package longinput evaluates an input of any length into a session: a
// book, a codebase, a stream of millions of tokens that is never held as
// text. The input is read twice, chunk by chunk: a first pass counts its
// tokens (so that memory and time can be planned before the session is
// allocated) and finds the longest prefix of it a state cache holds; the
// second pass resumes from that state and evaluates the rest as it
// streams in, stopping at save points to store states that a later run
// over the same input, or over the same input with text appended, can
// resume from. Cancelling the context stops after the current micro-batch
// and saves what was evaluated.
package longinput

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
)

// Source is an input as chunks of token ids, read from its start at each
// Open (twice in all: count, then evaluate).
type Source interface {
	Open() (Stream, error)
}

// Stream is one pass over a Source: Next returns the next chunk, io.EOF
// after the last. Where the tokenizer cuts the text between chunks must
// not depend on what follows the chunk's text by more than one chunk (a
// streaming tokenizer's cuts are final once the next chunk is read), so
// that states saved at those cuts stay valid when text is appended.
type Stream interface {
	Next() ([]int32, error)
	Close() error
}

// Options of an Input.
type Options struct {
	// Cache keeps states under their token prefix; nil: none are saved
	// or resumed.
	Cache *prefixcache.Cache
	// Fingerprint names what, besides the model and the tokens, makes two
	// saved states interchangeable (the session options that shape them).
	Fingerprint string
	// MaxTokens > 0 refuses a longer input with a *TooLongError, as soon
	// as the first pass reads past it.
	MaxTokens int
	// Keep holds the first pass's tokens and evaluates those instead of
	// reading the source again: for an input that cannot be read twice
	// (standard input, a pipe).
	Keep bool
	// Warn receives what the cache has to say about entries it skips or
	// cannot write, a message each (an error quoted in one may span lines:
	// a CLI puts it on one); nil: discarded.
	Warn func(msg string)
}

// TooLongError is an input longer than Options.MaxTokens.
type TooLongError struct {
	Max, Read int // the limit, the tokens read when it was passed
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("longinput: the input is longer than %d tokens (stopped reading at %d)", e.Max, e.Read)
}

// ErrChanged is returned when the input differs between the two passes.
var ErrChanged = errors.New("the input changed while it was being read")

// HeadTokens is how many of the input's first tokens Head keeps (enough to
// time the machine on).
const HeadTokens = 256

// Input is a counted input, ready to be evaluated into sessions of its
// model.
type Input struct {
	src    Source
	o      Options
	tokens int
	head   []int32
	stored []int32 // every token, with Keep
	stable []int   // token counts at which the tokenizer's cuts are final
	cache  *stateCache
}

// Count makes the first pass over src (see Input). Its error is the
// source's, a *TooLongError, or the cache's.
func Count(m *model.Model, src Source, o Options) (*Input, error) {
	in := &Input{src: src, o: o}
	if o.Warn == nil {
		in.o.Warn = func(string) {}
	}
	if o.Cache != nil {
		var err error
		if in.cache, err = newStateCache(o.Cache, m, o.Fingerprint); err != nil {
			return nil, err
		}
	}
	st, err := src.Open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var cuts []int
	for {
		ids, err := st.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		in.tokens += len(ids)
		cuts = append(cuts, in.tokens)
		if o.MaxTokens > 0 && in.tokens > o.MaxTokens {
			return nil, &TooLongError{Max: o.MaxTokens, Read: in.tokens}
		}
		if len(in.head) < HeadTokens {
			in.head = append(in.head, ids[:min(len(ids), HeadTokens-len(in.head))]...)
		}
		if o.Keep {
			in.stored = append(in.stored, ids...)
		}
		if in.cache != nil {
			in.cache.finder.Add(ids)
		}
	}
	// Only the last two cuts depend on where the text ends (the final
	// read, then the end itself).
	in.stable = cuts[:max(len(cuts)-2, 0)]
	return in, nil
}

// Tokens is the input's length.
func (in *Input) Tokens() int { return in.tokens }

// Head is the input's first tokens (at most HeadTokens; shared).
func (in *Input) Head() []int32 { return in.head }

// Cached is the length of the longest saved prefix of the input (which
// Resume may still find damaged or unfit), 0 without a cache.
func (in *Input) Cached() int {
	if in.cache == nil {
		return 0
	}
	if ms := in.cache.finder.Matches(); len(ms) > 0 {
		return ms[0].Tokens
	}
	return 0
}

// Resume restores into s (a new or reset session) the longest saved
// prefix of the input that loads, and returns its length (0: none, s
// left empty). Entries that fail to load are skipped with a warning.
// needLogits: nothing will follow the input, so a state of the whole input
// must carry its last logits to generate from.
func (in *Input) Resume(s *model.Session, needLogits bool) int {
	if in.cache == nil {
		return 0
	}
	return in.cache.resume(s, in.tokens, needLogits, in.o.Warn)
}

// CacheStats are what a run did with the state cache.
type CacheStats struct {
	Hits, Saves int
	SavedBytes  int64
	SaveTime    time.Duration
}

// CacheStats reports the cache's use so far (zero without a cache).
func (in *Input) CacheStats() CacheStats {
	if in.cache == nil {
		return CacheStats{}
	}
	return in.cache.stats
}

// Prefill makes the second pass: it evaluates the input's tokens from
// resume on (the length Resume returned) into s, whose position must be
// resume, calling progress (if set) after each micro-batch with the
// tokens evaluated by this call. With a cache it stops at save points to
// store states, and on cancellation it stores the tokens done so far and
// returns ctx's error. ErrChanged: the input is not what Count read.
func (in *Input) Prefill(ctx context.Context, s *model.Session, resume int, progress func(done int)) error {
	if in.tokens <= resume {
		return nil
	}
	if s.Pos() != resume {
		return fmt.Errorf("longinput: the session is at position %d, not at the %d tokens resumed", s.Pos(), resume)
	}
	eval := func(tokens []int32) error {
		base := s.Pos() - resume
		var each func(done, total int)
		if progress != nil {
			each = func(d, _ int) { progress(base + d) }
		}
		return s.Prefill(ctx, tokens, each)
	}
	points := []int{in.tokens}
	var periodic map[int]bool
	if in.cache != nil {
		points, periodic = savePoints(in.stable, resume, in.tokens)
	}
	// roll feeds the prefix key the tokens up to count (evaluated or
	// restored), so that a save names exactly what the session holds.
	rolled := 0
	roll := func(ids []int32, from, count int) error {
		if in.cache == nil || count <= rolled {
			return nil
		}
		err := in.cache.roll(ids[rolled-from : count-from])
		rolled = count
		return err
	}
	read := 0 // tokens streamed so far
	err := in.each(func(ids []int32) error {
		from := read
		read += len(ids)
		if err := roll(ids, from, min(read, resume)); err != nil {
			return err
		}
		for at := max(from, resume); at < read; {
			for len(points) > 0 && points[0] <= at {
				points = points[1:]
			}
			end := read
			if len(points) > 0 && points[0] < end {
				end = points[0]
			}
			err := eval(ids[at-from : end-from])
			at = s.Pos()
			if rerr := roll(ids, from, at); rerr != nil {
				return rerr
			}
			if in.cache != nil && (err == nil && len(points) > 0 && at == points[0] || errors.Is(err, context.Canceled)) {
				if serr := in.cache.save(s, err == nil && periodic[at]); serr != nil {
					in.o.Warn(fmt.Sprintf("cache: could not save: %v", serr))
				}
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if read != in.tokens {
		return fmt.Errorf("%w (%d tokens, then %d)", ErrChanged, in.tokens, read)
	}
	return nil
}

// each streams the input's tokens to f again, chunk by chunk.
func (in *Input) each(f func(ids []int32) error) error {
	if in.o.Keep {
		const chunk = 64 << 10
		for i := 0; i < len(in.stored); i += chunk {
			if err := f(in.stored[i:min(i+chunk, len(in.stored))]); err != nil {
				return err
			}
		}
		return nil
	}
	st, err := in.src.Open()
	if err != nil {
		return err
	}
	defer st.Close()
	for {
		ids, err := st.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(ids); err != nil {
			return err
		}
	}
}

// savePoints picks where the prefill of input[resume:] stops to save a
// state: periodic checkpoints (each replacing the last, for a run killed
// outright), the last boundary that text appended to the input cannot
// move, and the end of the input. stable lists the token counts at which
// the tokenizer cut the input (each final: appending text cannot change
// the tokens before it).
func savePoints(stable []int, resume, end int) (points []int, periodic map[int]bool) {
	every := max(1<<16, end/8)
	periodic = map[int]bool{}
	last := resume
	for i, b := range stable {
		if b <= resume || b >= end {
			continue
		}
		isLast := i == len(stable)-1 || stable[i+1] >= end
		switch {
		case isLast:
			points = append(points, b)
			last = b
		case b-last >= every:
			points = append(points, b)
			periodic[b] = true
			last = b
		}
	}
	if end > resume {
		points = append(points, end)
	}
	return points, periodic
}
