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
