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
	"strings"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and the streams to use, so tests can drive it in-process.
type command struct {
	name    string
	summary string
	help    commandHelp // the page of lcrun help NAME (help.go)
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
	if stdoutClosed() {
		fmt.Fprintln(os.Stderr, "lcrun: standard output is closed (>&-): the results would be lost; redirect it to a file or >/dev/null")
		os.Exit(1)
	}
	os.Exit(lcrun(os.Args[1:], os.Stdout, os.Stderr))
}

// lcrun runs one command line and returns the process exit status.
func lcrun(args []string, stdout, stderr io.Writer) int {
	name := "run"
	if len(args) > 0 {
		if _, ok := commands[args[0]]; ok {
			name, args = args[0], args[1:]
		} else if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return help(args[1:], stdout, stderr)
		} else if args[0] == "--version" || args[0] == "-version" {
			name, args = "version", args[1:]
		}
	}
	c := commands[name]
	err := c.run(args, stdout, stderr)
	if err == nil {
		return 0
	}
	var h *helpRequest
	if errors.As(err, &h) {
		writeHelp(stdout, c, h.fs)
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, errUsage) {
		fmt.Fprintf(stderr, "lcrun %s: %s\n", name, withoutPackages(oneLine(withRopeHint(err))))
	}
	return code
}

// help is lcrun help [COMMAND]: the overview, or one command's page.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || len(args) == 1 && args[0] == "help" {
		overview(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if len(args) > 1 || !ok {
		fmt.Fprintf(stderr, "lcrun help: unknown command %q (see 'lcrun help' for the list)\n", strings.Join(args, " "))
		return 2
	}
	if err := helpPage(stdout, c); err != nil {
		fmt.Fprintf(stderr, "lcrun help: %s\n", oneLine(err.Error()))
		return 1
	}
	return 0
}

// oneLine keeps an error to the single line the CLI contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
