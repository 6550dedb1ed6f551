package model

import (
	"math"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/model/kvcache"
)

// forward runs the Llama graph on one micro-batch (see archState.forward).
func (s *llamaState) forward(tokens, pos []int32, rows []int, out []float32) error {
	if s.local != nil {
		// Both caches take the batch or neither does.
		if err := s.local.kv.Fits(pos); err != nil {
			return err
		}
	}
	slots, err := s.kv.Alloc(pos)
	if err != nil {
		return err
	}
	if s.local != nil {
		if s.local.slots, err = s.local.kv.Alloc(pos); err != nil {
			return err
		}
		s.local.rotations(pos)
	}
	s.temperatures(pos)
	textPos := pos
	pos = s.kv.CachePositions(pos)
	m := s.m
	n := len(tokens)
	s.embed(tokens)
	s.rotations(pos)
	global := layerAttn{kv: s.kv, slots: slots, pos: pos, cos: s.cos, sin: s.sin, pairs: s.pairs, prm: &s.prm}
	var local layerAttn
	if s.local != nil {
		local = layerAttn{kv: s.local.kv, slots: s.local.slots, pos: textPos, cos: s.local.cos, sin: s.local.sin, pairs: s.local.pairs, prm: &s.local.prm}
	}
	for l := range m.layers {
		a := &global
		if m.layers[l].local {
			a = &local
		}
		s.attention(l, a)
		s.feedForward(l, n)
	}
	s.logits(rows, out)
	return nil
}

// embed sets the residual stream to the tokens' embeddings.
func (s *llamaState) embed(tokens []int32) {
	hp, dim := &s.m.hp, s.m.hp.dim
	for i, t := range tokens {
		s.m.embd.Row(int(t), s.x[i*dim:(i+1)*dim])
	}
	if hp.embedScale != 0 {
		lc.Scale(hp.embedScale, s.x[:len(tokens)*dim])
	}
}

// logits writes the logits of the residual rows asked for to out.
func (s *llamaState) logits(rows []int, out []float32) {
	if len(rows) == 0 {
		return
	}
	m, hp := s.m, &s.m.hp
	dim := hp.dim
	xr := s.xb[:len(rows)*dim]
	for j, r := range rows {
		lc.RMSNorm(xr[j*dim:(j+1)*dim], s.x[r*dim:(r+1)*dim], m.outNorm, hp.eps)
	}
	s.matmul(out, m.output, xr, len(rows))
	if hp.finalSoftCap != 0 {
		softCap(out[:len(rows)*hp.vocab], hp.finalSoftCap)
	}
}

// layerAttn is what a layer attends with in this micro-batch: its cache
// (the state's, or a layer pattern's local one), the batch's slots and
// positions in it, the rotations for those positions, the parameters.
type layerAttn struct {
	kv       *kvcache.Cache
	slots    []int
	pos      []int32
	cos, sin []float32
	pairs    int
	prm      *lc.AttentionParams
}

// rotations fills cos/sin for each token's position once per micro-batch;
// every layer shares them. Dynamic NTK picks its table by the sequence
// length the cache reaches with this batch (kvcache/rerotate.go).
func (s *llamaState) rotations(pos []int32) {
	r := s.kv.RopeTable(s.rope, len(pos))
	np := s.pairs
	for i, p := range pos {
		r.CosSin(int(p), s.cos[i*np:(i+1)*np], s.sin[i*np:(i+1)*np])
	}
}

// attention adds layer l's attention block to the residual stream.
func (s *llamaState) attention(l int, a *layerAttn) {
	m, hp := s.m, &s.m.hp
	ly := &m.layers[l]
	n, dim, hd := len(a.slots), hp.dim, hp.headDim
	qDim, kvDim := s.qDim, hp.kvHeads*hd
	x, xb := s.x[:n*dim], s.xb[:n*dim]
	for i := range n {
		lc.RMSNorm(xb[i*dim:(i+1)*dim], x[i*dim:(i+1)*dim], ly.attnNorm, hp.eps)
	}
	q, k, v := s.q[:n*qDim], s.k[:n*kvDim], s.v[:n*kvDim]
	s.matmulMany([][]float32{q, k, v}, []lc.Matrix{ly.wq, ly.wk, ly.wv}, xb, n)
	addBias(q, ly.bq)
	addBias(k, ly.bk)
	addBias(v, ly.bv)
	if ly.qNorm != nil {
		headNorms(q, ly.qNorm, hp.eps)
		headNorms(k, ly.kNorm, hp.eps)
	}
	if !ly.noRope {
		s.rotate(q, k, n, a)
	}
	if s.temp != nil {
		for i, t := range s.temp[:n] {
			lc.Scale(t, q[i*qDim:(i+1)*qDim])
		}
	}
	if hp.qScale != 0 {
		lc.Scale(hp.qScale, q)
	}
	cl := l
	if m.cacheLayer != nil {
		cl = m.cacheLayer[l]
	}
	kv := a.kv
	kv.Put(cl, a.slots, k, v)
	att := s.att[:n*qDim]
	prm := *a.prm
	prm.SinkLogits = ly.sinks
	s.poolFor(n*kv.Len()*qDim).Attention(att, q, a.pos, kv.K(cl), kv.V(cl), kv.Positions(), kv.Len(), prm)
	s.matmul(xb, ly.wo, att, n)
	addBias(xb, ly.bo)
	if ly.postAttn != nil {
		rowNorms(xb, ly.postAttn, hp.eps)
	}
	if hp.resScale != 0 {
		lc.Scale(hp.resScale, xb)
	}
	lc.Add(x, x, xb)
}

// rotate applies RoPE to n tokens' query and key heads with a's rotations.
func (s *llamaState) rotate(q, k []float32, n int, a *layerAttn) {
	hp := &s.m.hp
	hd, qDim, kvDim, np := hp.headDim, s.qDim, hp.kvHeads*hp.headDim, a.pairs
	for i := range n {
		cos, sin := a.cos[i*np:(i+1)*np], a.sin[i*np:(i+1)*np]
		for h := range hp.heads {
			lc.RoPE(q[i*qDim+h*hd:i*qDim+(h+1)*hd], cos, sin, hp.neox)
		}
		for h := range hp.kvHeads {
			lc.RoPE(k[i*kvDim+h*hd:i*kvDim+(h+1)*hd], cos, sin, hp.neox)
		}
	}
}

// temperatures fills each token's query scale from its position in the
// sequence (not in a streaming cache), as llama.cpp's attention
// temperature tuning does: 1 + scale*ln(floor(pos/floor) + 1).
func (s *llamaState) temperatures(pos []int32) {
	if s.temp == nil {
		return
	}
	hp := &s.m.hp
	for i, p := range pos {
		t := math.Log(math.Floor(float64(p)/float64(hp.tempFloor))+1)*float64(hp.tempScale) + 1
		s.temp[i] = float32(t)
	}
}

// rowNorms RMS-normalises every row of x (width len(w)) in place: the
// same as headNorms, named for what it reads like at its callers.
func rowNorms(x, w []float32, eps float32) { headNorms(x, w, eps) }

// headNorms RMS-normalises every head of rows x (head width len(w)) in
// place, with weights w.
func headNorms(x, w []float32, eps float32) {
	for i := 0; i < len(x); i += len(w) {
		lc.RMSNorm(x[i:i+len(w)], x[i:i+len(w)], w, eps)
	}
}

// feedForward adds layer l's SwiGLU network to the residual stream.
func (s *llamaState) feedForward(l, n int) {
	hp := &s.m.hp
	ly := &s.m.layers[l]
	dim, ff := hp.dim, hp.ff
	x, xb := s.x[:n*dim], s.xb[:n*dim]
	for i := range n {
		lc.RMSNorm(xb[i*dim:(i+1)*dim], x[i*dim:(i+1)*dim], ly.ffnNorm, hp.eps)
	}
	if ly.moe != nil {
		var shared []float32
		if ly.moe.shared != nil { // before moeForward overwrites xb
			shared = s.sharedExpertForward(ly.moe.shared, xb, n)
		}
		s.moeForward(ly.moe, xb, n)
		if shared != nil {
			lc.Add(xb, xb, shared)
		}
		if hp.resScale != 0 {
			lc.Scale(hp.resScale, xb)
		}
		lc.Add(x, x, xb)
		return
	}
	gate, up := s.gate[:n*ff], s.up[:n*ff]
	if s.m.variant.mlpLayers {
		s.matmul(up, ly.up, xb, n)
		reluSquare(up)
		s.matmul(xb, ly.down, up, n)
		lc.Add(x, x, xb)
		return
	}
	s.matmulMany([][]float32{gate, up}, []lc.Matrix{ly.gate, ly.up}, xb, n)
	if s.m.variant.gemma {
		geluMulF16(gate, up)
	} else {
		lc.SwiGLU(gate, gate, up)
	}
	s.matmul(xb, ly.down, gate, n)
	if ly.postFFN != nil {
		rowNorms(xb, ly.postFFN, hp.eps)
	}
	if hp.resScale != 0 {
		lc.Scale(hp.resScale, xb)
	}
	lc.Add(x, x, xb)
}

// reluSquare sets each x to max(x, 0)^2 (Nemotron-H's MLP).
func reluSquare(x []float32) {
	for i, v := range x {
		v = max(v, 0)
		x[i] = v * v
	}
}

// addBias adds b to every row of x (nothing when b is nil).
func addBias(x, b []float32) {
	if b == nil {
		return
	}
	for i := 0; i < len(x); i += len(b) {
		lc.Add(x[i:i+len(b)], x[i:i+len(b)], b)
	}
}
