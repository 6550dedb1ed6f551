package tokenizer

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/require"
)

// streamTexts are inputs for the chunked-equals-whole check: prose, code
// with indentation, special-token text near line starts, invalid UTF-8.
func streamTexts(t *testing.T) map[string]string {
	story := readText(t, filepath.Join(testdata, "golden", "text", "story-a.txt"))
	var code strings.Builder
	for i := range 300 {
		code.WriteString("func f(x int) int {\n\tif x > 0 {\n\t\treturn x*2 // 'quoted' \"x\"\n\t}\n    return -x\n}\n")
		if i%7 == 0 {
			code.WriteString("</s>\n<s>\n<|endoftext|>\nõ\n<｜fim▁hole｜>\n")
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 40000)
	for i := range noise {
		const alphabet = "ab \n\t.\xe2\x96\x81\xc3\xa9\xff1"
		noise[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return map[string]string{"story": story, "code": code.String(), "noise": string(noise)}
}

// TestStreamEqualsWhole: tokenising through Stream with small chunks gives
// exactly Encode's ids, for every vocabulary and both special modes.
func TestStreamEqualsWhole(t *testing.T) {
	texts := streamTexts(t)
	chunk := 997
	if testing.Short() {
		chunk = 4093
	}
	for _, name := range vocabNames {
		tk := load(t, vocabPath(name))
		for textName, text := range texts {
			for _, parse := range []bool{false, true} {
				want := tk.Encode(text, true, parse)
				s := tk.NewStream(iotest.HalfReader(strings.NewReader(text)), true, parse)
				s.ChunkSize = chunk
				var got []int32
				parts := 0
				for {
					ids, err := s.Next()
					if err == io.EOF {
						break
					}
					require.NoError(t, err)
					got = append(got, ids...)
					parts++
				}
				requireSameIDs(t, want, got, "%s/%s parse=%v", name, textName, parse)
				if textName != "noise" {
					require.Greater(t, parts, 2, "%s/%s: the stream should have cut somewhere", name, textName)
				}
			}
		}
	}
}

func TestEncodeReaderError(t *testing.T) {
	tk := load(t, vocabPath("gpt-2"))
	_, err := tk.EncodeReader(iotest.ErrReader(io.ErrClosedPipe), false, false)
	require.ErrorIs(t, err, io.ErrClosedPipe)
	ids, err := tk.EncodeReader(bytes.NewReader(nil), false, false)
	require.NoError(t, err)
	require.Empty(t, ids)
}

// TestStreamSpecialAcrossNewline: a user-defined token containing a newline
// must keep the stream from cutting inside it.
func TestStreamSpecialAcrossNewline(t *testing.T) {
	for _, name := range []string{"gpt-2", "llama-spm"} {
		f, err := gguf.Open(vocabPath(name))
		require.NoError(t, err)
		v, err := VocabFromGGUF(f)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		v.Tokens = append(slices.Clip(v.Tokens), "x\ny")
		v.Types = append(slices.Clip(v.Types), TypeUserDefined)
		if v.Scores != nil {
			v.Scores = append(slices.Clip(v.Scores), 0)
		}
		tk, err := New(v)
		require.NoError(t, err)
		special := int32(len(v.Tokens) - 1)
		text := strings.Repeat("ab.\nax\nyz\n", 400)
		want := tk.Encode(text, true, false)
		require.Contains(t, want, special)
		got, err := streamAll(tk, text, 64, false)
		require.NoError(t, err)
		requireSameIDs(t, want, got, "%s", name)
	}
}

// requireSameIDs compares id lists, reporting the first difference only.
func requireSameIDs(t *testing.T, want, got []int32, msg string, args ...any) {
	t.Helper()
	n := min(len(want), len(got))
	for i := range n {
		if want[i] != got[i] {
			require.Failf(t, "ids differ", "at %d: want %v, got %v; %s", i, want[i:min(i+8, len(want))], got[i:min(i+8, len(got))], fmt.Sprintf(msg, args...))
		}
	}
	require.Equal(t, len(want), len(got), fmt.Sprintf(msg, args...))
}

// TestEncodeChunkedEqualsWhole: Encode works through a text in pieces cut
// where Stream cuts; with a small piece size the ids stay the same.
func TestEncodeChunkedEqualsWhole(t *testing.T) {
	texts := streamTexts(t)
	for _, name := range vocabNames {
		tk := load(t, vocabPath(name))
		for textName, text := range texts {
			for _, parse := range []bool{false, true} {
				want, _ := tk.newEncoder().encode(text, parse, true, nil)
				got := tk.newEncoder().encodeChunked(text, parse, 1000, nil)
				requireSameIDs(t, want, got, "%s/%s parse=%v", name, textName, parse)
			}
		}
	}
}
