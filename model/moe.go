package model

import (
	"fmt"
	"math"

	lc "github.com/lcrun/lcrun"
)

// A mixture-of-experts feed-forward network (Shazeer et al. 2017, as
// Mixtral, Qwen3-MoE and gpt-oss lay it out in GGUF): a router
// (ffn_gate_inp, F32) scores every expert per token, the top k are run
// and their outputs summed with the router's weights. The experts are
// 3-D tensors ffn_{gate,up,down}_exps, read in place as one Matrix view
// per expert, so a token reads only its chosen experts' weights.

// maxExperts bounds expert_count (the largest GGUF MoE models have 384).
const maxExperts = 1 << 12

// moeHParams are the routing hyperparameters; experts == 0 is a dense FFN.
type moeHParams struct {
	experts, used int
	// normW: the k chosen weights are divided by their sum (a softmax over
	// the chosen logits); else they stay the softmax over all experts.
	normW bool
	// oai: gpt-oss's clamped SwiGLU (swigluOAI) instead of SwiGLU.
	oai bool
	// sharedFF > 0: every MoE layer also runs a shared expert this wide.
	sharedFF int
}

// moeFFN is one layer's experts; the biases are [experts][width] and nil
// when the model has none.
type moeFFN struct {
	router            lc.Matrix // experts rows of dim
	routerBias        []float32
	gate, up, down    []lc.Matrix
	gateB, upB, downB []float32
	shared            *sharedExpert // nil without
}

// moeHyper reads the expert counts; required says the architecture has
// no dense form. The expert width replaces hp.ff, the width every MoE
// layer runs.
func moeHyper(l *loader, hp *llamaHParams, required bool) error {
	if !l.f.Has(l.key(keyExpertCount)) {
		if required {
			return fmt.Errorf("model: %s is missing (this architecture needs experts)", l.key(keyExpertCount))
		}
		return nil
	}
	// A dense file may say expert_count = 0; an expert architecture may not.
	if n, err := l.f.Count(l.key(keyExpertCount)); err == nil && n == 0 && !required {
		return nil
	}
	n, err := l.count(keyExpertCount, maxExperts)
	if err != nil {
		return err
	}
	if hp.moe.used, err = l.count(keyExpertUsed, n); err != nil {
		return err
	}
	if hp.ff, err = l.countOr(keyExpertFF, hp.ff, maxWidth); err != nil {
		return err
	}
	hp.moe.experts = n
	return nil
}

// expertMatrices splits 3-D tensor name (ne {cols, rows, experts}) into
// one rows x cols matrix per expert, all in place.
func (l *loader) expertMatrices(name string, experts, rows, cols int) ([]lc.Matrix, error) {
	t, err := l.tensorInfo(name, cols, rows, experts)
	if err != nil {
		return nil, err
	}
	data, err := l.f.TensorData(name)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	rb, err := t.Type.RowBytes(cols)
	if err != nil {
		return nil, fmt.Errorf("model: tensor %s: %w", name, err)
	}
	per := rb * rows
	if len(data) < per*experts {
		return nil, fmt.Errorf("model: tensor %s holds %d bytes, want %d", name, len(data), per*experts)
	}
	out := make([]lc.Matrix, experts)
	for e := range out {
		if out[e], err = lc.NewMatrix(t.Type, rows, cols, data[e*per:(e+1)*per:(e+1)*per]); err != nil {
			return nil, fmt.Errorf("model: tensor %s: %w", name, err)
		}
	}
	return out, nil
}

// loadMoE loads layer i's router and experts (biases where the file has them).
func (m *llama) loadMoE(l *loader, i int) (*moeFFN, error) {
	hp := &m.hp
	e, dim, ff := hp.moe.experts, hp.dim, hp.ff
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	f := &moeFFN{}
	var err error
	if f.router, err = l.matrix(name("ffn_gate_inp.weight"), e, dim); err != nil {
		return nil, err
	}
	if f.gate, err = l.expertMatrices(name("ffn_gate_exps.weight"), e, ff, dim); err != nil {
		return nil, err
	}
	if f.up, err = l.expertMatrices(name("ffn_up_exps.weight"), e, ff, dim); err != nil {
		return nil, err
	}
	if f.down, err = l.expertMatrices(name("ffn_down_exps.weight"), e, dim, ff); err != nil {
		return nil, err
	}
	biases := []struct {
		dst          *[]float32
		n            string
		width, count int
	}{
		{&f.routerBias, "ffn_gate_inp.bias", e, 1},
		{&f.gateB, "ffn_gate_exps.bias", ff, e},
		{&f.upB, "ffn_up_exps.bias", ff, e},
		{&f.downB, "ffn_down_exps.bias", dim, e},
	}
	for _, b := range biases {
		if *b.dst, err = l.optVector(name(b.n), b.width, b.count); err != nil {
			return nil, err
		}
	}
	if hp.moe.sharedFF > 0 {
		if f.shared, err = loadSharedExpert(l, i, dim, hp.moe.sharedFF); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// moeScratch is a state's routing and expert scratch (llamaState.scratch).
type moeScratch struct {
	logits []float32 // [batch][experts]
	xg     []float32 // [batch][dim]: one expert's gathered input rows
	gate   []float32 // [batch][used*ff]
	up     []float32 // [batch][used*ff]
	y      []float32 // [batch][used*dim]
	acc    []float32 // [batch][dim]: the weighted sum
	choice []float32 // [batch][used]: chosen experts (as float32 indices) ...
	weight []float32 // ... and their weights
	// Not float scratch (made by newMoEScratch): one expert's token rows
	// and weights, and a token's expert products for MatMulMany.
	rows []int
	wts  []float32
	dst  [][]float32
	ws   []lc.Matrix
	// The shared expert's gate and up ([batch][sharedFF]) and output
	// ([batch][dim]); nil without one.
	shGate, shUp, shOut []float32
}

// newMoEScratch makes the routing lists for micro-batches of batch tokens.
func (s *llamaState) newMoEScratch(batch int) {
	if k := s.m.hp.moe.used; k > 0 {
		ms := &s.moe
		ms.rows, ms.wts = make([]int, 0, batch), make([]float32, 0, batch)
		ms.dst, ms.ws = make([][]float32, 0, 2*k), make([]lc.Matrix, 0, 2*k)
	}
}

func (s *llamaState) moeScratchBufs() []scratchBuf {
	hp := &s.m.hp
	e, k := hp.moe.experts, hp.moe.used
	if e == 0 {
		return nil
	}
	ms := &s.moe
	bufs := []scratchBuf{
		{&ms.logits, e}, {&ms.xg, hp.dim}, {&ms.gate, k * hp.ff}, {&ms.up, k * hp.ff},
		{&ms.y, k * hp.dim}, {&ms.acc, hp.dim}, {&ms.choice, k}, {&ms.weight, k},
	}
	if sf := hp.moe.sharedFF; sf > 0 {
		bufs = append(bufs, scratchBuf{&ms.shGate, sf}, scratchBuf{&ms.shUp, sf}, scratchBuf{&ms.shOut, hp.dim})
	}
	return bufs
}

// route fills each token's k chosen experts (highest router logit first)
// and their weights from the router's logits.
func route(logits, choice, weight []float32, experts, k int, normW bool) {
	for i := 0; i < len(logits)/experts; i++ {
		lg := logits[i*experts : (i+1)*experts]
		ch, w := choice[i*k:(i+1)*k], weight[i*k:(i+1)*k]
		topK(lg, ch)
		if normW {
			// softmax over the chosen logits = the softmax over all
			// experts' chosen probabilities divided by their sum.
			for j := range ch {
				w[j] = lg[int(ch[j])]
			}
			lc.Softmax(w)
			continue
		}
		lc.Softmax(lg)
		for j := range ch {
			w[j] = lg[int(ch[j])]
		}
	}
}

// topK writes the indices of x's len(ch) largest values to ch, largest
// first (the lower index first among equals).
func topK(x []float32, ch []float32) {
	for j := range ch {
		best := -1
		for e, v := range x {
			if best >= 0 && !(v > x[best]) {
				continue
			}
			taken := false
			for _, c := range ch[:j] {
				if int(c) == e {
					taken = true
					break
				}
			}
			if !taken {
				best = e
			}
		}
		ch[j] = float32(best)
	}
}

// moeForward replaces xb[:n*dim] (normed inputs) with the experts'
// weighted sum. A single token runs its k experts' gate and up products
// as one parallel loop; a batch groups its tokens by expert, one product
// per expert over the rows routed to it.
func (s *llamaState) moeForward(f *moeFFN, xb []float32, n int) {
	hp := &s.m.hp
	dim, ff, e, k := hp.dim, hp.ff, hp.moe.experts, hp.moe.used
	ms := &s.moe
	logits := ms.logits[:n*e]
	s.matmul(logits, f.router, xb, n)
	addBias(logits, f.routerBias)
	choice, weight := ms.choice[:n*k], ms.weight[:n*k]
	route(logits, choice, weight, e, k, hp.moe.normW)
	acc := ms.acc[:n*dim]
	clear(acc)
	if n == 1 {
		s.moeToken(f, xb[:dim], acc, choice, weight)
		copy(xb, acc)
		return
	}
	rows, wts := ms.rows, ms.wts
	for x := range e {
		rows, wts = rows[:0], wts[:0]
		for i := range n {
			for j := range k {
				if int(choice[i*k+j]) == x {
					rows = append(rows, i)
					wts = append(wts, weight[i*k+j])
				}
			}
		}
		m := len(rows)
		if m == 0 {
			continue
		}
		xg := ms.xg[:m*dim]
		for r, i := range rows {
			copy(xg[r*dim:(r+1)*dim], xb[i*dim:(i+1)*dim])
		}
		g, u, y := ms.gate[:m*ff], ms.up[:m*ff], ms.y[:m*dim]
		s.matmulMany([][]float32{g, u}, []lc.Matrix{f.gate[x], f.up[x]}, xg, m)
		s.expertAct(f, x, g, u)
		s.matmul(y, f.down[x], g, m)
		addBias(y, expertBias(f.downB, x, dim))
		for r, i := range rows {
			lc.Axpy(wts[r], y[r*dim:(r+1)*dim], acc[i*dim:(i+1)*dim])
		}
	}
	copy(xb, acc)
}

// moeToken runs one token's k experts into acc.
func (s *llamaState) moeToken(f *moeFFN, x, acc, choice, weight []float32) {
	hp := &s.m.hp
	dim, ff, k := hp.dim, hp.ff, hp.moe.used
	ms := &s.moe
	dst, ws := ms.dst[:0], ms.ws[:0]
	for j := range k {
		x := int(choice[j])
		dst = append(dst, ms.gate[j*ff:(j+1)*ff], ms.up[j*ff:(j+1)*ff])
		ws = append(ws, f.gate[x], f.up[x])
	}
	s.matmulMany(dst, ws, x, 1)
	for j := range k {
		x := int(choice[j])
		g, u, y := ms.gate[j*ff:(j+1)*ff], ms.up[j*ff:(j+1)*ff], ms.y[j*dim:(j+1)*dim]
		s.expertAct(f, x, g, u)
		s.matmul(y, f.down[x], g, 1)
		addBias(y, expertBias(f.downB, x, dim))
		lc.Axpy(weight[j], y, acc)
	}
}

// expertAct adds expert x's gate and up biases and leaves the activation
// in g.
func (s *llamaState) expertAct(f *moeFFN, x int, g, u []float32) {
	ff := s.m.hp.ff
	addBias(g, expertBias(f.gateB, x, ff))
	addBias(u, expertBias(f.upB, x, ff))
	if s.m.hp.moe.oai {
		swigluOAI(g, u)
		return
	}
	lc.SwiGLU(g, g, u)
}

// expertBias is expert x's row of a [experts][width] bias, nil if none.
func expertBias(b []float32, x, width int) []float32 {
	if b == nil {
		return nil
	}
	return b[x*width : (x+1)*width]
}

// swigluOAI is gpt-oss's gated unit, in place in g: with g clamped above
// at 7 and u to [-7, 7], g * sigmoid(1.702 g) * (u + 1).
func swigluOAI(g, u []float32) {
	const alpha, limit = 1.702, 7
	for i, x := range g {
		x = min(x, limit)
		y := min(max(u[i], -limit), limit)
		g[i] = x / (1 + float32(math.Exp(float64(-alpha*x)))) * (y + 1)
	}
}
