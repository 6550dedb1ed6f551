package tokenizer

import (
	"io"
	"strings"
	"testing"
)

// FuzzEncode: encoding never panics and yields ids inside the vocabulary;
// byte-level BPE and SentencePiece round-trip where they should (see
// roundTrips); Stream with tiny chunks equals Encode.
func FuzzEncode(f *testing.F) {
	for _, c := range strings.Split(readText(f, vocabPath("gpt-2")+".inp"), "\n__ggml_vocab_test__\n") {
		f.Add(c)
	}
	for _, s := range []string{
		"a\n\nb\n\n\nc", "x.\ny", "\xff\xfe\xf7\xbf\xbf\xbf\xed\xa0\x80\xc0\x80", "<s></s><|endoftext|>",
		"\u2581\u2581 \u2581x", "1234567 ١٢٣ ½", "\u3000\u00a0\u2028\u0085", "'S 'Re 'LL", "õ   \t\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, name := range vocabNames {
			tk := load(t, vocabPath(name))
			for _, parse := range []bool{false, true} {
				ids := tk.Encode(text, true, parse)
				for _, i := range ids {
					if i < 0 || int(i) >= tk.VocabSize() {
						t.Fatalf("%s: id %d out of range", name, i)
					}
				}
				got, err := streamAll(tk, text, 1+len(text)%7, parse)
				if err != nil {
					t.Fatal(err)
				}
				if !equalIDs(got, ids) {
					t.Fatalf("%s parse=%v: stream %v != whole %v", name, parse, got, ids)
				}
				_ = tk.Decode(ids)
			}
			if applies, ok, got := roundTrips(tk, text); applies && !ok {
				t.Fatalf("%s: %q came back as %q", name, text, got)
			}
		}
	})
}

// streamAll tokenises text through a Stream reading chunk bytes at a time.
func streamAll(tk *Tokenizer, text string, chunk int, parseSpecial bool) ([]int32, error) {
	s := tk.NewStream(strings.NewReader(text), true, parseSpecial)
	s.ChunkSize = chunk
	var out []int32
	for {
		ids, err := s.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ids...)
	}
}

func equalIDs(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
