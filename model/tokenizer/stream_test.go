package tokenizer

import (
	"bytes"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

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
				require.Equal(t, want, got, "%s/%s parse=%v", name, textName, parse)
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
