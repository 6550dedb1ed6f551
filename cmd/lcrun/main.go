// Command lcrun runs long-context language models from GGUF files on CPUs.
//
// Results go to stdout; progress, notes and errors go to stderr. Every
// failure ends in one line on stderr and a non-zero exit status.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and the streams to use, so tests can drive it in-process.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a subcommand; each lives in its own file and registers
// itself from init.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("lcrun: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// exitError carries a specific exit status with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit wraps err so that lcrun exits with code.
func withExit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// errUsage marks an error that is already reported (flag's own message).
var errUsage = errors.New("usage")

func main() {
	os.Exit(lcrun(os.Args[1:], os.Stdout, os.Stderr))
}

// lcrun runs one command line and returns the process exit status.
func lcrun(args []string, stdout, stderr io.Writer) int {
	name := "run"
	if len(args) > 0 {
		if _, ok := commands[args[0]]; ok {
			name, args = args[0], args[1:]
		} else if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			usage(stderr)
			return 0
		}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "lcrun: unknown command %q\n", name)
		return 2
	}
	err := c.run(args, stdout, stderr)
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, errUsage) {
		fmt.Fprintf(stderr, "lcrun %s: %s\n", name, oneLine(err.Error()))
	}
	return code
}

// oneLine keeps an error to the single line the CLI contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: lcrun [command] [flags] [args]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nThe default command is run: lcrun FILE|DIR|- [flags].")
}
