package longinput

import (
	"errors"
	"fmt"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
)

// stateCache is a prefix cache in use by one input: which of its states
// the input has, which one a session resumed from, and the prefix key
// that rolls along with the tokens as the prefill evaluates them.
type stateCache struct {
	pc       *prefixcache.Cache
	finder   *prefixcache.Finder // fed by the counting pass
	prefix   *prefixcache.Prefix // fed by the prefill pass
	resumed  prefixcache.Match   // the state restored (Tokens 0: none)
	periodic *prefixcache.Match  // this run's last periodic checkpoint
	stats    CacheStats
}

func newStateCache(pc *prefixcache.Cache, m *model.Model, fingerprint string) (*stateCache, error) {
	sha, err := m.SHA256()
	if err != nil {
		return nil, fmt.Errorf("hashing the model for the cache: %w", err)
	}
	finder, err := pc.NewFinder(sha, fingerprint)
	if err != nil {
		return nil, err
	}
	return &stateCache{pc: pc, finder: finder, prefix: prefixcache.NewPrefix(sha, fingerprint)}, nil
}

// resume restores into s the longest cached prefix of the input the
// finder was fed, and returns its length (0: nothing usable).
func (sc *stateCache) resume(s *model.Session, inputLen int, needLogits bool, warn func(string)) int {
	for _, mt := range sc.finder.Matches() {
		err := sc.pc.Load(mt, s.Restore)
		switch {
		case errors.Is(err, prefixcache.ErrCorrupt):
			continue // warned by the cache
		case err != nil:
			warn(fmt.Sprintf("cache: ignoring the state of %d tokens: %v", mt.Tokens, err))
			s.Reset()
			continue
		case s.Pos() != mt.Tokens:
			warn(fmt.Sprintf("cache: the state of %d tokens is at position %d; ignored", mt.Tokens, s.Pos()))
			s.Reset()
			continue
		case needLogits && mt.Tokens == inputLen && s.Logits() == nil:
			s.Reset() // interrupted exactly at the end: no logits to go on from
			continue
		}
		sc.stats.Hits++
		sc.resumed = mt
		return mt.Tokens
	}
	return 0
}

// roll feeds the prefill's tokens to the prefix key. When it passes the
// resumed length it checks that the text still has the prefix it had when
// counted (the input may change between the two passes).
func (sc *stateCache) roll(tokens []int32) error {
	for len(tokens) > 0 {
		n := len(tokens)
		if r := sc.resumed.Tokens; sc.prefix.Len() < r && sc.prefix.Len()+n >= r {
			n = r - sc.prefix.Len()
		}
		sc.prefix.Add(tokens[:n])
		tokens = tokens[n:]
		if sc.prefix.Len() == sc.resumed.Tokens && sc.resumed.Tokens > 0 && sc.prefix.Key() != sc.resumed.Key {
			return ErrChanged
		}
	}
	return nil
}

// save stores s's state under the prefix rolled so far (which must be
// every token s has evaluated). A periodic checkpoint replaces this run's
// previous one.
func (sc *stateCache) save(s *model.Session, periodic bool) error {
	mt := prefixcache.Match{Tokens: sc.prefix.Len(), Key: sc.prefix.Key()}
	if mt.Tokens == 0 || mt.Tokens != s.Pos() || sc.pc.Has(mt.Key, mt.Tokens) {
		return nil
	}
	t0 := time.Now()
	size, err := sc.pc.Store(mt, s.Save)
	sc.stats.SaveTime += time.Since(t0)
	if err != nil {
		return err
	}
	sc.stats.Saves++
	sc.stats.SavedBytes += size
	if periodic {
		if sc.periodic != nil {
			sc.pc.Remove(*sc.periodic)
		}
		sc.periodic = &mt
	}
	return nil
}
