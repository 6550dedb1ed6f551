package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	lc "github.com/lcrun/lcrun"
)

func init() {
	register(command{
		name:    "version",
		summary: "print lcrun's version, commit, Go version and the kernels this CPU gets (also --version)",
		help: commandHelp{
			synopsis: []string{"lcrun version", "lcrun --version"},
			about: `Prints the module version (or "devel" for a build from a checkout), the VCS
commit and its time when the build embedded them, the Go version, and the
kernels chosen for this CPU, grouped by implementation.`,
			examples: []string{"lcrun version"},
		},
		run: runVersion,
	})
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError(fs, errors.New("usage: lcrun version (no arguments)"))
	}
	version, commit := "devel", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			version = v
		}
		var rev, when, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = ", modified"
				}
			}
		}
		if rev != "" {
			commit = rev
			if when != "" || dirty != "" {
				commit += " (" + when + dirty + ")"
			}
		}
	}
	fmt.Fprintf(stdout, "lcrun %s\n", version)
	if commit == "" {
		commit = "unknown (the build embedded none: go run, go test, or -buildvcs=false)"
	}
	fmt.Fprintf(stdout, "commit %s\n", commit)
	fmt.Fprintf(stdout, "built with %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "kernels %s\n", kernelText(lc.Kernels()))
	return nil
}
