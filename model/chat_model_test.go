package model

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The testdata models that load (the Q8_0 one does not) carry no template.
func TestModelWithoutChatTemplate(t *testing.T) {
	for _, path := range []string{
		"../testdata/stories260K.gguf",
		"../testdata/tinyllamas-stories-260k-f32.gguf",
		"../testdata/llama-2-tiny-random.gguf",
	} {
		t.Run(path, func(t *testing.T) {
			m, err := Open(path)
			require.NoError(t, err)
			defer m.Close()
			tmpl, err := m.ChatTemplate()
			assert.Nil(t, tmpl)
			require.ErrorIs(t, err, ErrNoChatTemplate)
			assert.Equal(t, "model: "+path+" has no chat template (tokenizer.chat_template); pick a built-in one (chatml, llama3, gemma, phi3, mistral)", err.Error())
		})
	}
}

// withChatTemplate is stories260K (an SPM vocabulary that adds <s>) with
// src stored as its tokenizer.chat_template.
func withChatTemplate(t *testing.T, src string) *Model {
	t.Helper()
	f, err := gguf.Open("../testdata/stories260K.gguf")
	require.NoError(t, err)
	defer f.Close()
	w, err := gguf.NewWriterFrom(f)
	require.NoError(t, err)
	w.SetString(keyChatTemplate, src)
	var buf bytes.Buffer
	_, err = w.WriteTo(&buf)
	require.NoError(t, err)
	m, err := OpenBytes(buf.Bytes(), "stories260K+template")
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

func TestModelChatTemplate(t *testing.T) {
	m := withChatTemplate(t, readFixture(t, "mistral.jinja"))
	tmpl, err := m.ChatTemplate()
	require.NoError(t, err)
	assert.Equal(t, "(model)", tmpl.Name())
	assert.Equal(t, ChatTokens{BOS: "<s>", EOS: "</s>"}, tmpl.Tokens())
	assert.Equal(t, []string{"</s>"}, tmpl.Stops())
	got, err := tmpl.Render([]Message{{"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"}}, true)
	require.NoError(t, err)
	// The tokenizer adds <s> itself, so the rendering leaves it out.
	assert.Equal(t, " [INST] Hi [/INST] Hello.</s> [INST] Bye [/INST]", got)

	tok, err := m.Tokenizer()
	require.NoError(t, err)
	ids := tok.Encode(got, true, true)
	require.NotEmpty(t, ids)
	assert.Equal(t, tok.BOS(), ids[0])
	assert.NotContains(t, ids[1:], tok.BOS())
	assert.Contains(t, ids, tok.EOS(), "the answer's </s> is the EOS token, not text")
}

func TestModelChatTemplateErrors(t *testing.T) {
	m := withChatTemplate(t, "{% if messages %}")
	_, err := m.ChatTemplate()
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "model: chat template (model): "), "%v", err)
	assert.Contains(t, err.Error(), "stories260K+template")

	m = withChatTemplate(t, "  \n")
	_, err = m.ChatTemplate()
	assert.ErrorIs(t, err, ErrNoChatTemplate)

	m = withChatTemplate(t, readFixture(t, "llama3.jinja"))
	require.NoError(t, m.Close())
	_, err = m.ChatTemplate()
	assert.True(t, errors.Is(err, ErrClosed), "%v", err)
}

func TestModelUseChatTemplate(t *testing.T) {
	m, err := Open("../testdata/stories260K.gguf")
	require.NoError(t, err)
	defer m.Close()
	builtin, err := ChatTemplateByName("phi3")
	require.NoError(t, err)
	tmpl, err := m.UseChatTemplate(builtin)
	require.NoError(t, err)
	assert.Equal(t, "phi3", tmpl.Name())
	assert.Equal(t, []string{"<|end|>", "</s>"}, tmpl.Stops())
	got, err := tmpl.Render([]Message{{"user", "Hi"}}, false)
	require.NoError(t, err)
	assert.Equal(t, "<|user|>\nHi<|end|>\n</s>", got)
	// The built-in itself keeps its own tokens.
	assert.Equal(t, "<|endoftext|>", builtin.Tokens().EOS)
}
