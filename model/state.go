package model

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/lcrun/lcrun/model/internal/stateio"
)

// Saved session state, little-endian:
//
//	magic "LCRUNSES", u32 version, [32]byte model SHA-256, string arch,
//	string RoPE identity (ropeIdentity), i64 next position, u64 n + n x i32 tokens, u8 has logits
//	(+ u64 vocab + vocab x f32), the architecture's part, magic "LCRUNEND",
//	u32 CRC-32C of everything before it.
//
// A string is u64 length + bytes. Bump stateVersion whenever any part of
// the layout changes; Restore refuses other versions. The checksum makes a
// damaged stream an error rather than a state with a few wrong numbers in
// its cache (the prefix cache checks its files too; other callers store
// states where nothing else does).
const (
	stateMagic   = "LCRUNSES"
	stateEnd     = "LCRUNEND"
	stateVersion = 4
)

// stateCRC is the checksum's polynomial (Castagnoli: hardware-assisted on
// amd64 and arm64).
var stateCRC = crc32.MakeTable(crc32.Castagnoli)

// Save writes the session's whole state (cache, positions, tokens, last
// logits) so that Restore can continue it later, in this process or
// another, with the same model file.
func (s *Session) Save(w io.Writer) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	sum, err := s.m.SHA256()
	if err != nil {
		return fmt.Errorf("model: save: hashing the model: %w", err)
	}
	rope, err := s.ropeIdentity()
	if err != nil {
		return fmt.Errorf("model: save: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	crc := crc32.New(stateCRC)
	sw := io.MultiWriter(bw, crc)
	e := &stateio.Writer{W: sw}
	e.Raw([]byte(stateMagic))
	e.U32(stateVersion)
	e.Raw(sum[:])
	e.Str(s.m.Arch())
	e.Str(rope)
	e.U64(uint64(s.next))
	e.U64(uint64(len(s.Tokens())))
	e.Raw(stateio.SliceBytes(s.Tokens()))
	if s.hasLogits {
		e.U8(1)
		e.U64(uint64(len(s.logits)))
		e.Raw(stateio.SliceBytes(s.logits))
	} else {
		e.U8(0)
	}
	if e.Err == nil {
		e.Err = s.st.saveState(sw)
	}
	e.Raw([]byte(stateEnd))
	e.W = bw
	e.U32(crc.Sum32())
	if e.Err == nil {
		e.Err = bw.Flush()
	}
	if e.Err != nil {
		return fmt.Errorf("model: save: %w", e.Err)
	}
	return nil
}

// ErrStateMismatch is wrapped by Restore's error for a state saved from
// another model or with incompatible session options.
var ErrStateMismatch = stateio.ErrMismatch

// Restore replaces the session's state with one Save wrote. It refuses,
// with an error wrapping ErrStateMismatch, a state saved from another model
// (by SHA-256), with another RoPE frequency table, or with another KV type
// or a larger cache than this session has; a damaged or truncated stream is an error too. On any error the
// session is left reset (empty).
func (s *Session) Restore(r io.Reader) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	err := s.restore(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		s.Reset()
		return fmt.Errorf("model: restore: %w", err)
	}
	return nil
}

func (s *Session) restore(raw io.Reader) error {
	crc := crc32.New(stateCRC)
	r := io.TeeReader(raw, crc)
	d := &stateio.Reader{R: r}
	if magic := d.Bytes(len(stateMagic)); d.Err == nil && string(magic) != stateMagic {
		return fmt.Errorf("not a saved lcrun session")
	}
	if v := d.U32(); d.Err == nil && v != stateVersion {
		return fmt.Errorf("saved state version %d, this lcrun reads version %d", v, stateVersion)
	}
	saved := d.Bytes(32)
	if d.Err != nil {
		return d.Err
	}
	sum, err := s.m.SHA256()
	if err != nil {
		return fmt.Errorf("hashing the model: %w", err)
	}
	if !bytes.Equal(saved, sum[:]) {
		return fmt.Errorf("%w: saved from the model with SHA-256 %s, this is %s", ErrStateMismatch,
			hex.EncodeToString(saved)[:16], hex.EncodeToString(sum[:])[:16])
	}
	if arch := d.Str(64); d.Err == nil && arch != s.m.Arch() {
		return fmt.Errorf("%w: saved for architecture %q", ErrStateMismatch, arch)
	}
	savedRope := d.Str(1 << 16)
	if d.Err != nil {
		return d.Err
	}
	if rope, err := s.ropeIdentity(); err != nil {
		return err
	} else if !sameRope(savedRope, rope) {
		return fmt.Errorf("%w: its keys are rotated with RoPE (%s), this session uses (%s)", ErrStateMismatch,
			ropeSummary(savedRope), ropeSummary(rope))
	}
	next := d.U64()
	if d.Err == nil && next > maxPosition {
		return fmt.Errorf("damaged state: position %d", next)
	}
	history := stateio.ReadSlice[int32](d, 1<<40)
	vocab := s.m.VocabSize()
	hasLogits := d.U8()
	switch {
	case d.Err != nil:
		return d.Err
	case hasLogits > 1:
		return fmt.Errorf("damaged state: logits flag %d", hasLogits)
	case hasLogits == 1:
		if n := d.U64(); d.Err == nil && n != uint64(vocab) {
			return fmt.Errorf("damaged state: %d logits, the model has %d", n, vocab)
		}
		d.Read(stateio.SliceBytes(s.logits))
	}
	for _, t := range history {
		if t < 0 || int(t) >= vocab {
			return fmt.Errorf("damaged state: token %d", t)
		}
	}
	if d.Err != nil {
		return d.Err
	}
	s.st.reset()
	if err := s.st.restoreState(r); err != nil {
		return err
	}
	if end := d.Bytes(len(stateEnd)); d.Err == nil && string(end) != stateEnd {
		return fmt.Errorf("damaged state: no end marker")
	}
	sum32 := crc.Sum32()
	d.R = raw
	if saved := d.U32(); d.Err == nil && saved != sum32 {
		return fmt.Errorf("damaged state: checksum %08x, the stream holds %08x", saved, sum32)
	}
	if d.Err != nil {
		return d.Err
	}
	if k := s.cfg.History; k > 0 && len(history) > k {
		history = history[len(history)-k:] // saved by a session that kept more
	}
	s.next, s.history, s.hasLogits = int32(next), s.history[:0], hasLogits == 1
	s.record(history)
	return nil
}
