package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/ropescale"
)

// settleRope handles a run past the model's trained context: a
// --rope-scaling method without --rope-scale gets the factor the run
// needs (its tokens / the trained context, as ppl derives it), and a run
// with no scaling at all gets a note (contextNotes, said once the plan
// fits) that it goes past what the model was trained on. Streaming
// attention re-bases positions inside its window, so it never goes past.
// A --ctx larger than the run gets a note too.
func (r *longRun) settleRope(o *model.SessionOptions, notes io.Writer) error {
	if r.c.ctx > r.total() {
		// --ctx is a bound on what is read; the cache is sized to the run.
		r.contextNotes = fmt.Sprintf("lcrun: note: --ctx %s is more than this run holds (%s tokens: input, prompt and -n), so the KV cache is sized for %s\n",
			groupDigits(r.c.ctx), groupDigits(r.total()), groupDigits(r.total()))
	}
	trained := r.m.ContextLength()
	if !r.m.Features().RoPE || trained == 0 || o.Streaming {
		return nil
	}
	if r.c.session.given["rope-scaling"] && o.Rope.Method != nil && *o.Rope.Method != ropescale.None && o.Rope.Scale == nil {
		total := r.total()
		if total <= trained {
			fmt.Fprintf(notes, "lcrun: note: the run's %s tokens are within the trained context of %s, so --rope-scaling %s scales by 1 (give --rope-scale)\n",
				groupDigits(total), groupDigits(trained), o.Rope.Method)
			return nil
		}
		if r.c.cacheDir != "" {
			return usageErrorf("--rope-scaling %s with --cache needs --rope-scale: a factor derived from this input's length would not fit the states saved for another", o.Rope.Method)
		}
		s := float64(total) / float64(trained)
		o.Rope.Scale = &s
		if o.Rope.OrigCtx == nil {
			o.Rope.OrigCtx = &trained
		}
		fmt.Fprintf(notes, "lcrun: note: --rope-scaling %s without --rope-scale: scaling by %s (the run's %s tokens / the trained context of %s)\n",
			o.Rope.Method, strconv.FormatFloat(s, 'g', -1, 64), groupDigits(total), groupDigits(trained))
		return nil
	}
	if total := r.total(); total > trained && len(r.c.session.ropeText) == 0 {
		// Said once the run is known to fit (a refusal is one line).
		r.contextNotes += fmt.Sprintf("lcrun: note: the run holds %s tokens, past the model's trained context of %s: expect worse text past it (--rope-scaling yarn stretches RoPE; --attn sinks:4,N keeps positions within it)\n",
			groupDigits(total), groupDigits(trained))
	}
	return nil
}
