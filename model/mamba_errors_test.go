package model

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMambaLoadErrors(t *testing.T) {
	m1 := filepath.Join(goldenDir, "models/mamba-tiny-f32.gguf")
	m2 := filepath.Join(goldenDir, "models/mamba2-tiny-g2-f32.gguf")
	drop := func(name string) edit { return edit{drop: []string{name}} }
	reshape := func(name string, dims ...uint64) edit {
		return edit{replace: map[string]tensorEdit{name: {typ: lc.F32, dims: dims}}}
	}
	set := func(k string, v any) edit { return edit{set: map[string]any{k: v}} }
	cases := []struct {
		name, path string
		e          edit
		want       string
	}{
		{"missing ssm_a", m1, drop("blk.1.ssm_a"), "blk.1.ssm_a is missing"},
		{"missing ssm_x", m1, drop("blk.0.ssm_x.weight"), "blk.0.ssm_x.weight is missing"},
		{"missing output_norm", m1, drop("output_norm.weight"), "output_norm.weight is missing"},
		{"A transposed", m1, reshape("blk.0.ssm_a", 128, 16), "blk.0.ssm_a has shape"},
		{"conv too wide", m1, reshape("blk.0.ssm_conv1d.weight", 5, 128), "ssm_conv1d.weight has shape"},
		{"no state size", m1, set("mamba.ssm.state_size", nil), "mamba.ssm.state_size: missing"},
		{"zero conv kernel", m1, set("mamba.ssm.conv_kernel", uint32(0)), "conv_kernel = 0 is out of range"},
		{"huge state", m1, set("mamba.ssm.state_size", uint32(1<<30)), "state_size = 1073741824 is out of range"},
		{"state size as string", m1, set("mamba.ssm.state_size", "16"), "mamba.ssm.state_size"},
		{"falcon-mamba norms", m1, set("mamba.ssm.dt_b_c_rms", true), "not supported"},
		{"heads do not divide", m2, set("mamba2.ssm.time_step_rank", uint32(7)), "does not divide evenly"},
		{"groups do not divide", m2, set("mamba2.ssm.group_count", uint32(3)), "does not divide evenly"},
		{"group norm over all", m2, reshape("blk.0.ssm_norm.weight", 128), "ssm_norm.weight has shape"},
		{"no embeddings", m2, drop("token_embd.weight"), "token_embd.weight is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := rewrite(t, c.path, c.e)
			_, err := OpenBytes(b, c.name)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// The unchanged copy loads: the errors above come from the edits.
	_, err := OpenBytes(rewrite(t, m2, edit{}), "copy")
	require.NoError(t, err)
}

// TestMambaTiedOutput checks the tied output (no output.weight: the
// logits come from token_embd, as in the real Mamba-130M) against the same
// file with an explicit output.weight equal to token_embd.
func TestMambaTiedOutput(t *testing.T) {
	path := filepath.Join(goldenDir, "models/mamba-tiny-q8_0.gguf")
	tokens := readTokens(t, filepath.Join(goldenDir, "logits/mamba-tiny-q8_0.tokens"))[:40]
	f, err := gguf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	embd, err := f.TensorData("token_embd.weight")
	require.NoError(t, err)
	embdAsOutput := edit{replace: map[string]tensorEdit{"output.weight": {data: embd}}}
	dropOutput := edit{drop: []string{"output.weight"}}
	var logits [2][]float32
	for i, e := range []edit{embdAsOutput, dropOutput} {
		m, err := OpenBytes(rewrite(t, path, e), "copy")
		require.NoError(t, err)
		s, err := m.NewSession(SessionOptions{Batch: 16, Threads: 1})
		require.NoError(t, err)
		logits[i] = evalSpan(t, s, tokens)
		s.Close()
		m.Close()
	}
	require.Equal(t, logits[0], logits[1])
}

func TestMambaStateErrors(t *testing.T) {
	m, err := Open(filepath.Join(goldenDir, "models/mamba-tiny-f32.gguf"))
	require.NoError(t, err)
	defer m.Close()
	s, err := m.NewSession(SessionOptions{Batch: 8, Threads: 1})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	toks := []int32{1, 40, 50, 60, 70}
	require.NoError(t, s.Prefill(ctx, toks, nil))

	st := s.st.(*mambaState)
	err = st.forward([]int32{5}, []int32{2}, nil, nil)
	require.ErrorContains(t, err, "only continues its sequence")
	err = st.forward([]int32{5, 6}, []int32{5, 7}, nil, nil)
	require.ErrorContains(t, err, "only continues its sequence")
	require.EqualValues(t, 5, st.pos, "a refused call leaves the state as it was")

	var snap bytes.Buffer
	require.NoError(t, st.saveState(&snap))
	full := snap.Bytes()

	// Truncated anywhere: an error, and the state is reset.
	for _, n := range []int{0, 3, 19, 20, 21, len(full) / 2, len(full) - 1} {
		require.NoError(t, st.restoreState(bytes.NewReader(full)))
		err := st.restoreState(bytes.NewReader(full[:n]))
		require.Errorf(t, err, "%d of %d bytes", n, len(full))
		assert.EqualValues(t, 0, st.pos)
		assert.Equal(t, make([]float32, len(st.ssm)), st.ssm)
	}
	// A state of another shape (the Mamba-2 model's) is refused.
	m2, err := Open(filepath.Join(goldenDir, "models/mamba2-tiny-f32.gguf"))
	require.NoError(t, err)
	defer m2.Close()
	s2, err := m2.NewSession(SessionOptions{Batch: 8, Threads: 1})
	require.NoError(t, err)
	defer s2.Close()
	var other bytes.Buffer
	require.NoError(t, s2.st.saveState(&other))
	require.ErrorIs(t, st.restoreState(&other), ErrStateMismatch)
	// A negative position is refused.
	bad := bytes.Clone(full)
	bad[19] = 0x80
	require.ErrorContains(t, st.restoreState(bytes.NewReader(bad)), "damaged state: position")
	// And the good one still restores.
	require.NoError(t, st.restoreState(bytes.NewReader(full)))
	require.EqualValues(t, 5, st.pos)
}

// TestMambaNoAllocs checks that a forward step allocates nothing: the
// state and scratch are the session's, whatever the sequence length.
func TestMambaNoAllocs(t *testing.T) {
	for _, name := range []string{"mamba-tiny-q8_0", "mamba2-tiny-g2-f32"} {
		t.Run(name, func(t *testing.T) {
			m, err := Open(filepath.Join(goldenDir, "models", name+".gguf"))
			require.NoError(t, err)
			defer m.Close()
			s, err := m.NewSession(SessionOptions{Batch: 16, Threads: 2})
			require.NoError(t, err)
			defer s.Close()
			st := s.st
			out := make([]float32, 2*m.VocabSize())
			toks, pos := make([]int32, 16), make([]int32, 16)
			var next int32
			step := func(n int, rows []int) {
				for i := range n {
					toks[i], pos[i] = (next+int32(i))%300+1, next+int32(i)
				}
				require.NoError(t, st.forward(toks[:n], pos[:n], rows, out))
				next += int32(n)
			}
			two, one := []int{3, 15}, []int{0}
			step(16, two) // warm the pool's scratch
			step(1, one)
			assert.Zero(t, testing.AllocsPerRun(20, func() { step(16, two) }), "prefill micro-batch")
			assert.Zero(t, testing.AllocsPerRun(20, func() { step(1, one) }), "decode step")
		})
	}
}
