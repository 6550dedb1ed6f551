package gguf

import (
	"bytes"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/lcrun/lcrun/dtype"
)

// fuzzSeeds are small GGUF files: written by our Writer (every metadata
// type in v1, v2 and v3; a tensor of every type; the legacy Q8_0 shape
// spliced in), and the real models shrunk (see shrunk). The fuzzer's cost
// per execution grows with the input: the real headers (up to 1 MB, a
// 32000-token vocabulary) held it near one execution a second.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, version := range []uint32{1, 2, 3} {
		w := NewWriter()
		w.version = version
		for _, kv := range allMetadata() {
			if err := w.Set(kv.key, kv.x); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.AddTensor("x", dtype.F16, []uint64{3, 2}, make([]byte, 12)); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	w := NewWriter()
	w.SetUint32(KeyAlignment, 64)
	for _, typ := range allTypes() {
		size, _, _ := tensorSize(typ, []uint64{uint64(typ.BlockSize())})
		if err := w.AddTensor(typ.String(), typ, []uint64{uint64(typ.BlockSize())}, make([]byte, size)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, buf.Bytes())
	seeds = append(seeds, newRaw(2, 1, 0).tensor("ffn_down", dtype.Q8_0, 0, 48, 2).data(102))
	for _, name := range []string{"stories260K.gguf", "tinyllamas-stories-260k-f32.gguf", "tinyllamas-stories-260k-q8_0.gguf"} {
		seeds = append(seeds, shrunk(t, readFile(t, filepath.Join(testdata, name))))
	}
	return seeds
}

// FuzzOpenBytes: no input makes the reader panic, read out of bounds or
// allocate more than allocBound; every file it accepts hands out tensor
// data inside the input, answers every accessor, and writes back to a
// file that reads the same.
func FuzzOpenBytes(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		file, err := OpenBytes(b)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > allocBound(len(b)) {
			t.Fatalf("Open of %d bytes allocated %d", len(b), alloc)
		}
		if err != nil {
			if bytes.ContainsRune([]byte(err.Error()), '\n') {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		exercise(t, file, b)
	})
}

// exercise uses everything an accepted file offers.
func exercise(t *testing.T, f *File, b []byte) {
	for _, kv := range f.KV {
		_ = kv.Value.String()
		_, _ = f.String(kv.Key)
		_, _ = f.Uint(kv.Key)
		_, _ = f.Int(kv.Key)
		_, _ = f.Count(kv.Key)
		_, _ = f.Float(kv.Key)
		_, _ = f.Bool(kv.Key)
		_, _ = f.Strings(kv.Key)
		_, _ = f.Float32s(kv.Key)
		_, _ = f.Int32s(kv.Key)
		_, _ = f.Uints(kv.Key)
		_, _ = f.ArrayLen(kv.Key)
	}
	w := NewWriter()
	for _, kv := range f.KV {
		if err := w.Set(kv.Key, kv.Value); err != nil {
			t.Fatalf("%s: %v", kv.Key, err)
		}
	}
	rewritable := true
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		raw, err := f.RawTensorData(ti.Name)
		if err != nil || int64(len(raw)) != ti.Size {
			t.Fatalf("%s: %d bytes, err %v", ti.Name, len(raw), err)
		}
		if ti.Size > 0 && &raw[0] != &b[ti.FileOffset()] {
			t.Fatalf("%s: data is not the input's bytes", ti.Name)
		}
		if _, err := f.TensorData(ti.Name); (err == nil) != (ti.Err == nil) {
			t.Fatalf("%s: TensorData error %v, TensorInfo.Err %v", ti.Name, err, ti.Err)
		}
		if w.AddTensor(ti.Name, ti.Type, ti.Dims, raw) != nil {
			rewritable = false // legacy layout or a name llama.cpp would refuse
		}
	}
	if !rewritable {
		return
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	g, err := OpenBytes(buf.Bytes())
	if err != nil {
		t.Fatalf("rewritten file does not open: %v", err)
	}
	if len(g.KV) != len(f.KV) || len(g.Tensors) != len(f.Tensors) {
		t.Fatalf("rewrite has %d keys, %d tensors; want %d, %d", len(g.KV), len(g.Tensors), len(f.KV), len(f.Tensors))
	}
	for i := range f.KV {
		if g.KV[i].Key != f.KV[i].Key || bitsOf(g.KV[i].Value) != bitsOf(f.KV[i].Value) {
			t.Fatalf("key %d: %q = %s, want %q = %s", i, g.KV[i].Key, g.KV[i].Value, f.KV[i].Key, f.KV[i].Value)
		}
	}
	for i := range f.Tensors {
		x, _ := f.TensorData(f.Tensors[i].Name)
		y, _ := g.TensorData(f.Tensors[i].Name)
		if !bytes.Equal(x, y) {
			t.Fatalf("tensor %q differs after rewrite", f.Tensors[i].Name)
		}
	}
}

// shrunk rewrites a real model small: every key in its order and type,
// arrays cut to their first few elements, every tensor with its name and
// type but one block of data.
func shrunk(t testing.TB, b []byte) []byte {
	f, err := OpenBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter()
	for _, kv := range f.KV {
		x := any(kv.Value)
		if kv.Value.Type() == TypeArray && kv.Value.Len() > 4 {
			x = reflect.ValueOf(kv.Value.Any()).Slice(0, 4).Interface()
		}
		if err := w.Set(kv.Key, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, ti := range f.Tensors {
		dims := []uint64{uint64(ti.Type.BlockSize())}
		size, _, err := tensorSize(ti.Type, dims)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddTensor(ti.Name, ti.Type, dims, make([]byte, size)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
