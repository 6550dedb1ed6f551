package model

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenCaseByID is the manifest's case id.
func goldenCaseByID(t *testing.T, id string) goldenCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, "manifest.json"))
	require.NoError(t, err)
	var man goldenManifest
	require.NoError(t, json.Unmarshal(raw, &man))
	for _, c := range man.Cases {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no case %s in the manifest", id)
	return goldenCase{}
}

// The Llama-family architectures survive a Save/Restore in the middle of
// their golden sequence (Gemma's local layers from a cache of their own):
// a fresh session restored from the state of one that evaluated the first
// cut tokens gives the rest of the reference's logits within the case's
// tolerance, and (f32 and f16 caches) the same bits as the session that
// never stopped.
func TestArchSaveRestoreMidway(t *testing.T) {
	const cut = 130 // inside the scored rows 100..199
	for _, id := range []string{"arch-qwen3", "arch-smollm3", "arch-phi3-short", "arch-phi3-long", "arch-mistral3", "arch-gemma2", "arch-gemma3", "arch-granitehybrid", "arch-nemotron-h", "arch-falcon-h1", "arch-lfm2", "arch-jamba", "arch-qwen3moe", "arch-llama-moe", "arch-gpt-oss"} {
		t.Run(id, func(t *testing.T) {
			c := goldenCaseByID(t, id)
			m := openGoldenModel(t, c.Model)
			tokens := readTokens(t, filepath.Join(goldenDir, c.Inputs.Tokens))
			want := readF32(t, filepath.Join(goldenDir, c.Expected.(string)))
			vocab := m.VocabSize()
			for _, kv := range []lc.DType{lc.F32, lc.F16} {
				t.Run(kv.String(), func(t *testing.T) {
					opts := SessionOptions{Ctx: len(tokens), KV: kv, Batch: 16}
					ref := newTestSession(t, m, opts)
					require.NoError(t, ref.Prefill(context.Background(), tokens[:cut], nil))
					straight := evalAll(t, ref, tokens[cut:])

					a := newTestSession(t, m, opts)
					require.NoError(t, a.Prefill(context.Background(), tokens[:cut], nil))
					var buf bytes.Buffer
					require.NoError(t, a.Save(&buf))
					b := newTestSession(t, m, opts)
					require.NoError(t, b.Restore(bytes.NewReader(buf.Bytes())))
					require.Equal(t, cut, b.Pos())
					got := evalAll(t, b, tokens[cut:])
					assert.Equal(t, straight, got, "a restored session goes on as the original")
					if kv == lc.F32 {
						compareLogits(t, got, want[(cut-c.OutFrom)*vocab:], vocab, c.Tol.MaxAbs.(float64))
					}
				})
			}
		})
	}
}
