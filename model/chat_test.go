package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardanlabs/jinja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conversation is the fixed chat every family renders: a system text, a
// question, an answer and a follow-up.
var conversation = []Message{
	{Role: "system", Content: "You are a terse assistant."},
	{Role: "user", Content: "What is the capital of France?"},
	{Role: "assistant", Content: "Paris."},
	{Role: "user", Content: "And of Italy?"},
}

const (
	chatmlBody = "<|im_start|>system\nYou are a terse assistant.<|im_end|>\n" +
		"<|im_start|>user\nWhat is the capital of France?<|im_end|>\n" +
		"<|im_start|>assistant\nParis.<|im_end|>\n" +
		"<|im_start|>user\nAnd of Italy?<|im_end|>\n"
	chatmlPrompt = "<|im_start|>assistant\n"

	llama3Body = "<|begin_of_text|>" +
		"<|start_header_id|>system<|end_header_id|>\n\nYou are a terse assistant.<|eot_id|>" +
		"<|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|>" +
		"<|start_header_id|>assistant<|end_header_id|>\n\nParis.<|eot_id|>" +
		"<|start_header_id|>user<|end_header_id|>\n\nAnd of Italy?<|eot_id|>"
	llama3Prompt = "<|start_header_id|>assistant<|end_header_id|>\n\n"

	// Gemma folds the system text into the first user turn.
	gemmaBody = "<bos><start_of_turn>user\nYou are a terse assistant.\n\nWhat is the capital of France?<end_of_turn>\n" +
		"<start_of_turn>model\nParis.<end_of_turn>\n" +
		"<start_of_turn>user\nAnd of Italy?<end_of_turn>\n"
	gemmaPrompt = "<start_of_turn>model\n"
	gemma2Body  = "<bos><start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n" +
		"<start_of_turn>model\nParis.<end_of_turn>\n" +
		"<start_of_turn>user\nAnd of Italy?<end_of_turn>\n"

	phi3Body = "<|system|>\nYou are a terse assistant.<|end|>\n" +
		"<|user|>\nWhat is the capital of France?<|end|>\n" +
		"<|assistant|>\nParis.<|end|>\n" +
		"<|user|>\nAnd of Italy?<|end|>\n"
	phi3Prompt = "<|assistant|>\n"
)

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "chat", name))
	require.NoError(t, err)
	return string(b)
}

func TestChatTemplateFixtures(t *testing.T) {
	llama3 := ChatTokens{BOS: "<|begin_of_text|>", EOS: "<|eot_id|>"}
	gemma := ChatTokens{BOS: "<bos>", EOS: "<eos>"}
	mistral := ChatTokens{BOS: "<s>", EOS: "</s>"}
	phi3 := ChatTokens{BOS: "<s>", EOS: "<|endoftext|>"}
	qwen := ChatTokens{EOS: "<|im_end|>"}
	// Mistral v0.2's template spaces each [INST] and answer; the open
	// [/INST] is its generation prompt, so the flag changes nothing.
	mistralWant := "<s> [INST] You are a terse assistant.\n\nWhat is the capital of France? [/INST] Paris.</s> [INST] And of Italy? [/INST]"
	for _, c := range []struct {
		file          string
		tokens        ChatTokens
		messages      []Message
		withPrompt    string
		withoutPrompt string
	}{
		{"llama3.jinja", llama3, conversation, llama3Body + llama3Prompt, llama3Body},
		{"qwen2.jinja", qwen, conversation, chatmlBody + chatmlPrompt, chatmlBody},
		{"qwen3.jinja", qwen, conversation, chatmlBody + chatmlPrompt, chatmlBody},
		{"chatml.jinja", qwen, conversation, chatmlBody + chatmlPrompt, chatmlBody},
		{"gemma3.jinja", gemma, conversation, gemmaBody + gemmaPrompt, gemmaBody},
		// Gemma 2's template refuses a system turn (TestChatTemplateRaises).
		{"gemma.jinja", gemma, conversation[1:], gemma2Body + gemmaPrompt, gemma2Body},
		{"phi3.jinja", phi3, conversation, phi3Body + phi3Prompt, phi3Body + "<|endoftext|>"},
		{"mistral.jinja", mistral, conversation, mistralWant, mistralWant},
	} {
		t.Run(c.file, func(t *testing.T) {
			tmpl, err := ParseChatTemplate(readFixture(t, c.file))
			require.NoError(t, err)
			tmpl = tmpl.WithTokens(c.tokens)
			got, err := tmpl.Render(c.messages, true)
			require.NoError(t, err)
			assert.Equal(t, c.withPrompt, got)
			got, err = tmpl.Render(c.messages, false)
			require.NoError(t, err)
			assert.Equal(t, c.withoutPrompt, got)
		})
	}
}

// Qwen's templates also write tool definitions, tool calls and tool
// results; the API has no tools yet, so this reaches them through render's
// extra variables to show the engine handles those sections.
func TestChatTemplateQwenTools(t *testing.T) {
	tools := jinja.FromGoValue([]any{map[string]any{
		"type": "function",
		"function": map[string]any{
			"name":        "get_weather",
			"description": "Weather in a city",
		},
	}})
	messages := jinja.FromGoValue([]any{
		map[string]any{"role": "user", "content": "Weather in Paris?"},
		map[string]any{"role": "assistant", "content": "", "tool_calls": []any{
			map[string]any{"function": map[string]any{"name": "get_weather", "arguments": map[string]any{"city": "Paris"}}},
		}},
		map[string]any{"role": "tool", "content": "sunny"},
	})
	toolsHeader := "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
		"You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
		`{"function": {"description": "Weather in a city", "name": "get_weather"}, "type": "function"}` +
		"\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
		"<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
	turns := "<|im_start|>user\nWeather in Paris?<|im_end|>\n" +
		"<|im_start|>assistant%s<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n" +
		"<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>\n" +
		"<|im_start|>assistant\n"
	for _, c := range []struct {
		file, want string
	}{
		{"qwen2.jinja", "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n" + toolsHeader +
			strings.Replace(turns, "%s", "\n", 1)},
		{"qwen3.jinja", "<|im_start|>system\n" + toolsHeader + strings.Replace(turns, "%s", "\n", 1)},
	} {
		t.Run(c.file, func(t *testing.T) {
			tmpl, err := ParseChatTemplate(readFixture(t, c.file))
			require.NoError(t, err)
			got, err := tmpl.render(nil, true, map[string]jinja.Value{"tools": tools, "messages": messages})
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// Qwen3 drops the reasoning of answers before the last question.
func TestChatTemplateQwen3DropsOldThinking(t *testing.T) {
	tmpl, err := ParseChatTemplate(readFixture(t, "qwen3.jinja"))
	require.NoError(t, err)
	got, err := tmpl.Render([]Message{
		{Role: "user", Content: "Hi"},
		{Role: "assistant", Content: "<think>\nThe user greets.\n</think>\n\nHello!"},
		{Role: "user", Content: "Bye"},
	}, true)
	require.NoError(t, err)
	assert.Equal(t, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"+
		"<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n", got)
}

func TestChatTemplateRaises(t *testing.T) {
	for _, c := range []struct {
		name     string
		src      string
		messages []Message
		message  string
	}{
		{"gemma system", readFixture(t, "gemma.jinja"), conversation, "System role not supported"},
		{"gemma alternation", readFixture(t, "gemma.jinja"), []Message{{"user", "a"}, {"user", "b"}},
			"Conversation roles must alternate user/assistant/user/assistant/..."},
		{"mistral alternation", readFixture(t, "mistral.jinja"), []Message{{"assistant", "a"}},
			"After the optional system message, conversation roles must alternate user/assistant/user/assistant/..."},
		{"no message", "{{ raise_exception() }}", nil, "(no message)"},
		{"multi-line message", "{{ raise_exception('one\ntwo') }}", nil, "one two"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmpl, err := ParseChatTemplate(c.src)
			require.NoError(t, err)
			got, err := tmpl.Render(c.messages, true)
			assert.Empty(t, got)
			var raised *ChatRaiseError
			require.True(t, errors.As(err, &raised), "%v", err)
			assert.Equal(t, c.message, raised.Message)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestChatTemplateErrors(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{
		{"unclosed for", "{% for m in messages %}{{ m['content'] }}", "model: chat template (user): "},
		{"unclosed expression", "{{ messages[0]['role'] ", "model: chat template (user): "},
		{"unknown tag", "{% frobnicate %}", "model: chat template (user): "},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmpl, err := ParseChatTemplate(c.src)
			assert.Nil(t, tmpl)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), c.want), "%v", err)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	t.Run("render", func(t *testing.T) {
		tmpl, err := ParseChatTemplate("{{ no_such_function() }}")
		require.NoError(t, err)
		_, err = tmpl.Render(conversation, true)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "model: chat template (user) failed: "), "%v", err)
	})
	// The engine calls strings.Repeat, which panics on a negative count.
	t.Run("engine panic", func(t *testing.T) {
		tmpl, err := ParseChatTemplate("{{ 'x' * -1 }}")
		require.NoError(t, err)
		got, err := tmpl.Render(conversation, true)
		assert.Empty(t, got)
		assert.EqualError(t, err, "model: chat template (user) failed: strings: negative Repeat count")
	})
}

func TestChatTemplateStopsFromSource(t *testing.T) {
	for _, c := range []struct {
		file   string
		tokens ChatTokens
		want   []string
	}{
		{"llama3.jinja", ChatTokens{EOS: "<|end_of_text|>"}, []string{"<|eot_id|>"}},
		{"qwen3.jinja", ChatTokens{EOS: "<|im_end|>"}, []string{"<|im_end|>"}},
		{"gemma3.jinja", ChatTokens{EOS: "<eos>"}, []string{"<end_of_turn>"}},
		{"phi3.jinja", ChatTokens{EOS: "<|endoftext|>"}, []string{"<|end|>", "<|endoftext|>"}},
		{"mistral.jinja", ChatTokens{EOS: "</s>"}, []string{"</s>"}},
		{"mistral.jinja", ChatTokens{}, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			tmpl, err := ParseChatTemplate(readFixture(t, c.file))
			require.NoError(t, err)
			assert.Equal(t, c.want, tmpl.WithTokens(c.tokens).Stops())
		})
	}
}
