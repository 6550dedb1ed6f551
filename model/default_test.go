package model_test

import (
	"context"
	"os"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// OpenDefault is the embedded copy of testdata's stories260K: the same
// name lcrun prints, the same logits as the file.
func TestOpenDefault(t *testing.T) {
	m, err := model.OpenDefault()
	require.NoError(t, err)
	defer m.Close()
	assert.Equal(t, model.DefaultName, m.Name())
	assert.Equal(t, "llama", m.Arch())
	assert.Equal(t, 2048, m.ContextLength())

	b, err := os.ReadFile("../testdata/stories260K.gguf")
	require.NoError(t, err)
	f, err := model.OpenBytes(b, "file")
	require.NoError(t, err)
	defer f.Close()
	logits := func(m *model.Model) []float32 {
		tok, err := m.Tokenizer()
		require.NoError(t, err)
		s, err := m.NewSession(model.SessionOptions{Ctx: 16})
		require.NoError(t, err)
		defer s.Close()
		require.NoError(t, s.Prefill(context.Background(), tok.Encode("Once upon a time", true, false), nil))
		return append([]float32(nil), s.Logits()...)
	}
	assert.Equal(t, logits(f), logits(m))
}
