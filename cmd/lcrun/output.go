package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/lcrun/lcrun/model"
)

// generate streams the answer (or the continuation) to stdout, ending its
// line also when generation stops early (Ctrl-C, an error).
func (r *longRun) generate(ctx context.Context, s *model.Session) (err error) {
	r.stats.StopReason = "none"
	if r.c.n == 0 {
		return nil
	}
	t0 := time.Now()
	n := 0
	out := &lineEnder{w: r.stdout}
	var text strings.Builder
	var said []byte // the generated tokens' text, a stop text's too
	defer func() {
		r.stats.DecodeTokens = n
		r.stats.DecodeSeconds = time.Since(t0).Seconds()
		r.stats.Text = text.String()
		r.stats.StopReason = stopReason(err, string(said), r.c.stop, n, r.c.n)
		if ferr := out.finish(); err == nil {
			err = ferr
		}
	}()
	opts := model.GenerateOptions{MaxTokens: r.c.n, Sampler: model.NewSampler(r.c.sampler), IgnoreEOG: r.c.ignoreEOS, Stop: r.c.stop}
	for t, err := range s.Generate(ctx, opts) {
		if err != nil {
			return err
		}
		if t.ID >= 0 {
			n++
			said = append(said, r.tok.Piece(t.ID)...)
		}
		text.WriteString(t.Text)
		if _, err := io.WriteString(out, t.Text); err != nil {
			return err
		}
	}
	return nil
}

// stopReason says why a generation of n tokens (of at most max) ended.
func stopReason(err error, said string, stops []string, n, max int) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case err != nil:
		return "error"
	}
	for _, s := range stops {
		if strings.Contains(said, s) {
			return "stop"
		}
	}
	if n == max {
		return "length"
	}
	return "eog"
}

// lineEnder passes text through and, at finish, ends its last line if the
// text did not: the shell's prompt or the --json line then starts a line
// of its own, and a text that already ends with a newline gets no second.
type lineEnder struct {
	w      io.Writer
	open   bool // the last byte written was not a newline
	broken bool // a write failed: write nothing more
}

func (l *lineEnder) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := l.w.Write(p)
	if err != nil {
		l.broken = true
		return n, err
	}
	l.open = p[len(p)-1] != '\n'
	return n, nil
}

func (l *lineEnder) finish() error {
	if !l.open || l.broken {
		return nil
	}
	l.open = false
	_, err := io.WriteString(l.w, "\n")
	return err
}
