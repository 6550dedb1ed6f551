package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/lcrun/lcrun/internal/source"
	"github.com/lcrun/lcrun/model/tokenizer"
)

func init() {
	register(command{
		name:    "tokenize",
		summary: "print the token ids of a text (FILE, DIR as run reads it, or - for stdin)",
		help: commandHelp{
			synopsis: []string{"lcrun tokenize [-m MODEL] FILE|DIR|- [flags]", "lcrun tokenize [-m MODEL] -p TEXT [flags]"},
			about: `Prints the token ids of a text on one line, space separated, as the
model's tokenizer splits it. BOS (and EOS) are added as the vocabulary asks
unless --no-bos. Text that looks like a special token ("</s>") is plain text
unless --parse-special, so that a document cannot end a sequence: llama.cpp's
llama-tokenize parses them unless --no-parse-special, which lcrun accepts and
which is its default. A vocabulary-only GGUF file is enough. A directory is
read as run reads a codebase, so "lcrun tokenize DIR --show-count" counts
what a run over it would read.

llama-tokenize's -f FILE, -p TEXT, --stdin, --ids and --show-count work too;
without --ids the ids are lcrun's space-separated line, not llama-tokenize's
"id -> 'piece'" lines.`,
			examples: []string{
				"lcrun tokenize testdata/prompts/once-upon-a-time.txt",
				"lcrun tokenize -m model.gguf --no-bos --parse-special chat.txt",
				`lcrun tokenize -m model.gguf -p "Hello world" --ids --show-count`,
			},
		},
		run: runTokenize,
	})
}

func runTokenize(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tokenize", stderr)
	modelPath := fs.String("m", "", "model or vocabulary file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	noBOS := fs.Bool("no-bos", false, "do not add BOS/EOS (the special tokens the vocabulary asks for)")
	parseSpecial := fs.Bool("parse-special", false, "read text like </s> as special tokens (default: plain text)")
	fs.BoolFunc("no-parse-special", "read text like </s> as plain text: lcrun's default (llama-tokenize's is to parse)", func(s string) error {
		on, err := strconv.ParseBool(s)
		if on {
			*parseSpecial = false
		}
		return err
	})
	file := fs.String("f", "", "the text FILE, as llama-tokenize's -f (give it or the argument)")
	alias(fs, "f", "file")
	prompt := fs.String("p", "", "the text to tokenize, instead of a file")
	alias(fs, "p", "prompt")
	fromStdin := fs.Bool("stdin", false, "read the text from standard input (the argument -)")
	ids := fs.Bool("ids", false, "print the ids as llama-tokenize --ids does: a Python list, [1, 2, 3]")
	showCount := fs.Bool("show-count", false, "then print \"Total number of tokens: N\" (llama-tokenize's line)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *file != "" {
		pos = append(pos, *file)
	}
	if *fromStdin {
		pos = append(pos, "-")
	}
	var text io.Reader
	if isSet(fs, "p") {
		text = strings.NewReader(*prompt)
		pos = append(pos, "-p")
	}
	if len(pos) != 1 {
		return usageError(fs, errors.New("usage: lcrun tokenize -m MODEL FILE|-|-p TEXT [--no-bos] [--parse-special] (one text)"))
	}
	// Only the vocabulary is needed: vocab-only GGUF files work too.
	f, _, err := openModel(*modelPath)
	if err != nil {
		return err
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		return err
	}
	if text == nil {
		r, err := openInput(pos[0], stdin)
		if info, serr := os.Stat(pos[0]); serr == nil && info.IsDir() {
			// A codebase, read as run reads it (headers, .gitignore,
			// binaries skipped), so --show-count is run's input count.
			r, err = source.Open(pos[0], source.Options{MaxFileSize: source.DefaultMaxFileSize})
		}
		if err != nil {
			return err
		}
		defer r.Close()
		text = r
	}
	w := bufio.NewWriter(stdout)
	stream := tok.NewStream(text, !*noBOS, *parseSpecial)
	sep := " "
	if *ids {
		sep = ", "
		w.WriteByte('[')
	}
	first, count := true, 0
	for {
		ids, err := stream.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		for _, id := range ids {
			if !first {
				w.WriteString(sep)
			}
			first = false
			w.WriteString(strconv.Itoa(int(id)))
			count++
		}
	}
	if *ids {
		w.WriteByte(']')
	}
	w.WriteByte('\n')
	if *showCount {
		fmt.Fprintf(w, "Total number of tokens: %d\n", count)
	}
	return w.Flush()
}
