package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
)

// Mamba (Gu & Dao 2023) and Mamba-2 (Dao & Gu 2024): selective state-space
// models. Every layer carries a fixed-size recurrent state (the last
// d_conv-1 inputs of its causal convolution and the SSM state), so a
// sequence of any length runs in constant memory and linear time.
//
// Tensor names and hyperparameter keys are llama.cpp's. Per layer (Mamba):
//
//	h   = rmsnorm(x) * attn_norm
//	x,z = split(ssm_in · h)                   x first, then z (d_inner each)
//	x   = silu(conv1d(x) + ssm_conv1d.bias)   causal, state carried
//	dt,B,C = split(ssm_x · x)                 dt_rank, d_state, d_state
//	dt  = ssm_dt · dt + ssm_dt.bias
//	y   = scan(x, dt, A = ssm_a, B, C) + D*x  A stored negative (-exp(A_log))
//	x  += ssm_out · (y * silu(z))
//
// Mamba-2: ssm_in gives z (d_inner), xBC (d_inner + 2*n_group*d_state) and
// dt (one per head); the convolution runs over xBC, which then splits into
// x, B, C; A and D are one scalar per head (ssm_a, ssm_d are {1, n_head});
// after the gate comes an RMSNorm over each group of d_inner/n_group
// channels with ssm_norm weights. The time_step_rank key is the head count.

func init() { registerArch(loadMamba, "mamba", "mamba2") }

// Bounds on the SSM hyperparameters beyond the loader's width limits.
const (
	maxConvKernel = 64
	maxStateSize  = 1 << 12
)

// mambaParams are the hyperparameters of either version.
type mambaParams struct {
	v2     bool
	embd   int // d_model
	layers int
	inner  int // d_inner = expand * d_model
	dState int
	dConv  int
	dtRank int // Mamba-1: rank of the dt projection
	nHead  int // Mamba-2 heads (nHead*headDim = inner); Mamba-1: inner (one channel per "head")
	nGroup int // Mamba-2 groups of B/C; 1 for Mamba-1
	vocab  int
	ctx    int
	eps    float32
	// resScale multiplies each layer's output before its residual add
	// (Granite's residual_scale); 0 = none.
	resScale float32
	// normOptional: a Mamba-2 layer without ssm_norm has no group norm
	// (Falcon-H1's files may leave it out).
	normOptional bool
	// dtBCNorms: Mamba-1 layers RMS-norm dt (before ssm_dt), B and C with
	// weights ssm_dt_norm, ssm_b_norm, ssm_c_norm (Jamba).
	dtBCNorms bool
}

// convChannels is the width of the convolution: x alone (Mamba-1) or x, B
// and C together (Mamba-2).
func (p *mambaParams) convChannels() int {
	if p.v2 {
		return p.inner + 2*p.nGroup*p.dState
	}
	return p.inner
}

// inProj is the number of rows of ssm_in.
func (p *mambaParams) inProj() int {
	if p.v2 {
		return p.inner + p.convChannels() + p.nHead
	}
	return 2 * p.inner
}

// xProj is the number of rows of ssm_x (Mamba-1).
func (p *mambaParams) xProj() int { return p.dtRank + 2*p.dState }

// dtWidth is the number of dt values per token: one per channel
// (Mamba-1) or per head (Mamba-2).
func (p *mambaParams) dtWidth() int {
	if p.v2 {
		return p.nHead
	}
	return p.inner
}

// mambaLayer holds one layer's weights: matrices in place in the file,
// small vectors copied to float32.
type mambaLayer struct {
	norm   []float32 // attn_norm [embd]
	in     lc.Matrix // ssm_in: inProj x embd
	convW  []float32 // [convChannels][dConv]
	convB  []float32 // [convChannels]
	x      lc.Matrix // ssm_x (Mamba-1): xProj x inner
	dt     lc.Matrix // ssm_dt (Mamba-1): inner x dtRank
	dtBias []float32 // [dtWidth]
	a      []float32 // Mamba-1 [inner][dState]; Mamba-2 [nHead]
	d      []float32 // [inner] or [nHead]
	ssmNrm []float32 // Mamba-2 [inner] (n_group groups)
	out    lc.Matrix // ssm_out: embd x inner
	// Jamba's norms of dt, B and C (mambaParams.dtBCNorms), else nil.
	dtNorm, bNorm, cNorm []float32
}

type mambaModel struct {
	p       mambaParams
	embd    lc.Matrix // token_embd: vocab x embd
	outNorm []float32
	output  lc.Matrix // output, or token_embd when tied
	layers  []mambaLayer
}

// mambaHyper reads and checks the SSM hyperparameters (version 2 when v2)
// shared by Mamba and the hybrid models' recurrent layers.
func mambaHyper(l *loader, v2 bool) (mp mambaParams, err error) {
	p := &mp
	p.v2 = v2
	counts := []struct {
		dst   *int
		key   string
		limit int
	}{
		{&p.embd, keyEmbedding, maxWidth},
		{&p.layers, keyBlockCount, maxLayers},
		{&p.inner, keySSMInnerSize, maxWidth},
		{&p.dState, keySSMStateSize, maxStateSize},
		{&p.dConv, keySSMConvKernel, maxConvKernel},
		{&p.dtRank, keySSMTimeStepRank, maxWidth},
	}
	for _, c := range counts {
		if *c.dst, err = l.count(c.key, c.limit); err != nil {
			return mp, err
		}
	}
	if p.ctx, err = l.countOr(keyContextLength, 0, 1<<31-1); err != nil {
		return mp, err
	}
	eps, err := l.floatOr(keyRMSEpsilon, 1e-5)
	if err != nil {
		return mp, err
	}
	if eps < 0 || eps > 1 {
		return mp, fmt.Errorf("model: %s = %v is out of range [0, 1]", l.key(keyRMSEpsilon), eps)
	}
	p.eps = float32(eps)
	if rms, err := l.f.BoolOr(l.key(keySSMDtBCRMS), false); err != nil {
		return mp, fmt.Errorf("model: %w", err)
	} else if rms {
		return mp, fmt.Errorf("model: %s: RMS norms of dt, B and C (Falcon-Mamba) are not supported", l.arch)
	}
	p.nHead, p.nGroup = p.inner, 1
	if p.v2 {
		p.nHead = p.dtRank
		if p.nGroup, err = l.countOr(keySSMGroupCount, 1, maxHeads); err != nil {
			return mp, err
		}
		if p.inner%p.nHead != 0 || p.nHead%p.nGroup != 0 {
			return mp, fmt.Errorf("model: mamba2: inner size %d in %d heads of %d groups does not divide evenly", p.inner, p.nHead, p.nGroup)
		}
	}
	if p.inProj() > maxWidth || p.xProj() > maxWidth {
		return mp, fmt.Errorf("model: %s: projections of %d and %d rows are too wide", l.arch, p.inProj(), p.xProj())
	}
	return mp, nil
}

func loadMamba(l *loader) (architecture, error) {
	m := &mambaModel{}
	p := &m.p
	var err error
	if *p, err = mambaHyper(l, l.arch == "mamba2"); err != nil {
		return nil, err
	}
	tok, ok := l.f.Tensor("token_embd.weight")
	if !ok {
		return nil, fmt.Errorf("model: tensor token_embd.weight is missing")
	}
	if len(tok.Dims) != 2 || tok.Dims[1] == 0 || tok.Dims[1] > maxVocab {
		return nil, fmt.Errorf("model: tensor token_embd.weight has shape %v, want {%d, vocab <= %d}", tok.Dims, p.embd, maxVocab)
	}
	p.vocab = int(tok.Dims[1])
	if m.embd, err = l.matrix("token_embd.weight", p.vocab, p.embd); err != nil {
		return nil, err
	}
	if m.outNorm, err = l.vector("output_norm.weight", p.embd); err != nil {
		return nil, err
	}
	if m.output, ok, err = l.optMatrix("output.weight", p.vocab, p.embd); err != nil {
		return nil, err
	} else if !ok {
		m.output = m.embd
	}
	m.layers = make([]mambaLayer, p.layers)
	for i := range m.layers {
		if err := m.loadLayer(l, &m.layers[i], i); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// loadLayer reads the Mamba weights of the file's layer i into ly.
func (m *mambaModel) loadLayer(l *loader, ly *mambaLayer, i int) error {
	p := &m.p
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	var err error
	vec := func(dst *[]float32, s string, dims ...int) {
		if err == nil {
			*dst, err = l.vector(name(s), dims...)
		}
	}
	mat := func(dst *lc.Matrix, s string, rows, cols int) {
		if err == nil {
			*dst, err = l.matrix(name(s), rows, cols)
		}
	}
	cc := p.convChannels()
	vec(&ly.norm, "attn_norm.weight", p.embd)
	mat(&ly.in, "ssm_in.weight", p.inProj(), p.embd)
	vec(&ly.convW, "ssm_conv1d.weight", p.dConv, cc)
	vec(&ly.convB, "ssm_conv1d.bias", cc)
	vec(&ly.dtBias, "ssm_dt.bias", p.dtWidth())
	mat(&ly.out, "ssm_out.weight", p.embd, p.inner)
	if p.v2 {
		vec(&ly.a, "ssm_a", 1, p.nHead)
		vec(&ly.d, "ssm_d", 1, p.nHead)
		if p.normOptional {
			if err == nil {
				ly.ssmNrm, err = l.optVector(name("ssm_norm.weight"), p.inner/p.nGroup, p.nGroup)
			}
		} else {
			vec(&ly.ssmNrm, "ssm_norm.weight", p.inner/p.nGroup, p.nGroup)
		}
	} else {
		mat(&ly.x, "ssm_x.weight", p.xProj(), p.inner)
		if p.dtBCNorms {
			vec(&ly.dtNorm, "ssm_dt_norm.weight", p.dtRank)
			vec(&ly.bNorm, "ssm_b_norm.weight", p.dState)
			vec(&ly.cNorm, "ssm_c_norm.weight", p.dState)
		}
		mat(&ly.dt, "ssm_dt.weight", p.inner, p.dtRank)
		vec(&ly.a, "ssm_a", p.dState, p.inner)
		vec(&ly.d, "ssm_d", p.inner)
	}
	return err
}

func (m *mambaModel) features() Features { return Features{} }
func (m *mambaModel) vocabSize() int     { return m.p.vocab }
func (m *mambaModel) contextLength() int { return m.p.ctx }
