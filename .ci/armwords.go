//go:build ignore

// armwords checks the WORD-encoded instructions of hand-written arm64
// assembly against the GNU assembler. Go's arm64 assembler lacks many NEON
// mnemonics (vector FADD, FCVTL, SDOT, ...), so *_arm64.s files spell them
// as
//
//	WORD $0x4e22d420 // fadd v0.4s, v1.4s, v2.4s
//
// with the instruction, in GNU syntax, as the whole comment (or as a
// /* block comment */ inside a #define). armwords
// assembles every such comment with aarch64-linux-gnu-as (apt package
// binutils-aarch64-linux-gnu) and fails if a word differs; with -w it
// rewrites the words instead (write the line with WORD $0 and let it fill
// the encoding in).
//
//	go run .ci/armwords.go [-w] *_arm64.s
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// wordLine matches "WORD $0x... // insn" and, inside #define bodies,
// "WORD $0x...; /* insn */ \" (also "#define NAME WORD $0x... /* insn */").
var wordLine = regexp.MustCompile(`^((?:#define\s+\w+\s+)?\s*WORD\s+\$)(0x[0-9a-fA-F]+|0)(\s*;?\s*(?://|/\*)\s*)(.+?)(\s*\*/\s*\\?)?\s*$`)

var asLine = regexp.MustCompile(`\S*w\.s:(\d+):`)

// march enables every extension the kernels may use behind a feature check.
const march = "-march=armv8.2-a+dotprod+fp16+i8mm"

func main() {
	write := flag.Bool("w", false, "rewrite the words instead of checking them")
	flag.Parse()
	bad := 0
	for _, path := range flag.Args() {
		n, err := checkFile(path, *write)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		bad += n
	}
	if bad > 0 {
		fmt.Fprintf(os.Stderr, "armwords: %d word(s) differ from the GNU assembler's encoding\n", bad)
		os.Exit(1)
	}
}

// checkFile compares (or rewrites) the words of one file; it returns how
// many differ.
func checkFile(path string, write bool) (int, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(src), "\n")
	var at []int
	var insns []string
	for i, l := range lines {
		if m := wordLine.FindStringSubmatch(l); m != nil {
			at = append(at, i)
			insns = append(insns, m[4])
		} else if strings.Contains(l, "WORD") && !strings.HasPrefix(strings.TrimSpace(l), "//") {
			return 0, fmt.Errorf("%s:%d: a WORD without its instruction as the comment", path, i+1)
		}
	}
	if len(insns) == 0 {
		return 0, nil
	}
	words, err := assemble(insns)
	if err != nil {
		// Point the assembler's "w.s:N:" at the line of the .s file.
		msg := asLine.ReplaceAllStringFunc(err.Error(), func(m string) string {
			var n int
			fmt.Sscanf(asLine.FindStringSubmatch(m)[1], "%d", &n)
			if n >= 2 && n-2 < len(at) {
				return fmt.Sprintf("%s:%d:", path, at[n-2]+1)
			}
			return m
		})
		return 0, fmt.Errorf("%s", msg)
	}
	bad := 0
	for n, i := range at {
		m := wordLine.FindStringSubmatch(lines[i])
		want := fmt.Sprintf("0x%08x", words[n])
		if strings.EqualFold(m[2], want) {
			continue
		}
		if write {
			lines[i] = m[1] + want + lines[i][len(m[1])+len(m[2]):]
			continue
		}
		bad++
		fmt.Fprintf(os.Stderr, "%s:%d: %s is %s, not %s\n", path, i+1, m[4], want, m[2])
	}
	if write {
		return 0, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
	}
	return bad, nil
}

// assemble returns the encoding of each instruction, in order.
func assemble(insns []string) ([]uint32, error) {
	dir, err := os.MkdirTemp("", "armwords")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s, o, bin := filepath.Join(dir, "w.s"), filepath.Join(dir, "w.o"), filepath.Join(dir, "w.bin")
	text := ".text\n" + strings.Join(insns, "\n") + "\n"
	if err := os.WriteFile(s, []byte(text), 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command("aarch64-linux-gnu-as", march, "-o", o, s).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("aarch64-linux-gnu-as: %v\n%s", err, out)
	}
	if out, err := exec.Command("aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", o, bin).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("aarch64-linux-gnu-objcopy: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	if len(b) != 4*len(insns) {
		return nil, fmt.Errorf("%d instructions assembled to %d bytes (a comment that is not one instruction?)", len(insns), len(b))
	}
	words := make([]uint32, len(insns))
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return words, nil
}
