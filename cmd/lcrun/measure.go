package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/ropescale"
)

// What lcrun ppl and lcrun niah share: session flags plus the attention
// policy, model sessions seen as evals.LM, the RoPE methods to compare,
// progress lines and SVG output.

// measureFlags are the session flags of a measuring command (threads,
// micro-batch, KV type, attention policy, RoPE overrides); the KV cache
// defaults to f32, the most exact.
type measureFlags struct {
	session sessionFlags
}

func (f *measureFlags) register(fs *flag.FlagSet) { f.session.register(fs, "f32") }

// parse parses the command line and settles the session flags it named
// (notes about them go to stderr).
func (f *measureFlags) parse(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if err == nil {
		err = f.session.parsed(fs, stderr)
	}
	return pos, err
}

// options sizes a session for sequences of up to tokens positions, with
// rope as the RoPE overrides (one of the methods compared).
func (f *measureFlags) options(m *model.Model, tokens int, rope ropescale.Overrides, stderr io.Writer) (model.SessionOptions, error) {
	sf := f.session
	sf.rope = rope
	return sf.options(m, tokens, stderr)
}

// describe is the settings line pictures and reports carry.
func (f *measureFlags) describe(m *model.Model) string {
	if !m.Features().Attention {
		return "recurrent state (no attention)"
	}
	return fmt.Sprintf("attention %s, kv %s", f.session.attn.Effective(m), strings.ToLower(f.session.kv))
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
		return []ropeVariant{{Label: ropeLabel(base, m), rope: base}}, nil
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
			return nil, usageErrorf("--compare: %w", err)
		}
		if seen[name] {
			return nil, usageErrorf("--compare names %s twice", name)
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

// progressFor shows an evaluation's progress with the shared progress
// line (progress.go); call finish on the returned line when done.
func progressFor(stderr io.Writer, label string) (*progress, func(done, total int)) {
	p := newProgress(stderr, false, label, 0)
	return p, func(done, total int) {
		p.total = total
		p.update(done)
	}
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
