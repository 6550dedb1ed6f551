package model

import (
	"fmt"
	"strings"
)

// keyChatTemplate is the Jinja template converters copy from a model's
// tokenizer_config.json.
const keyChatTemplate = "tokenizer.chat_template"

// ChatTemplate returns the template the file carries, set up for this
// model as UseChatTemplate does. A file without one gives an error that
// wraps ErrNoChatTemplate: use a built-in (ChatTemplateByName) instead.
func (m *Model) ChatTemplate() (*ChatTemplate, error) {
	if err := m.acquire(); err != nil {
		return nil, err
	}
	has := m.file.Has(keyChatTemplate)
	src, err := m.file.StringOr(keyChatTemplate, "")
	m.release()
	if err != nil {
		return nil, fmt.Errorf("model: %s: %w", m.name, err)
	}
	if !has || strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("model: %s has %w (%s); pick a built-in one (%s)",
			m.name, ErrNoChatTemplate, keyChatTemplate, strings.Join(ChatTemplateNames(), ", "))
	}
	t, err := parseChatTemplate("(model)", src, ChatTokens{})
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, m.name)
	}
	return m.UseChatTemplate(t)
}

// UseChatTemplate returns a copy of t that renders this model's BOS and
// EOS texts. When the tokenizer adds BOS itself, the copy leaves a leading
// BOS out of its text (as llama.cpp does), so that encoding the rendering
// with special tokens added and parsed gives exactly one BOS.
func (m *Model) UseChatTemplate(t *ChatTemplate) (*ChatTemplate, error) {
	tok, err := m.Tokenizer()
	if err != nil {
		return nil, fmt.Errorf("model: %s: a chat template needs the tokenizer: %w", m.name, err)
	}
	c := t.WithTokens(ChatTokens{BOS: tok.Token(tok.BOS()), EOS: tok.Token(tok.EOS())})
	c.stripBOS = tok.AddBOS() && c.tokens.BOS != ""
	return c, nil
}
