package model

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltinChatTemplates(t *testing.T) {
	mistral := "<s>[INST] You are a terse assistant.\n\nWhat is the capital of France? [/INST]Paris.</s>[INST] And of Italy? [/INST]"
	for _, c := range []struct {
		name          string
		withPrompt    string
		withoutPrompt string
		stops         []string
	}{
		{"chatml", chatmlBody + chatmlPrompt, chatmlBody, []string{"<|im_end|>"}},
		{"llama3", llama3Body + llama3Prompt, llama3Body, []string{"<|eot_id|>"}},
		{"gemma", gemmaBody + gemmaPrompt, gemmaBody, []string{"<end_of_turn>"}},
		{"phi3", phi3Body + phi3Prompt, phi3Body + "<|endoftext|>", []string{"<|end|>", "<|endoftext|>"}},
		{"mistral", mistral, mistral, []string{"</s>"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmpl, err := ChatTemplateByName(c.name)
			require.NoError(t, err)
			assert.Equal(t, c.name, tmpl.Name())
			got, err := tmpl.Render(conversation, true)
			require.NoError(t, err)
			assert.Equal(t, c.withPrompt, got)
			got, err = tmpl.Render(conversation, false)
			require.NoError(t, err)
			assert.Equal(t, c.withoutPrompt, got)
			assert.Equal(t, c.stops, tmpl.Stops())
		})
	}
}

func TestBuiltinChatTemplateNames(t *testing.T) {
	assert.Equal(t, []string{"chatml", "llama3", "gemma", "phi3", "mistral"}, ChatTemplateNames())
	tmpl, err := ChatTemplateByName("vicuna")
	assert.Nil(t, tmpl)
	assert.EqualError(t, err, `model: unknown chat template "vicuna" (built in: chatml, llama3, gemma, phi3, mistral)`)
}

// An empty conversation is a caller's edge case, not a template error.
func TestBuiltinChatTemplatesEmptyConversation(t *testing.T) {
	for _, name := range ChatTemplateNames() {
		tmpl, err := ChatTemplateByName(name)
		require.NoError(t, err)
		_, err = tmpl.Render(nil, true)
		assert.NoError(t, err, name)
	}
}

func TestBuiltinChatTemplatesRaise(t *testing.T) {
	for _, c := range []struct {
		name     string
		messages []Message
	}{
		{"gemma", []Message{{"user", "a"}, {"user", "b"}}},
		{"gemma", []Message{{"system", "s"}, {"assistant", "a"}}},
		{"mistral", []Message{{"assistant", "a"}}},
		{"mistral", []Message{{"user", "a"}, {"assistant", "b"}, {"assistant", "c"}}},
	} {
		tmpl, err := ChatTemplateByName(c.name)
		require.NoError(t, err)
		_, err = tmpl.Render(c.messages, true)
		var raised *ChatRaiseError
		require.True(t, errors.As(err, &raised), "%s: %v", c.name, err)
		assert.Equal(t, c.name, raised.Template)
	}
}

func TestBuiltinChatTemplateWithTokens(t *testing.T) {
	tmpl, err := ChatTemplateByName("mistral")
	require.NoError(t, err)
	tmpl = tmpl.WithTokens(ChatTokens{BOS: "[BOS]", EOS: "[EOS]"})
	got, err := tmpl.Render([]Message{{"user", "a"}, {"assistant", "b"}}, false)
	require.NoError(t, err)
	assert.Equal(t, "[BOS][INST] a [/INST]b[EOS]", got)
	assert.Equal(t, []string{"[EOS]"}, tmpl.Stops())
}
