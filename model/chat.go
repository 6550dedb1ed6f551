package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ardanlabs/jinja"
)

// Message is one turn of a conversation. Role is what templates test:
// "system", "user", "assistant" (and "tool" where a template knows it).
type Message struct {
	Role    string
	Content string
}

// ChatTokens are the texts a template writes for bos_token and eos_token.
type ChatTokens struct {
	BOS, EOS string
}

// ChatTemplate turns a conversation into the prompt text a model was
// trained on. It is immutable and safe for concurrent use.
type ChatTemplate struct {
	name   string
	src    string
	tmpl   *jinja.Template
	tokens ChatTokens

	// stripBOS drops a leading BOS text from renderings, for a tokenizer
	// that adds BOS itself (see Model.UseChatTemplate).
	stripBOS bool
}

// ChatRaiseError is what a template raised with raise_exception: the
// conversation breaks one of its rules (Gemma's turns must alternate, say),
// so the prompt it would have built is not one the model knows.
type ChatRaiseError struct {
	Template string
	Message  string
}

func (e *ChatRaiseError) Error() string {
	return fmt.Sprintf("model: chat template %s refuses the conversation: %s", e.Template, e.Message)
}

// ErrNoChatTemplate is wrapped by Model.ChatTemplate for a file without
// tokenizer.chat_template.
var ErrNoChatTemplate = errors.New("no chat template")

// ParseChatTemplate compiles a Jinja chat template (a user's file, or a
// tokenizer.chat_template text). bos_token and eos_token render empty
// until WithTokens sets them.
func ParseChatTemplate(src string) (*ChatTemplate, error) {
	return parseChatTemplate("(user)", src, ChatTokens{})
}

func parseChatTemplate(name, src string, tokens ChatTokens) (*ChatTemplate, error) {
	tmpl, err := jinja.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("model: chat template %s: %s", name, oneLine(err.Error()))
	}
	return &ChatTemplate{name: name, src: src, tmpl: tmpl, tokens: tokens}, nil
}

// Name is the built-in name, "(model)" for a file's template, "(user)"
// for a parsed one.
func (t *ChatTemplate) Name() string { return t.name }

// Tokens are the bos_token and eos_token texts the template renders.
func (t *ChatTemplate) Tokens() ChatTokens { return t.tokens }

// WithTokens returns a copy that renders bos_token and eos_token as tok
// and keeps every BOS it writes: for rendering without a model at hand
// (Model.UseChatTemplate sets a template up for a model).
func (t *ChatTemplate) WithTokens(tok ChatTokens) *ChatTemplate {
	c := *t
	c.tokens = tok
	c.stripBOS = false
	return &c
}

// Stops are the texts that end an assistant turn in this template's
// format, for callers that watch the generated text (the tokenizer's IsEOG
// already stops at the end-of-turn tokens). They are read off the
// template, built in or not, so they follow the tokens it renders: the
// well-known end-of-turn markers its source writes, and eos_token when it
// writes that (Mistral ends answers with it).
func (t *ChatTemplate) Stops() []string {
	var stops []string
	for _, s := range knownStops {
		if strings.Contains(t.src, s) {
			stops = append(stops, s)
		}
	}
	if e := t.tokens.EOS; e != "" && strings.Contains(t.src, "eos_token") && !slices.Contains(stops, e) {
		stops = append(stops, e)
	}
	return stops
}

// knownStops are the end-of-turn texts of the families llama.cpp knows;
// "</s>" is left out because templates write it through eos_token.
var knownStops = []string{"<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "<|eom_id|>", "<|endoftext|>"}

// Render writes the conversation as the template formats it;
// addGenerationPrompt appends the opening of the assistant's reply, as a
// prompt for generation must. The text holds the special tokens the
// template writes, so encode it with special tokens parsed; see
// Model.UseChatTemplate for BOS.
func (t *ChatTemplate) Render(messages []Message, addGenerationPrompt bool) (string, error) {
	return t.render(messages, addGenerationPrompt, nil)
}

// render takes extra variables so tests can reach template sections (tools)
// the public API does not offer yet.
func (t *ChatTemplate) render(messages []Message, addGenerationPrompt bool, extra map[string]jinja.Value) (out string, err error) {
	list := make([]jinja.Value, len(messages))
	for i, m := range messages {
		d := jinja.NewDict()
		d.AsDict().Set("role", jinja.NewString(m.Role))
		d.AsDict().Set("content", jinja.NewString(m.Content))
		list[i] = d
	}
	vars := map[string]jinja.Value{
		"messages":              jinja.NewList(list),
		"add_generation_prompt": jinja.NewBool(addGenerationPrompt),
		"bos_token":             jinja.NewString(t.tokens.BOS),
		"eos_token":             jinja.NewString(t.tokens.EOS),
		"raise_exception":       jinja.NewCallable("raise_exception", t.raise),
	}
	for k, v := range extra {
		vars[k] = v
	}
	// The engine indexes its values with accessors that panic on a
	// mismatch; a template is user input, so that must be an error.
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("model: chat template %s failed: %s", t.name, oneLine(fmt.Sprint(r)))
		}
	}()
	out, err = t.tmpl.RenderValues(vars)
	if err != nil {
		var raised *ChatRaiseError
		if errors.As(err, &raised) {
			return "", err
		}
		return "", fmt.Errorf("model: chat template %s failed: %s", t.name, oneLine(err.Error()))
	}
	if t.stripBOS {
		out = strings.TrimPrefix(out, t.tokens.BOS)
	}
	return out, nil
}

func (t *ChatTemplate) raise(args []jinja.Value, _ map[string]jinja.Value) (jinja.Value, error) {
	msg := "(no message)"
	if len(args) > 0 {
		msg = args[0].String()
		if args[0].IsString() {
			msg = args[0].AsString()
		}
	}
	return jinja.Undefined(), &ChatRaiseError{Template: t.name, Message: oneLine(msg)}
}

// oneLine keeps messages one line: engine errors may quote template text.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
