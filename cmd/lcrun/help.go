package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Help pages. A command keeps its page (synopsis, what it does, how its
// flags group, examples) in its command value, in the file that registers
// its flags; the flags themselves, their defaults and meanings, come from
// the command's own flag set when the page is printed, so a page cannot
// miss a flag its command has or list one it lacks.

// commandHelp is the hand-written part of a command's help page.
type commandHelp struct {
	synopsis []string    // one form per line, without "usage: "
	about    string      // what the command does; "\n\n" separates paragraphs
	groups   []flagGroup // flags in no group are listed first, under "Flags"
	examples []string
}

// flagGroup is a titled list of flags (names without dashes) in the order
// a reader wants them.
type flagGroup struct {
	title string
	names []string
}

// The groups of the flags that several commands share (sessionFlags).
var (
	evalGroup = flagGroup{"Evaluation", []string{"t", "batch", "kv", "attn", "keep", "flash-attn"}}
	ropeGroup = flagGroup{"RoPE scaling (to run past the trained context)", ropeFlagNames}
)

// helpRequest is what a command returns when its flags ask for help
// (-h, --help): lcrun prints the page built from the flag set it carries.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return "help requested" }

// usageError is a bad command line (unknown flag, bad value, arguments
// missing or extra): exit status 2 and a pointer to the help page.
func usageError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		msg = "unknown flag " + dashed(name)
		if near := suggestFlag(fs, name); near != "" {
			msg += "; did you mean " + dashed(near) + "?"
		}
	}
	return withExit(2, fmt.Errorf("%s (see 'lcrun help %s')", msg, strings.TrimPrefix(fs.Name(), "lcrun ")))
}

// helpPage asks command c for its flag set (by running it with --help,
// which every command answers before it does any work) and writes its
// page to w.
func helpPage(w io.Writer, c command) error {
	err := c.run([]string{"--help"}, io.Discard, io.Discard)
	var h *helpRequest
	if !errors.As(err, &h) {
		return fmt.Errorf("%s did not answer --help (%v)", c.name, err)
	}
	writeHelp(w, c, h.fs)
	return nil
}

// writeHelp prints c's page with the flags of fs.
func writeHelp(w io.Writer, c command, fs *flag.FlagSet) {
	h := c.help
	for i, s := range h.synopsis {
		lead := "usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(w, "%s%s\n", lead, s)
	}
	if h.about != "" {
		for _, p := range strings.Split(h.about, "\n\n") {
			fmt.Fprintln(w)
			fmt.Fprint(w, wrap(p, 0, 78))
		}
	}
	for _, g := range flagSections(h.groups, fs) {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.names {
			writeFlag(w, fs, fs.Lookup(name))
		}
	}
	if len(h.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, e := range h.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

// flagSections are the groups to print: the flags no group names first
// (sorted), then the command's groups, each without names fs lacks.
// Aliases are not listed: they share their flag's line.
func flagSections(groups []flagGroup, fs *flag.FlagSet) []flagGroup {
	grouped := map[string]bool{}
	var out []flagGroup
	for _, g := range groups {
		kept := flagGroup{title: g.title}
		for _, n := range g.names {
			if fs.Lookup(n) != nil && !grouped[n] {
				kept.names = append(kept.names, n)
				grouped[n] = true
			}
		}
		if len(kept.names) > 0 {
			out = append(out, kept)
		}
	}
	rest := flagGroup{title: "Flags"}
	fs.VisitAll(func(f *flag.Flag) {
		if !grouped[f.Name] && canonical(f) == f.Name {
			rest.names = append(rest.names, f.Name)
		}
	})
	if len(rest.names) > 0 {
		out = append([]flagGroup{rest}, out...)
	}
	return out
}

// flagColumn is where flag meanings start.
const flagColumn = 25

func writeFlag(w io.Writer, fs *flag.FlagSet, f *flag.Flag) {
	value, meaning := flag.UnquoteUsage(f)
	left := "  " + spelled(fs, f.Name)
	if v := placeholder(f, value); v != "" {
		left += " " + v
	}
	if def := defaultText(f, value); def != "" {
		meaning += " (default " + def + ")"
	}
	text := wrap(meaning, flagColumn, 78)
	if len(left) > flagColumn-2 {
		fmt.Fprintln(w, left) // too long to share a line with the meaning
		fmt.Fprint(w, text)
		return
	}
	fmt.Fprint(w, left+text[len(left):])
}

// dashed writes a flag as users type it: -m for one letter (and
// llama.cpp's -ctk), --ctx else.
func dashed(name string) string {
	if len(name) == 1 || singleDash[name] {
		return "-" + name
	}
	return "--" + name
}

// placeholders name the value of flags whose type says too little.
var placeholders = map[string]string{
	"m": "MODEL", "o": "FILE", "tokens": "FILE", "svg": "FILE", "haystack": "FILE",
	"cache": "DIR", "attn": "POLICY", "kv": "TYPE", "rope-scaling": "METHOD",
	"shape": "NAME", "compare": "LIST", "lengths": "LIST", "depths": "LIST",
	"p": "TEXT", "stop": "TEXT", "f": "FILE", "keep": "N", "needle": "TEXT", "question": "TEXT", "answer": "TEXT",
	"scorer": "NAME", "map": "NAME", "depth": "LIST",
	"rope-scale": "F", "rope-freq-scale": "F", "rope-freq-base": "F", "yarn-orig-ctx": "N", "yarn-beta-fast": "F",
	"yarn-beta-slow": "F", "yarn-ext-factor": "F", "yarn-attn-factor": "F",
}

// placeholder is the word shown after a flag for its value; "" for
// switches. value is what flag.UnquoteUsage found (a `word` in the
// usage, or the value's type).
func placeholder(f *flag.Flag, value string) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	switch f.Value.(type) {
	case countFlag, signedCountFlag:
		return "N"
	case byteFlag:
		return "SIZE"
	}
	if p, ok := placeholders[f.Name]; ok && (value == "value" || value == "string") {
		return p
	}
	switch value {
	case "int", "uint":
		return "N"
	case "float":
		return "F"
	case "duration":
		return "DURATION"
	case "string", "value":
		return "VALUE"
	}
	return strings.ToUpper(value)
}

// defaultText is the default worth printing: none for switches that are
// off, zero values and flags whose meaning already states it.
func defaultText(f *flag.Flag, value string) string {
	d := f.DefValue
	if d == "" || d == "0" || d == "false" || strings.Contains(f.Usage, "default") {
		return ""
	}
	if value == "string" && strings.ContainsAny(d, " ,") {
		return fmt.Sprintf("%q", d)
	}
	if value == "duration" {
		if t, err := time.ParseDuration(d); err == nil {
			return t.String()
		}
	}
	return d
}

// wrap breaks s into lines of at most width columns, each indented by
// indent spaces (the first one too), and ends it with a newline.
func wrap(s string, indent, width int) string {
	var b strings.Builder
	pad := strings.Repeat(" ", indent)
	line := pad
	for _, word := range strings.Fields(s) {
		if len(line) > indent && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = pad
		}
		if len(line) > indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// commandNames are the registered commands in order.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// overview is lcrun help: the commands, one line each.
func overview(w io.Writer) {
	fmt.Fprintln(w, "lcrun runs long-context language models (Llama-family, Mamba; GGUF files) on CPUs.")
	fmt.Fprintln(w, "\nusage: lcrun [COMMAND] [ARGS] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nWithout a command lcrun runs: 'lcrun book.txt -p \"Who is the thief?\"' is 'lcrun run book.txt ...'.")
	fmt.Fprintln(w, "Flags may come before or after the arguments; -- ends them.")
	fmt.Fprintln(w, "Run 'lcrun help COMMAND' (or 'lcrun COMMAND --help') for a command's flags and examples.")
}
