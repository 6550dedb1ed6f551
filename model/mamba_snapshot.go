package model

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// A Mamba state snapshot (inside the session's versioned header, which
// carries the model's SHA-256): the shape it was taken with, the position
// count, then every layer's convolution window and SSM state as
// little-endian float32:
//
//	u32 layers, u32 conv floats per layer, u32 ssm floats per layer, i64 position
//	layers x (conv floats, ssm floats)

func (s *mambaState) saveState(w io.Writer) error {
	nc, ns := s.m.p.stateFloats()
	var hdr [20]byte
	binary.LittleEndian.PutUint32(hdr[0:], uint32(s.m.p.layers))
	binary.LittleEndian.PutUint32(hdr[4:], uint32(nc))
	binary.LittleEndian.PutUint32(hdr[8:], uint32(ns))
	binary.LittleEndian.PutUint64(hdr[12:], uint64(s.pos))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	var buf [4096]byte
	for l := range s.m.p.layers {
		conv, ssm := s.layerStates(l)
		if err := writeFloats(w, conv, buf[:]); err != nil {
			return err
		}
		if err := writeFloats(w, ssm, buf[:]); err != nil {
			return err
		}
	}
	return nil
}

func (s *mambaState) restoreState(r io.Reader) error {
	err := s.readState(r)
	if err != nil {
		s.reset()
	}
	return err
}

func (s *mambaState) readState(r io.Reader) error {
	nc, ns := s.m.p.stateFloats()
	var hdr [20]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return fmt.Errorf("model: mamba state: %w", noEOF(err))
	}
	layers := binary.LittleEndian.Uint32(hdr[0:])
	gc, gs := binary.LittleEndian.Uint32(hdr[4:]), binary.LittleEndian.Uint32(hdr[8:])
	pos := int64(binary.LittleEndian.Uint64(hdr[12:]))
	if int64(layers) != int64(s.m.p.layers) || int64(gc) != int64(nc) || int64(gs) != int64(ns) {
		return fmt.Errorf("model: mamba state of %d layers x (%d + %d) values does not fit this model (%d x (%d + %d))",
			layers, gc, gs, s.m.p.layers, nc, ns)
	}
	if pos < 0 || pos > maxPosition {
		return fmt.Errorf("model: mamba state: position %d is out of range", pos)
	}
	var buf [4096]byte
	for l := range s.m.p.layers {
		conv, ssm := s.layerStates(l)
		if err := readFloats(r, conv, buf[:]); err != nil {
			return err
		}
		if err := readFloats(r, ssm, buf[:]); err != nil {
			return err
		}
	}
	s.pos = pos
	return nil
}

// writeFloats writes x little-endian through buf (a multiple of 4 bytes).
func writeFloats(w io.Writer, x []float32, buf []byte) error {
	for len(x) > 0 {
		n := min(len(x), len(buf)/4)
		for i, v := range x[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		x = x[n:]
	}
	return nil
}

// readFloats fills x from little-endian float32 values read through buf.
func readFloats(r io.Reader, x []float32, buf []byte) error {
	for len(x) > 0 {
		n := min(len(x), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*n]); err != nil {
			return fmt.Errorf("model: mamba state: %w", noEOF(err))
		}
		for i := range x[:n] {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		x = x[n:]
	}
	return nil
}

// noEOF turns a clean end of input into "unexpected": a state that stops
// early is truncated.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
