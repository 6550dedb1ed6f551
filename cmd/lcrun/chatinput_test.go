package main

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The terminal's line editor: keys edit the line, up goes back through
// earlier turns, Ctrl-D on an empty line and Ctrl-C end the chat; the
// terminal is raw only while a line is typed.
func TestChatLineEditor(t *testing.T) {
	for name, c := range map[string]struct {
		keys  string
		lines []string
	}{
		"backspace":         {"Hx\x7fi\r", []string{"Hi"}},
		"history":           {"Who?\r\x1b[A\r", []string{"Who?", "Who?"}},
		"history, edited":   {"Who?\r\x1b[A\x7f!\r", []string{"Who?", "Who!"}},
		"Ctrl-A, Ctrl-E":    {"om\x01T\x05.\r", []string{"Tom."}},
		"left arrow":        {"Tm\x1b[Do\r", []string{"Tom"}},
		"Ctrl-U clears":     {"nonsense\x15Hi\r", []string{"Hi"}},
		"Ctrl-D ends":       {"Hi\r\x04Never", []string{"Hi"}},
		"Ctrl-C ends":       {"Hi\rhalf\x03Never\r", []string{"Hi"}},
		"end of input ends": {"Hi\r", []string{"Hi"}},
	} {
		t.Run(name, func(t *testing.T) {
			var out strings.Builder
			raw, restored := 0, 0
			e := newEditor(strings.NewReader(c.keys), &out, func() (func(), error) {
				raw++
				return func() { restored++ }, nil
			})
			var got []string
			for {
				line, err := e.next(nil)
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				got = append(got, line)
			}
			assert.Equal(t, c.lines, got)
			assert.Equal(t, len(c.lines)+1, raw)
			assert.Equal(t, raw, restored, "the terminal is restored after each line")
			assert.True(t, strings.HasPrefix(out.String(), "> "), "%q", out.String())
		})
	}
}

// lcrun chat on a terminal reads its turns through the editor: the
// second turn here is the first one again, from the history.
func TestChatOnATerminal(t *testing.T) {
	defer func(f func(io.Reader, io.Writer) turnReader) { chatTurnReader = f }(chatTurnReader)
	chatTurnReader = func(_ io.Reader, out io.Writer) turnReader {
		return newEditor(strings.NewReader("Tell me about a dog.\r\x1b[A\r\x04"), out, func() (func(), error) { return func() {}, nil })
	}
	code, out, errOut, turns := chatTurns(t, "", "-n", "4", "--verbose-prompt")
	require.Equal(t, 0, code, errOut)
	require.Len(t, turns, 2, errOut)
	assert.Equal(t, 2, strings.Count(errOut, "<|im_start|>user\nTell me about a dog.<|im_end|>"), "both turns ask it: %s", errOut)
	assert.Equal(t, 3, strings.Count(out, "> "), "a prompt before each turn and before the Ctrl-D: %q", out)
}
