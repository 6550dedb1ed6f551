package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const chatModel = testdata + "/stories260K.gguf"

// shownPrompt is the text --verbose-prompt printed after its header line.
func shownPrompt(t *testing.T, stderr string) string {
	t.Helper()
	_, after, ok := strings.Cut(stderr, "template):\n")
	require.True(t, ok, "no prompt shown: %s", stderr)
	i := strings.Index(after, "\nlcrun: ")
	if i < 0 {
		i = len(after) - 1
	}
	return after[:i]
}

// run --chat renders -p (and --system, the input) through the template
// asked for; the renders of a fixed conversation are written from each
// format's documentation. The embedded tokenizer adds BOS itself, so a
// template's own BOS is left out of the text.
func TestRunChatPrompt(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(doc, []byte("Tom had a red kite.\n"), 0o644))
	jinja := filepath.Join(dir, "plain.jinja")
	require.NoError(t, os.WriteFile(jinja, []byte("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"+
		"{% if add_generation_prompt %}assistant:{% endif %}"), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"model without a template: chatml", []string{"-p", "Tell me a story", "--system", "You are kind."},
			"<|im_start|>system\nYou are kind.<|im_end|>\n<|im_start|>user\nTell me a story<|im_end|>\n<|im_start|>assistant\n"},
		{"llama3 with a document", []string{doc, "-p", "Who had it?", "--chat-template", "llama3"},
			"<|start_header_id|>user<|end_header_id|>\n\n[" + doc + "]\n\nWho had it?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"gemma folds the system text in", []string{"-p", "Hi", "-sys", "Be brief.", "--chat-template", "gemma"},
			"<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n"},
		{"phi3", []string{"-p", "Hi", "--chat-template", "phi3"}, "<|user|>\nHi<|end|>\n<|assistant|>\n"},
		{"mistral", []string{"-p", "Hi", "--system", "Be brief.", "--chat-template", "mistral"}, "[INST] Be brief.\n\nHi [/INST]"},
		{"-e", []string{"-e", "-p", `one\ntwo`, "--chat-template", "chatml"}, "<|im_start|>user\none\ntwo<|im_end|>\n<|im_start|>assistant\n"},
		{"a Jinja file", []string{"-p", "Hi", "--chat-template", jinja}, "user: Hi\nassistant:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"-m", chatModel, "--chat", "--verbose-prompt", "-n", "4", "--temp", "0"}, c.args...)
			code, _, errOut := runLcrun(args...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, c.want, shownPrompt(t, errOut))
		})
	}
}

// What run --chat evaluates is the rendered prompt encoded with special
// tokens parsed and BOS added, and it generates as the library does from
// there; the input's tokens sit inside the user's turn.
func TestRunChatMatchesLibrary(t *testing.T) {
	m, err := model.Open(chatModel)
	require.NoError(t, err)
	defer m.Close()
	tok, _ := m.Tokenizer()
	prompt := "<|im_start|>user\nOnce upon a time<|im_end|>\n<|im_start|>assistant\n"
	ids := tok.Encode(prompt, true, true)

	code, out, st, errOut := runJSON(t, "-m", chatModel, "--chat", "-p", "Once upon a time", "-n", "12", "--temp", "0")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, len(ids), st.PromptTokens)
	assert.Contains(t, errOut, "no chat template: using chatml")

	s, err := m.NewSession(model.SessionOptions{Ctx: len(ids) + 12})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Prefill(context.Background(), ids, nil))
	var want strings.Builder
	for tk, err := range s.Generate(context.Background(), model.GenerateOptions{MaxTokens: 12, Stop: []string{"<|im_end|>"}}) {
		require.NoError(t, err)
		want.WriteString(tk.Text)
	}
	assert.Equal(t, want.String(), out)

	// With an input: the template's opening, the input's plain-text
	// tokens, then the question and the reply's opening.
	text, err := os.ReadFile(storyPrompt)
	require.NoError(t, err)
	code, _, st, errOut = runJSON(t, "-m", chatModel, storyPrompt, "--chat", "-p", "Who?", "-n", "2", "--temp", "0")
	require.Equal(t, 0, code, errOut)
	head := tok.Encode("<|im_start|>user\n", true, true)
	body := tok.Encode(string(text), false, false)
	tail := tok.Encode("\n\nWho?<|im_end|>\n<|im_start|>assistant\n", false, true)
	assert.Equal(t, len(head)+len(body), st.InputTokens)
	assert.Equal(t, len(tail), st.PromptTokens)
}

func TestRunChatErrors(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		code int
		msg  string
	}{
		"unknown template": {[]string{"--chat", "-p", "Hi", "--chat-template", "vicuna"}, 2, "not a built-in template"},
		"missing file":     {[]string{"--chat", "-p", "Hi", "--chat-template", "./none.jinja"}, 1, "none.jinja"},
		"system alone":     {[]string{"-p", "Hi", "--system", "x"}, 2, "need --chat"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runLcrun(append([]string{"-m", chatModel}, c.args...)...)
			assert.Equal(t, c.code, code)
			assert.Regexp(t, `^lcrun run: .+\n$`, errOut)
			assert.Contains(t, errOut, c.msg)
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.jinja")
	require.NoError(t, os.WriteFile(bad, []byte("{% for m in messages %}"), 0o644))
	code, _, errOut := runLcrun("-m", chatModel, "--chat", "-p", "Hi", "--chat-template", bad)
	assert.Equal(t, 1, code)
	assert.Regexp(t, `^lcrun run: --chat-template .*bad.jinja: .+\n$`, errOut)
}

// chatTurns runs lcrun chat on the given stdin and returns each turn's
// figures.
func chatTurns(t *testing.T, input string, args ...string) (code int, stdout, stderr string, turns []chatTurn) {
	t.Helper()
	defer func(r io.Reader) { stdin = r }(stdin)
	stdin = strings.NewReader(input)
	chatTurnDone = func(c chatTurn) { turns = append(turns, c) }
	defer func() { chatTurnDone = nil }()
	code, stdout, stderr = runLcrun(append([]string{"chat", "-m", chatModel, "--temp", "0"}, args...)...)
	return code, stdout, stderr, turns
}

// A scripted two-turn conversation: a reply per line on stdout, no
// prompt (stdin is not a terminal), and the second turn evaluates only
// its own text: the end of the first reply the template writes, then the
// new user turn and the reply's opening.
func TestChatTwoTurns(t *testing.T) {
	code, out, errOut, turns := chatTurns(t, "Tell me about a dog.\nAnd a cat?\n", "-n", "6", "--system", "You tell stories.")
	require.Equal(t, 0, code, errOut)
	require.Len(t, turns, 2, errOut)
	assert.NotContains(t, out, "> ")
	assert.Equal(t, 2, strings.Count(out, "\n"), "%q", out)

	m, err := model.Open(chatModel)
	require.NoError(t, err)
	defer m.Close()
	tok, _ := m.Tokenizer()
	first := tok.Encode("<|im_start|>system\nYou tell stories.<|im_end|>\n<|im_start|>user\nTell me about a dog.<|im_end|>\n<|im_start|>assistant\n", true, true)
	// -n cut the first reply: its <|im_end|> is the template's to add.
	second := tok.Encode("<|im_end|>\n<|im_start|>user\nAnd a cat?<|im_end|>\n<|im_start|>assistant\n", false, true)
	assert.Equal(t, chatTurn{New: len(first), Generated: 6, Pos: len(first) + 6}, turns[0])
	assert.Equal(t, chatTurn{New: len(second), Generated: 6, Pos: turns[0].Pos + len(second) + 6}, turns[1])
	assert.Contains(t, errOut, "lcrun: turn 2: "+groupDigits(len(second))+" new tokens evaluated")

	// /exit ends the chat before the end of the input; empty lines and
	// unknown commands take no turn.
	code, _, errOut, turns = chatTurns(t, "\n/nope\nHi\n/exit\nNever asked\n", "-n", "2")
	require.Equal(t, 0, code, errOut)
	assert.Len(t, turns, 1)
	assert.Contains(t, errOut, "unknown command /nope")
}

// The document is evaluated once, before the first question; later
// questions about it evaluate only themselves.
func TestChatDocument(t *testing.T) {
	doc := storyText(t, t.TempDir(), 600, 1)
	code, out, errOut, turns := chatTurns(t, "Who had the kite?\nWhere is the cat?\n", doc, "-n", "4", "--chat-template", "llama3", "--ctx", "1K")
	require.Equal(t, 0, code, errOut)
	require.Len(t, turns, 2, errOut)
	assert.Equal(t, 2, strings.Count(out, "\n"))

	m, err := model.Open(chatModel)
	require.NoError(t, err)
	defer m.Close()
	tok, _ := m.Tokenizer()
	text, err := os.ReadFile(doc)
	require.NoError(t, err)
	docTokens := len(tok.Encode("<|start_header_id|>user<|end_header_id|>\n\n", true, true)) + len(tok.Encode(string(text), false, false))
	assert.Contains(t, errOut, "lcrun: context evaluated: "+groupDigits(docTokens)+" tokens")
	q1 := tok.Encode("\n\nWho had the kite?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", false, true)
	assert.Equal(t, len(q1), turns[0].New)
	assert.Equal(t, docTokens+len(q1)+4, turns[0].Pos)
	q2 := tok.Encode("<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhere is the cat?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", false, true)
	assert.Equal(t, len(q2), turns[1].New)
	assert.Less(t, turns[1].New, docTokens/4, "the second question does not evaluate the document again")

	// /reset keeps the document and evaluates it again, once.
	if testing.Short() {
		return // slow under emulation; TestChatContextFull has /reset too
	}
	_, _, errOut, turns = chatTurns(t, "Who?\n/reset\nWho?\n", doc, "-n", "2", "--chat-template", "llama3", "--ctx", "1K")
	require.Len(t, turns, 2, errOut)
	assert.Equal(t, turns[0], turns[1])
	assert.Equal(t, 2, strings.Count(errOut, "context evaluated"))
}

// Ctrl-C stops the reply, not the chat; the next turn goes on from what
// was said. The interrupt comes with the reply's first text.
func TestChatInterrupt(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	defer func(f func() (<-chan os.Signal, func())) { chatInterrupts = f }(chatInterrupts)
	chatInterrupts = func() (<-chan os.Signal, func()) { return sigs, func() {} }
	var once sync.Once
	var out strings.Builder
	w := writerFunc(func(p []byte) (int, error) {
		once.Do(func() { sigs <- os.Interrupt })
		return out.Write(p)
	})

	defer func(r io.Reader) { stdin = r }(stdin)
	stdin = strings.NewReader("Tell me a long story.\nAnother?\n")
	var turns []chatTurn
	chatTurnDone = func(c chatTurn) { turns = append(turns, c) }
	defer func() { chatTurnDone = nil }()
	var errOut strings.Builder
	code := lcrun([]string{"chat", "-m", chatModel, "--temp", "0", "-n", "40", "--ignore-eos"}, w, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Len(t, turns, 2, errOut.String())
	assert.Equal(t, 1, turns[0].Generated, "the first reply stopped after its first token")
	assert.Equal(t, 40, turns[1].Generated, "the second reply is whole")
	assert.Contains(t, errOut.String(), "lcrun: interrupted (the reply so far stays in the conversation)")

	// Ctrl-C at the prompt ends the chat.
	stdin = &blockingReader{}
	sigs <- os.Interrupt
	code = lcrun([]string{"chat", "-m", chatModel}, io.Discard, io.Discard)
	assert.Equal(t, 0, code)
}

// blockingReader never has a line (a user who does not type).
type blockingReader struct{ block chan struct{} }

func (b *blockingReader) Read([]byte) (int, error) {
	if b.block == nil {
		b.block = make(chan struct{})
	}
	<-b.block
	return 0, io.EOF
}

// A conversation that outgrows --ctx says so and goes on: a reply is cut
// at the full context, a turn that does not fit is refused, /reset
// starts over. Never a panic or an exit.
func TestChatContextFull(t *testing.T) {
	code, out, errOut, turns := chatTurns(t, "Tell me about the dog.\nAnd then?\n/reset\nHi\n", "--ctx", "96", "-n", "-1", "--ignore-eos")
	require.Equal(t, 0, code, errOut)
	require.Len(t, turns, 2, errOut)
	assert.Equal(t, 96, turns[0].Pos, "the first reply fills the context")
	assert.Contains(t, errOut, "lcrun: the context is full: 96 of 96 tokens are in use and this turn needs")
	assert.Contains(t, errOut, "the conversation starts again")
	assert.Equal(t, 96, turns[1].Pos, "after /reset, a reply fills the context again")
	assert.Equal(t, 2, strings.Count(errOut, "the context is full (96 tokens): the reply was cut"))
	assert.True(t, strings.HasSuffix(out, "\n"))

	// A document that leaves no room is refused at the start, in one line.
	doc := storyText(t, t.TempDir(), 1000, 2)
	code, _, errOut, _ = chatTurns(t, "Hi\n", doc, "--ctx", "64")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `^lcrun chat: the document and the template's opening \(\d+ tokens\) fill the context of 64 tokens: give a larger --ctx\n$`, lastLine(errOut))
}

func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:] + "\n"
}

func TestChatErrors(t *testing.T) {
	gguf := chatModel
	for name, c := range map[string]struct {
		args []string
		code int
		msg  string
	}{
		"stdin as context": {[]string{"-"}, 2, "standard input carries the conversation"},
		"two contexts":     {[]string{"a.txt", "b.txt"}, 2, "one context FILE or DIR"},
		"a model as text":  {[]string{gguf}, 1, "did you mean -m"},
		"missing file":     {[]string{"none.txt"}, 1, "none.txt"},
		"bad template":     {[]string{"--chat-template", "vicuna"}, 2, "not a built-in template"},
		"bad top-p":        {[]string{"--top-p", "2"}, 2, "--top-p"},
		"bad -n":           {[]string{"-n", "-2"}, 2, "-n -2"},
		"unknown flag":     {[]string{"--sytem", "x"}, 2, "did you mean --system?"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut, _ := chatTurns(t, "Hi\n", c.args...)
			assert.Equal(t, c.code, code)
			assert.Contains(t, errOut, c.msg)
			assert.Regexp(t, `^lcrun chat: .+\n$`, lastLine(errOut))
		})
	}
	// A line past the bound is one error, not a huge allocation.
	code, _, errOut, _ := chatTurns(t, strings.Repeat("a", maxTurnBytes+1)+"\n")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "a line of input is longer than 1.00 MiB")
}

// chat --cache saves the document's state after its first evaluation,
// and a later chat about it resumes that state instead of evaluating the
// document again (issue 17), answering as the first did.
func TestChatCacheResumesTheDocument(t *testing.T) {
	dir := t.TempDir()
	doc := storyText(t, dir, 600, 3)
	args := []string{doc, "-n", "4", "--chat-template", "llama3", "--ctx", "1K", "--cache", filepath.Join(dir, "cache")}
	code, first, errOut, turns := chatTurns(t, "Who had the kite?\n", args...)
	require.Equal(t, 0, code, errOut)
	require.Len(t, turns, 1, errOut)
	assert.Contains(t, errOut, "lcrun: context evaluated: ")
	assert.Regexp(t, `lcrun: cache: saved the context's state \([0-9.]+ KiB\) in .*cache in [0-9.]+ s`, errOut)

	code, again, errOut, resumed := chatTurns(t, "Who had the kite?\n", args...)
	require.Equal(t, 0, code, errOut)
	require.Len(t, resumed, 1, errOut)
	assert.Regexp(t, `lcrun: context: ([0-9,]+) tokens \(with the template's opening\), ([0-9,]+) resumed from .*cache and 0 evaluated in [0-9.]+ s`, errOut)
	assert.NotContains(t, errOut, "context evaluated")
	assert.NotContains(t, errOut, "cache: saved")
	assert.Equal(t, turns, resumed, "the question evaluates only itself, as in the first chat")
	assert.Equal(t, first, again)

	// Another system text is another conversation: nothing to resume.
	code, _, errOut, _ = chatTurns(t, "Who had the kite?\n", append(args, "--system", "Be brief.")...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "lcrun: context evaluated: ")

	code, _, errOut, _ = chatTurns(t, "Hi\n", "-n", "2", "--cache", filepath.Join(dir, "cache"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "--cache keeps a document's state, and this chat has none")
}

// Issue 17's case: a second question about a 50K-token file does not
// evaluate it again, neither in the same chat (the KV cache) nor in a
// later one (--cache). A window keeps the prefill linear in the tokens.
func TestChatLongDocumentOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a 50K-token prefill takes minutes under emulation (-short)")
	}
	dir := t.TempDir()
	doc := storyText(t, dir, 100_000, 9)
	args := []string{doc, "-n", "8", "--ctx", "64K", "--attn", "window:256", "--cache", filepath.Join(dir, "cache")}
	questions := "Who had the kite?\nWhere did Tom go?\n"
	code, first, errOut, turns := chatTurns(t, questions, args...)
	require.Equal(t, 0, code, errOut)
	require.Len(t, turns, 2, errOut)
	m := regexp.MustCompile(`lcrun: context evaluated: ([0-9,]+) tokens`).FindStringSubmatch(errOut)
	require.NotNil(t, m, errOut)
	docTokens, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	require.NoError(t, err)
	require.Greater(t, docTokens, 45_000)
	assert.Less(t, turns[1].New, 100, "the second question evaluates itself only")
	t.Logf("first chat: %s", strings.Join(regexp.MustCompile(`lcrun: (context|turn|cache).*`).FindAllString(errOut, -1), " | "))

	code, again, errOut, resumed := chatTurns(t, questions, args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, fmt.Sprintf("lcrun: context: %s tokens (with the template's opening), %s resumed from", groupDigits(docTokens), groupDigits(docTokens)))
	assert.Equal(t, turns, resumed)
	assert.Equal(t, first, again)
	t.Logf("second chat: %s", strings.Join(regexp.MustCompile(`lcrun: (context|turn|cache).*`).FindAllString(errOut, -1), " | "))
}

// Ctrl-C while the document is evaluated ends the chat (exit 130, as run
// does): there is nothing to talk about yet. It used to be held until the
// whole document was in.
func TestChatInterruptDuringTheDocument(t *testing.T) {
	dir := t.TempDir()
	doc := storyText(t, dir, 2000, 4)
	sigs := make(chan os.Signal, 1)
	defer func(f func() (<-chan os.Signal, func())) { chatInterrupts = f }(chatInterrupts)
	chatInterrupts = func() (<-chan os.Signal, func()) { return sigs, func() {} }
	sigs <- os.Interrupt
	code, _, errOut, turns := chatTurns(t, "Who?\n", doc, "--batch", "16", "--cache", filepath.Join(dir, "cache"))
	assert.Equal(t, 130, code, errOut)
	assert.Empty(t, turns)
	assert.Equal(t, "lcrun chat: interrupted while the context was evaluated; --cache keeps what was evaluated, and the next chat about it resumes there\n", lastLine(errOut))
	assert.NotContains(t, errOut, "context evaluated")
}
