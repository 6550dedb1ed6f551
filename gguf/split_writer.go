package gguf

import (
	"fmt"
	"io"
	"math"
	"os"
)

// SplitOptions bound the parts of a split set. Zero means no bound.
type SplitOptions struct {
	MaxTensors int   // most tensors in one part
	MaxBytes   int64 // most tensor data bytes in one part (a larger tensor gets a part of its own)
}

// WriteSplit writes the file as a split set PREFIX-00001-of-0000N.gguf ...
// the way llama.cpp's gguf-split does: tensors in order, a new part when a
// bound would be passed; all metadata in the first part; every part has
// split.no (from 0), split.count and split.tensors.count. It returns the
// paths written.
func (w *Writer) WriteSplit(prefix string, opt SplitOptions) ([]string, error) {
	if opt.MaxTensors < 0 || opt.MaxBytes < 0 {
		return nil, fmt.Errorf("gguf: negative split bound")
	}
	if len(w.tensors) > math.MaxInt32 {
		return nil, fmt.Errorf("gguf: %d tensors is more than split.tensors.count can say", len(w.tensors))
	}
	groups := w.splitGroups(opt)
	if len(groups) > maxSplitParts {
		return nil, fmt.Errorf("gguf: the bounds make %d parts, more than %d", len(groups), maxSplitParts)
	}
	var common []KeyValue
	for _, p := range w.kv {
		switch p.Key {
		case KeySplitNo, KeySplitCount, KeySplitTensorsCount:
		default:
			common = append(common, p)
		}
	}
	var paths []string
	for i, g := range groups {
		var kv []KeyValue
		if i == 0 {
			kv = append(kv, common...)
		}
		kv = append(kv,
			KeyValue{KeySplitNo, Value{typ: TypeUint16, x: uint16(i)}},
			KeyValue{KeySplitCount, Value{typ: TypeUint16, x: uint16(len(groups))}},
			KeyValue{KeySplitTensorsCount, Value{typ: TypeInt32, x: int32(len(w.tensors))}},
		)
		path := SplitPath(prefix, i, len(groups))
		err := writeAtomic(path, func(out io.Writer) error {
			// Each part has its own alignment key only if it carries the
			// metadata; the others use the default, as gguf-split's do.
			_, err := writeFile(out, w.version, kv, g, func() (int, error) {
				if i == 0 {
					return w.alignment()
				}
				return DefaultAlignment, nil
			})
			return err
		})
		if err != nil {
			for _, p := range paths {
				os.Remove(p)
			}
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// splitGroups cuts the tensor list into parts; there is always at least
// one part, possibly empty.
func (w *Writer) splitGroups(opt SplitOptions) [][]writerTensor {
	groups := [][]writerTensor{nil}
	var bytes int64
	for _, t := range w.tensors {
		cur := groups[len(groups)-1]
		full := opt.MaxTensors > 0 && len(cur) >= opt.MaxTensors ||
			opt.MaxBytes > 0 && len(cur) > 0 && bytes+int64(len(t.data)) > opt.MaxBytes
		if full {
			groups = append(groups, nil)
			bytes = 0
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], t)
		bytes += int64(len(t.data))
	}
	return groups
}
