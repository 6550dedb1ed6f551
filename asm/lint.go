package main

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	bpUse  = regexp.MustCompile(`\bBP\b`)
	avx512 = regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)
	ymmUse = regexp.MustCompile(`\bY(1[0-5]|[0-9])\b`)
	// An SSE instruction (no V prefix) on an X register: every one has a
	// VEX form, which never pays an AVX-SSE transition.
	legacySSE = regexp.MustCompile(`^(MOV(SS|SD|APS|UPS|APD|UPD|D|Q|O[AU]|HLPS|LHPS)|(ADD|SUB|MUL|DIV|SQRT|MAX|MIN)(SS|SD|PS|PD)|(AND|ANDN|OR|XOR)P[SD]|P[A-Z0-9]+|CVT[A-Z0-9]+|SHUFP[SD]|UNPCK[LH]P[SD]|U?COMIS[SD]|BLENDV?P[SD]|ROUND[SP][SD]|INSERTPS|EXTRACTPS)\s.*\bX([0-9]|1[0-5])\b`)
)

// lint checks generated assembly for what the house style asks and avo
// does not guarantee: no function touches BP (the frame pointer) or an
// AVX-512 register (avo's allocator spills into Y16-Y31 when a function
// needs more than 16 vectors, which AVX2 CPUs cannot run), and a
// function that uses Y registers anywhere runs VZEROUPPER right before
// every RET, so SSE code after it pays no transition penalty, and none
// mixes in an SSE instruction of its own (avo's Load and Store of a float
// are MOVSS: see loadF32).
func lint(text string) error {
	type ret struct {
		line   int
		zeroed bool
	}
	var fn string
	var usesY bool
	var rets []ret
	flush := func() error {
		for _, r := range rets {
			if usesY && !r.zeroed {
				return fmt.Errorf("line %d: %s returns without VZEROUPPER after using Y registers", r.line, fn)
			}
		}
		return nil
	}
	prev := ""
	for i, line := range strings.Split(text, "\n") {
		code := line
		if j := strings.Index(code, "//"); j >= 0 {
			code = code[:j]
		}
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		if strings.HasPrefix(code, "TEXT ") {
			if err := flush(); err != nil {
				return err
			}
			fn, usesY, rets = strings.Fields(code)[1], false, nil
		}
		if bpUse.MatchString(code) {
			return fmt.Errorf("line %d: %s uses BP: %s", i+1, fn, code)
		}
		if avx512.MatchString(code) {
			return fmt.Errorf("line %d: %s uses an AVX-512 register: %s", i+1, fn, code)
		}
		if legacySSE.MatchString(code) {
			return fmt.Errorf("line %d: %s uses an SSE instruction where its VEX form belongs: %s", i+1, fn, code)
		}
		usesY = usesY || ymmUse.MatchString(code)
		if code == "RET" {
			rets = append(rets, ret{i + 1, prev == "VZEROUPPER"})
		}
		prev = code
	}
	return flush()
}
