package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/ropescale"
)

// What lcrun ppl and lcrun niah share: session flags plus the attention
// policy, model sessions seen as evals.LM, the RoPE methods to compare,
// progress lines and SVG output.

// measureFlags are the session flags of a measuring command.
type measureFlags struct {
	session sessionFlags
	attn    string
}

func (f *measureFlags) register(fs *flag.FlagSet) {
	f.session.register(fs, "f32")
	fs.StringVar(&f.attn, "attn", "full", "attention policy: full | window:N | sinks:S,N (StreamingLLM)")
}

// options sizes a session for sequences of up to tokens positions under
// the attention policy, with rope as the RoPE overrides.
func (f *measureFlags) options(m *model.Model, tokens int, rope ropescale.Overrides, stderr io.Writer) (model.SessionOptions, error) {
	a, err := model.ParseAttention(f.attn)
	if err != nil {
		return model.SessionOptions{}, err
	}
	sf := f.session
	sf.rope = rope
	batch := f.session.batch
	if batch == 0 {
		batch = model.DefaultBatch
	}
	o, err := sf.options(m, a.Slots(tokens, min(batch, tokens)), stderr)
	if err != nil {
		return o, err
	}
	if m.Features().Attention {
		a.Apply(&o)
	} else if f.attn != "full" {
		fmt.Fprintf(stderr, "lcrun: note: --attn does not apply to %s models (ignored)\n", m.Arch())
	}
	return o, nil
}

// describe is the settings line pictures and reports carry.
func (f *measureFlags) describe(m *model.Model) string {
	if !m.Features().Attention {
		return "recurrent state (no attention)"
	}
	return fmt.Sprintf("attention %s, kv %s", f.attn, strings.ToLower(f.session.kv))
}

// sessionLM runs a model session as an evals.LM.
type sessionLM struct {
	ctx context.Context
	s   *model.Session
}

func (l sessionLM) Reset()         { l.s.Reset() }
func (l sessionLM) VocabSize() int { return l.s.Model().VocabSize() }
func (l sessionLM) Eval(tokens []int32, rows []int, out []float32) error {
	return l.s.Eval(l.ctx, model.Batch{Tokens: tokens, Rows: rows, Logits: out})
}

// ropeVariant is one RoPE setting to measure.
type ropeVariant struct {
	Method string              `json:"method"` // as given to --compare ("" = the model's own / the flags')
	Label  string              `json:"label"`  // for tables and legends, e.g. "yarn x4 (orig 512)"
	rope   ropescale.Overrides // the session's overrides
}

// ropeVariants turns --compare's list into RoPE settings. Each method
// takes the other --rope-*/--yarn-* flags as given; the scaled methods get
// the factor ctx / trained context (the trained context being
// --yarn-orig-ctx, else the model's) unless --rope-scale names one. An
// empty list is one run with the flags as given.
func ropeVariants(list string, m *model.Model, f *measureFlags, ctx int, stderr io.Writer) ([]ropeVariant, error) {
	base := f.session.rope
	if list == "" {
		return []ropeVariant{{Label: ropeLabel(base, m)}}, nil
	}
	if !m.Features().RoPE {
		return nil, fmt.Errorf("--compare lists RoPE scaling methods, and %s models have no RoPE", m.Arch())
	}
	orig := m.ContextLength()
	if base.OrigCtx != nil {
		orig = *base.OrigCtx
	}
	var out []ropeVariant
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		meth, err := ropescale.ParseMethod(name)
		if err != nil {
			return nil, fmt.Errorf("--compare: %w", err)
		}
		if seen[name] {
			return nil, fmt.Errorf("--compare names %s twice", name)
		}
		seen[name] = true
		o := base
		o.Method = &meth
		if meth != ropescale.None {
			if o.Scale == nil && orig > 0 && ctx > orig {
				s := float64(ctx) / float64(orig)
				o.Scale = &s
			}
			if o.OrigCtx == nil && orig > 0 {
				o.OrigCtx = &orig
			}
			if o.Scale == nil {
				fmt.Fprintf(stderr, "lcrun: note: --ctx %d is within the trained context %d, so %s scales by 1 (give --rope-scale or --yarn-orig-ctx)\n", ctx, orig, name)
			}
		}
		out = append(out, ropeVariant{Method: name, Label: ropeLabel(o, m), rope: o})
	}
	return out, nil
}

// ropeLabel names a RoPE setting briefly: "none", "linear x4",
// "yarn x4 (orig 512)", or "model rope" when nothing is overridden.
func ropeLabel(o ropescale.Overrides, m *model.Model) string {
	if !m.Features().RoPE {
		return "no rope"
	}
	if o.Method == nil {
		if o.Scale == nil {
			return "model rope"
		}
		return "model rope x" + fmtFloat(*o.Scale)
	}
	name := strings.ToLower(o.Method.String())
	if *o.Method == ropescale.None {
		return "none"
	}
	if o.Scale != nil {
		name += " x" + fmtFloat(*o.Scale)
	}
	if o.OrigCtx != nil && (*o.Method == ropescale.YaRN || *o.Method == ropescale.Dynamic) {
		name += fmt.Sprintf(" (orig %d)", *o.OrigCtx)
	}
	return name
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// progressLine reports progress on stderr: a line that updates in place
// on a terminal, and one line at the end (with the time taken) anywhere.
type progressLine struct {
	w      io.Writer
	prefix string
	tty    bool
	last   int
	start  time.Time
}

func newProgress(w io.Writer, prefix string) *progressLine {
	return &progressLine{w: w, prefix: prefix, tty: isTerminal(w), last: -1, start: time.Now()}
}

func (p *progressLine) update(done, total int) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	if pct == p.last {
		return
	}
	p.last = pct
	switch {
	case done >= total:
		cr := ""
		if p.tty {
			cr = "\r"
		}
		fmt.Fprintf(p.w, "%s%s: done in %.1f s\n", cr, p.prefix, time.Since(p.start).Seconds())
	case p.tty:
		fmt.Fprintf(p.w, "\r%s: %3d%%", p.prefix, pct)
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// writeSVG writes a picture to path.
func writeSVG(path string, pic interface{ WriteSVG(io.Writer) error }) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pic.WriteSVG(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
