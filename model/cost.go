package model

// Cost is the arithmetic of evaluating one token, for time estimates
// before a long run (measured speed x FLOPs).
type Cost struct {
	// Dense is the FLOPs per token that do not depend on the context:
	// every matrix product (2 per weight, the output layer included) and,
	// for recurrent models, the state update.
	Dense float64
	// PerKey is the FLOPs per token for each cached key it attends to
	// (scores and the weighted sum of values, over all layers and heads);
	// 0 for recurrent models.
	PerKey float64
}

// Tokens is the cost of evaluating n tokens when token i sees visible(i)
// keys (sum over i of Dense + PerKey*visible(i)); visibleSum is that sum
// of visible keys.
func (c Cost) Tokens(n int, visibleSum float64) float64 {
	return c.Dense*float64(n) + c.PerKey*visibleSum
}

type coster interface{ cost() Cost }

// Cost returns the model's per-token arithmetic (zero for an
// architecture that does not say).
func (m *Model) Cost() Cost {
	if c, ok := m.arch.(coster); ok {
		return c.cost()
	}
	return Cost{}
}

func (m *llama) cost() Cost {
	hp := &m.hp
	qDim, kvDim := float64(hp.heads*hp.headDim), float64(hp.kvHeads*hp.headDim)
	dim, ff := float64(hp.dim), float64(hp.ff)
	// A mixture of experts runs its router and only the k chosen
	// experts per token: time follows the active parameters.
	ffn := 3 * dim * ff
	if e := hp.moe; e.experts > 0 {
		ffn = float64(e.used)*ffn + dim*float64(e.experts) + 3*dim*float64(e.sharedFF)
	}
	perLayer := dim*qDim + 2*dim*kvDim + qDim*dim + ffn
	// A layer pattern's local layers attend to at most their window
	// whatever the context: their attention counts as dense work (the
	// window's worth), only the global layers' per key.
	perKeyLayer := 4 * float64(hp.heads*hp.headDim)
	local := perKeyLayer * float64(m.nLocal) * float64(hp.localWindow)
	return Cost{
		Dense:  2*(float64(hp.layers)*perLayer+float64(hp.vocab)*dim) + local,
		PerKey: perKeyLayer * float64(hp.layers-m.nLocal),
	}
}

func (m *mambaModel) cost() Cost {
	p := &m.p
	embd, inner := float64(p.embd), float64(p.inner)
	perLayer := embd*float64(p.inProj()) + inner*embd
	if !p.v2 {
		perLayer += inner*float64(p.xProj()) + float64(p.dtRank)*inner
	}
	// The scan: per channel and state element about 3 multiplies and 3
	// adds plus the exp; the causal conv: 2 per tap.
	scan := 7*inner*float64(p.dState) + 2*float64(p.convChannels()*p.dConv)
	return Cost{Dense: 2*(float64(p.layers)*perLayer+float64(p.vocab)*embd) + float64(p.layers)*scan}
}
