package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"golang.org/x/term"
)

// progress reports a long prefill on stderr: a bar redrawn in place when
// stderr is a terminal, a plain line every few seconds when it is not
// (logs, CI), nothing when quiet.
type progress struct {
	w        io.Writer
	tty      bool
	quiet    bool
	label    string
	total    int
	start    time.Time
	last     time.Time // last line written
	every    time.Duration
	width    int  // terminal columns
	drawn    bool // a bar is on screen (a newline is owed)
	now      func() time.Time
	rss      func() int64
	lastDone int
	// work is the cost of the first done tokens (prefillWork), so that
	// the ETA follows the estimate's model, where attention grows with
	// the keys each token sees; nil counts every token alike.
	work func(done int) float64
}

// plainEvery is how often a progress line is written when stderr is not a
// terminal (a variable: tests whose output must not depend on the
// machine's speed set it beyond any run).
var plainEvery = 5 * time.Second

func newProgress(w io.Writer, quiet bool, label string, total int) *progress {
	p := &progress{w: w, quiet: quiet, label: label, total: total, every: plainEvery,
		width: 80, now: time.Now, rss: sysmem.RSS}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		p.every = 200 * time.Millisecond
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 40 {
			p.width = cols
		}
	}
	p.start = p.now()
	p.last = p.start
	return p
}

// update records done of total tokens (called after each micro-batch).
func (p *progress) update(done int) {
	p.lastDone = done
	if p.quiet {
		return
	}
	now := p.now()
	if now.Sub(p.last) < p.every && done < p.total {
		return
	}
	if done >= p.total && !p.drawn && now.Sub(p.start) < p.every {
		return // a short run gets no progress at all
	}
	p.last = now
	line := p.line(done, now)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		p.drawn = true
		return
	}
	fmt.Fprintf(p.w, "lcrun: %s\n", line)
}

// prefillWork is the estimate's cost of evaluating the positions [from,
// from+done) under plan p: the dense products per token, and attention
// per key each token sees (full attention: quadratic in the tokens). With
// measured speeds it is seconds; without, FLOPs, which keep the shape.
// nil for a model whose cost is not known (the ETA is then linear).
func prefillWork(p *model.Plan, from int) func(done int) float64 {
	c := p.Cost()
	dense, key := c.Dense, c.PerKey
	if p.Measured && p.Speed.Prefill > 0 && p.Speed.Attention > 0 {
		dense, key = c.Dense/p.Speed.Prefill, c.PerKey/p.Speed.Attention
	}
	if dense <= 0 {
		return nil
	}
	return func(done int) float64 { return dense*float64(done) + key*p.VisibleKeys(from, from+done) }
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

func (p *progress) line(done int, now time.Time) string {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	eta := "?"
	if rate > 0 && done < p.total {
		left := float64(p.total-done) / rate
		if p.work != nil {
			if w := p.work(done); w > 0 {
				left = el * (p.work(p.total) - w) / w
			}
		}
		eta = formatDuration(time.Duration(left * float64(time.Second)))
	} else if done >= p.total {
		eta = "done"
	}
	stats := fmt.Sprintf("%s/%s tokens  %s tok/s  ETA %s  mem %s",
		groupDigits(done), groupDigits(p.total), groupDigits(int(rate)), eta, sizeText(p.rss()))
	if !p.tty {
		return p.label + " " + stats
	}
	// The line must not wrap (\r would then redraw only its end): the
	// bar takes what is left, up to 30 columns, or is left out.
	barW := min(p.width-1-len(p.label)-len(stats)-4, 30)
	if barW < 10 {
		return p.label + " " + stats
	}
	fill := 0
	if p.total > 0 {
		fill = int(float64(barW) * float64(min(done, p.total)) / float64(p.total))
	}
	return fmt.Sprintf("%s [%s%s] %s", p.label, strings.Repeat("=", fill), strings.Repeat(" ", barW-fill), stats)
}

// formatDuration prints 4m05s, 1h02m, 37s, 1.2s.
func formatDuration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// groupDigits prints 1234567 as 1,234,567.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
