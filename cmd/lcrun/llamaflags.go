package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The llama.cpp flags that are more than another name for one of lcrun's:
// they set part of a flag (-ctk), cap it (-ub), or are accepted because
// what they choose is how lcrun always works (-fa).

// kvTypes is --kv with llama.cpp's -ctk/--cache-type-k and
// -ctv/--cache-type-v: lcrun's KV cache has one type for keys and values,
// so the last type given for each side must be the same.
type kvTypes struct{ k, v string }

type kvSide struct {
	t    *kvTypes
	k, v bool // the sides this spelling sets
}

func (s kvSide) String() string {
	if s.t == nil {
		return ""
	}
	return s.t.k
}

func (s kvSide) Set(v string) error {
	if s.k {
		s.t.k = v
	}
	if s.v {
		s.t.v = v
	}
	return nil
}

// register adds --kv and its llama.cpp spellings.
func (t *kvTypes) register(fs *flag.FlagSet, def, usage string) {
	t.k, t.v = def, def
	fs.Var(kvSide{t, true, true}, "kv", usage)
	aliasValueOf(fs, "kv", kvSide{t: t, k: true}, "ctk", "cache-type-k")
	aliasValueOf(fs, "kv", kvSide{t: t, v: true}, "ctv", "cache-type-v")
}

// kind is the one type of the cache, or the error of a command line that
// asks for two.
func (t *kvTypes) kind() (string, error) {
	if !strings.EqualFold(t.k, t.v) {
		return "", fmt.Errorf("K cache type %s and V cache type %s differ (-ctk, -ctv): lcrun's KV cache has one type for both (--kv)", t.k, t.v)
	}
	return t.k, nil
}

// flashAttn is llama.cpp's -fa/--flash-attn, as a switch (older
// llama.cpp) or with on|off|auto (newer).
type flashAttn struct{ v string }

func (f *flashAttn) IsBoolFlag() bool { return true }

func (f *flashAttn) String() string {
	if f == nil {
		return ""
	}
	return f.v
}

func (f *flashAttn) takes(next string) bool { return f.valid(next) }

func (f *flashAttn) valid(v string) bool {
	switch strings.ToLower(v) {
	case "on", "off", "auto", "true", "false", "1", "0":
		return true
	}
	return false
}

func (f *flashAttn) Set(v string) error {
	if !f.valid(v) {
		return errors.New("want on, off or auto")
	}
	f.v = map[string]string{"true": "on", "1": "on", "false": "off", "0": "off"}[strings.ToLower(v)]
	if f.v == "" {
		f.v = strings.ToLower(v)
	}
	return nil
}

func (f *flashAttn) register(fs *flag.FlagSet) {
	fs.Var(f, "flash-attn", "llama.cpp's on|off|auto, accepted: lcrun's attention is always blockwise (online softmax, as flash attention)")
	alias(fs, "flash-attn", "fa")
}

// note says, once, that -fa changes nothing.
func (f *flashAttn) note(w io.Writer) {
	if f.v != "" {
		fmt.Fprintf(w, "lcrun: note: --flash-attn %s changes nothing: lcrun's attention is always blockwise (online softmax, as flash attention)\n", f.v)
	}
}

// verbose is llama.cpp's -v/--verbose: lcrun's notes and progress are on
// unless --quiet, so it turns --quiet off (when the command has it).
func registerVerbose(fs *flag.FlagSet, quiet *bool) {
	usage := "llama.cpp's verbose logging: notes and progress are on anyway"
	if quiet != nil {
		usage += "; cancels --quiet"
	}
	fs.BoolFunc("verbose", usage, func(s string) error {
		on, err := strconv.ParseBool(s)
		if err == nil && on && quiet != nil {
			*quiet = false
		}
		return err
	})
	alias(fs, "verbose", "v")
}
