package gguf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openStories(t *testing.T) *File {
	f, err := Open(filepath.Join(testdata, "stories260K.gguf"))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// TestSplitRoundTrip writes stories260K as split sets and opens them from
// every part: one model with the original metadata and tensor bytes.
func TestSplitRoundTrip(t *testing.T) {
	orig := openStories(t)
	cases := []struct {
		name  string
		opt   SplitOptions
		parts int
	}{
		{"20 tensors", SplitOptions{MaxTensors: 20}, 3},
		{"400KB", SplitOptions{MaxBytes: 400_000}, 4},
		{"both", SplitOptions{MaxTensors: 10, MaxBytes: 200_000}, 7},
		{"one part", SplitOptions{}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "stories")
			paths, err := copyToWriter(t, orig).WriteSplit(prefix, c.opt)
			require.NoError(t, err)
			require.Len(t, paths, c.parts)
			assert.Equal(t, SplitPath(prefix, 0, c.parts), paths[0])
			assert.Regexp(t, `-00001-of-0000[0-9]\.gguf$`, paths[0])
			for _, open := range paths {
				f, err := Open(open)
				require.NoError(t, err, open)
				assert.Equal(t, paths, f.Paths())
				for _, kv := range orig.KV {
					v, ok := f.Get(kv.Key)
					require.True(t, ok, kv.Key)
					assert.Equal(t, kv.Value, v)
				}
				n, err := f.Count(KeySplitCount)
				require.NoError(t, err)
				assert.Equal(t, c.parts, n)
				require.Len(t, f.Tensors, len(orig.Tensors))
				parts := map[int]bool{}
				for i, ti := range orig.Tensors {
					assert.Equal(t, ti.Name, f.Tensors[i].Name)
					parts[f.Tensors[i].Part()] = true
					want, _ := orig.TensorData(ti.Name)
					got, err := f.TensorData(ti.Name)
					require.NoError(t, err)
					assert.True(t, bytes.Equal(want, got), ti.Name)
				}
				assert.Len(t, parts, c.parts)
				checkSplitBounds(t, f, c.opt)
				var size int64
				for _, p := range paths {
					st, err := os.Stat(p)
					require.NoError(t, err)
					size += st.Size()
				}
				assert.Equal(t, size, f.Size())
				require.NoError(t, f.Close())
			}
			if c.parts > 1 {
				b := readFile(t, paths[1])
				_, err := OpenBytes(b)
				assert.ErrorContains(t, err, "split set")
				// The other parts carry only the split keys.
				p, err := parseHeader(b)
				require.NoError(t, err)
				assert.Len(t, p.kv, 3)
			}
		})
	}
}

func TestSplitBroken(t *testing.T) {
	orig := openStories(t)
	write := func(t *testing.T) []string {
		paths, err := copyToWriter(t, orig).WriteSplit(filepath.Join(t.TempDir(), "m"), SplitOptions{MaxTensors: 20})
		require.NoError(t, err)
		return paths
	}
	t.Run("missing part", func(t *testing.T) {
		paths := write(t)
		require.NoError(t, os.Remove(paths[2]))
		_, err := Open(paths[0])
		assert.ErrorContains(t, err, "part 3 of 3")
	})
	t.Run("renamed part", func(t *testing.T) {
		paths := write(t)
		other := filepath.Join(filepath.Dir(paths[0]), "other.gguf")
		require.NoError(t, os.Rename(paths[0], other))
		_, err := Open(other)
		assert.ErrorContains(t, err, "is not PREFIX-00001-of-00003.gguf")
	})
	t.Run("parts swapped", func(t *testing.T) {
		paths := write(t)
		tmp := paths[0] + ".x"
		require.NoError(t, os.Rename(paths[1], tmp))
		require.NoError(t, os.Rename(paths[2], paths[1]))
		require.NoError(t, os.Rename(tmp, paths[2]))
		_, err := Open(paths[0])
		assert.ErrorContains(t, err, "says it is part 3 of 3, its name says part 2 of 3")
	})
	t.Run("part of another set", func(t *testing.T) {
		paths := write(t)
		// A part 2 written for a set of 2 parts.
		w := NewWriter()
		w.put(KeySplitNo, mustValue(uint16(1)))
		w.put(KeySplitCount, mustValue(uint16(2)))
		require.NoError(t, w.WriteFile(paths[1]))
		_, err := Open(paths[0])
		assert.ErrorContains(t, err, "part 2 of 2")
	})
	t.Run("tensor count", func(t *testing.T) {
		paths := write(t)
		w := partWriter(t, paths[0])
		w.put(KeySplitTensorsCount, mustValue(int32(47)))
		require.NoError(t, w.WriteFile(paths[0]))
		_, err := Open(paths[0])
		assert.ErrorContains(t, err, "split.tensors.count is 47 but the 3 parts hold 48 tensors")
	})
	t.Run("duplicate tensor", func(t *testing.T) {
		paths := write(t)
		// Part 2 again, under part 3's name and number.
		w := partWriter(t, paths[1])
		w.put(KeySplitNo, mustValue(uint16(2)))
		require.NoError(t, w.WriteFile(paths[2]))
		_, err := Open(paths[0])
		assert.ErrorContains(t, err, "is also in an earlier part")
	})
}

// partWriter loads one part of a split set into a Writer, to be changed
// and written back.
func partWriter(t *testing.T, path string) *Writer {
	b := readFile(t, path)
	h, err := parseHeader(b)
	require.NoError(t, err)
	w := NewWriter()
	for _, kv := range h.kv {
		w.put(kv.Key, kv.Value)
	}
	for _, ti := range h.tensors {
		require.NoError(t, w.AddTensor(ti.Name, ti.Type, ti.Dims, b[ti.fileOff:ti.fileOff+ti.Size]))
	}
	return w
}

// TestSplitPartsCarryAlignment: a set written with a non-default alignment
// reads back with each part laid out by its own alignment.
func TestSplitPartsCarryAlignment(t *testing.T) {
	w := copyToWriter(t, openStories(t))
	w.SetUint32(KeyAlignment, 256)
	paths, err := w.WriteSplit(filepath.Join(t.TempDir(), "a"), SplitOptions{MaxTensors: 30})
	require.NoError(t, err)
	f, err := Open(paths[1])
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, 256, f.Alignment)
	for _, ti := range f.Tensors {
		align := int64(256)
		if ti.Part() > 0 {
			align = DefaultAlignment
		}
		assert.Zero(t, ti.FileOffset()%align, ti.Name)
	}
}

// checkSplitBounds: every part keeps the bounds (a part of one tensor may
// exceed MaxBytes), and every part but the last is full: its successor's
// first tensor would not have fitted.
func checkSplitBounds(t *testing.T, f *File, opt SplitOptions) {
	type load struct {
		tensors int
		bytes   int64
	}
	var parts []load
	var first []int64 // size of each part's first tensor
	for _, ti := range f.Tensors {
		if ti.Part() == len(parts) {
			parts = append(parts, load{})
			first = append(first, ti.Size)
		}
		parts[ti.Part()].tensors++
		parts[ti.Part()].bytes += ti.Size
	}
	for i, p := range parts {
		if opt.MaxTensors > 0 {
			assert.LessOrEqual(t, p.tensors, opt.MaxTensors)
		}
		if opt.MaxBytes > 0 && p.tensors > 1 {
			assert.LessOrEqual(t, p.bytes, opt.MaxBytes)
		}
		if i+1 < len(parts) {
			full := opt.MaxTensors > 0 && p.tensors == opt.MaxTensors ||
				opt.MaxBytes > 0 && p.bytes+first[i+1] > opt.MaxBytes
			assert.True(t, full, "part %d could have taken another tensor", i)
		}
	}
}
