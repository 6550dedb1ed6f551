package tokenizer

import (
	"errors"
	"fmt"
	"math"

	"github.com/lcrun/lcrun/gguf"
)

// FromGGUF builds the tokenizer a GGUF file describes.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	v, err := VocabFromGGUF(f)
	if err != nil {
		return nil, err
	}
	return New(v)
}

// VocabFromGGUF reads the tokenizer.ggml.* metadata into a Vocab.
func VocabFromGGUF(f *gguf.File) (Vocab, error) {
	var v Vocab
	var err error
	if v.Model, err = f.String("tokenizer.ggml.model"); err != nil {
		return v, fmt.Errorf("tokenizer: %w", err)
	}
	if v.Pre, err = f.StringOr("tokenizer.ggml.pre", ""); err != nil {
		return v, fmt.Errorf("tokenizer: %w", err)
	}
	v.Name, _ = f.StringOr("general.name", "")
	if v.Tokens, err = f.Strings("tokenizer.ggml.tokens"); err != nil {
		return v, fmt.Errorf("tokenizer: %w", err)
	}
	if f.Has("tokenizer.ggml.scores") {
		if v.Scores, err = scores(f); err != nil {
			return v, fmt.Errorf("tokenizer: %w", err)
		}
	}
	if f.Has("tokenizer.ggml.token_type") {
		types, err := f.Int32s("tokenizer.ggml.token_type")
		if err != nil {
			return v, fmt.Errorf("tokenizer: %w", err)
		}
		v.Types = make([]TokenType, len(types))
		for i, t := range types {
			v.Types[i] = TokenType(t)
		}
	}
	if v.Model == "gpt2" {
		if v.Merges, err = f.Strings("tokenizer.ggml.merges"); err != nil {
			return v, fmt.Errorf("tokenizer: %w", err)
		}
	}
	v.SpecialIDs = map[string]uint32{}
	for _, key := range specialKeys {
		full := "tokenizer.ggml." + key
		if !f.Has(full) {
			continue
		}
		id, err := f.Int(full)
		if err != nil {
			return v, fmt.Errorf("tokenizer: %w", err)
		}
		if id >= 0 && id < math.MaxUint32 { // -1, also stored as uint32, is a common "none"
			v.SpecialIDs[key] = uint32(id)
		}
	}
	for _, b := range []struct {
		key string
		dst **bool
	}{
		{"tokenizer.ggml.add_bos_token", &v.AddBOS},
		{"tokenizer.ggml.add_eos_token", &v.AddEOS},
		{"tokenizer.ggml.add_space_prefix", &v.AddSpacePrefix},
	} {
		if !f.Has(b.key) {
			continue
		}
		x, err := f.Bool(b.key)
		if err != nil {
			return v, fmt.Errorf("tokenizer: %w", err)
		}
		*b.dst = &x
	}
	return v, nil
}

// scores reads tokenizer.ggml.scores, which llama.cpp accepts as float32 or
// int32.
func scores(f *gguf.File) ([]float32, error) {
	s, err := f.Float32s("tokenizer.ggml.scores")
	if err == nil {
		return s, nil
	}
	ints, err2 := f.Int32s("tokenizer.ggml.scores")
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	s = make([]float32, len(ints))
	for i, x := range ints {
		s[i] = float32(x)
	}
	return s, nil
}
