// Package fuzzmin bounds the time the fuzzer spends minimising each new
// input, for the test binaries of the packages with fuzz targets.
//
// Go minimises every []byte or string input that widens coverage for up
// to -fuzzminimizetime (60 s by default), and counts those executions
// only when the minimisation ends. In a structured input (a GGUF header,
// a vocabulary spec, a saved session) removing a byte shifts everything
// after it, so few candidates keep the new coverage and the quadratic
// subset pass runs in full: a 1 KB input needs about 500,000 executions,
// over two minutes at gguf's 3,500 a second. One new input early in a
// 60-second run then held the run to its end, which reported 38
// executions although the fuzzer had been busy throughout. With a bound,
// the search goes on and its work is counted; corpus entries come out
// less small, and what each input is checked against does not change.
package fuzzmin

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// Default is the minimisation bound when the command line sets none.
const Default = "5s"

// Bound sets -test.fuzzminimizetime to Default unless the command line
// (go test -fuzzminimizetime) sets it; TestMain calls it before m.Run.
func Bound() {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) {
		set = set || f.Name == "test.fuzzminimizetime"
	})
	if set {
		return
	}
	if err := flag.Set("test.fuzzminimizetime", Default); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzmin:", err) // the testing package renamed its flag
		os.Exit(2)
	}
}

// Main is the whole TestMain of a package that needs nothing else: it
// bounds the minimisation and runs the tests.
func Main(m *testing.M) {
	Bound()
	os.Exit(m.Run())
}
