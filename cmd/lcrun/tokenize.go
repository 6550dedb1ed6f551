package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/lcrun/lcrun/model/tokenizer"
)

func init() {
	register(command{
		name:    "tokenize",
		summary: "print the token ids of a text (FILE, or - for stdin)",
		help: commandHelp{
			synopsis: []string{"lcrun tokenize [-m MODEL] FILE|- [flags]"},
			about: `Prints the token ids of a text on one line, space separated, as the
model's tokenizer splits it. BOS (and EOS) are added as the vocabulary asks
unless --no-bos. Text that looks like a special token ("</s>") is plain text
unless --parse-special, so that a document cannot end a sequence. A
vocabulary-only GGUF file is enough.`,
			examples: []string{
				"lcrun tokenize testdata/prompts/once-upon-a-time.txt",
				"lcrun tokenize -m model.gguf --no-bos --parse-special chat.txt",
			},
		},
		run: runTokenize,
	})
}

func runTokenize(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tokenize", stderr)
	modelPath := fs.String("m", "", "model or vocabulary file (default: $LCRUN_MODEL, else the embedded model)")
	noBOS := fs.Bool("no-bos", false, "do not add BOS/EOS (the special tokens the vocabulary asks for)")
	parseSpecial := fs.Bool("parse-special", false, "read text like </s> as special tokens (default: plain text)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, errors.New("usage: lcrun tokenize -m MODEL FILE|- [--no-bos] [--parse-special]"))
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
	r, err := openInput(pos[0], stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	w := bufio.NewWriter(stdout)
	stream := tok.NewStream(r, !*noBOS, *parseSpecial)
	first := true
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
				w.WriteByte(' ')
			}
			first = false
			w.WriteString(strconv.Itoa(int(id)))
		}
	}
	w.WriteByte('\n')
	return w.Flush()
}
