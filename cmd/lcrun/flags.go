package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// newFlagSet returns a flag set that reports parse errors as one line
// (through lcrun's error path) instead of printing the whole usage.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("lcrun "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	_ = stderr
	return fs
}

// parseArgs parses flags that may come before, between or after the
// positional arguments ("lcrun book.txt --ctx 1M -p q"), as users of
// llama.cpp expect; "--" ends flag parsing.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	args = joinOptionalValues(fs, args)
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, &helpRequest{fs}
			}
			return nil, usageError(fs, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at the first positional argument, or after "--".
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseCount reads a token count such as 4096, 32K, 128k or 1M (K = 1024,
// M = 1024*1024, as context sizes are usually quoted).
func parseCount(s string) (int, error) {
	t := strings.TrimSpace(s)
	mult := 1
	switch {
	case strings.HasSuffix(t, "K"), strings.HasSuffix(t, "k"):
		mult, t = 1<<10, t[:len(t)-1]
	case strings.HasSuffix(t, "M"), strings.HasSuffix(t, "m"):
		mult, t = 1<<20, t[:len(t)-1]
	case strings.HasSuffix(t, "G"), strings.HasSuffix(t, "g"):
		mult, t = 1<<30, t[:len(t)-1]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/int64(mult) {
		return 0, fmt.Errorf("%q is not a count (examples: 4096, 32K, 1M)", s)
	}
	return int(n) * mult, nil
}

// countFlag is a flag.Value for counts written as 4096, 128K or 1M.
type countFlag struct{ n *int }

func (c countFlag) String() string {
	if c.n == nil {
		return "0"
	}
	return strconv.Itoa(*c.n)
}

func (c countFlag) Set(s string) error {
	n, err := parseCount(s)
	if err != nil {
		return err
	}
	*c.n = n
	return nil
}

// byteFlag is a flag.Value for sizes in bytes written as 512M, 8G or a
// plain number (binary units, as parseCount).
type byteFlag struct{ n *int64 }

func (b byteFlag) String() string {
	if b.n == nil {
		return "0"
	}
	return formatSize(*b.n)
}

// formatSize writes n in the largest binary unit that divides it, as
// parseCount reads it back (8G, 512M, 1000).
func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b byteFlag) Set(s string) error {
	n, err := parseCount(s)
	if err != nil {
		return fmt.Errorf("%q is not a size (examples: 512M, 8G)", s)
	}
	*b.n = int64(n)
	return nil
}

// signedCountFlag is countFlag for flags whose negative values mean
// something (-n -1) or are refused afterwards with the flag's own message.
type signedCountFlag struct{ n *int }

func (c signedCountFlag) String() string { return countFlag(c).String() }

func (c signedCountFlag) Set(s string) error {
	t, neg := strings.CutPrefix(strings.TrimSpace(s), "-")
	n, err := parseCount(t)
	if err != nil {
		return fmt.Errorf("%q is not a count (examples: 128, 4K, -1)", s)
	}
	if neg {
		n = -n
	}
	*c.n = n
	return nil
}

// optionalValue is a switch that may take its value as the next argument,
// as llama.cpp's --chunks N and -fa [on|off|auto] do; takes says whether
// next is such a value.
type optionalValue interface {
	takes(next string) bool
}

// joinOptionalValues writes "--chunks 4" as "--chunks=4" for the flag
// package, which gives a switch no separate value. Only a word the switch
// takes is joined, so "--chunks book.txt" stays a switch and an argument.
func joinOptionalValues(fs *flag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a == "--" {
			return append(out, args[i+1:]...)
		}
		name, hasValue := strings.CutPrefix(a, "-")
		name = strings.TrimPrefix(name, "-")
		if !hasValue || name == "" || strings.Contains(name, "=") || i+1 == len(args) {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		v := f.Value
		if av, ok := v.(aliasValue); ok {
			v = av.Value
		}
		if o, ok := v.(optionalValue); ok {
			if o.takes(args[i+1]) {
				out[len(out)-1] = a + "=" + args[i+1]
				i++
			}
			continue
		}
		if b, ok := v.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			out = append(out, args[i+1]) // the flag's value, whatever it looks like
			i++
		}
	}
	return out
}
