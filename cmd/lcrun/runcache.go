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
// which one the run resumed from. The prefix key rolls along with the
// tokens as the prefill evaluates them.
type runCache struct {
	pc          *prefixcache.Cache
	sha         [32]byte
	fingerprint string
	finder      *prefixcache.Finder // fed by the counting pass
	prefix      *prefixcache.Prefix // fed by the prefill pass
	resumed     prefixcache.Match   // the state restored (Tokens 0: none)
	periodic    *prefixcache.Match  // this run's last periodic checkpoint

	hits, saves int
	savedBytes  int64
	saveTime    time.Duration
}

// fingerprint names what, besides the model and the tokens, makes two
// saved states interchangeable: the architecture's state layout under the
// session's options (the micro-batch as asked for: it sets where a
// streaming cache evicts).
func fingerprint(m *model.Model, sf *sessionFlags) (string, error) {
	var b strings.Builder
	batch := sf.batch
	if batch == 0 {
		batch = model.DefaultBatch
	}
	fmt.Fprintf(&b, "arch=%s batch=%d", m.Arch(), batch)
	if m.Features().Attention {
		kv, err := parseKV(sf.kv)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, " attn=%s kv=%s", sf.attn.Effective(m), kvText(kv))
	}
	if m.Features().RoPE && len(sf.ropeText) > 0 {
		b.WriteString(" rope=" + strings.Join(sf.ropeText, ","))
	}
	return b.String(), nil
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
	finder, err := pc.NewFinder(sha, fp)
	if err != nil {
		return nil, err
	}
	return &runCache{pc: pc, sha: sha, fingerprint: fp, finder: finder, prefix: prefixcache.NewPrefix(sha, fp)}, nil
}

// resume restores into s the longest cached prefix of the input the
// finder was fed, and returns its length (0: nothing usable). Entries that
// fail to load are warned about and skipped. needLogits: nothing follows
// the input, so a state of the whole input must carry its last logits.
func (rc *runCache) resume(s *model.Session, inputLen int, needLogits bool, stderr io.Writer) int {
	for _, mt := range rc.finder.Matches() {
		err := rc.pc.Load(mt, s.Restore)
		switch {
		case errors.Is(err, prefixcache.ErrCorrupt):
			continue // warned by the cache
		case err != nil:
			fmt.Fprintf(stderr, "lcrun: warning: cache: ignoring the state of %d tokens: %v\n", mt.Tokens, oneLine(err.Error()))
			s.Reset()
			continue
		case s.Pos() != mt.Tokens:
			fmt.Fprintf(stderr, "lcrun: warning: cache: the state of %d tokens is at position %d; ignored\n", mt.Tokens, s.Pos())
			s.Reset()
			continue
		case needLogits && mt.Tokens == inputLen && s.Logits() == nil:
			s.Reset() // interrupted exactly at the end: no logits to go on from
			continue
		}
		rc.hits++
		rc.resumed = mt
		return mt.Tokens
	}
	return 0
}

// roll feeds the prefill's tokens to the prefix key. When it passes the
// resumed length it checks that the text still has the prefix it had when
// counted (the input may change between the two passes).
func (rc *runCache) roll(tokens []int32, name string) error {
	for len(tokens) > 0 {
		n := len(tokens)
		if r := rc.resumed.Tokens; rc.prefix.Len() < r && rc.prefix.Len()+n >= r {
			n = r - rc.prefix.Len()
		}
		rc.prefix.Add(tokens[:n])
		tokens = tokens[n:]
		if rc.prefix.Len() == rc.resumed.Tokens && rc.resumed.Tokens > 0 && rc.prefix.Key() != rc.resumed.Key {
			return fmt.Errorf("%s changed while it was being read", name)
		}
	}
	return nil
}

// save stores s's state under the prefix rolled so far (which must be
// every token s has evaluated). A periodic checkpoint replaces this run's
// previous one.
func (rc *runCache) save(s *model.Session, periodic bool) error {
	mt := prefixcache.Match{Tokens: rc.prefix.Len(), Key: rc.prefix.Key()}
	if mt.Tokens == 0 || mt.Tokens != s.Pos() || rc.pc.Has(mt.Key, mt.Tokens) {
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
