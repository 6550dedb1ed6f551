package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const goldenDir = "../testdata/golden"

// mambaGolden is one logits case of the golden manifest.
type mambaGolden struct {
	ID       string
	Model    string
	Tokens   []int32
	Expected []float32 // [n][vocab]
	MaxAbs   float64
}

func loadMambaGolden(t *testing.T, id string) mambaGolden {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, "manifest.json"))
	require.NoError(t, err)
	var man struct {
		Cases []struct {
			ID     string `json:"id"`
			Kind   string `json:"kind"`
			Model  string `json:"model"`
			Inputs struct {
				Tokens string `json:"tokens"`
			} `json:"inputs"`
			Expected  json.RawMessage `json:"expected"`
			Tolerance struct {
				MaxAbs json.RawMessage `json:"max_abs"`
			} `json:"tolerance"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &man))
	for _, c := range man.Cases {
		if c.ID != id {
			continue
		}
		g := mambaGolden{ID: id, Model: filepath.Join(goldenDir, c.Model)}
		var exp string
		require.NoError(t, json.Unmarshal(c.Expected, &exp))
		require.NoError(t, json.Unmarshal(c.Tolerance.MaxAbs, &g.MaxAbs))
		toks, err := os.ReadFile(filepath.Join(goldenDir, c.Inputs.Tokens))
		require.NoError(t, err)
		for _, f := range strings.Fields(string(toks)) {
			v, err := strconv.ParseInt(f, 10, 32)
			require.NoError(t, err)
			g.Tokens = append(g.Tokens, int32(v))
		}
		b, err := os.ReadFile(filepath.Join(goldenDir, exp))
		require.NoError(t, err)
		g.Expected = make([]float32, len(b)/4)
		require.NoError(t, binary.Read(bytes.NewReader(b), binary.LittleEndian, g.Expected))
		return g
	}
	t.Fatalf("golden case %s not in the manifest", id)
	return mambaGolden{}
}

// requireLogitsMatch applies the manifest's rule: |got-want| <= maxAbs
// everywhere, and the same argmax on every row whose expected top-1/top-2
// margin exceeds 2*maxAbs. It returns the largest difference.
func requireLogitsMatch(t *testing.T, want, got []float32, vocab int, maxAbs float64) float64 {
	t.Helper()
	require.Equal(t, len(want), len(got))
	worst := 0.0
	for r := 0; r < len(want)/vocab; r++ {
		w, g := want[r*vocab:(r+1)*vocab], got[r*vocab:(r+1)*vocab]
		for i := range w {
			d := math.Abs(float64(w[i] - g[i]))
			if !(d <= maxAbs) {
				require.LessOrEqualf(t, d, maxAbs, "row %d logit %d: want %v got %v", r, i, w[i], g[i])
			}
			worst = max(worst, d)
		}
		top1, top2 := topTwo(w)
		if float64(w[top1]-w[top2]) > 2*maxAbs {
			g1, _ := topTwo(g)
			require.Equalf(t, top1, g1, "row %d argmax", r)
		}
	}
	return worst
}

func topTwo(x []float32) (int, int) {
	a, b := 0, -1
	for i := 1; i < len(x); i++ {
		switch {
		case x[i] > x[a]:
			a, b = i, a
		case b < 0 || x[i] > x[b]:
			b = i
		}
	}
	return a, b
}

var mambaCases = []string{"mamba-tiny-f32", "mamba-tiny-q8_0", "mamba2-tiny-f32", "mamba2-tiny-g2-f32", "mamba-tiny-f32.batch1"}

// evalAll evaluates tokens in micro-batches of chunk and returns every
// position's logits.
func evalAll(t *testing.T, s *Session, tokens []int32) []float32 {
	t.Helper()
	vocab := s.Model().VocabSize()
	rows := make([]int, len(tokens))
	for i := range rows {
		rows[i] = i
	}
	out := make([]float32, len(tokens)*vocab)
	require.NoError(t, s.Eval(context.Background(), Batch{Tokens: tokens, Rows: rows, Logits: out}))
	return out
}

func TestMambaGolden(t *testing.T) {
	for _, id := range mambaCases {
		g := loadMambaGolden(t, id)
		m, err := Open(g.Model)
		require.NoError(t, err)
		t.Cleanup(func() { m.Close() })
		for _, chunk := range []int{len(g.Tokens), 1, 7, 64} {
			t.Run(id+"/chunk="+strconv.Itoa(chunk), func(t *testing.T) {
				s, err := m.NewSession(SessionOptions{Batch: chunk, Threads: 2})
				require.NoError(t, err)
				defer s.Close()
				got := evalAll(t, s, g.Tokens)
				d := requireLogitsMatch(t, g.Expected, got, m.VocabSize(), g.MaxAbs)
				t.Logf("max |diff| %.3g (tolerance %g)", d, g.MaxAbs)
			})
		}
	}
}

// TestMambaSnapshot saves the state in the middle of a sequence, restores
// it into a fresh session and continues: the logits must be those of an
// uninterrupted run, bit for bit.
func TestMambaSnapshot(t *testing.T) {
	for _, id := range []string{"mamba-tiny-q8_0", "mamba2-tiny-g2-f32"} {
		t.Run(id, func(t *testing.T) {
			g := loadMambaGolden(t, id)
			m, err := Open(g.Model)
			require.NoError(t, err)
			defer m.Close()
			opts := SessionOptions{Batch: 16, Threads: 2}
			whole, err := m.NewSession(opts)
			require.NoError(t, err)
			defer whole.Close()
			// The same micro-batch boundaries as the interrupted run: the
			// matrix kernels may sum in another order for another batch width.
			half := 83
			evalAll(t, whole, g.Tokens[:half])
			want := evalAll(t, whole, g.Tokens[half:])

			first, err := m.NewSession(opts)
			require.NoError(t, err)
			defer first.Close()
			evalAll(t, first, g.Tokens[:half])
			var snap bytes.Buffer
			require.NoError(t, first.st.saveState(&snap))

			second, err := m.NewSession(opts)
			require.NoError(t, err)
			defer second.Close()
			require.NoError(t, second.st.restoreState(bytes.NewReader(snap.Bytes())))
			second.next = int32(half)
			got := evalAll(t, second, g.Tokens[half:])
			vocab := m.VocabSize()
			require.True(t, slices.Equal(want, got), "restored session's logits differ from the uninterrupted run")
			requireLogitsMatch(t, g.Expected[half*vocab:], got, vocab, g.MaxAbs)
		})
	}
}
