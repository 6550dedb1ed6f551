package tokenizer

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withMaxStretch sets maxStretch for one test.
func withMaxStretch(t *testing.T, n int) {
	old := maxStretch
	maxStretch = n
	t.Cleanup(func() { maxStretch = old })
}

// TestForcedCut: where a stretch with no Stream cut point is cut.
func TestForcedCut(t *testing.T) {
	withMaxStretch(t, 16)
	tk := load(t, vocabPath("gpt-2"))
	tests := []struct {
		name, text string
		want       int
	}{
		{"one endless word: at maxStretch", strings.Repeat("a", 40), 16},
		{"before the last word in the last quarter", "aaaaaaaaaaaaa bbbbbbbbbbbb", 13},
		{"before a run of spaces, not inside it", "aaaaaaaaaaaa  dddddddddd", 12},
		{"a space too early is ignored", "aa bbbbbbbbbbbbbbbbbbbbbb", 16},
		{"never inside a character", strings.Repeat("é", 20), 16},
		{"back to the character start", "a" + strings.Repeat("é", 20), 15},
		{"never inside a special token", strings.Repeat("a", 13) + "<|endoftext|>aaaa", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end, forced, ok, _ := nextSegment(tk, tt.text, true, true, 0)
			require.True(t, ok)
			require.True(t, forced)
			assert.Equal(t, tt.want, end)
		})
	}
}

// TestStreamEqualsWholeForced: with a small maxStretch every text is cut by
// the forced rule many times, and Stream must still equal Encode.
func TestStreamEqualsWholeForced(t *testing.T) {
	withMaxStretch(t, 300)
	texts := streamTexts(t)
	texts["line"] = strings.Repeat("xé,y ", 2000)
	texts["crlf"] = strings.Repeat("int a = 1;\r\n\treturn a;\r\n", 300)
	for _, name := range vocabNames {
		tk := load(t, vocabPath(name))
		for textName, text := range texts {
			for _, parse := range []bool{false, true} {
				want := tk.Encode(text, true, parse)
				for _, chunk := range []int{97, 4093} {
					got, err := streamAll(tk, text, chunk, parse)
					require.NoError(t, err)
					requireSameIDs(t, want, got, "%s/%s parse=%v chunk=%d", name, textName, parse, chunk)
				}
			}
		}
	}
}

// TestStreamLongLineBounded: a line with no cut point must not make the
// stream buffer grow with it (it used to hold the whole line), and each
// part handed out stays about maxStretch long.
func TestStreamLongLineBounded(t *testing.T) {
	withMaxStretch(t, 64<<10)
	size := 4 << 20
	if testing.Short() {
		size = 1 << 20
	}
	const chunk = 16 << 10
	line := strings.Repeat("a", size) + "\n"
	for _, name := range []string{"gpt-2", "llama-spm"} {
		tk := load(t, vocabPath(name))
		s := tk.NewStream(strings.NewReader(line), false, false)
		s.ChunkSize = chunk
		parts, n := 0, 0
		for {
			ids, err := s.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			n += len(ids)
			parts++
			require.LessOrEqual(t, cap(s.buf), 2*(maxStretch+2*chunk), "%s: the buffer grows with the line", name)
		}
		require.Greater(t, parts, size/maxStretch-1, name)
		require.Equal(t, len(tk.Encode(line, false, false)), n, name)
	}
}
