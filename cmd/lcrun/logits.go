package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/lcrun/lcrun/model"
)

// maxLogitsStep is the default step beyond which lcrun logits splits.
const maxLogitsStep = 2048

func init() {
	register(command{
		name:    "logits",
		summary: "write the logits of every position of a token file (float32 LE [n_tokens][n_vocab])",
		help: commandHelp{
			synopsis: []string{"lcrun logits [-m MODEL] --tokens FILE -o OUT.bin [flags]"},
			about: `Evaluates the token ids of --tokens (white-space separated, as lcrun
tokenize prints them) and writes the logits of every position to -o as
little-endian float32, n_tokens rows of n_vocab: the raw output to compare
with another engine. --batch N evaluates N tokens per step (1 = token by
token); the default is all of them in one step.`,
			groups: []flagGroup{
				{"Input and output", []string{"m", "tokens", "o"}},
				evalGroup, ropeGroup,
			},
			examples: []string{
				"lcrun logits -m model.gguf --tokens ids.txt -o logits.bin --batch 1 --kv f16",
			},
		},
		run: runLogits,
	})
}

func runLogits(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("logits", stderr)
	modelPath := fs.String("m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	tokensPath := fs.String("tokens", "", "token ids, separated by white space (- for stdin)")
	outPath := fs.String("o", "", "output file (- for stdout)")
	registerVerbose(fs, nil)
	var sf sessionFlags
	sf.register(fs, "f32")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := sf.parsed(fs, stderr); err != nil {
		return err
	}
	if len(pos) != 0 || *tokensPath == "" || *outPath == "" {
		return usageError(fs, errors.New("usage: lcrun logits -m MODEL --tokens FILE -o OUT.bin [--kv f32|f16|q8_0] [--batch N] [rope flags]"))
	}
	m, err := loadModel(*modelPath, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	tokens, err := readTokenFile(*tokensPath)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		return fmt.Errorf("%s: no tokens", *tokensPath)
	}
	o, err := sf.options(m, len(tokens), stderr)
	if err != nil {
		return err
	}
	if o.Batch == 0 {
		// Default: the whole sequence in one step, as the reference's
		// goldens are made; past maxLogitsStep tokens, steps of that size
		// keep the scratch and the logits buffer (step x vocab) bounded.
		// Results differ between step sizes only by float rounding.
		o.Batch = min(len(tokens), maxLogitsStep)
	}
	s, err := m.NewSession(o)
	if err != nil {
		return err
	}
	defer s.Close()
	return writeLogits(s, tokens, *outPath, stdout)
}

// writeLogits evaluates tokens one micro-batch per Eval and writes each
// step's logits as it comes, so memory holds one step's rows, not all.
func writeLogits(s *model.Session, tokens []int32, outPath string, stdout io.Writer) (err error) {
	var out io.Writer = stdout
	if outPath != "-" {
		f, err := os.Create(outPath)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		out = f
	}
	w := bufio.NewWriterSize(out, 1<<20)
	step, vocab := s.Options().Batch, s.Model().VocabSize()
	rows := make([]int, step)
	for i := range rows {
		rows[i] = i
	}
	logits := make([]float32, step*vocab)
	raw := make([]byte, 4*len(logits))
	for c0 := 0; c0 < len(tokens); c0 += step {
		c1 := min(c0+step, len(tokens))
		n := c1 - c0
		if err := s.Eval(context.Background(), model.Batch{Tokens: tokens[c0:c1], Rows: rows[:n], Logits: logits}); err != nil {
			return err
		}
		for i, v := range logits[:n*vocab] {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(raw[:4*n*vocab]); err != nil {
			return err
		}
	}
	return w.Flush()
}

// readTokenFile reads decimal token ids separated by white space.
func readTokenFile(path string) ([]int32, error) {
	r, err := openInput(path, stdin)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<16)
	sc.Split(bufio.ScanWords)
	var ids []int32
	for sc.Scan() {
		word := sc.Text()
		n, err := strconv.ParseInt(strings.TrimFunc(word, unicode.IsSpace), 10, 32)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s: token %d: %q is not a token id", path, len(ids)+1, word)
		}
		ids = append(ids, int32(n))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ids, nil
}
