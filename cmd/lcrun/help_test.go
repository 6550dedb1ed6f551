package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandFlags is the flag set a command parses (what it answers --help with).
func commandFlags(t *testing.T, name string) *flag.FlagSet {
	err := commands[name].run([]string{"--help"}, io.Discard, io.Discard)
	var h *helpRequest
	require.True(t, errors.As(err, &h), "%s --help: %v", name, err)
	return h.fs
}

// Every command answers -h, --help and lcrun help CMD with the same page on
// stdout: synopsis, what it does, every flag it registers exactly once, and
// examples.
func TestCommandHelp(t *testing.T) {
	require.Subset(t, commandNames(), []string{"run", "info", "tokenize", "logits", "ppl", "niah", "bench"})
	for _, name := range commandNames() {
		t.Run(name, func(t *testing.T) {
			var page string
			for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}, {name, "x.txt", "-help"}} {
				code, out, errOut := runLcrun(args...)
				require.Equal(t, 0, code, "%q: %s", args, errOut)
				assert.Empty(t, errOut, "%q", args)
				if page == "" {
					page = out
				}
				assert.Equal(t, page, out, "%q gives the same page", args)
			}
			assert.True(t, strings.HasPrefix(page, "usage: lcrun "), page)
			synopsis, _, _ := strings.Cut(page, "\n")
			assert.Contains(t, synopsis, name)
			assert.Contains(t, page, "\nExamples:\n  lcrun ")
			assert.NotEmpty(t, commands[name].help.about)

			lines := strings.Split(page, "\n")
			commandFlags(t, name).VisitAll(func(f *flag.Flag) {
				n := 0
				for _, l := range lines {
					names := helpLineFlags(l)
					for _, s := range names {
						if s == dashed(f.Name) {
							n++
							assert.Equal(t, dashed(canonical(f)), names[0], "%s: %s is listed on the line of the flag it spells", name, s)
						}
					}
				}
				assert.Equal(t, 1, n, "%s: flag %s listed once", name, dashed(f.Name))
				assert.Contains(t, page, strings.Fields(f.Usage)[0], "its meaning is shown")
			})
			for _, l := range lines {
				assert.LessOrEqual(t, len(l), 100, "keep lines short: %q", l)
			}
		})
	}
}

// helpLineFlags are the flags a help line lists ("  --ctx, -c, --ctx-size N"
// lists three, the flag first); none for other lines.
func helpLineFlags(l string) []string {
	if !strings.HasPrefix(l, "  -") {
		return nil
	}
	var names []string
	for _, f := range strings.Fields(l) {
		if !strings.HasPrefix(f, "-") {
			break
		}
		names = append(names, strings.TrimSuffix(f, ","))
		if !strings.HasSuffix(f, ",") {
			break
		}
	}
	return names
}

// A group names only flags its command has, so help does not go stale
// when a flag is renamed.
func TestHelpGroupsNameRealFlags(t *testing.T) {
	for _, name := range commandNames() {
		fs := commandFlags(t, name)
		for _, g := range commands[name].help.groups {
			for _, f := range g.names {
				assert.NotNil(t, fs.Lookup(f), "%s: group %q names -%s", name, g.title, f)
			}
		}
	}
}

// The examples on each page parse: their flags exist and take the values
// shown (checked by parsing them with --help appended, which stops the
// command before it does anything).
func TestHelpExamplesParse(t *testing.T) {
	for _, name := range commandNames() {
		for _, ex := range commands[name].help.examples {
			args := shellWords(ex)
			require.Equal(t, "lcrun", args[0], ex)
			args = args[1:]
			cmd := "run"
			if _, ok := commands[args[0]]; ok {
				cmd, args = args[0], args[1:]
			}
			assert.Equal(t, name, cmd, "%q is an example of %s", ex, name)
			err := commands[cmd].run(append(args, "--help"), io.Discard, io.Discard)
			var h *helpRequest
			assert.True(t, errors.As(err, &h), "%q: %v", ex, err)
		}
	}
}

// shellWords splits an example as a shell would, for the quoting the
// examples use; it stops at a redirection.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	for i, word := range words {
		if word == ">" || word == "<" || word == "|" {
			return words[:i]
		}
	}
	return words
}

// lcrun help (and -h, --help) lists every command with its summary.
func TestOverview(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"help", "help"}} {
		code, out, errOut := runLcrun(args...)
		require.Equal(t, 0, code, "%q", args)
		assert.Empty(t, errOut)
		for _, name := range commandNames() {
			assert.Contains(t, out, "  "+name+" ", "%q lists %s", args, name)
			assert.Contains(t, out, commands[name].summary)
		}
		assert.Contains(t, out, "lcrun help COMMAND")
	}
}

// A bad command line gets one line on stderr that names the problem and
// the help page, and exit status 2.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"ppl", "--bogus"}, "lcrun ppl: unknown flag --bogus (see 'lcrun help ppl')\n"},
		{[]string{"--frobnicate", "book.txt"}, "lcrun run: unknown flag --frobnicate (see 'lcrun help run')\n"},
		{[]string{"info", "-x"}, "lcrun info: unknown flag -x (see 'lcrun help info')\n"},
		{[]string{"run", "--ctx", "lots"}, `lcrun run: invalid value "lots" for flag -ctx: "lots" is not a count (examples: 4096, 32K, 1M) (see 'lcrun help run')` + "\n"},
		{[]string{"bench", "-n"}, "lcrun bench: flag needs an argument: -n (see 'lcrun help bench')\n"},
		{[]string{"help", "frob"}, "lcrun help: unknown command \"frob\" (see 'lcrun help' for the list)\n"},
		{[]string{"help", "run", "ppl"}, "lcrun help: unknown command \"run ppl\" (see 'lcrun help' for the list)\n"},
	}
	for _, c := range cases {
		code, out, errOut := runLcrun(c.args...)
		assert.Equal(t, 2, code, "%q", c.args)
		assert.Empty(t, out, "%q", c.args)
		assert.Equal(t, c.want, errOut, "%q", c.args)
	}

	// Arguments missing or extra.
	t.Setenv("LCRUN_MODEL", "")
	for _, args := range [][]string{
		{"run"}, {"run", "a.txt", "b.txt"}, {"info", "a.gguf", "b.gguf"}, {"tokenize"},
		{"logits", "--tokens", "ids.txt"}, {"ppl"}, {"ppl", "a.txt", "b.txt"}, {"niah", "extra"},
	} {
		code, out, errOut := runLcrun(args...)
		assert.Equal(t, 2, code, "%q", args)
		assert.Empty(t, out, "%q", args)
		assert.Regexp(t, `^lcrun `+args[0]+`: .+ \(see 'lcrun help `+args[0]+`'\)\n$`, errOut, "%q", args)
	}
}

func TestWrapAndFormatSize(t *testing.T) {
	assert.Equal(t, "  a bb\n  ccc\n", wrap("a bb ccc", 2, 7))
	assert.Equal(t, "  \n", wrap("", 2, 7))
	assert.Equal(t, "averyverylongword\nx\n", wrap("averyverylongword x", 0, 5), "a word longer than the line gets its own")
	for n, want := range map[int64]string{0: "0", 1000: "1000", 4096: "4K", 1 << 20: "1M", 8 << 30: "8G", 3<<30 + 1<<20: "3073M"} {
		assert.Equal(t, want, formatSize(n))
		var back int64
		require.NoError(t, byteFlag{&back}.Set(want))
		assert.Equal(t, n, back, "%s reads back", want)
	}
}

// The command lines the README shows parse: their commands and flags
// exist and take the values shown.
func TestReadmeCommandsParse(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "$ ")
		if !strings.HasPrefix(line, "lcrun ") || strings.Contains(line, "...") {
			continue
		}
		line, _, _ = strings.Cut(line, "#")
		args := shellWords(line)[1:]
		cmd := "run"
		if _, ok := commands[args[0]]; ok {
			cmd, args = args[0], args[1:]
		}
		err := commands[cmd].run(append(args, "--help"), io.Discard, io.Discard)
		var h *helpRequest
		assert.True(t, errors.As(err, &h), "%q: %v", line, err)
		n++
	}
	assert.Greater(t, n, 10, "the README shows the commands")
}
