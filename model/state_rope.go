package model

import (
	"fmt"
	"strings"

	"github.com/lcrun/lcrun/ropescale"
)

// ropeIdentity names the rotation the keys in a session's cache carry, so
// that Restore can refuse a state whose keys were rotated for another
// RoPE: a cache restored under other frequencies attends to the wrong
// positions without any error. It is a readable description, then after
// " |" what is compared: the attention magnitude and the exact float32
// angle of every pair at position 1 (static methods rotate position p by
// p times these), so two settings that give the same table (linear x1 and
// none, say) are rightly compatible and a longer context alone changes
// nothing unless it changes the table. Dynamic NTK also names its factor
// and trained length, from which its larger tables follow. Models without
// RoPE give "".
func (s *Session) ropeIdentity() (string, error) {
	r, err := s.m.Rope(s.cfg.SessionOptions)
	if err != nil || r == nil {
		return "", err
	}
	p := r.Params()
	var b strings.Builder
	b.WriteString(r.Describe())
	b.WriteString(" |")
	if p.Method == ropescale.Dynamic {
		fmt.Fprintf(&b, " dynamic factor %g orig_ctx %d", p.Factor, p.OrigCtx)
	}
	fmt.Fprintf(&b, " magnitude %g angles", r.Magnitude())
	theta := make([]float32, r.Pairs())
	r.Angles(1, theta)
	for _, t := range theta {
		fmt.Fprintf(&b, " %g", t)
	}
	return b.String(), nil
}

// sameRope says whether keys rotated under identity a fit a session whose
// identity is b.
func sameRope(a, b string) bool {
	_, ta, _ := strings.Cut(a, " |")
	_, tb, _ := strings.Cut(b, " |")
	return ta == tb
}

// ropeSummary is the readable part of a ropeIdentity, for errors.
func ropeSummary(id string) string {
	head, _, _ := strings.Cut(id, " |")
	if head == "" {
		return "none"
	}
	return head
}
