package model

import (
	"fmt"
	"strconv"
	"strings"
)

// grapher is an architecture that says how its graph differs from the
// plain block of its family.
type grapher interface{ graph() []string }

// Graph lists, one short phrase each, what a model's graph does beyond
// its family's plain block, as loaded (q/k norms, NoPE layers, fused
// projections, local and global layers, soft-caps, an attention
// temperature): for reports such as lcrun info. nil when the
// architecture has nothing to add.
func (m *Model) Graph() []string {
	if g, ok := m.arch.(grapher); ok {
		return g.graph()
	}
	return nil
}

func (m *llama) graph() []string {
	hp, v := &m.hp, &m.variant
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	if hp.dim != hp.heads*hp.headDim {
		add("head dim %d (q %d wide)", hp.headDim, hp.heads*hp.headDim)
	}
	if hp.neox {
		add("rope pairs neox")
	}
	if m.layers[0].bq != nil {
		add("q/k/v biases")
	}
	if v.qkNorm {
		add("q/k norms")
	}
	if v.fused {
		add("fused qkv and gate/up")
	}
	var nope []int
	for i, ly := range m.layers {
		if ly.noRope {
			nope = append(nope, i)
		}
	}
	if nope != nil {
		add("no rope in layers %s", layerList(nope))
	}
	if hp.tempScale != 0 {
		add("attention temperature 1 + %g ln(floor(pos/%d) + 1)", hp.tempScale, hp.tempFloor)
	}
	if hp.embedScale != 0 {
		add("embeddings x %.4g", hp.embedScale)
	}
	if hp.qScale != 0 {
		add("queries x %.4g", hp.qScale)
	}
	if hp.attnSoftCap != 0 {
		add("attention soft-cap %g", hp.attnSoftCap)
	}
	if hp.finalSoftCap != 0 {
		add("final soft-cap %g", hp.finalSoftCap)
	}
	if v.gemma {
		add("post-norms, gelu ffn")
	}
	if m.layers[0].sinks != nil {
		add("learned attention sinks")
	}
	if e := hp.moe; e.experts > 0 {
		add("%d experts, %d used (width %d)", e.experts, e.used, hp.ff)
		if e.sharedFF > 0 {
			add("shared expert (width %d)", e.sharedFF)
		}
	}
	if m.nLocal > 0 {
		var local, global []int
		for i, ly := range m.layers {
			if ly.local {
				local = append(local, i)
			} else {
				global = append(global, i)
			}
		}
		rope := ""
		if v.localRopeBase != 0 {
			rope = fmt.Sprintf(", rope base %g unscaled", v.localRopeBase)
		}
		add("local layers %s (window %d%s), global layers %s", layerList(local), hp.localWindow, rope, layerList(global))
	} else if hp.slidingWindow > 0 {
		add("sliding window %d", hp.slidingWindow)
	}
	return out
}

// layerList writes ascending layer numbers with runs as ranges: 0-4, 6-10.
func layerList(ls []int) string {
	var b strings.Builder
	for i := 0; i < len(ls); {
		j := i
		for j+1 < len(ls) && ls[j+1] == ls[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(ls[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(ls[j]))
		}
		i = j + 1
	}
	return b.String()
}
