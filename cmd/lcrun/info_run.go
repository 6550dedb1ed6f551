package main

import (
	"flag"
	"strings"

	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/ropescale"
)

// runFlags are the flags of lcrun info that say how a run would use the
// model: its context and the RoPE overrides, as lcrun run takes them.
type runFlags struct {
	ctx  int
	rope ropescale.Overrides
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.Var(countFlag{&f.ctx}, "ctx", "context a run would use (default: the model's, at most 4096)")
	for _, name := range ropeFlagNames {
		fs.Func(name, ropeFlagUsage[name], func(v string) error { return setRopeFlag(&f.rope, name, v) })
	}
}

// runUse is what a run with these flags would use: the effective RoPE
// (the file's settings with the overrides, for the run's context) and
// that context. Error says why it is unknown (the model does not load).
type runUse struct {
	Context       *int     `json:"context"`
	Rope          *string  `json:"rope"`
	RopeMagnitude *float64 `json:"rope_magnitude"`
	Graph         []string `json:"graph,omitempty"` // what the graph does beyond its family's plain block
	Error         string   `json:"error,omitempty"`
}

// effective loads the model the file holds (weights stay in the mapping)
// to find what a run would use; a file that does not load as a model
// (a vocabulary, an unsupported architecture) still gets its metadata
// listed, with the reason here.
func (f *runFlags) effective(file *gguf.File) *runUse {
	m, err := model.New(file)
	if err != nil {
		return &runUse{Error: withRopeHint(err)}
	}
	defer m.Close()
	r, err := m.Rope(model.SessionOptions{Ctx: f.ctx, Rope: f.rope})
	if err != nil {
		return &runUse{Error: withRopeHint(err)}
	}
	if r == nil { // no RoPE: a recurrent model's state does not grow
		info := &runUse{}
		if f.ctx > 0 {
			info.Context = &f.ctx
		}
		return info
	}
	ctx, desc, mag := r.Params().Ctx, r.Describe(), float64(r.Magnitude())
	return &runUse{Context: &ctx, Rope: &desc, RopeMagnitude: &mag, Graph: m.Graph()}
}

func (r *runUse) writeText(line func(k, format string, a ...any)) {
	switch {
	case r.Error != "":
		line("run", "- (%s)", oneLine(r.Error))
	case r.Rope != nil:
		line("run ctx", "%d", *r.Context)
		line("rope used", "%s", *r.Rope)
		if len(r.Graph) > 0 {
			line("graph", "%s", strings.Join(r.Graph, "; "))
		}
	case r.Context != nil:
		line("run ctx", "%d (recurrent state: memory does not grow with it)", *r.Context)
	default:
		line("run ctx", "any (recurrent state: memory does not grow with it)")
	}
}
