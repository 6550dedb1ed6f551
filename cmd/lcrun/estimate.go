package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/model"
)

// What lcrun prints of a run's plan (model.Plan): the two estimate lines
// before a long run, and the refusal of one that does not fit, naming the
// flags that would make it fit.

// longInput is the input length (tokens) from which a run measures the
// machine's speed and prints an estimate before starting (a variable for
// tests).
var longInput = 8192

// refusal turns a plan's *model.MemoryError into one line and exit 2.
func refusal(err error) error {
	var e *model.MemoryError
	if !errors.As(err, &e) {
		return err
	}
	p := e.Plan
	over := fmt.Sprintf("the %s available (%s)", sizeText(p.Available.Bytes), p.Available.Source)
	if e.OverMax {
		over = "--max-mem " + sizeText(p.MaxMemory)
	}
	what := "the state"
	if p.Attention {
		what = fmt.Sprintf("attention %s, KV cache %s of %s slots", attnText(p.Options), kvText(p.Options.KV), groupDigits(p.Options.Ctx))
	}
	msg := fmt.Sprintf("not enough memory: %s tokens (%s) need about %s (session %s, weights %s, process %s), more than %s",
		groupDigits(p.Total()), what, sizeText(p.Memory()), sizeText(p.Session), sizeText(p.Weights), sizeText(p.Process), over)
	var alt []string
	for _, a := range e.Fits {
		switch {
		case a.Attention != nil:
			alt = append(alt, fmt.Sprintf("--attn sinks:%d,%d (or window:%d)", a.Attention.Sinks, a.Attention.Window, a.Attention.Window))
		case a.Recurrent:
			alt = append(alt, "a Mamba model (its state does not grow with the text)")
		case a.Smaller:
			alt = append(alt, "a smaller --batch or a smaller model")
		default:
			alt = append(alt, "--kv "+kvText(a.KV))
		}
	}
	if len(alt) > 0 {
		msg += "; would fit: " + strings.Join(alt, ", or ")
	}
	return withExit(2, errors.New(msg))
}

func kvText(t lc.DType) string { return strings.ToLower(t.String()) }

func attnText(o model.SessionOptions) string {
	return model.Attention{Window: o.Window, Sinks: o.Sinks, Streaming: o.Streaming}.String()
}

// reportPlan prints the estimate: two lines on stderr.
func reportPlan(w io.Writer, p *model.Plan, resume int) {
	state := "recurrent state"
	if p.Attention {
		state = fmt.Sprintf("%s, %s KV cache of %s slots", attnText(p.Options), kvText(p.Options.KV), groupDigits(p.Options.Ctx))
	}
	fmt.Fprintf(w, "lcrun: %s tokens: %s of input", groupDigits(p.Total()), groupDigits(p.Input))
	if resume > 0 {
		fmt.Fprintf(w, " (%s cached)", groupDigits(resume))
	}
	fmt.Fprintf(w, " + %s of prompt + %s to generate; %s\n", groupDigits(p.Prompt), groupDigits(p.Generate), state)
	avail := "unknown"
	if p.Available.Bytes > 0 {
		avail = sizeText(p.Available.Bytes+p.Process) + " (" + p.Available.Source + " + this process)"
	}
	fmt.Fprintf(w, "lcrun: estimate: memory %s (session %s, weights %s, process %s) of %s",
		sizeText(p.Memory()), sizeText(p.Session), sizeText(p.Weights), sizeText(p.Process+p.History+p.CacheIO), avail)
	if pre, dec := p.Seconds(resume); p.Measured {
		fmt.Fprintf(w, "; time %s (prefill %s, generate %s; measured %.1f GFLOP/s prefill, %.1f decode",
			formatDuration(secs(pre+dec)), formatDuration(secs(pre)), formatDuration(secs(dec)),
			p.Speed.Prefill/1e9, p.Speed.Decode/1e9)
		if p.Speed.Attention > 0 {
			fmt.Fprintf(w, ", %.1f attention", p.Speed.Attention/1e9)
		}
		c := p.Cost()
		fmt.Fprintf(w, "; %.2f MFLOP/token + %.0f FLOP/key)", c.Dense/1e6, c.PerKey)
	}
	fmt.Fprintln(w)
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
