package gguf

import (
	"errors"
	"fmt"
	"math"
	"os"
)

// File is an open GGUF model: its metadata, its tensor directory, and its
// tensor data, mapped read-only (or held in memory where mapping is not
// available). A split set (name-00001-of-00003.gguf ...) opens as one File.
//
// A File is safe for concurrent readers. Slices it returns share its
// memory: do not modify them, and do not use tensor data after Close. As
// with any memory-mapped loader, a file truncated by another process while
// mapped faults when the lost pages are read.
type File struct {
	Version   uint32
	Alignment int
	KV        []KeyValue
	Tensors   []TensorInfo

	kvIndex     map[string]int
	tensorIndex map[string]int
	parts       []*part
	closed      bool
}

// part is one file of a (possibly split) model.
type part struct {
	path    string // "" for OpenBytes
	data    []byte
	release func() error // unmaps; nil for memory we do not own
	hdr     *header
}

// ErrClosed is returned for tensor data asked of a closed File.
var ErrClosed = errors.New("gguf: file is closed")

// Open opens a GGUF file, mapping it read-only. If the file is one part of
// a split set (keys split.count, split.no; name NAME-0000k-of-0000N.gguf),
// every part is opened and the tensor directories are merged; the metadata
// is the first part's.
func Open(path string) (*File, error) {
	p, err := openPart(path)
	if err != nil {
		return nil, err
	}
	n, err := splitCount(p.hdr)
	if err != nil {
		p.close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if n > 1 {
		return openSplit(p, n)
	}
	return newFile([]*part{p})
}

// OpenBytes reads a GGUF file held in memory, such as an embedded model.
// The File refers to b without copying it: b must not change while the
// File is in use.
func OpenBytes(b []byte) (*File, error) {
	h, err := parseHeader(b)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	if n, err := splitCount(h); err != nil || n > 1 {
		if err == nil {
			err = fmt.Errorf("one part of a split set of %d files; open the files with Open", n)
		}
		return nil, fmt.Errorf("gguf: %w", err)
	}
	return newFile([]*part{{data: b, hdr: h}})
}

// openPart maps one file and parses its header.
func openPart(path string) (*part, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s: is a directory, not a GGUF file", path)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s: not a regular file", path)
	case st.Size() == 0:
		return nil, fmt.Errorf("%s: empty file, not a GGUF model", path)
	case st.Size() > math.MaxInt:
		return nil, fmt.Errorf("%s: %d bytes is too large for this platform", path, st.Size())
	}
	data, release, err := mapFile(fh, int(st.Size()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &part{path: path, data: data, release: release}
	if p.hdr, err = parseHeader(data); err != nil {
		p.close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func (p *part) close() error {
	if p.release == nil {
		return nil
	}
	err := p.release()
	p.release, p.data = nil, nil
	return err
}

// newFile builds the File of parts whose headers are checked; the
// metadata is that of the first part.
func newFile(parts []*part) (*File, error) {
	h := parts[0].hdr
	f := &File{
		Version:     h.version,
		Alignment:   h.alignment,
		KV:          h.kv,
		kvIndex:     h.kvIndex,
		Tensors:     h.tensors,
		tensorIndex: h.tensorIndex,
		parts:       parts,
	}
	if len(parts) == 1 {
		return f, nil
	}
	total := 0
	for _, p := range parts {
		total += len(p.hdr.tensors)
	}
	f.Tensors = make([]TensorInfo, 0, total)
	f.tensorIndex = make(map[string]int, total)
	for i, p := range parts {
		for _, t := range p.hdr.tensors {
			if _, dup := f.tensorIndex[t.Name]; dup {
				f.Close()
				return nil, fmt.Errorf("%s: tensor %s is also in an earlier part", p.path, quoted(t.Name))
			}
			t.part = i
			f.tensorIndex[t.Name] = len(f.Tensors)
			f.Tensors = append(f.Tensors, t)
		}
	}
	return f, nil
}

// Close releases the mappings. Tensor data obtained before must not be
// used afterwards.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	var first error
	for _, p := range f.parts {
		if err := p.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Paths lists the files opened, one per split part; nil for OpenBytes.
func (f *File) Paths() []string {
	var out []string
	for _, p := range f.parts {
		if p.path != "" {
			out = append(out, p.path)
		}
	}
	return out
}

// Size is the number of bytes of all parts together.
func (f *File) Size() int64 {
	var n int64
	for _, p := range f.parts {
		n += int64(len(p.data))
	}
	return n
}

// Tensor looks up a tensor by name.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.tensorIndex[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorData returns a tensor's bytes, without copying: a slice of the
// read-only mapping (writing to it faults). Tensors marked with Err (see
// TensorInfo) report that error.
func (f *File) TensorData(name string) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("tensor %s: not in the file", quoted(name))
	}
	if t.Err != nil {
		return nil, t.Err
	}
	return f.data(t)
}

// RawTensorData is TensorData without the row-layout check: it also gives
// the bytes of legacy flat-layout tensors (TensorInfo.Err set), for code
// that handles them as one run of blocks.
func (f *File) RawTensorData(name string) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("tensor %s: not in the file", quoted(name))
	}
	return f.data(t)
}

func (f *File) data(t *TensorInfo) ([]byte, error) {
	if f.closed {
		return nil, ErrClosed
	}
	b := f.parts[t.part].data
	end := t.fileOff + t.Size // inside b: checked at open
	return b[t.fileOff:end:end], nil
}
