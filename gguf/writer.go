package gguf

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lcrun/lcrun/dtype"
)

// MaxNameLen is the longest tensor name llama.cpp accepts (ggml's
// GGML_MAX_NAME, 64, less the terminating NUL).
const MaxNameLen = 63

// Writer builds a GGUF v3 file: metadata and tensors are written in the
// order they were added, and each tensor's data is padded with zeros to the
// alignment (general.alignment if set, else 32), as ggml's own writer does,
// so llama.cpp loads the result.
type Writer struct {
	kv          []KeyValue
	kvIndex     map[string]int
	tensors     []writerTensor
	tensorIndex map[string]int
	version     uint32 // 3; tests write v1 and v2 files through it too
}

type writerTensor struct {
	info TensorInfo
	data []byte
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer {
	return &Writer{kvIndex: map[string]int{}, tensorIndex: map[string]int{}, version: 3}
}

// NewWriterFrom starts a Writer with every key and tensor of f, in f's
// order, to change and write again (a rewrite of a ggml-written file gives
// the same bytes). The tensor data stays f's: keep f open until written.
func NewWriterFrom(f *File) (*Writer, error) {
	w := NewWriter()
	for _, kv := range f.KV {
		w.put(kv.Key, kv.Value)
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		data, err := f.TensorData(t.Name)
		if err != nil {
			return nil, err
		}
		if err := w.AddTensor(t.Name, t.Type, t.Dims, data); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Set sets key to a value of any type ValueOf accepts. Setting a key again
// replaces its value and keeps its place. (A bad general.alignment is
// reported by WriteTo.)
func (w *Writer) Set(key string, x any) error {
	v, err := ValueOf(x)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	w.put(key, v)
	return nil
}

func (w *Writer) put(key string, v Value) {
	if i, ok := w.kvIndex[key]; ok {
		w.kv[i].Value = v
		return
	}
	w.kvIndex[key] = len(w.kv)
	w.kv = append(w.kv, KeyValue{Key: key, Value: v})
}

// SetUint8 and the other typed setters set one key to one value of that
// GGUF type.
func (w *Writer) SetUint8(key string, v uint8)     { w.put(key, Value{typ: TypeUint8, x: v}) }
func (w *Writer) SetInt8(key string, v int8)       { w.put(key, Value{typ: TypeInt8, x: v}) }
func (w *Writer) SetUint16(key string, v uint16)   { w.put(key, Value{typ: TypeUint16, x: v}) }
func (w *Writer) SetInt16(key string, v int16)     { w.put(key, Value{typ: TypeInt16, x: v}) }
func (w *Writer) SetUint32(key string, v uint32)   { w.put(key, Value{typ: TypeUint32, x: v}) }
func (w *Writer) SetInt32(key string, v int32)     { w.put(key, Value{typ: TypeInt32, x: v}) }
func (w *Writer) SetFloat32(key string, v float32) { w.put(key, Value{typ: TypeFloat32, x: v}) }
func (w *Writer) SetUint64(key string, v uint64)   { w.put(key, Value{typ: TypeUint64, x: v}) }
func (w *Writer) SetInt64(key string, v int64)     { w.put(key, Value{typ: TypeInt64, x: v}) }
func (w *Writer) SetFloat64(key string, v float64) { w.put(key, Value{typ: TypeFloat64, x: v}) }
func (w *Writer) SetBool(key string, v bool)       { w.put(key, Value{typ: TypeBool, x: v}) }
func (w *Writer) SetString(key string, v string)   { w.put(key, Value{typ: TypeString, x: v}) }

// Delete removes a key.
func (w *Writer) Delete(key string) {
	i, ok := w.kvIndex[key]
	if !ok {
		return
	}
	w.kv = append(w.kv[:i], w.kv[i+1:]...)
	delete(w.kvIndex, key)
	for j := i; j < len(w.kv); j++ {
		w.kvIndex[w.kv[j].Key] = j
	}
}

// AddTensor adds a tensor: dims fastest-varying first (ggml's ne), data
// exactly the size type and dims imply. The Writer keeps data without
// copying it until the file is written.
func (w *Writer) AddTensor(name string, typ dtype.Type, dims []uint64, data []byte) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("gguf: tensor name %s: want 1 to %d bytes", quoted(name), MaxNameLen)
	}
	if _, dup := w.tensorIndex[name]; dup {
		return fmt.Errorf("gguf: tensor %q added twice", name)
	}
	if len(dims) > MaxDims {
		return fmt.Errorf("gguf: tensor %q: %d dimensions, at most %d", name, len(dims), MaxDims)
	}
	size, flat, err := tensorSize(typ, dims)
	if err == nil {
		err = flat
	}
	if err != nil {
		return fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	if uint64(len(data)) != size {
		return fmt.Errorf("gguf: tensor %q: %s %v needs %d bytes, got %d", name, typ, dims, size, len(data))
	}
	w.tensorIndex[name] = len(w.tensors)
	w.tensors = append(w.tensors, writerTensor{
		info: TensorInfo{Name: name, Type: typ, Dims: append([]uint64(nil), dims...), Size: int64(size)},
		data: data,
	})
	return nil
}

// alignment is general.alignment, checked, or the default.
func (w *Writer) alignment() (int, error) {
	if i, ok := w.kvIndex[KeyAlignment]; ok {
		return alignmentOf(w.kv[i].Value)
	}
	return DefaultAlignment, nil
}

// WriteTo writes the file.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	return writeFile(out, w.version, w.kv, w.tensors, w.alignment)
}

// WriteFile writes the file atomically: to a temporary file in the same
// directory, synced, then renamed over path.
func (w *Writer) WriteFile(path string) error {
	return writeAtomic(path, func(out io.Writer) error {
		_, err := w.WriteTo(out)
		return err
	})
}

// writeFile lays out one GGUF file: header, metadata, tensor infos, padding
// to the alignment, then every tensor's data padded to the alignment.
func writeFile(out io.Writer, version uint32, kv []KeyValue, tensors []writerTensor, alignment func() (int, error)) (int64, error) {
	align, err := alignment()
	if err != nil {
		return 0, fmt.Errorf("gguf: %w", err)
	}
	e := &encoder{wide: version >= 2}
	e.b = append(e.b, Magic...)
	e.u32(version)
	if err := e.count(uint64(len(tensors))); err != nil {
		return 0, err
	}
	if err := e.count(uint64(len(kv))); err != nil {
		return 0, err
	}
	for _, p := range kv {
		if err := e.str(p.Key); err != nil {
			return 0, fmt.Errorf("gguf: %s: %w", p.Key, err)
		}
		e.u32(uint32(p.Value.typ))
		if err := e.value(p.Value); err != nil {
			return 0, fmt.Errorf("gguf: %s: %w", p.Key, err)
		}
	}
	var offset uint64
	for _, t := range tensors {
		if err := e.str(t.info.Name); err != nil {
			return 0, err
		}
		e.u32(uint32(len(t.info.Dims)))
		for _, d := range t.info.Dims {
			if err := e.count(d); err != nil {
				return 0, fmt.Errorf("gguf: tensor %q: %w", t.info.Name, err)
			}
		}
		e.u32(uint32(t.info.Type))
		e.u64(offset)
		offset += uint64(padded(len(t.data), align))
	}
	e.b = append(e.b, make([]byte, padded(len(e.b), align)-len(e.b))...)

	bw := bufio.NewWriterSize(out, 1<<20)
	n, err := bw.Write(e.b)
	total := int64(n)
	zeros := make([]byte, align)
	for _, t := range tensors {
		if err != nil {
			break
		}
		n, err = bw.Write(t.data)
		total += int64(n)
		if err == nil {
			n, err = bw.Write(zeros[:padded(len(t.data), align)-len(t.data)])
			total += int64(n)
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	return total, err
}

// padded rounds n up to a multiple of align (a power of two).
func padded(n, align int) int { return (n + align - 1) &^ (align - 1) }

// writeAtomic writes path through a temporary file and a rename, so that a
// reader never sees half a file and a failed write leaves no debris.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
