package gguf

import (
	"fmt"
	"regexp"
	"strconv"
)

// The keys llama.cpp's gguf-split writes into every part. split.no counts
// from 0; the file names count from 1.
const (
	KeySplitNo           = "split.no"
	KeySplitCount        = "split.count"
	KeySplitTensorsCount = "split.tensors.count"
)

// maxSplitParts is the most parts a set may have (split.count is a uint16).
const maxSplitParts = 1<<16 - 1

var splitName = regexp.MustCompile(`^(.*)-([0-9]+)-of-([0-9]+)\.gguf$`)

// SplitPath is the name of part no (from 0) of count: PREFIX-00001-of-00003.gguf.
func SplitPath(prefix string, no, count int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.gguf", prefix, no+1, count)
}

// splitCount is the number of parts a header says its set has (1 if it
// has no split keys).
func splitCount(h *header) (int, error) {
	i, ok := h.kvIndex[KeySplitCount]
	if !ok {
		return 1, nil
	}
	v := h.kv[i].Value
	n, ok := asUint(v)
	if !ok {
		return 0, mistyped(KeySplitCount, v, "non-negative integer")
	}
	if n > maxSplitParts {
		return 0, &KeyError{Key: KeySplitCount, Problem: fmt.Sprintf("is %d, more than %d parts", n, maxSplitParts)}
	}
	return max(int(n), 1), nil
}

// splitNo is a part's index within its set.
func splitNo(h *header) (int, error) {
	i, ok := h.kvIndex[KeySplitNo]
	if !ok {
		return 0, missing(KeySplitNo)
	}
	v := h.kv[i].Value
	n, ok := asUint(v)
	if !ok {
		return 0, mistyped(KeySplitNo, v, "non-negative integer")
	}
	if n >= maxSplitParts {
		return 0, &KeyError{Key: KeySplitNo, Problem: fmt.Sprintf("is %d, out of range", n)}
	}
	return int(n), nil
}

// openSplit opens the other parts of the set that first (already open)
// belongs to, and merges them into one File.
func openSplit(first *part, n int) (*File, error) {
	m := splitName.FindStringSubmatch(first.path)
	if m == nil {
		first.close()
		return nil, fmt.Errorf("%s: split.count is %d but the name is not PREFIX-%05d-of-%05d.gguf", first.path, n, 1, n)
	}
	prefix, width := m[1], len(m[2])
	k, err1 := strconv.Atoi(m[2])
	nn, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil || nn != n || k < 1 || k > n {
		first.close()
		return nil, fmt.Errorf("%s: the name says part %s of %s, the file says split.count %d", first.path, m[2], m[3], n)
	}
	parts := make([]*part, n)
	parts[k-1] = first
	fail := func(err error) (*File, error) {
		for _, p := range parts {
			if p != nil {
				p.close()
			}
		}
		return nil, err
	}
	for i := range parts {
		if parts[i] == nil {
			path := fmt.Sprintf("%s-%0*d-of-%s.gguf", prefix, width, i+1, m[3])
			p, err := openPart(path)
			if err != nil {
				return fail(fmt.Errorf("part %d of %d: %w", i+1, n, err))
			}
			parts[i] = p
		}
		p := parts[i]
		no, err := splitNo(p.hdr)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", p.path, err))
		}
		cnt, err := splitCount(p.hdr)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", p.path, err))
		}
		if no != i || cnt != n {
			return fail(fmt.Errorf("%s: says it is part %d of %d, its name says part %d of %d", p.path, no+1, cnt, i+1, n))
		}
	}
	f, err := newFile(parts)
	if err != nil {
		return nil, err
	}
	if i, ok := f.kvIndex[KeySplitTensorsCount]; ok {
		want, ok := asUint(f.KV[i].Value)
		if !ok || want != uint64(len(f.Tensors)) {
			f.Close()
			return nil, fmt.Errorf("%s: %s is %s but the %d parts hold %d tensors", parts[0].path, KeySplitTensorsCount, f.KV[i].Value, n, len(f.Tensors))
		}
	}
	return f, nil
}
