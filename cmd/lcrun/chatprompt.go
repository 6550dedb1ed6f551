package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lcrun/lcrun/model"
)

// chatFlags are the flags run --chat and lcrun chat share: which template,
// the system text, and llama.cpp's -e for both texts.
type chatFlags struct {
	template string // --chat-template: a built-in name or a Jinja file
	system   string
	escape   bool
	verbose  bool // --verbose-prompt: the rendered prompt on stderr
}

func (f *chatFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.template, "chat-template", "", "chat template `NAME`: "+strings.Join(model.ChatTemplateNames(), ", ")+
		", or a Jinja file (default: the model's own, else chatml)")
	fs.StringVar(&f.system, "system", "", "the conversation's system message `TEXT`")
	alias(fs, "system", "sys", "system-prompt")
	fs.BoolVar(&f.escape, "escape", false, `read \n, \t, \\, \" and \' in -p and --system as llama.cpp does (it does by default; lcrun not)`)
	alias(fs, "escape", "e")
	fs.BoolVar(&f.verbose, "verbose-prompt", false, "print the prompt the chat template renders on stderr")
}

// chatTemplate picks the template for m: --chat-template's built-in or
// file, else the model's own, else chatml (with a note, as llama.cpp
// falls back to it).
func (f *chatFlags) chatTemplate(m *model.Model, notes io.Writer) (*model.ChatTemplate, error) {
	if f.template == "" {
		t, err := m.ChatTemplate()
		if !errors.Is(err, model.ErrNoChatTemplate) {
			return t, err
		}
		fmt.Fprintf(notes, "lcrun: note: %s has no chat template: using chatml (--chat-template names another: %s)\n",
			m.Name(), strings.Join(model.ChatTemplateNames(), ", "))
		f.template = "chatml"
	}
	t, err := model.ChatTemplateByName(f.template)
	if err != nil {
		src, rerr := os.ReadFile(f.template)
		if rerr != nil {
			if !strings.ContainsAny(f.template, `/\.`) {
				return nil, usageErrorf("--chat-template %s: not a built-in template (%s) nor a file", f.template, strings.Join(model.ChatTemplateNames(), ", "))
			}
			return nil, fmt.Errorf("--chat-template: %w", rerr)
		}
		if t, err = model.ParseChatTemplate(string(src)); err != nil {
			return nil, fmt.Errorf("--chat-template %s: %s", f.template, strings.TrimPrefix(err.Error(), "model: "))
		}
	}
	return m.UseChatTemplate(t)
}

// usageErrorf is a bad command line's error (exit 2).
func usageErrorf(format string, args ...any) error {
	return withExit(2, fmt.Errorf(format, args...))
}

// unescape reads llama.cpp's escapes (-e): \n \t \r \\ \" \' ; any other
// backslash stays as it is.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if r, ok := map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', '\'': '\''}[s[i+1]]; ok {
				b.WriteByte(r)
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// docMark stands for the document while a template renders: the rendered
// text is cut there, so that the document itself is read as a stream and
// tokenised as plain text (its "<|im_end|>" is no turn of its own).
const docMark = "\x00lcrun-document\x00"

// chatPrompt is a rendered chat prompt around an optional document: head,
// the document, then tail (the question and the assistant's opening).
// Without a document, head is the whole prompt and tail is empty.
type chatPrompt struct {
	head, tail string
}

// renderChat renders the conversation of run --chat: the system text, then
// one user turn holding the document (when withDoc) and the question
// after a blank line, and the opening of the reply.
func renderChat(t *model.ChatTemplate, system, question string, withDoc bool) (chatPrompt, error) {
	var msgs []model.Message
	if system != "" {
		msgs = append(msgs, model.Message{Role: "system", Content: system})
	}
	user := question
	if withDoc {
		user = docMark
		if question != "" {
			user += promptSeparator + question
		}
	}
	msgs = append(msgs, model.Message{Role: "user", Content: user})
	text, err := t.Render(msgs, true)
	if err != nil {
		return chatPrompt{}, err
	}
	if !withDoc {
		return chatPrompt{head: text}, nil
	}
	head, tail, ok := strings.Cut(text, docMark)
	if !ok || strings.Contains(tail, docMark) {
		return chatPrompt{}, fmt.Errorf("chat template %s does not write the user's message once as it is, so the document cannot go in it", t.Name())
	}
	return chatPrompt{head: head, tail: tail}, nil
}
