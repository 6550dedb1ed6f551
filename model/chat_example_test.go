package model_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/lcrun/lcrun/model"
)

// Build a chat prompt: the file's own template, else a built-in one set up
// for the model; encode it with special tokens added and parsed.
func ExampleModel_ChatTemplate() {
	m, err := model.OpenDefault()
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	tmpl, err := m.ChatTemplate()
	if errors.Is(err, model.ErrNoChatTemplate) {
		var builtin *model.ChatTemplate
		if builtin, err = model.ChatTemplateByName("chatml"); err == nil {
			tmpl, err = m.UseChatTemplate(builtin)
		}
	}
	if err != nil {
		log.Fatal(err)
	}
	prompt, err := tmpl.Render([]model.Message{
		{Role: "system", Content: "You tell short stories."},
		{Role: "user", Content: "A story about a cat."},
	}, true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n%q\n", prompt, tmpl.Stops())
	// Output:
	// "<|im_start|>system\nYou tell short stories.<|im_end|>\n<|im_start|>user\nA story about a cat.<|im_end|>\n<|im_start|>assistant\n"
	// ["<|im_end|>"]
}
