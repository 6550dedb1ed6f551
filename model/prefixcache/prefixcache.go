// Package prefixcache keeps session states on disk under the token prefix
// that produced them, so that a later run over the same text, or over the
// same text with more appended, starts from the longest prefix already
// evaluated instead of from nothing.
//
// An entry's key is the SHA-256 of the model's SHA-256, a fingerprint of
// the session options that shape the state (attention policy, KV type...)
// and the prefix's token ids: rolling, so the key of every prefix length
// comes from one pass over the tokens. An entry is one file,
//
//	"LCPCACHE" u32 version | [32]byte key | u64 tokens |
//	payload (the session's Save) | u64 payload bytes | [32]byte SHA-256 of all before it
//
// named "<tokens>-<hex key>.lcpc", written to a temporary file and renamed
// into place (a reader sees a whole entry or none, also after Ctrl-C or a
// crash). A file that is short, damaged or not what its name says is
// ignored with a warning (and removed), never trusted: its checksum is
// verified before the payload is handed to the session. The directory is
// kept under a size bound by deleting the least recently used entries
// (a hit refreshes the file's modification time).
package prefixcache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/minio/sha256-simd"
)

const (
	magic   = "LCPCACHE"
	version = 1
	suffix  = ".lcpc"
	// headerBytes: magic, version, key, tokens.
	headerBytes = 8 + 4 + 32 + 8
	// trailerBytes: payload length, checksum.
	trailerBytes = 8 + sha256.Size
	// staleTemp: temporary files older than this are from a run that died.
	staleTemp = time.Hour
)

// Key names one prefix of tokens under one model and session fingerprint.
type Key [32]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Prefix computes the keys of successive prefixes of a token sequence.
type Prefix struct {
	h hash.Hash
	n int
}

// NewPrefix starts the keys of prefixes under a model (its SHA-256) and a
// fingerprint of the session options (any text that differs when states
// are not interchangeable).
func NewPrefix(model [32]byte, fingerprint string) *Prefix {
	h := sha256.New()
	h.Write([]byte(magic))
	h.Write(model[:])
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(fingerprint)))
	h.Write(n[:])
	h.Write([]byte(fingerprint))
	return &Prefix{h: h}
}

// Add appends tokens to the prefix.
func (p *Prefix) Add(tokens []int32) {
	if len(tokens) == 0 {
		return
	}
	// Little-endian int32s, as the tokens are in memory on every platform
	// Go supports with this package's users (amd64, arm64); the bytes are
	// rebuilt on a big-endian one.
	if nativeLittleEndian {
		p.h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&tokens[0])), 4*len(tokens)))
	} else {
		var b [4]byte
		for _, t := range tokens {
			binary.LittleEndian.PutUint32(b[:], uint32(t))
			p.h.Write(b[:])
		}
	}
	p.n += len(tokens)
}

// Len is the number of tokens added.
func (p *Prefix) Len() int { return p.n }

// Key is the key of the tokens added so far.
func (p *Prefix) Key() Key {
	var k Key
	p.h.Sum(k[:0])
	return k
}

var nativeLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Cache is a directory of entries.
type Cache struct {
	dir  string
	max  int64 // bytes; 0 = unbounded
	warn func(string)
}

// Open opens (creating it if needed) the cache in dir, bounded to maxBytes
// (0 = no bound). warn receives one-line warnings about entries ignored.
func Open(dir string, maxBytes int64, warn func(string)) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	if warn == nil {
		warn = func(string) {}
	}
	c := &Cache{dir: dir, max: maxBytes, warn: warn}
	c.removeStaleTemps()
	return c, nil
}

// Dir is the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// entryName is the file name of a key for a prefix of n tokens.
func entryName(k Key, n int) string { return strconv.Itoa(n) + "-" + k.String() + suffix }

// parseName reads "<tokens>-<hex key>.lcpc".
func parseName(name string) (n int, k Key, ok bool) {
	base, found := strings.CutSuffix(name, suffix)
	if !found {
		return 0, k, false
	}
	ns, hx, found := strings.Cut(base, "-")
	if !found || len(hx) != 2*len(k) {
		return 0, k, false
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n <= 0 {
		return 0, k, false
	}
	if _, err := hex.Decode(k[:], []byte(hx)); err != nil {
		return 0, k, false
	}
	return n, k, true
}

// Match is a cached prefix of a token sequence.
type Match struct {
	Tokens int // the prefix's length
	Key    Key
}

// Lookup lists the cached prefixes of tokens under model and fingerprint,
// longest first.
func (c *Cache) Lookup(model [32]byte, fingerprint string, tokens []int32) ([]Match, error) {
	f, err := c.NewFinder(model, fingerprint)
	if err != nil {
		return nil, err
	}
	f.Add(tokens)
	return f.Matches(), nil
}

// Finder finds the cached prefixes of a token sequence given piece by
// piece (a text too long to hold). Only the lengths of entries present
// are hashed, so the cost is one pass of SHA-256 over the tokens.
type Finder struct {
	p       *Prefix
	byLen   map[int]map[Key]bool
	lengths []int // ascending, not reached yet
	matches []Match
}

// NewFinder lists the cache's entries for a search under model and
// fingerprint.
func (c *Cache) NewFinder(model [32]byte, fingerprint string) (*Finder, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	f := &Finder{p: NewPrefix(model, fingerprint), byLen: map[int]map[Key]bool{}}
	for _, e := range entries {
		if n, k, ok := parseName(e.Name()); ok {
			if f.byLen[n] == nil {
				f.byLen[n] = map[Key]bool{}
				f.lengths = append(f.lengths, n)
			}
			f.byLen[n][k] = true
		}
	}
	sort.Ints(f.lengths)
	return f, nil
}

// Add feeds the next tokens of the sequence.
func (f *Finder) Add(tokens []int32) {
	end := f.p.Len() + len(tokens)
	for len(f.lengths) > 0 && f.lengths[0] <= end {
		n := f.lengths[0]
		f.lengths = f.lengths[1:]
		cut := n - f.p.Len()
		f.p.Add(tokens[:cut])
		tokens = tokens[cut:]
		if k := f.p.Key(); f.byLen[n][k] {
			f.matches = append(f.matches, Match{Tokens: n, Key: k})
		}
	}
	f.p.Add(tokens)
}

// Matches are the cached prefixes of the tokens fed so far, longest first.
func (f *Finder) Matches() []Match {
	out := append([]Match(nil), f.matches...)
	sort.Slice(out, func(i, j int) bool { return out[i].Tokens > out[j].Tokens })
	return out
}

// Has reports whether an entry for k and n tokens exists (not verified).
func (c *Cache) Has(k Key, n int) bool {
	_, err := os.Stat(filepath.Join(c.dir, entryName(k, n)))
	return err == nil
}

// ErrCorrupt marks an entry that failed verification.
var ErrCorrupt = errors.New("damaged cache entry")

// Load verifies the entry of m and, if it is whole, gives its payload to
// restore. A damaged or foreign entry is removed and reported through the
// warning function; Load then returns an error wrapping ErrCorrupt. The
// hit refreshes the entry's place in the LRU order.
func (c *Cache) Load(m Match, restore func(io.Reader) error) error {
	path := filepath.Join(c.dir, entryName(m.Key, m.Tokens))
	off, size, err := verify(path, m)
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			c.warn(fmt.Sprintf("cache: ignoring %s: %v", filepath.Base(path), err))
			os.Remove(path)
		}
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer f.Close()
	if err := restore(bufio.NewReaderSize(io.NewSectionReader(f, off, size), 1<<20)); err != nil {
		return err
	}
	now := time.Now()
	os.Chtimes(path, now, now)
	return nil
}

// verify checks an entry's header against m and its checksum, returning
// where the payload is.
func verify(path string, m Match) (off, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("cache: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("cache: %w", err)
	}
	if info.Size() < headerBytes+trailerBytes {
		return 0, 0, fmt.Errorf("%w: %d bytes, shorter than any entry (truncated?)", ErrCorrupt, info.Size())
	}
	size = info.Size() - headerBytes - trailerBytes
	h := sha256.New()
	var hdr [headerBytes]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return 0, 0, fmt.Errorf("cache: %w", err)
	}
	h.Write(hdr[:])
	ver := binary.LittleEndian.Uint32(hdr[8:])
	var key Key
	copy(key[:], hdr[12:44])
	tokens := binary.LittleEndian.Uint64(hdr[44:])
	switch {
	case string(hdr[:8]) != magic:
		return 0, 0, fmt.Errorf("%w: not a cache entry", ErrCorrupt)
	case ver != version:
		return 0, 0, fmt.Errorf("%w: entry version %d, this lcrun reads %d", ErrCorrupt, ver, version)
	case key != m.Key || tokens != uint64(m.Tokens):
		return 0, 0, fmt.Errorf("%w: the entry holds another prefix than its name says", ErrCorrupt)
	}
	if _, err := io.CopyN(h, f, size); err != nil {
		return 0, 0, fmt.Errorf("cache: %w", err)
	}
	var tr [trailerBytes]byte
	if _, err := io.ReadFull(f, tr[:]); err != nil {
		return 0, 0, fmt.Errorf("cache: %w", err)
	}
	h.Write(tr[:8])
	switch recorded := binary.LittleEndian.Uint64(tr[:8]); {
	case recorded > uint64(info.Size()):
		// A cut file's "trailer" is payload bytes: no length to quote.
		return 0, 0, fmt.Errorf("%w: %d bytes of state present and no trailer after them (truncated?)", ErrCorrupt, size)
	case int64(recorded) != size:
		return 0, 0, fmt.Errorf("%w: %d bytes of state recorded, %d present (truncated?)", ErrCorrupt, recorded, size)
	case !bytes.Equal(h.Sum(nil), tr[8:]):
		return 0, 0, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	return headerBytes, size, nil
}

// Store writes the entry for m: save writes the payload. The entry
// appears whole or not at all. Then the cache is trimmed to its bound,
// keeping the new entry.
func (c *Cache) Store(m Match, save func(io.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(c.dir, ".tmp-*"+suffix)
	if err != nil {
		return 0, fmt.Errorf("cache: %w", err)
	}
	n, err := writeEntry(tmp, m, save)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(c.dir, entryName(m.Key, m.Tokens)))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, fmt.Errorf("cache: %w", err)
	}
	c.Trim(entryName(m.Key, m.Tokens))
	return n, nil
}

func writeEntry(f *os.File, m Match, save func(io.Writer) error) (int64, error) {
	h := sha256.New()
	bw := bufio.NewWriterSize(f, 1<<20)
	mw := io.MultiWriter(bw, h)
	var hdr [headerBytes]byte
	copy(hdr[:], magic)
	binary.LittleEndian.PutUint32(hdr[8:], version)
	copy(hdr[12:], m.Key[:])
	binary.LittleEndian.PutUint64(hdr[44:], uint64(m.Tokens))
	mw.Write(hdr[:])
	cw := &countWriter{w: mw}
	if err := save(cw); err != nil {
		return 0, err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(cw.n))
	mw.Write(n[:])
	bw.Write(h.Sum(nil))
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	return headerBytes + cw.n + trailerBytes, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (cw *countWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}

// Remove deletes an entry (missing is not an error).
func (c *Cache) Remove(m Match) {
	os.Remove(filepath.Join(c.dir, entryName(m.Key, m.Tokens)))
}

// Size is the total size of the cache's entries.
func (c *Cache) Size() int64 {
	var total int64
	for _, e := range c.entries() {
		total += e.size
	}
	return total
}

type entry struct {
	name string
	size int64
	used time.Time
}

func (c *Cache) entries() []entry {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return nil
	}
	var out []entry
	for _, d := range des {
		if _, _, ok := parseName(d.Name()); !ok {
			continue
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		out = append(out, entry{name: d.Name(), size: info.Size(), used: info.ModTime()})
	}
	return out
}

// Trim deletes least recently used entries until the cache fits its
// bound, never the entry named keep (the one just written).
func (c *Cache) Trim(keep string) (removed int) {
	if c.max <= 0 {
		return 0
	}
	es := c.entries()
	var total int64
	for _, e := range es {
		total += e.size
	}
	sort.Slice(es, func(i, j int) bool { return es[i].used.Before(es[j].used) })
	for _, e := range es {
		if total <= c.max {
			break
		}
		if e.name == keep {
			continue
		}
		if os.Remove(filepath.Join(c.dir, e.name)) == nil {
			total -= e.size
			removed++
		}
	}
	return removed
}

// removeStaleTemps deletes temporary files a killed run left behind.
func (c *Cache) removeStaleTemps() {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, d := range des {
		if !strings.HasPrefix(d.Name(), ".tmp-") {
			continue
		}
		if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			os.Remove(filepath.Join(c.dir, d.Name()))
		}
	}
}
