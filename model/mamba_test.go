package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// mambaGoldenCases are the manifest's logits cases of Mamba models (the
// walker in golden_test.go runs them one-shot, token by token and in
// micro-batches of 7 and 64).
func mambaGoldenCases(t *testing.T) []goldenCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, "manifest.json"))
	require.NoError(t, err)
	var man goldenManifest
	require.NoError(t, json.Unmarshal(raw, &man))
	arch := map[string]string{}
	for _, m := range man.Models {
		arch[m.File] = m.Arch
	}
	var out []goldenCase
	for _, c := range man.Cases {
		if a := arch[c.Model]; c.Kind == "logits" && (a == "mamba" || a == "mamba2") {
			out = append(out, c)
		}
	}
	require.Len(t, out, 5, "mamba-tiny-f32, -q8_0, .batch1, mamba2-tiny-f32, -g2-f32")
	return out
}

// evalSpan evaluates tokens at the session's next positions and returns
// the logits of every one of them.
func evalSpan(t *testing.T, s *Session, tokens []int32) []float32 {
	t.Helper()
	rows := make([]int, len(tokens))
	for i := range rows {
		rows[i] = i
	}
	out := make([]float32, len(tokens)*s.Model().VocabSize())
	require.NoError(t, s.Eval(context.Background(), Batch{Tokens: tokens, Rows: rows, Logits: out}))
	return out
}

// TestMambaGoldenRestored saves the session in the middle of each golden
// sequence, restores it into a fresh session and continues there: the
// logits must be bit for bit those of an uninterrupted session (with the
// same micro-batch boundaries: the matrix kernels may sum in another order
// for another batch width) and within the golden tolerance.
func TestMambaGoldenRestored(t *testing.T) {
	for _, c := range mambaGoldenCases(t) {
		for _, batch := range []int{1, 16} {
			t.Run(fmt.Sprintf("%s/batch%d", c.ID, batch), func(t *testing.T) {
				m := openGoldenModel(t, c.Model)
				tokens := readTokens(t, filepath.Join(goldenDir, c.Inputs.Tokens))
				want := readF32(t, filepath.Join(goldenDir, c.Expected.(string)))
				vocab, half := m.VocabSize(), 83
				opts := SessionOptions{Batch: batch, Threads: 2}

				whole, err := m.NewSession(opts)
				require.NoError(t, err)
				defer whole.Close()
				evalSpan(t, whole, tokens[:half])
				uninterrupted := evalSpan(t, whole, tokens[half:])

				first, err := m.NewSession(opts)
				require.NoError(t, err)
				defer first.Close()
				head := evalSpan(t, first, tokens[:half])
				var snap bytes.Buffer
				require.NoError(t, first.Save(&snap))

				second, err := m.NewSession(opts)
				require.NoError(t, err)
				defer second.Close()
				require.NoError(t, second.Restore(&snap))
				require.Equal(t, half, second.Pos())
				require.Equal(t, tokens[:half], second.Tokens())
				tail := evalSpan(t, second, tokens[half:])
				require.True(t, slices.Equal(uninterrupted, tail), "the restored session's logits differ from the uninterrupted one's")
				compareLogits(t, append(head, tail...), want, vocab, c.Tol.MaxAbs.(float64))
			})
		}
	}
}
