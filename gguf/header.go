package gguf

import (
	"bytes"
	"fmt"
	"math/bits"

	"github.com/lcrun/lcrun/dtype"
)

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// DefaultAlignment applies when a file has no general.alignment.
const DefaultAlignment = 32

// KeyAlignment is the metadata key that sets the data alignment.
const KeyAlignment = "general.alignment"

// header is everything a file says before its tensor data.
type header struct {
	version     uint32
	kv          []KeyValue
	kvIndex     map[string]int
	tensors     []TensorInfo
	tensorIndex map[string]int
	alignment   int
	dataOffset  int // start of the data section (may equal len(b) when there is no data)
}

// parseHeader reads and checks the header of a whole file held in b.
func parseHeader(b []byte) (*header, error) {
	if err := checkMagic(b); err != nil {
		return nil, err
	}
	d := &decoder{b: b, off: 4}
	version, err := d.u32("version")
	if err != nil {
		return nil, err
	}
	switch {
	case version == 0 || version > 3 && bits.ReverseBytes32(version) <= 3:
		return nil, fmt.Errorf("GGUF version field is %#x: a big-endian file, which lcrun does not read", version)
	case version > 3:
		return nil, fmt.Errorf("GGUF version %d is newer than the versions 1-3 lcrun reads", version)
	}
	d.wide = version >= 2
	h := &header{version: version, alignment: DefaultAlignment}

	nTensors, err := d.count("tensor count")
	if err != nil {
		return nil, err
	}
	nKV, err := d.count("metadata count")
	if err != nil {
		return nil, err
	}
	// Smallest encodings: a key-value is a key length, a type and one
	// byte; a tensor info is a name length, n_dims, type and offset.
	if minKV := d.lenSize() + 4 + 1; nKV > uint64(d.left())/minKV {
		return nil, fmt.Errorf("header claims %d metadata entries, more than the file can hold: corrupt file", nKV)
	}
	if minTensor := d.lenSize() + 4 + 4 + 8; nTensors > uint64(d.left())/minTensor {
		return nil, fmt.Errorf("header claims %d tensors, more than the file can hold: corrupt file", nTensors)
	}

	h.kv = make([]KeyValue, nKV)
	h.kvIndex = make(map[string]int, nKV)
	for i := range h.kv {
		key, err := d.str("key")
		if err != nil {
			return nil, fmt.Errorf("metadata entry %d: %w", i, err)
		}
		if _, dup := h.kvIndex[key]; dup {
			return nil, fmt.Errorf("metadata key %s appears twice", quoted(key))
		}
		t, err := d.typ("value type")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", shownKey(key), err)
		}
		v, err := d.value(t, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", shownKey(key), err)
		}
		h.kv[i] = KeyValue{Key: key, Value: v}
		h.kvIndex[key] = i
	}
	if i, ok := h.kvIndex[KeyAlignment]; ok {
		a, err := alignmentOf(h.kv[i].Value)
		if err != nil {
			return nil, err
		}
		h.alignment = a
	}

	if err := h.readTensorInfos(d, int(nTensors)); err != nil {
		return nil, err
	}

	// The data section starts at the next multiple of the alignment. A file
	// without tensor data (a vocabulary) may end before it.
	h.dataOffset = len(b)
	if pad := d.off % h.alignment; pad == 0 {
		h.dataOffset = d.off
	} else if d.off <= len(b)-(h.alignment-pad) {
		h.dataOffset = d.off + h.alignment - pad
	}
	dataLen := uint64(len(b) - h.dataOffset)
	if err := checkExtents(h.tensors, dataLen, uint64(h.alignment)); err != nil {
		return nil, err
	}
	for i := range h.tensors {
		h.tensors[i].fileOff = int64(h.dataOffset) + int64(h.tensors[i].Offset)
	}
	return h, nil
}

func (h *header) readTensorInfos(d *decoder, n int) error {
	h.tensors = make([]TensorInfo, n)
	h.tensorIndex = make(map[string]int, n)
	// One backing array for every tensor's dims: one allocation, not n.
	dims := make([]uint64, 0, n*MaxDims)
	for i := range h.tensors {
		t := &h.tensors[i]
		name, err := d.str("name")
		if err != nil {
			return fmt.Errorf("tensor %d: %w", i, err)
		}
		if _, dup := h.tensorIndex[name]; dup {
			return fmt.Errorf("tensor %s appears twice", quoted(name))
		}
		h.tensorIndex[name] = i
		t.Name = name
		nd, err := d.u32("dimension count")
		if err != nil {
			return fmt.Errorf("tensor %s: %w", quoted(name), err)
		}
		if nd > MaxDims {
			return fmt.Errorf("tensor %s has %d dimensions, more than %d", quoted(name), nd, MaxDims)
		}
		start := len(dims)
		for j := 0; j < int(nd); j++ {
			e, err := d.count("dimension")
			if err != nil {
				return fmt.Errorf("tensor %s: %w", quoted(name), err)
			}
			dims = append(dims, e)
		}
		t.Dims = dims[start:len(dims):len(dims)]
		typ, err := d.u32("type")
		if err != nil {
			return fmt.Errorf("tensor %s: %w", quoted(name), err)
		}
		t.Type = dtype.Type(typ)
		if t.Offset, err = d.u64("offset"); err != nil {
			return fmt.Errorf("tensor %s: %w", quoted(name), err)
		}
		size, flat, err := tensorSize(t.Type, t.Dims)
		if err != nil {
			return fmt.Errorf("tensor %s: %w", quoted(name), err)
		}
		t.Size = int64(size)
		if flat != nil {
			t.Err = fmt.Errorf("tensor %s: %w", quoted(name), flat)
		}
	}
	return nil
}

// alignmentOf checks a general.alignment value: a nonzero power of two.
func alignmentOf(v Value) (int, error) {
	a, ok := asUint(v)
	if !ok {
		return 0, &KeyError{Key: KeyAlignment, Problem: "is " + v.Kind() + ", want integer"}
	}
	if a == 0 || a&(a-1) != 0 || a > 1<<30 {
		return 0, &KeyError{Key: KeyAlignment, Problem: fmt.Sprintf("is %d, want a power of two up to 2^30", a)}
	}
	return int(a), nil
}

// checkMagic tells GGUF from the formats people mistake for it.
func checkMagic(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("empty file, not a GGUF model")
	}
	if len(b) >= 4 && string(b[:4]) == Magic {
		return nil
	}
	if len(b) >= 4 {
		switch string(b[:4]) {
		case "lmgg", "fmgg", "tjgg", "algg": // ggml, ggmf, ggjt, ggla, stored little-endian
			return fmt.Errorf("a pre-GGUF ggml file (magic %q); convert it to GGUF with llama.cpp", b[:4])
		}
	}
	head := b[:min(len(b), 16)]
	if len(b) < 4 && bytes.HasPrefix([]byte(Magic), b) {
		return fmt.Errorf("file of %d bytes is truncated inside the GGUF header", len(b))
	}
	return fmt.Errorf("not a GGUF file (starts with %q)", head)
}
