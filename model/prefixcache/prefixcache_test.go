package prefixcache

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var modelA, modelB = [32]byte{1}, [32]byte{2}

func seq(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i*7 + 1)
	}
	return out
}

func keyOf(model [32]byte, fp string, tokens []int32) Key {
	p := NewPrefix(model, fp)
	p.Add(tokens)
	return p.Key()
}

func TestPrefixKeys(t *testing.T) {
	toks := seq(1000)
	whole := keyOf(modelA, "f", toks)
	p := NewPrefix(modelA, "f")
	for i := 0; i < len(toks); i += 37 {
		p.Add(toks[i:min(i+37, len(toks))])
	}
	assert.Equal(t, whole, p.Key(), "chunking must not change the key")
	assert.Equal(t, 1000, p.Len())
	assert.NotEqual(t, whole, keyOf(modelB, "f", toks))
	assert.NotEqual(t, whole, keyOf(modelA, "g", toks))
	assert.NotEqual(t, whole, keyOf(modelA, "f", toks[:999]))
	// The fingerprint is length-prefixed: "ab"+tokens differs from "a"+...
	assert.NotEqual(t, keyOf(modelA, "ab", nil), keyOf(modelA, "a", nil))
}

// store writes an entry whose payload is the prefix's tokens as text.
func store(t *testing.T, c *Cache, fp string, toks []int32) Match {
	t.Helper()
	m := Match{Tokens: len(toks), Key: keyOf(modelA, fp, toks)}
	_, err := c.Store(m, func(w io.Writer) error {
		_, err := io.WriteString(w, payloadOf(toks))
		return err
	})
	require.NoError(t, err)
	return m
}

// payloadOf is the same length for every prefix (the LRU test counts sizes).
func payloadOf(toks []int32) string { return fmt.Sprintf("state of %08d tokens", len(toks)) }

func load(c *Cache, m Match) (string, error) {
	var got string
	err := c.Load(m, func(r io.Reader) error {
		b, err := io.ReadAll(r)
		got = string(b)
		return err
	})
	return got, err
}

func TestStoreLookupLoad(t *testing.T) {
	var warnings []string
	c, err := Open(t.TempDir(), 0, func(s string) { warnings = append(warnings, s) })
	require.NoError(t, err)
	toks := seq(500)
	for _, n := range []int{100, 300, 500} {
		store(t, c, "fp", toks[:n])
	}
	store(t, c, "other", toks[:400]) // another fingerprint: never matches

	// The same text: the longest prefix first.
	ms, err := c.Lookup(modelA, "fp", toks)
	require.NoError(t, err)
	require.Len(t, ms, 3)
	assert.Equal(t, []int{500, 300, 100}, []int{ms[0].Tokens, ms[1].Tokens, ms[2].Tokens})
	got, err := load(c, ms[0])
	require.NoError(t, err)
	assert.Equal(t, payloadOf(toks), got)

	// Text appended: the whole old text is a prefix.
	longer := append(seq(500), 9, 9, 9)
	ms, err = c.Lookup(modelA, "fp", longer)
	require.NoError(t, err)
	assert.Equal(t, 500, ms[0].Tokens)

	// A change at token 350: only 300 and 100 remain prefixes.
	changed := seq(500)
	changed[350] = -5
	ms, err = c.Lookup(modelA, "fp", changed)
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, 300, ms[0].Tokens)

	ms, err = c.Lookup(modelB, "fp", toks)
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.Empty(t, warnings)
}

func TestDamagedEntriesAreIgnoredWithAWarning(t *testing.T) {
	damage := map[string]func(path string){
		"truncated by hand": func(p string) {
			info, _ := os.Stat(p)
			require.NoError(t, os.Truncate(p, info.Size()/2))
		},
		"cut to a few bytes": func(p string) { require.NoError(t, os.Truncate(p, 10)) },
		"emptied":            func(p string) { require.NoError(t, os.Truncate(p, 0)) },
		"one payload byte flipped": func(p string) {
			b, _ := os.ReadFile(p)
			b[headerBytes+3] ^= 0x20
			require.NoError(t, os.WriteFile(p, b, 0o644))
		},
		"not an entry": func(p string) {
			require.NoError(t, os.WriteFile(p, bytes.Repeat([]byte("junk"), 40), 0o644))
		},
		"another entry's bytes": func(p string) {
			dir := filepath.Dir(p)
			des, _ := os.ReadDir(dir)
			for _, d := range des {
				if q := filepath.Join(dir, d.Name()); q != p {
					b, _ := os.ReadFile(q)
					require.NoError(t, os.WriteFile(p, b, 0o644))
				}
			}
		},
	}
	for name, hurt := range damage {
		t.Run(name, func(t *testing.T) {
			var warnings []string
			c, err := Open(t.TempDir(), 0, func(s string) { warnings = append(warnings, s) })
			require.NoError(t, err)
			toks := seq(200)
			store(t, c, "fp", toks[:50])
			m := store(t, c, "fp", toks)
			hurt(filepath.Join(c.Dir(), entryName(m.Key, m.Tokens)))
			restored := false
			err = c.Load(m, func(io.Reader) error { restored = true; return nil })
			require.ErrorIs(t, err, ErrCorrupt)
			assert.False(t, restored, "a damaged payload must not reach the session")
			require.Len(t, warnings, 1)
			assert.Contains(t, warnings[0], "cache: ignoring")
			assert.NotContains(t, warnings[0], "\n")
			// The damaged entry is gone; the shorter one still serves.
			ms, err := c.Lookup(modelA, "fp", toks)
			require.NoError(t, err)
			require.Len(t, ms, 1)
			assert.Equal(t, 50, ms[0].Tokens)
			_, err = load(c, ms[0])
			require.NoError(t, err)
		})
	}
}

func TestStoreIsAtomic(t *testing.T) {
	c, err := Open(t.TempDir(), 0, nil)
	require.NoError(t, err)
	m := Match{Tokens: 10, Key: keyOf(modelA, "fp", seq(10))}
	boom := errors.New("interrupted")
	_, err = c.Store(m, func(w io.Writer) error {
		io.WriteString(w, "half a state")
		return boom
	})
	require.ErrorIs(t, err, boom)
	des, err := os.ReadDir(c.Dir())
	require.NoError(t, err)
	assert.Empty(t, des, "no entry and no temporary file after a failed save")
	assert.False(t, c.Has(m.Key, m.Tokens))
}

func TestLRUBound(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, 0, nil)
	require.NoError(t, err)
	toks := seq(300)
	m100 := store(t, c, "fp", toks[:100])
	m200 := store(t, c, "fp", toks[:200])
	entrySize := func(m Match) int64 {
		info, err := os.Stat(filepath.Join(dir, entryName(m.Key, m.Tokens)))
		require.NoError(t, err)
		return info.Size()
	}
	// Age both, then use the older-written one: it becomes the most recent.
	old := time.Now().Add(-time.Hour)
	for i, m := range []Match{m100, m200} {
		ts := old.Add(time.Duration(i) * time.Minute)
		require.NoError(t, os.Chtimes(filepath.Join(dir, entryName(m.Key, m.Tokens)), ts, ts))
	}
	_, err = load(c, m100)
	require.NoError(t, err)

	// A bound that holds the new entry and one more: m200 (least recently
	// used) goes.
	c.max = entrySize(m100) + entrySize(m200) + 1
	m300 := store(t, c, "fp", toks)
	assert.True(t, c.Has(m100.Key, 100))
	assert.False(t, c.Has(m200.Key, 200))
	assert.True(t, c.Has(m300.Key, 300))
	assert.LessOrEqual(t, c.Size(), c.max)

	// A bound smaller than one entry keeps only the newest.
	c.max = 1
	store(t, c, "fp", toks[:250])
	ms, err := c.Lookup(modelA, "fp", toks)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, 250, ms[0].Tokens)
}

func TestStaleTempsAreRemoved(t *testing.T) {
	dir := t.TempDir()
	stale, fresh := filepath.Join(dir, ".tmp-1.lcpc"), filepath.Join(dir, ".tmp-2.lcpc")
	require.NoError(t, os.WriteFile(stale, []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(fresh, []byte("x"), 0o644))
	old := time.Now().Add(-2 * staleTemp)
	require.NoError(t, os.Chtimes(stale, old, old))
	_, err := Open(dir, 0, nil)
	require.NoError(t, err)
	assert.NoFileExists(t, stale)
	assert.FileExists(t, fresh, "a temporary file may belong to a run in progress")
}

func TestParseName(t *testing.T) {
	k := keyOf(modelA, "x", seq(3))
	n, got, ok := parseName(entryName(k, 3))
	require.True(t, ok)
	assert.Equal(t, 3, n)
	assert.Equal(t, k, got)
	for _, bad := range []string{"", "3-zz.lcpc", "0-" + k.String() + suffix, "-1-" + k.String() + suffix, "3-" + k.String(), ".tmp-1.lcpc", "x-" + k.String() + suffix} {
		_, _, ok := parseName(bad)
		assert.False(t, ok, bad)
	}
}

func TestFinderPieceByPiece(t *testing.T) {
	c, err := Open(t.TempDir(), 0, nil)
	require.NoError(t, err)
	toks := seq(1000)
	for _, n := range []int{1, 64, 65, 500, 999, 1000} {
		store(t, c, "fp", toks[:n])
	}
	want, err := c.Lookup(modelA, "fp", toks)
	require.NoError(t, err)
	require.Len(t, want, 6)
	for _, piece := range []int{1, 7, 64, 1000} {
		f, err := c.NewFinder(modelA, "fp")
		require.NoError(t, err)
		for i := 0; i < len(toks); i += piece {
			f.Add(toks[i:min(i+piece, len(toks))])
		}
		assert.Equal(t, want, f.Matches(), "pieces of %d", piece)
	}
}

// TestTruncatedEntryWarningQuotesNoGarbage: the warning for a cut entry
// says how much is there, never a "recorded length" read from payload
// bytes (it once printed 3983508320474281007 bytes).
func TestTruncatedEntryWarningQuotesNoGarbage(t *testing.T) {
	var warnings []string
	c, err := Open(t.TempDir(), 0, func(s string) { warnings = append(warnings, s) })
	require.NoError(t, err)
	toks := seq(300)
	m := store(t, c, "fp", toks)
	p := filepath.Join(c.Dir(), entryName(m.Key, m.Tokens))
	info, err := os.Stat(p)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(p, info.Size()-100))
	require.ErrorIs(t, c.Load(m, func(io.Reader) error { return nil }), ErrCorrupt)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "truncated?")
	for _, f := range strings.Fields(warnings[0]) {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			assert.LessOrEqual(t, n, info.Size(), "a number in %q", warnings[0])
		}
	}
}
