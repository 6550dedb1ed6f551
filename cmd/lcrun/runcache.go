package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
)

// runCache is --cache for one run: where the input's states are saved and
// which one the run resumed from.
type runCache struct {
	pc          *prefixcache.Cache
	sha         [32]byte
	fingerprint string
	prefix      *prefixcache.Prefix // rolled up to prefix.Len() input tokens
	periodic    *prefixcache.Match  // this run's last periodic checkpoint

	hits, saves int
	savedBytes  int64
	saveTime    time.Duration
}

// fingerprint names what, besides the model and the tokens, makes two
// saved states interchangeable: the architecture's state layout under the
// session's options.
func fingerprint(m *model.Model, o model.SessionOptions, sf *sessionFlags) string {
	var b strings.Builder
	fmt.Fprintf(&b, "arch=%s batch=%d", m.Arch(), o.Batch)
	if m.Features().Attention {
		fmt.Fprintf(&b, " attn=%s kv=%s", attnText(o), kvText(o.KV))
	}
	if m.Features().RoPE && len(sf.ropeText) > 0 {
		b.WriteString(" rope=" + strings.Join(sf.ropeText, ","))
	}
	return b.String()
}

func openRunCache(dir string, maxBytes int64, m *model.Model, fp string, stderr io.Writer) (*runCache, error) {
	pc, err := prefixcache.Open(dir, maxBytes, func(msg string) { fmt.Fprintf(stderr, "lcrun: warning: %s\n", msg) })
	if err != nil {
		return nil, err
	}
	sha, err := m.SHA256()
	if err != nil {
		return nil, fmt.Errorf("hashing the model for the cache: %w", err)
	}
	return &runCache{pc: pc, sha: sha, fingerprint: fp, prefix: prefixcache.NewPrefix(sha, fp)}, nil
}

// resume restores the longest cached prefix of input into s and returns
// its length (0: nothing usable). Entries that fail to load are warned
// about and skipped. needLogits: the run has nothing after the input to
// evaluate, so a state must carry the last logits to generate from.
func (rc *runCache) resume(s *model.Session, input []int32, needLogits bool, stderr io.Writer) (int, error) {
	matches, err := rc.pc.Lookup(rc.sha, rc.fingerprint, input)
	if err != nil {
		return 0, err
	}
	for _, mt := range matches {
		err := rc.pc.Load(mt, s.Restore)
		switch {
		case errors.Is(err, prefixcache.ErrCorrupt):
			continue // warned by the cache
		case err != nil:
			fmt.Fprintf(stderr, "lcrun: warning: cache: ignoring the state of %d tokens: %v\n", mt.Tokens, oneLine(err.Error()))
			s.Reset()
			continue
		case s.Pos() != mt.Tokens || len(s.Tokens()) != mt.Tokens:
			fmt.Fprintf(stderr, "lcrun: warning: cache: the state of %d tokens holds %d; ignored\n", mt.Tokens, len(s.Tokens()))
			s.Reset()
			continue
		case needLogits && mt.Tokens == len(input) && s.Logits() == nil:
			s.Reset() // interrupted exactly at the end: no logits to go on from
			continue
		}
		rc.hits++
		return mt.Tokens, nil
	}
	return 0, nil
}

// keyAt rolls the prefix key forward to the first n input tokens.
func (rc *runCache) keyAt(input []int32, n int) prefixcache.Match {
	if n < rc.prefix.Len() {
		rc.prefix = prefixcache.NewPrefix(rc.sha, rc.fingerprint)
	}
	rc.prefix.Add(input[rc.prefix.Len():n])
	return prefixcache.Match{Tokens: n, Key: rc.prefix.Key()}
}

// save stores s's state as the prefix of its tokens (all input tokens). A
// periodic checkpoint replaces this run's previous one.
func (rc *runCache) save(s *model.Session, input []int32, periodic bool) error {
	n := len(s.Tokens())
	if n == 0 {
		return nil
	}
	mt := rc.keyAt(input, n)
	if rc.pc.Has(mt.Key, mt.Tokens) {
		return nil
	}
	t0 := time.Now()
	size, err := rc.pc.Store(mt, s.Save)
	rc.saveTime += time.Since(t0)
	if err != nil {
		return err
	}
	rc.saves++
	rc.savedBytes += size
	if periodic {
		if rc.periodic != nil {
			rc.pc.Remove(*rc.periodic)
		}
		rc.periodic = &mt
	}
	return nil
}

// savePoints picks where the prefill of input[resume:] stops to save a
// state: periodic checkpoints (each replacing the last, for a run killed
// outright), the last boundary that text appended to the input cannot
// move, and the end of the input. stable lists the token counts at which
// the tokenizer cut the input (each final: appending text cannot change
// the tokens before it).
func savePoints(stable []int, resume, end int) (points []int, periodic map[int]bool) {
	every := max(1<<16, end/8)
	periodic = map[int]bool{}
	last := resume
	for i, b := range stable {
		if b <= resume || b >= end {
			continue
		}
		isLast := i == len(stable)-1 || stable[i+1] >= end
		switch {
		case isLast:
			points = append(points, b)
			last = b
		case b-last >= every:
			points = append(points, b)
			periodic[b] = true
			last = b
		}
	}
	if end > resume {
		points = append(points, end)
	}
	return points, periodic
}
