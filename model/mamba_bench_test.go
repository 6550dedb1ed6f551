package model

import (
	"context"
	"testing"

	"github.com/lcrun/lcrun/model/synth"
	"github.com/stretchr/testify/require"
)

// openSynth opens a built-in synthetic model, writing it to the cache
// directory first if needed.
func openSynth(b *testing.B, name string) *Model {
	b.Helper()
	spec, err := synth.Lookup(name)
	require.NoError(b, err)
	dir, err := synth.DefaultDir()
	require.NoError(b, err)
	path, err := spec.Ensure(dir)
	require.NoError(b, err)
	m, err := Open(path)
	require.NoError(b, err)
	b.Cleanup(func() { m.Close() })
	return m
}

// synthTokens are n token ids spread over the vocabulary (the model's
// speed does not depend on which ids they are).
func synthTokens(n, vocab int) []int32 {
	t := make([]int32, n)
	for i := range t {
		t[i] = int32((i*7919 + 13) % vocab)
	}
	return t
}

// BenchmarkMamba130M measures prefill (micro-batches of 512, logits of the
// last token only) and decode (one token at a time, logits every step) of
// the Mamba-130M shape at 2 threads, in tokens/s.
func BenchmarkMamba130M(b *testing.B) {
	for _, name := range []string{"mamba-130m-f32", "mamba-130m-q8_0"} {
		b.Run(name, func(b *testing.B) {
			m := openSynth(b, name)
			s, err := m.NewSession(SessionOptions{Threads: benchThreads, Batch: 512})
			require.NoError(b, err)
			defer s.Close()
			b.Run("prefill", func(b *testing.B) {
				toks := synthTokens(512, m.VocabSize())
				b.ResetTimer()
				for range b.N {
					s.Reset()
					if err := s.Prefill(context.Background(), toks, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*len(toks))/b.Elapsed().Seconds(), "tok/s")
			})
			b.Run("decode", func(b *testing.B) {
				s.Reset()
				toks := synthTokens(b.N, m.VocabSize())
				b.ResetTimer()
				for _, t := range toks {
					if _, err := s.Decode(t); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tok/s")
			})
		})
	}
}

var benchThreads = 2
