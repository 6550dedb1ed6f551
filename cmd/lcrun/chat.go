package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/lcrun/lcrun/internal/source"
	"github.com/lcrun/lcrun/model"
)

func init() {
	register(command{
		name:    "chat",
		summary: "talk with the model, turn by turn, optionally about a FILE or DIR",
		help: commandHelp{
			synopsis: []string{"lcrun chat [-m MODEL] [FILE|DIR] [flags]"},
			about: `An interactive conversation through the model's chat template (or
--chat-template). With FILE or DIR, the text is the conversation's context: it
is evaluated once, before the first question, and every later turn evaluates
only its own new tokens (the conversation stays in the KV cache). With
--cache DIR the document's state is saved there, and a later chat about the
same document (same model, template, system text and --kv/--attn) resumes it
instead of evaluating it again.

On a terminal each turn is typed after a "> " prompt, with line editing
(arrows, Home/End, Ctrl-A/E/K/U/W) and history (up and down go through the
earlier turns); Ctrl-C stops a reply (not the chat), Ctrl-C at the prompt,
Ctrl-D or /exit ends it, and Ctrl-C while the document is evaluated ends it
too (exit 130; --cache keeps what was evaluated). Piped, it reads
one turn per line from stdin and writes each reply to stdout, ending with a
newline; notes go to stderr. /reset starts the conversation again (keeping
the document), /help lists the commands.`,
			groups: []flagGroup{
				{"Input and output", []string{"m", "f", "n", "ignore-eos", "stop", "quiet", "verbose"}},
				{"Chat", []string{"chat-template", "system", "escape", "verbose-prompt"}},
				{"Sampling", []string{"temp", "top-k", "top-p", "min-p", "repeat-penalty", "repeat-last-n", "seed"}},
				{"Context and cache", []string{"ctx", "max-file-size", "cache", "cache-max"}},
				evalGroup, ropeGroup,
			},
			examples: []string{
				`lcrun chat -m instruct.gguf --system "Answer in one sentence."`,
				"lcrun chat -m instruct.gguf book.txt --temp 0 --cache ~/.cache/lcrun",
				"lcrun chat -m instruct.gguf notes.txt --chat-template llama3 -n 256 < questions.txt",
			},
		},
		run: runChat,
	})
}

// chatConfig is lcrun chat's command line.
type chatConfig struct {
	model, input string
	n, ctx       int
	seed         int64
	ignoreEOS    bool
	stop         []string
	sampler      model.SamplerOptions
	session      sessionFlags
	chatFlags    chatFlags
	maxFileSize  int64
	quiet        bool
	cacheDir     string
	cacheMax     int64
}

func parseChat(args []string, stderr io.Writer) (*chatConfig, error) {
	c := &chatConfig{}
	fs := newFlagSet("chat", stderr)
	fs.StringVar(&c.model, "m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	file := fs.String("f", "", "the conversation's context FILE or DIR (or give it as the argument)")
	alias(fs, "f", "file")
	c.n = -1
	fs.Var(signedCountFlag{&c.n}, "n", "most tokens per reply; -1 = until the end of the turn or a full context")
	alias(fs, "n", "n-predict")
	fs.BoolVar(&c.ignoreEOS, "ignore-eos", false, "keep generating past end-of-generation tokens")
	fs.Func("stop", "end a reply at this text, besides the template's end of turn (repeatable)", func(v string) error {
		if v == "" {
			return errors.New("an empty stop text would stop at once")
		}
		c.stop = append(c.stop, v)
		return nil
	})
	alias(fs, "stop", "r", "reverse-prompt")
	fs.Var(countFlag{&c.ctx}, "ctx", "context in tokens for the whole conversation (default: the model's, at most 4K past the document)")
	alias(fs, "ctx", "c", "ctx-size")
	c.chatFlags.register(fs)
	s := registerSampler(fs, &c.sampler, &c.seed)
	c.session.register(fs, "f16")
	c.maxFileSize = source.DefaultMaxFileSize
	fs.Var(byteFlag{&c.maxFileSize}, "max-file-size", "in a directory, skip files larger than this")
	fs.StringVar(&c.cacheDir, "cache", "", "directory of saved states: a chat about the same document resumes it instead of evaluating it again")
	c.cacheMax = 8 << 30
	fs.Var(byteFlag{&c.cacheMax}, "cache-max", "bound on the cache's size, least recently used states go first (e.g. 2G)")
	fs.BoolVar(&c.quiet, "quiet", false, "no notes or progress on stderr")
	registerVerbose(fs, &c.quiet)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	notes := stderr
	if c.quiet {
		notes = io.Discard
	}
	if err := c.session.parsed(fs, notes); err != nil {
		return nil, err
	}
	if *file != "" {
		pos = append([]string{*file}, pos...)
	}
	switch {
	case len(pos) > 1:
		return nil, usageError(fs, fmt.Errorf("one context FILE or DIR please, got %d", len(pos)))
	case len(pos) == 1 && pos[0] == "-":
		return nil, usageError(fs, errors.New("standard input carries the conversation: give the context as a FILE or DIR"))
	case len(pos) == 1:
		c.input = pos[0]
	}
	if c.session.given["ctx"] && c.ctx <= 0 {
		return nil, usageError(fs, fmt.Errorf("--ctx %d: want a positive number of tokens", c.ctx))
	}
	if c.n < -1 {
		return nil, usageError(fs, fmt.Errorf("-n %d: want a count, or -1", c.n))
	}
	if err := s.check(); err != nil {
		return nil, usageError(fs, err)
	}
	if c.chatFlags.escape {
		c.chatFlags.system = unescape(c.chatFlags.system)
	}
	return c, nil
}

func runChat(args []string, stdout, stderr io.Writer) error {
	c, err := parseChat(args, stderr)
	if err != nil {
		return err
	}
	notes := stderr
	if c.quiet {
		notes = io.Discard
	}
	m, tok, err := loadTokenized(c.model, notes)
	if err != nil {
		return err
	}
	defer m.Close()
	tmpl, err := c.chatFlags.chatTemplate(m, notes)
	if err != nil {
		return err
	}
	var doc []int32
	if c.input != "" {
		if doc, err = readContext(c, tok, notes); err != nil {
			return err
		}
	}
	ctx := c.ctx
	if ctx == 0 {
		ctx = defaultChatCtx(m.ContextLength(), len(doc))
	}
	o, err := c.session.options(m, ctx, notes)
	if err != nil {
		return err
	}
	s, err := m.NewSession(o)
	if err != nil {
		return err
	}
	defer s.Close()
	var cache *chatCache
	if c.cacheDir != "" && doc == nil {
		fmt.Fprintln(notes, "lcrun: note: --cache keeps a document's state, and this chat has none (give a FILE or DIR): nothing is saved")
	}
	if c.cacheDir != "" && doc != nil {
		if cache, err = openChatCache(c, m, notes); err != nil {
			return err
		}
	}
	conv := &conversation{c: c, m: m, opts: o, s: s, cache: cache, tok: tok, tmpl: tmpl, doc: doc, ctx: ctx,
		stops: append(append([]string(nil), c.stop...), tmpl.Stops()...),
		out:   stdout, notes: notes}
	return conv.loop(chatTurnReader(stdin, stdout))
}

// defaultChatCtx is the model's trained context, or DefaultCtx when it says
// none, but no more than 4K tokens past the document: a conversation needs
// room, not the 128K some models are trained for (memory).
func defaultChatCtx(trained, doc int) int {
	ctx := trained
	if ctx == 0 {
		ctx = model.DefaultCtx
	}
	return min(ctx, doc+model.DefaultCtx)
}

// readContext tokenises the conversation's document (plain text: special
// tokens in it are not parsed).
func readContext(c *chatConfig, tok interface {
	EncodeReader(io.Reader, bool, bool) ([]int32, error)
}, notes io.Writer) ([]int32, error) {
	if ggufInput(c.input) {
		return nil, fmt.Errorf("%s is a GGUF model, not a text to read: did you mean -m %s?", c.input, c.input)
	}
	in, err := source.Open(c.input, source.Options{MaxFileSize: c.maxFileSize})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	ids, err := tok.EncodeReader(in, false, false)
	if err != nil {
		return nil, err
	}
	what := ""
	if in.Kind() == source.KindDir {
		what = fmt.Sprintf(" (%d files, %s)", in.FilesRead(), sizeText(in.BytesRead()))
	}
	fmt.Fprintf(notes, "lcrun: context: %s%s, %s tokens\n", in.Name(), what, groupDigits(len(ids)))
	return ids, nil
}

// chatInterrupts relays Ctrl-C while a chat runs (a variable: tests send
// to it instead of signalling the process).
var chatInterrupts = func() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	return ch, func() { signal.Stop(ch) }
}

// maxTurnBytes bounds one line of input.
const maxTurnBytes = 1 << 20

// loop reads turns until /exit, the end of input or Ctrl-C at the prompt.
func (cv *conversation) loop(in turnReader) error {
	sigs, stopSigs := chatInterrupts()
	defer stopSigs()
	if err := cv.startInterruptible(sigs); err != nil {
		return err
	}
	for {
		line, err := in.next(sigs)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		line = strings.TrimRight(line, "\r")
		switch cmd := strings.TrimSpace(line); {
		case cmd == "":
			continue
		case cmd == "/exit" || cmd == "/quit" || cmd == "/bye":
			return nil
		case cmd == "/reset" || cmd == "/clear":
			cv.s.Reset()
			if err := cv.startInterruptible(sigs); err != nil {
				return err
			}
			fmt.Fprintln(cv.notes, "lcrun: the conversation starts again")
			continue
		case cmd == "/help" || cmd == "/?":
			fmt.Fprintln(cv.notes, "lcrun: /exit ends the chat, /reset starts it again, Ctrl-C stops a reply; a line starting with // sends /")
			continue
		case strings.HasPrefix(cmd, "//"):
			line = strings.TrimPrefix(strings.TrimLeft(line, " \t"), "/")
		case strings.HasPrefix(cmd, "/"):
			fmt.Fprintf(cv.notes, "lcrun: unknown command %s (/help lists them; // sends a line starting with /)\n", strings.Fields(cmd)[0])
			continue
		}
		if cv.c.chatFlags.escape {
			line = unescape(line)
		}
		if err := cv.turn(line, sigs); err != nil {
			return err
		}
	}
}
