package serving

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lcrun/lcrun/model"
)

// ChatTemplate is the template a model's conversations are rendered
// with: the file's own, else the built-in one its architecture and
// vocabulary imply (a file's absent template says nothing about its
// training, so this is a best guess, named in Name()).
func ChatTemplate(m *model.Model) (*model.ChatTemplate, error) {
	t, err := m.ChatTemplate()
	if err == nil || !errors.Is(err, model.ErrNoChatTemplate) {
		return t, err
	}
	b, err := model.ChatTemplateByName(builtinFor(m))
	if err != nil {
		return nil, err
	}
	return m.UseChatTemplate(b)
}

// builtinFor picks a built-in template from the architecture and the
// end-of-turn tokens the vocabulary has.
func builtinFor(m *model.Model) string {
	arch := m.Arch()
	has := func(s string) bool {
		tok, err := m.Tokenizer()
		if err != nil {
			return false
		}
		_, ok := tok.TokenID(s)
		return ok
	}
	switch {
	case strings.HasPrefix(arch, "gemma"):
		return "gemma"
	case strings.HasPrefix(arch, "phi3"):
		return "phi3"
	case has("<|eot_id|>"):
		return "llama3"
	case has("<|im_end|>") || strings.HasPrefix(arch, "qwen"):
		return "chatml"
	case arch == "llama":
		return "mistral" // Llama 2 and Mistral's [INST] format
	}
	return "chatml"
}

// Chat renders a conversation for generation and encodes it (the special
// tokens the template writes are parsed; BOS as the tokenizer asks).
func (e *Engine) Chat(t *model.ChatTemplate, messages []model.Message) ([]int32, error) {
	if len(messages) == 0 {
		return nil, &RequestError{"messages is empty"}
	}
	text, err := t.Render(messages, true)
	if err != nil {
		var raised *model.ChatRaiseError
		if errors.As(err, &raised) {
			return nil, &RequestError{raised.Error()}
		}
		return nil, fmt.Errorf("rendering the conversation: %w", err)
	}
	return e.tok.Encode(text, true, true), nil
}

// Text encodes a plain prompt: BOS as the tokenizer asks, text that looks
// like a special token left as text (a prompt must not be able to end the
// sequence it is in).
func (e *Engine) Text(prompt string) []int32 {
	return e.tok.Encode(prompt, true, false)
}
