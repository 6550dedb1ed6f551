package model

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/synth"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// graniteMoEShared is the shared expert's width in graniteMoE's files.
const graniteMoEShared = 24

// graniteMoE writes a tiny Granite 4.0-H MoE file (layers M A, 4 experts
// of width 16, 2 per token, F32) with a shared expert of width sharedFF
// (0: none). The other tensors are the same whatever sharedFF is.
func graniteMoE(t *testing.T, sharedFF int) []byte {
	t.Helper()
	shape := synth.HybridShape{Embd: 32, Layers: 2, AttnEvery: 2, Heads: 2, KVHeads: 1, FF: 16, Vocab: 300, Ctx: 64,
		DState: 8, DConv: 4, SSMHeads: 2, Groups: 1, Expand: 2, Tied: true, Experts: 4, ExpertsUsed: 2, SharedFF: sharedFF}
	var buf bytes.Buffer
	_, err := synth.Spec{Name: "granite-moe", WType: lc.F32, Seed: 3, Hybrid: &shape}.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func openBytesT(t *testing.T, b []byte) *Model {
	t.Helper()
	m, err := OpenBytes(b, "granite-moe")
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// A shared expert whose down projection is zero adds exactly nothing: the
// file gives the logits of the same file without a shared expert, in a
// batch and token by token; with its real weights it changes them.
func TestSharedExpertZeroDownIsNoSharedExpert(t *testing.T) {
	with := graniteMoE(t, graniteMoEShared)
	zeroDown := map[string]tensorEdit{}
	for l := range 2 {
		zeroDown[blkName(l, "ffn_down_shexp.weight")] = tensorEdit{typ: lc.F32, dims: []uint64{graniteMoEShared, 32}}
	}
	zeroed := openBytesT(t, rewriteBytes(t, with, edit{replace: zeroDown}))
	without := openBytesT(t, graniteMoE(t, 0))
	shared := openBytesT(t, with)
	assert.Contains(t, zeroed.Graph(), "shared expert (width 24)")
	assert.NotContains(t, without.Graph(), "shared expert (width 24)")
	assert.InDelta(t, 2*2*3*32*graniteMoEShared, shared.Cost().Dense-without.Cost().Dense, 1e-6, "each token runs both layers' shared experts")

	tokens := randomTokens(10, 300, 5)
	for _, batch := range []int{10, 1} {
		want := allLogits(t, without, SessionOptions{Ctx: 32}, tokens, batch)
		assert.Equal(t, want, allLogits(t, zeroed, SessionOptions{Ctx: 32}, tokens, batch), "batch %d", batch)
		assert.NotEqual(t, want, allLogits(t, shared, SessionOptions{Ctx: 32}, tokens, batch), "batch %d", batch)
	}
}

// Each layer's FFN is x + residual_scale*(moe_out + shared expert) on
// the normed input, as a plain float64 computation from the file's
// weights gives it: for a batch of rows at once and for one row at a time.
func TestSharedExpertFFNMatchesPlainGo(t *testing.T) {
	m := openBytesT(t, graniteMoE(t, graniteMoEShared))
	attn := m.arch.(*hybridModel).attn
	s := newTestSession(t, m, SessionOptions{Ctx: 32, Batch: 4, Threads: 1})
	st := s.st.(*hybridState).attn
	dim, n := attn.hp.dim, 4
	r := rand.New(rand.NewPCG(7, 1))
	in := make([]float32, n*dim)
	for i := range in {
		in[i] = float32(r.NormFloat64())
	}
	for l := range attn.layers {
		require.NotNil(t, attn.layers[l].moe.shared, "layer %d", l)
		want := make([]float32, 0, n*dim)
		for i := range n {
			want = append(want, plainGraniteMoEFFN(t, attn, l, in[i*dim:(i+1)*dim])...)
		}
		copy(st.x, in)
		st.feedForward(l, n)
		assertClose(t, want, st.x[:n*dim], 1e-4)
		for i := range n {
			copy(st.x, in[i*dim:(i+1)*dim])
			st.feedForward(l, 1)
			assertClose(t, want[i*dim:(i+1)*dim], st.x[:dim], 1e-4)
		}
	}
}

// A session of the shared-expert model gives one prefill's logits token
// by token too, and after Save and Restore it goes on as the session it
// was saved from.
func TestSharedExpertSessionPaths(t *testing.T) {
	m := openBytesT(t, graniteMoE(t, graniteMoEShared))
	tokens := randomTokens(12, 300, 9)
	oneShot := allLogits(t, m, SessionOptions{Ctx: 32}, tokens, len(tokens))
	byToken := allLogits(t, m, SessionOptions{Ctx: 32}, tokens, 1)
	assertClose(t, oneShot, byToken, 1e-4)

	o := SessionOptions{Ctx: 32, Batch: 4, Threads: 1}
	a := newTestSession(t, m, o)
	require.NoError(t, a.Prefill(context.Background(), tokens[:7], nil))
	var saved bytes.Buffer
	require.NoError(t, a.Save(&saved))
	b := newTestSession(t, m, o)
	require.NoError(t, b.Restore(bytes.NewReader(saved.Bytes())))
	vocab := m.VocabSize()
	for i := 7; i < len(tokens); i++ {
		wa, err := a.Decode(tokens[i])
		require.NoError(t, err)
		wa = append([]float32(nil), wa...)
		wb, err := b.Decode(tokens[i])
		require.NoError(t, err)
		assert.Equal(t, wa, wb, "token %d after Restore", i)
		assertClose(t, byToken[i*vocab:(i+1)*vocab], wb, 1e-4)
	}
}

// Shared-expert files that do not add up are refused with one error
// naming what is wrong; shared-expert tensors a model would not run are
// refused rather than left out.
func TestSharedExpertRejects(t *testing.T) {
	with := graniteMoE(t, graniteMoEShared)
	key := "granitehybrid.expert_shared_feed_forward_length"
	allShexp := func(l int) []string {
		return []string{blkName(l, "ffn_gate_shexp.weight"), blkName(l, "ffn_up_shexp.weight"), blkName(l, "ffn_down_shexp.weight")}
	}
	dense, err := os.ReadFile(goldenDir + "/models/arch/granitehybrid.gguf")
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		src  []byte
		e    edit
		want string
	}{
		{"gate of the wrong width", with, edit{replace: map[string]tensorEdit{blkName(0, "ffn_gate_shexp.weight"): {typ: lc.F32, dims: []uint64{32, 20}}}},
			"blk.0.ffn_gate_shexp.weight has shape [32 20], want [32 24]"},
		{"up over the model width", with, edit{replace: map[string]tensorEdit{blkName(1, "ffn_up_shexp.weight"): {typ: lc.F32, dims: []uint64{16, 24}}}},
			"blk.1.ffn_up_shexp.weight has shape [16 24], want [32 24]"},
		{"down transposed", with, edit{replace: map[string]tensorEdit{blkName(1, "ffn_down_shexp.weight"): {typ: lc.F32, dims: []uint64{32, 24}}}},
			"blk.1.ffn_down_shexp.weight has shape [32 24], want [24 32]"},
		{"key without tensors", with, edit{drop: append(allShexp(0), allShexp(1)...)}, "blk.0.ffn_gate_shexp.weight is missing"},
		{"key without one layer's down", with, edit{drop: []string{blkName(1, "ffn_down_shexp.weight")}}, "blk.1.ffn_down_shexp.weight is missing"},
		{"tensors without key", with, edit{set: map[string]any{key: nil}}, "blk.0.ffn_gate_shexp.weight is in the file but " + key + " is not"},
		{"tensors with key 0", with, edit{set: map[string]any{key: uint32(0)}}, "blk.0.ffn_gate_shexp.weight is in the file but " + key + " is not"},
		{"absurd key", with, edit{set: map[string]any{key: uint64(1) << 40}}, key},
		{"key as text", with, edit{set: map[string]any{key: "wide"}}, key},
		{"gated shared expert", with, edit{add: map[string][]float32{blkName(0, "ffn_gate_inp_shexp.weight"): make([]float32, 32)}},
			"blk.0.ffn_gate_inp_shexp.weight: a gated shared expert is not supported"},
		{"shared expert in a dense file", dense, edit{add: map[string][]float32{blkName(2, "ffn_up_shexp.weight"): make([]float32, 32)}},
			"tensor blk.2.ffn_up_shexp.weight is not part of a granitehybrid model as lcrun runs it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := OpenBytes(rewriteBytes(t, c.src, c.e), "edited")
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// A key of 0 is no shared expert, as llama.cpp reads it.
	m, err := OpenBytes(rewriteBytes(t, graniteMoE(t, 0), edit{set: map[string]any{key: uint32(0)}}), "key 0")
	require.NoError(t, err)
	defer m.Close()
	assert.Nil(t, m.arch.(*hybridModel).attn.layers[0].moe.shared)
}

func blkName(l int, s string) string { return fmt.Sprintf("blk.%d.%s", l, s) }

// plainGraniteMoEFFN is layer l's FFN on one residual row x, in float64
// from the F32 weights: RMS norm, softmax routing over the top k
// renormalised, the chosen SwiGLU experts weighted, the shared expert
// added, the sum scaled by residual_scale and added to x.
func plainGraniteMoEFFN(t *testing.T, m *llama, l int, x []float32) []float32 {
	hp := &m.hp
	ly := &m.layers[l]
	f := ly.moe
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	inv := 1 / math.Sqrt(ss/float64(len(x))+float64(hp.eps))
	xn := make([]float64, len(x))
	for i, v := range x {
		xn[i] = float64(v) * inv * float64(ly.ffnNorm[i])
	}
	logits := plainMatVec(t, f.router, xn)
	chosen := make([]int, hp.moe.used)
	for j := range chosen {
		best := -1
		for e, v := range logits {
			if !containsInt(chosen[:j], e) && (best < 0 || v > logits[best]) {
				best = e
			}
		}
		chosen[j] = best
	}
	var sum float64
	w := make([]float64, len(chosen))
	for j, e := range chosen {
		w[j] = math.Exp(logits[e] - logits[chosen[0]])
		sum += w[j]
	}
	out := make([]float64, len(x))
	for j, e := range chosen {
		y := plainSwiGLU(t, f.gate[e], f.up[e], f.down[e], xn)
		for i := range out {
			out[i] += w[j] / sum * y[i]
		}
	}
	sh := f.shared
	y := plainSwiGLU(t, sh.gate, sh.up, sh.down, xn)
	res := make([]float32, len(x))
	for i := range out {
		res[i] = float32(float64(x[i]) + float64(hp.resScale)*(out[i]+y[i]))
	}
	return res
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// plainSwiGLU is down(silu(gate x) * up x).
func plainSwiGLU(t *testing.T, gate, up, down lc.Matrix, x []float64) []float64 {
	g, u := plainMatVec(t, gate, x), plainMatVec(t, up, x)
	for i := range g {
		g[i] = g[i] / (1 + math.Exp(-g[i])) * u[i]
	}
	return plainMatVec(t, down, g)
}

// plainMatVec is w x for an F32 matrix, in float64.
func plainMatVec(t *testing.T, w lc.Matrix, x []float64) []float64 {
	t.Helper()
	require.Equal(t, lc.F32, w.Type)
	require.Equal(t, len(x), w.Cols)
	vals := make([]float32, w.Rows*w.Cols)
	require.NoError(t, lc.Dequantize(lc.F32, vals, w.Data))
	out := make([]float64, w.Rows)
	for r := range out {
		for c, v := range vals[r*w.Cols : (r+1)*w.Cols] {
			out[r] += float64(v) * x[c]
		}
	}
	return out
}

// Decoding with a shared expert allocates nothing in steady state (its
// scratch is the state's).
func TestSharedExpertDecodeNoAllocs(t *testing.T) {
	m := openBytesT(t, graniteMoE(t, graniteMoEShared))
	s := newTestSession(t, m, SessionOptions{Ctx: 256, Threads: 1})
	// Past one attention block of keys (64), as TestDecodeNoAllocs.
	for i := range 80 {
		_, err := s.Decode(int32(3 + i))
		require.NoError(t, err)
	}
	tok := int32(100)
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := s.Decode(tok); err != nil {
			t.Fatal(err)
		}
		tok = (tok*31+7)%290 + 3
	})
	assert.Zero(t, allocs)
}
