package main

import (
	"fmt"
	"io"

	"github.com/lcrun/lcrun/model/longinput"
)

// run --chat: the -p question (with the input as the user's context) goes
// through the chat template, and the answer stops at its end of turn.

// prepareChat renders the prompt of run --chat and adds the template's
// end-of-turn texts to the stop texts.
func (r *longRun) prepareChat() error {
	if !r.c.chat {
		return nil
	}
	notes := r.stderr
	if r.c.quiet {
		notes = io.Discard
	}
	t, err := r.c.chatFlags.chatTemplate(r.m, notes)
	if err != nil {
		return err
	}
	p, err := renderChat(t, r.c.chatFlags.system, r.c.prompt, r.c.input != "")
	if err != nil {
		return err
	}
	r.chat = &p
	for _, s := range t.Stops() {
		if !containsString(r.c.stop, s) {
			r.c.stop = append(r.c.stop, s)
		}
	}
	if r.c.chatFlags.verbose {
		text := p.head
		if r.c.input != "" {
			text += "[" + r.c.input + "]" + p.tail
		}
		fmt.Fprintf(r.stderr, "lcrun: prompt (%s template):\n%s\n", t.Name(), text)
	}
	return nil
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// chatSource puts the template's tokens before the document, so that the
// document streams (and is cached) as it does without --chat.
func (r *longRun) chatSource() longinput.Source {
	if r.chat == nil {
		return &r.src
	}
	head := r.tok.Encode(r.chat.head, true, true)
	r.src.AddBOS = false
	return &headSource{head: head, inner: &r.src}
}

// chatPromptTokens are the tokens after the input: the question and the
// reply's opening (the whole prompt without an input). The template's
// text is parsed for special tokens; -p's own text is the user's, as
// llama.cpp also parses it in chat mode.
func (r *longRun) chatPromptTokens() []int32 {
	if r.nInput == 0 {
		return r.tok.Encode(r.chat.head, true, true)
	}
	return r.tok.Encode(r.chat.tail, false, true)
}

// headSource is a Source that yields head before inner's chunks.
type headSource struct {
	head  []int32
	inner longinput.Source
}

func (h *headSource) Open() (longinput.Stream, error) {
	st, err := h.inner.Open()
	if err != nil {
		return nil, err
	}
	return &headStream{head: h.head, inner: st}, nil
}

type headStream struct {
	head  []int32
	inner longinput.Stream
}

func (h *headStream) Next() ([]int32, error) {
	if h.head != nil {
		head := h.head
		h.head = nil
		if len(head) > 0 {
			return head, nil
		}
	}
	return h.inner.Next()
}

func (h *headStream) Close() error { return h.inner.Close() }
