// Command asm generates lcrun's amd64 assembly with avo. Each set becomes
// one *_amd64.s file: the kernel sets in the root package, whose
// generate.go runs this once per set, and the machine probes (set probe)
// in internal/machine, whose generate.go does the same. CI checks that the
// committed files match a fresh run.
//
//	go run . -set vector -pkg lcrun -out ../vector_amd64.s
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	. "github.com/mmcloughlin/avo/build"
)

// sets maps a -set name to the generator of its functions.
var sets = map[string]func(){
	"probe":         probeKernels,
	"vector":        vectorKernels,
	"matmul":        matmulKernels,
	"matmul_quant":  matmulQuantKernels,
	"matmul_quantk": matmulQuantKKernels,
	"matmul_iq":     matmulIQKernels,
	"matmul_tq":     matmulTQKernels,
	"attention":     attentionKernels,
	"ssm":           ssmKernels,
	"quant_q8":      quantQ8Kernels,
}

func main() {
	var names []string
	for name := range sets {
		names = append(names, name)
	}
	sort.Strings(names)
	set := flag.String("set", "", "kernel set to generate: "+strings.Join(names, ", "))
	flag.Parse()
	gen, ok := sets[*set]
	if !ok {
		fmt.Fprintf(os.Stderr, "asm: unknown -set %q (want one of %s)\n", *set, strings.Join(names, ", "))
		os.Exit(2)
	}
	// Assembly is left out by the purego and noasm tags, as the
	// declaration files are.
	ConstraintExpr("!purego,!noasm")
	gen()
	Generate()

	// Check the emitted text for the house rules avo does not enforce.
	out := flag.Lookup("out").Value.String()
	if out == "" || out == "-" {
		return
	}
	text, err := os.ReadFile(out)
	if err == nil {
		err = lint(string(text))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "asm: %s: %v\n", out, err)
		os.Exit(1)
	}
}
