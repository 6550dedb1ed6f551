package model

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// Saved session state, little-endian:
//
//	magic "LCRUNSES", u32 version, [32]byte model SHA-256, string arch,
//	string RoPE identity (ropeIdentity), i64 next position, u64 n + n x i32 tokens, u8 has logits
//	(+ u64 vocab + vocab x f32), the architecture's part, magic "LCRUNEND".
//
// A string is u64 length + bytes. Bump stateVersion whenever any part of
// the layout changes; Restore refuses other versions.
const (
	stateMagic   = "LCRUNSES"
	stateEnd     = "LCRUNEND"
	stateVersion = 3
)

// Save writes the session's whole state (cache, positions, tokens, last
// logits) so that Restore can continue it later, in this process or
// another, with the same model file.
func (s *Session) Save(w io.Writer) error {
	sum, err := s.m.SHA256()
	if err != nil {
		return fmt.Errorf("model: save: hashing the model: %w", err)
	}
	rope, err := s.ropeIdentity()
	if err != nil {
		return fmt.Errorf("model: save: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	e := &stateWriter{w: bw}
	e.raw([]byte(stateMagic))
	e.u32(stateVersion)
	e.raw(sum[:])
	e.str(s.m.Arch())
	e.str(rope)
	e.u64(uint64(s.next))
	e.u64(uint64(len(s.Tokens())))
	e.raw(sliceBytes(s.Tokens()))
	if s.hasLogits {
		e.u8(1)
		e.u64(uint64(len(s.logits)))
		e.raw(sliceBytes(s.logits))
	} else {
		e.u8(0)
	}
	if e.err == nil {
		e.err = s.st.saveState(bw)
	}
	e.raw([]byte(stateEnd))
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err != nil {
		return fmt.Errorf("model: save: %w", e.err)
	}
	return nil
}

// ErrStateMismatch is wrapped by Restore's error for a state saved from
// another model or with incompatible session options.
var ErrStateMismatch = errors.New("saved state does not fit this session")

// Restore replaces the session's state with one Save wrote. It refuses,
// with an error wrapping ErrStateMismatch, a state saved from another model
// (by SHA-256), with another RoPE frequency table, or with another KV type
// or a larger cache than this session has; a damaged or truncated stream is an error too. On any error the
// session is left reset (empty).
func (s *Session) Restore(r io.Reader) error {
	err := s.restore(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		s.Reset()
		return fmt.Errorf("model: restore: %w", err)
	}
	return nil
}

func (s *Session) restore(r io.Reader) error {
	d := &stateReader{r: r}
	if magic := d.bytes(len(stateMagic)); d.err == nil && string(magic) != stateMagic {
		return fmt.Errorf("not a saved lcrun session")
	}
	if v := d.u32(); d.err == nil && v != stateVersion {
		return fmt.Errorf("saved state version %d, this lcrun reads version %d", v, stateVersion)
	}
	saved := d.bytes(32)
	if d.err != nil {
		return d.err
	}
	sum, err := s.m.SHA256()
	if err != nil {
		return fmt.Errorf("hashing the model: %w", err)
	}
	if !bytes.Equal(saved, sum[:]) {
		return fmt.Errorf("%w: saved from the model with SHA-256 %s, this is %s", ErrStateMismatch,
			hex.EncodeToString(saved)[:16], hex.EncodeToString(sum[:])[:16])
	}
	if arch := d.str(64); d.err == nil && arch != s.m.Arch() {
		return fmt.Errorf("%w: saved for architecture %q", ErrStateMismatch, arch)
	}
	savedRope := d.str(1 << 16)
	if d.err != nil {
		return d.err
	}
	if rope, err := s.ropeIdentity(); err != nil {
		return err
	} else if !sameRope(savedRope, rope) {
		return fmt.Errorf("%w: its keys are rotated with RoPE (%s), this session uses (%s)", ErrStateMismatch,
			ropeSummary(savedRope), ropeSummary(rope))
	}
	next := d.u64()
	if d.err == nil && next > maxPosition {
		return fmt.Errorf("damaged state: position %d", next)
	}
	history := readSlice[int32](d, 1<<40)
	vocab := s.m.VocabSize()
	hasLogits := d.u8()
	switch {
	case d.err != nil:
		return d.err
	case hasLogits > 1:
		return fmt.Errorf("damaged state: logits flag %d", hasLogits)
	case hasLogits == 1:
		if n := d.u64(); d.err == nil && n != uint64(vocab) {
			return fmt.Errorf("damaged state: %d logits, the model has %d", n, vocab)
		}
		d.read(sliceBytes(s.logits))
	}
	for _, t := range history {
		if t < 0 || int(t) >= vocab {
			return fmt.Errorf("damaged state: token %d", t)
		}
	}
	if d.err != nil {
		return d.err
	}
	s.st.reset()
	if err := s.st.restoreState(r); err != nil {
		return err
	}
	if end := d.bytes(len(stateEnd)); d.err == nil && string(end) != stateEnd {
		return fmt.Errorf("damaged state: no end marker")
	}
	if d.err != nil {
		return d.err
	}
	if k := s.cfg.History; k > 0 && len(history) > k {
		history = history[len(history)-k:] // saved by a session that kept more
	}
	s.next, s.history, s.hasLogits = int32(next), s.history[:0], hasLogits == 1
	s.record(history)
	return nil
}

// stateWriter writes little-endian values, keeping the first error.
type stateWriter struct {
	w   io.Writer
	err error
	buf [8]byte
}

func (e *stateWriter) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *stateWriter) u8(v uint8) { e.raw([]byte{v}) }

func (e *stateWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.raw(e.buf[:4])
}

func (e *stateWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:], v)
	e.raw(e.buf[:])
}

func (e *stateWriter) str(s string) {
	e.u64(uint64(len(s)))
	e.raw([]byte(s))
}

// stateReader reads what stateWriter wrote, keeping the first error; a
// stream that ends early is io.ErrUnexpectedEOF.
type stateReader struct {
	r   io.Reader
	err error
	buf [8]byte
}

func (d *stateReader) read(b []byte) {
	if d.err != nil {
		return
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		d.err = fmt.Errorf("damaged state: %w", err)
	}
}

func (d *stateReader) bytes(n int) []byte {
	b := make([]byte, n)
	d.read(b)
	return b
}

func (d *stateReader) u8() uint8 {
	d.read(d.buf[:1])
	return d.buf[0]
}

func (d *stateReader) u32() uint32 {
	d.read(d.buf[:4])
	return binary.LittleEndian.Uint32(d.buf[:4])
}

func (d *stateReader) u64() uint64 {
	d.read(d.buf[:])
	return binary.LittleEndian.Uint64(d.buf[:])
}

// str reads a string of at most limit bytes.
func (d *stateReader) str(limit int) string {
	n := d.u64()
	if d.err == nil && n > uint64(limit) {
		d.err = fmt.Errorf("damaged state: a string of %d bytes", n)
	}
	if d.err != nil {
		return ""
	}
	return string(d.bytes(int(n)))
}

// readSlice reads u64 n and n values of T (at most limit), growing the
// slice as data arrives so that a bogus length cannot allocate much.
func readSlice[T int32 | float32](d *stateReader, limit uint64) []T {
	n := d.u64()
	if d.err == nil && n > limit {
		d.err = fmt.Errorf("damaged state: %d values", n)
	}
	var out []T
	for d.err == nil && uint64(len(out)) < n {
		k := int(min(n-uint64(len(out)), 1<<16))
		out = append(out, make([]T, k)...)
		d.read(sliceBytes(out[len(out)-k:]))
	}
	return out
}

// sliceBytes views a slice of fixed-size numbers as bytes (the state is
// little-endian, like every platform lcrun builds for).
func sliceBytes[T int32 | float32 | uint16 | byte](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(zero)))
}
