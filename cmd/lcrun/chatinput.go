package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// lcrun chat's turns come from one of two readers: on a terminal, a line
// editor with history (golang.org/x/term: arrows, Home/End, Ctrl-A/E/K/U/W,
// up and down through earlier turns); otherwise one turn per line of
// stdin, so that a chat is scriptable.

// turnReader yields the next turn's line; io.EOF ends the chat (end of
// input, Ctrl-D, Ctrl-C at the prompt, or a signal while waiting).
type turnReader interface {
	next(sigs <-chan os.Signal) (string, error)
}

// chatTurnReader is newTurnReader (a variable: tests drive the line
// editor with keystrokes of their own).
var chatTurnReader = newTurnReader

// newTurnReader picks the line editor when stdin and stdout are both the
// terminal, else lines read from in (with a "> " prompt when only stdin
// is a terminal, so that a user typing still sees where).
func newTurnReader(in io.Reader, out io.Writer) turnReader {
	fin, ok := in.(*os.File)
	if !ok || !term.IsTerminal(int(fin.Fd())) {
		return newLineReader(in, nil)
	}
	if fout, ok := out.(*os.File); ok && term.IsTerminal(int(fout.Fd())) {
		fd := int(fin.Fd())
		var e *editor
		e = newEditor(fin, fout, func() (func(), error) {
			if w, h, err := term.GetSize(int(fout.Fd())); err == nil {
				e.t.SetSize(w, h) // the width the line wraps at, read each time (a resized window)
			}
			st, err := term.MakeRaw(fd)
			if err != nil {
				return nil, err
			}
			return func() { term.Restore(fd, st) }, nil
		})
		return e
	}
	return newLineReader(in, out)
}

// lineReader reads lines on a goroutine, so that a Ctrl-C while it waits
// ends the chat.
type lineReader struct {
	prompt  io.Writer // nil: no prompt
	lines   chan string
	readErr chan error
}

func newLineReader(in io.Reader, prompt io.Writer) *lineReader {
	r := &lineReader{prompt: prompt, lines: make(chan string), readErr: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 4096), maxTurnBytes)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
		err := sc.Err()
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line of input is longer than %s", sizeText(maxTurnBytes))
		}
		if err == nil {
			err = io.EOF
		}
		r.readErr <- err
	}()
	return r
}

func (r *lineReader) next(sigs <-chan os.Signal) (string, error) {
	if r.prompt != nil {
		fmt.Fprint(r.prompt, "> ")
	}
	select {
	case line := <-r.lines:
		return line, nil
	case err := <-r.readErr:
		r.endPrompt()
		return "", err
	case <-sigs:
		r.endPrompt()
		return "", io.EOF
	}
}

func (r *lineReader) endPrompt() {
	if r.prompt != nil {
		fmt.Fprintln(r.prompt)
	}
}

// editor is the terminal's line editor. The terminal is raw only while a
// line is typed (the editor reads Ctrl-C and Ctrl-D as keys then); while
// a reply streams it is as it was, so that Ctrl-C is the signal that
// stops the reply.
type editor struct {
	t   *term.Terminal
	out io.Writer
	raw func() (restore func(), err error)
}

func newEditor(in io.Reader, out io.Writer, raw func() (func(), error)) *editor {
	return &editor{t: term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, "> "), out: out, raw: raw}
}

func (e *editor) next(<-chan os.Signal) (string, error) {
	restore, err := e.raw()
	if err != nil {
		return "", fmt.Errorf("the terminal: %w", err)
	}
	line, err := e.t.ReadLine()
	restore()
	if errors.Is(err, term.ErrPasteIndicator) {
		err = nil // a pasted line is a line
	}
	if errors.Is(err, io.EOF) {
		fmt.Fprintln(e.out)
	}
	return line, err
}
