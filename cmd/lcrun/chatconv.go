package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// conversation is lcrun chat's state: the messages so far and one session
// that holds them, so that each turn evaluates only the text the template
// adds for it. The session's text is tracked as the template renders it
// (said), with docMark where the document's tokens are.
type conversation struct {
	c     *chatConfig
	m     *model.Model
	opts  model.SessionOptions
	s     *model.Session
	cache *chatCache // --cache; nil without
	tok   *tokenizer.Tokenizer
	tmpl  *model.ChatTemplate
	doc   []int32
	ctx   int
	stops []string
	out   io.Writer
	notes io.Writer

	msgs    []model.Message
	said    string // the rendered conversation the session holds; "" with an empty session
	pending string // the template's end of the last reply, not yet evaluated
	asked   bool   // a user turn was taken since start
	turns   int
}

// chatTurnDone, when set (tests), sees each turn's figures.
var chatTurnDone func(chatTurn)

// chatTurn is what one turn evaluated.
type chatTurn struct {
	New       int  // tokens evaluated for the turn before the reply
	Generated int  // tokens of the reply
	Pos       int  // tokens in the session after the reply
	Again     bool // the whole conversation was evaluated again
}

// start empties the conversation; with a document, its part of the
// first turn (the template's opening, the document) is evaluated now, so
// that the first question only adds itself.
func (cv *conversation) start(ctx context.Context) error {
	cv.msgs, cv.said, cv.pending, cv.asked, cv.turns = nil, "", "", false, 0
	if cv.c.chatFlags.system != "" {
		cv.msgs = append(cv.msgs, model.Message{Role: "system", Content: cv.c.chatFlags.system})
	}
	if cv.doc == nil {
		return nil
	}
	text, err := cv.tmpl.Render(append(cv.msgs[:len(cv.msgs):len(cv.msgs)], model.Message{Role: "user", Content: docMark + promptSeparator + "?"}), true)
	if err != nil {
		return err
	}
	head, _, ok := strings.Cut(text, docMark)
	if !ok {
		return fmt.Errorf("chat template %s does not write the user's message as it is, so the document cannot go in it", cv.tmpl.Name())
	}
	ids := cv.tokens(head + docMark)
	if len(ids) >= cv.ctx {
		return fmt.Errorf("the document and the template's opening (%s tokens) fill the context of %s tokens: give a larger --ctx",
			groupDigits(len(ids)), groupDigits(cv.ctx))
	}
	if cv.c.chatFlags.verbose {
		fmt.Fprintf(cv.notes, "lcrun: prompt (%s template):\n%s[%s]\n", cv.tmpl.Name(), head, cv.c.input)
	}
	if err := cv.evalContext(ctx, ids); err != nil {
		return err
	}
	cv.said = head + docMark
	return nil
}

// tokens encodes rendered text: the template's text with special tokens
// parsed, the document (at docMark) as the plain text it was read as.
func (cv *conversation) tokens(text string) []int32 {
	first := cv.s.Pos() == 0
	head, rest, ok := strings.Cut(text, docMark)
	if !ok {
		return cv.tok.Encode(text, first, true)
	}
	ids := cv.tok.Encode(head, first, true)
	ids = append(ids, cv.doc...)
	if rest != "" {
		ids = append(ids, cv.tok.Encode(rest, false, true)...)
	}
	return ids
}

// turn asks one question and streams the reply. Ctrl-C (on sigs) stops
// the reply and keeps what was said; a full context is said, and the chat
// goes on (/reset).
func (cv *conversation) turn(question string, sigs <-chan os.Signal) error {
	content := question
	if cv.doc != nil && !cv.asked {
		content = docMark + promptSeparator + question
	}
	msgs := append(cv.msgs[:len(cv.msgs):len(cv.msgs)], model.Message{Role: "user", Content: content})
	target, err := cv.tmpl.Render(msgs, true)
	var raised *model.ChatRaiseError
	if errors.As(err, &raised) {
		fmt.Fprintf(cv.notes, "lcrun: %s\n", strings.TrimPrefix(err.Error(), "model: "))
		return nil
	}
	if err != nil {
		return err
	}
	again := !strings.HasPrefix(target, cv.said)
	var ids []int32
	if again {
		// The template wrote earlier turns differently once this one
		// came (or a reply was cut off mid-evaluation): start over.
		cv.s.Reset()
		ids = cv.tokens(target)
		fmt.Fprintf(cv.notes, "lcrun: note: the conversation is evaluated again (%s tokens): the template renders the earlier turns differently now\n", groupDigits(len(ids)))
	} else {
		ids = cv.tokens(cv.pending + target[len(cv.said):])
	}
	if cv.s.Pos()+len(ids) >= cv.ctx {
		fmt.Fprintf(cv.notes, "lcrun: the context is full: %s of %s tokens are in use and this turn needs %s more; /reset starts the conversation again (or give a larger --ctx)\n",
			groupDigits(cv.s.Pos()), groupDigits(cv.ctx), groupDigits(len(ids)))
		if again {
			cv.said = "\x00" // nothing is evaluated: the next turn starts over too
		}
		return nil
	}
	if cv.c.chatFlags.verbose {
		fmt.Fprintf(cv.notes, "lcrun: prompt (%s template), new text:\n%s\n", cv.tmpl.Name(), strings.ReplaceAll(cv.pending+target[len(cv.said):], docMark, "["+cv.c.input+"]"))
	}

	t0 := time.Now()
	if err := cv.prefill(ids, sigs); err != nil {
		cv.said = "\x00" // the session holds part of the turn: the next one starts over
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(cv.notes, "lcrun: interrupted")
			return nil
		}
		return err
	}
	prefill := time.Since(t0)
	cv.msgs, cv.said, cv.pending, cv.asked = msgs, target, "", true

	room := cv.ctx - cv.s.Pos()
	limit := cv.c.n
	if limit <= 0 || limit > room {
		limit = room
	}
	t1 := time.Now()
	reply, evaluated, err := cv.generate(limit, sigs)
	decode := time.Since(t1)
	interrupted := errors.Is(err, context.Canceled)
	if err != nil && !interrupted {
		return err
	}
	cv.closeReply(reply, evaluated)
	cv.turns++
	switch {
	case interrupted:
		fmt.Fprintln(cv.notes, "lcrun: interrupted (the reply so far stays in the conversation)")
	case len(evaluated) == room:
		fmt.Fprintf(cv.notes, "lcrun: the context is full (%s tokens): the reply was cut; /reset starts the conversation again (or give a larger --ctx)\n", groupDigits(cv.ctx))
	}
	if !cv.c.quiet {
		fmt.Fprintf(cv.notes, "lcrun: turn %d: %s new tokens evaluated in %.2f s, %d generated in %.2f s; %s of %s tokens in context\n",
			cv.turns, groupDigits(len(ids)), prefill.Seconds(), len(evaluated), decode.Seconds(), groupDigits(cv.s.Pos()), groupDigits(cv.ctx))
	}
	if chatTurnDone != nil {
		chatTurnDone(chatTurn{New: len(ids), Generated: len(evaluated), Pos: cv.s.Pos(), Again: again})
	}
	return nil
}

// prefill evaluates a turn's tokens; Ctrl-C cancels it.
func (cv *conversation) prefill(ids []int32, sigs <-chan os.Signal) error {
	return withInterrupt(sigs, func(ctx context.Context) error { return cv.s.Prefill(ctx, ids, nil) })
}

// startInterruptible is start, the document's evaluation cancelled by
// Ctrl-C: that ends the chat (exit 130), as there is nothing to talk
// about yet; --cache has saved what was evaluated.
func (cv *conversation) startInterruptible(sigs <-chan os.Signal) error {
	if cv.doc == nil {
		return cv.start(context.Background()) // nothing to evaluate: a Ctrl-C is the prompt's
	}
	err := withInterrupt(sigs, cv.start)
	if errors.Is(err, context.Canceled) {
		msg := "interrupted while the context was evaluated"
		if cv.cache != nil {
			msg += "; --cache keeps what was evaluated, and the next chat about it resumes there"
		}
		return withExit(130, errors.New(msg))
	}
	return err
}

// withInterrupt runs f with a context that a signal on sigs cancels.
func withInterrupt(sigs <-chan os.Signal, f func(context.Context) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
		}
	})
	err := f(ctx)
	close(done)
	wg.Wait()
	return err
}

// generate streams a reply of up to limit tokens to stdout, ending its
// line; evaluated are the tokens the session took (a stop text's too).
// Ctrl-C is looked for after each token (the token drawn is kept), so
// that a reply stops where the user saw it stop.
func (cv *conversation) generate(limit int, sigs <-chan os.Signal) (reply string, evaluated []int32, err error) {
	out := &lineEnder{w: cv.out}
	defer func() {
		if ferr := out.finish(); err == nil {
			err = ferr
		}
	}()
	var b strings.Builder
	opts := model.GenerateOptions{MaxTokens: limit, Sampler: model.NewSampler(cv.c.sampler), IgnoreEOG: cv.c.ignoreEOS, Stop: cv.stops}
	for t, err := range cv.s.Generate(context.Background(), opts) {
		if err != nil {
			return b.String(), evaluated, err
		}
		if t.ID >= 0 {
			evaluated = append(evaluated, t.ID)
		}
		b.WriteString(t.Text)
		if _, err := io.WriteString(out, t.Text); err != nil {
			return b.String(), evaluated, err
		}
		select {
		case <-sigs:
			return b.String(), evaluated, context.Canceled
		default:
		}
	}
	return b.String(), evaluated, nil
}

// closeReply adds the reply to the conversation and works out the
// template's end of it that the session does not hold yet: the text after
// the reply in the rendered conversation, less what the model already
// said of it (a stop text is evaluated; an end-of-generation token is not).
func (cv *conversation) closeReply(reply string, evaluated []int32) {
	prompt := cv.said
	cv.msgs = append(cv.msgs, model.Message{Role: "assistant", Content: reply})
	closed, err := cv.tmpl.Render(cv.msgs, false)
	rest, ok := strings.CutPrefix(closed, prompt)
	if err != nil || !ok {
		cv.said = "\x00" // the next turn evaluates the conversation again
		return
	}
	var said []byte
	for _, id := range evaluated {
		said = append(said, cv.tok.Piece(id)...)
	}
	extra, _ := strings.CutPrefix(string(said), reply)
	// Templates may trim the reply they write back.
	for _, shown := range []string{reply, strings.TrimSpace(reply), strings.TrimLeft(reply, " \t\n"), strings.TrimRight(reply, " \t\n")} {
		if closing, ok := strings.CutPrefix(rest, shown); ok {
			if c, ok := strings.CutPrefix(closing, extra); ok {
				closing = c
			}
			cv.said, cv.pending = closed, closing
			return
		}
	}
	cv.said = "\x00"
}
