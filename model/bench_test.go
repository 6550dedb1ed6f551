package model

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/require"
)

// End-to-end speed as llama-bench measures it (shared/PERF.md): pp = a
// prompt of 512 tokens evaluated from an empty cache in micro-batches,
// tg = 64 or 128 tokens decoded one at a time from an empty cache (no
// sampling), f16 KV cache (llama.cpp's default), 2 threads. Models:
// stories260K (real) and the llama-110m shapes of internal/synth, generated
// once into synth's cache directory.
//
//	go test ./model -run '^$' -bench 'Prefill|Decode' -benchtime 3x
var benchModels = []string{"stories260K", "llama-110m-f32", "llama-110m-f16", "llama-110m-q8_0", "llama-110m-q4_0"}

func openBenchModel(b *testing.B, name string) *Model {
	b.Helper()
	if name != "stories260K" {
		return openSynth(b, name)
	}
	return openTest(b, storiesPath)
}

func BenchmarkPrefill(b *testing.B) {
	for _, name := range benchModels {
		b.Run(fmt.Sprintf("%s/pp512/t=2", name), func(b *testing.B) {
			m := openBenchModel(b, name)
			s, err := m.NewSession(SessionOptions{Ctx: 512, Threads: 2, KV: lc.F16})
			require.NoError(b, err)
			defer s.Close()
			tokens := synthTokens(512, m.VocabSize())
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				s.Reset()
				if err := s.Prefill(ctx, tokens, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(tokens)*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, name := range benchModels {
		for _, n := range []int{64, 128} {
			b.Run(fmt.Sprintf("%s/tg%d/t=2", name, n), func(b *testing.B) {
				m := openBenchModel(b, name)
				s, err := m.NewSession(SessionOptions{Ctx: n, Threads: 2, KV: lc.F16})
				require.NoError(b, err)
				defer s.Close()
				tokens := synthTokens(n, m.VocabSize())
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					s.Reset()
					for _, t := range tokens {
						if _, err := s.Decode(t); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
			})
		}
	}
}

// BenchmarkDepth is llama-bench's -d (n_depth): depth tokens are already in
// the cache (f16 KV, prefilled once and restored from a saved state before
// every timed run), then pp512 or tg64 is timed from there. Attention over
// a filled cache is what it adds to BenchmarkPrefill/BenchmarkDecode.
//
//	go test ./model -run '^$' -bench Depth -benchtime 1x
func BenchmarkDepth(b *testing.B) {
	for _, name := range []string{"llama-110m-q8_0", "llama-110m-q4_0"} {
		for _, depth := range []int{0, 512, 4096} {
			for _, phase := range []struct {
				name   string
				tokens int
				decode bool
			}{{"pp512", 512, false}, {"tg64", 64, true}} {
				b.Run(fmt.Sprintf("%s/d=%d/%s/t=2", name, depth, phase.name), func(b *testing.B) {
					m := openBenchModel(b, name)
					s, err := m.NewSession(SessionOptions{Ctx: depth + phase.tokens, Threads: 2, KV: lc.F16})
					require.NoError(b, err)
					defer s.Close()
					all := synthTokens(depth+phase.tokens, m.VocabSize())
					ctx := context.Background()
					require.NoError(b, s.Prefill(ctx, all[:depth], nil))
					var saved bytes.Buffer
					require.NoError(b, s.Save(&saved))
					timed := all[depth:]
					b.ResetTimer()
					for range b.N {
						b.StopTimer()
						require.NoError(b, s.Restore(bytes.NewReader(saved.Bytes())))
						b.StartTimer()
						if !phase.decode {
							require.NoError(b, s.Prefill(ctx, timed, nil))
							continue
						}
						for _, t := range timed {
							if _, err := s.Decode(t); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.ReportMetric(float64(len(timed)*b.N)/b.Elapsed().Seconds(), "tokens/s")
				})
			}
		}
	}
}
