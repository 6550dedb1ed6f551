package tokenizer

import (
	"io"
	"strings"
	"testing"
)

// FuzzEncode: encoding never panics and yields ids inside the vocabulary;
// byte-level BPE and SentencePiece round-trip where they should (see
// roundTrips); Stream with tiny chunks equals Encode. Each input names one
// of the vocabularies (vocab modulo their count): checking all 32 on every
// input held the fuzzer near 200 executions a second.
func FuzzEncode(f *testing.F) {
	paths := append([]string{}, goldenVocabPaths(f)...)
	for _, name := range vocabNames {
		paths = append(paths, vocabPath(name))
	}
	// llama.cpp's test texts, spread over the vocabularies (the goldens
	// check each vocabulary on such texts): all of them for each took a
	// third of a one-minute run to gather the baseline coverage.
	for i, text := range strings.Split(readText(f, vocabPath("gpt-2")+".inp"), "\n__ggml_vocab_test__\n") {
		f.Add(uint8(i%len(paths)), text)
	}
	// Short corners, for every vocabulary: newline runs, invalid UTF-8,
	// special tokens' text, SentencePiece's space, digits and spaces of
	// other scripts; the newer pre-tokenizers' case changes, contractions,
	// digit runs, Han and kana, symbols over newlines; last, inputs the
	// fuzzer once found.
	corners := []string{
		"a\n\nb\n\n\nc", "x.\ny", "\xff\xfe\xf7\xbf\xbf\xbf\xed\xa0\x80\xc0\x80", "<s></s><|endoftext|>",
		"\u2581\u2581 \u2581x", "1234567 ١٢٣ ½", "\u3000\u00a0\u2028\u0085", "'S 'Re 'LL", "õ   \t\n",
		"XMLHttpRequest getValueFromJSON ÄBC DON'T they'LL",
		"1 12 123 1234 12345 ²123 ٣٤٥٦", "你好world 世界 カタカナ ไทย 한국",
		"x!\n\n/y (a|b)\n\n.z <sentinel:3>IMGIMGABZ", "\t\t  \n \u0301x ~é ~~y",
		"0 \n0\n\n0", "\xc2 0", "\x19",
	}
	for i := range paths {
		for _, text := range corners {
			f.Add(uint8(i), text)
		}
	}
	f.Fuzz(func(t *testing.T, vocab uint8, text string) {
		name := paths[int(vocab)%len(paths)]
		tk := load(t, name)
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

// FuzzNew builds small arbitrary vocabularies (odd token types, merges that
// name unknown strings, out-of-range special ids, every pre-tokenizer) and
// checks that New either refuses them or yields a tokenizer whose Encode,
// Stream and Decode neither panic nor emit ids outside the vocabulary.
func FuzzNew(f *testing.F) {
	f.Add([]byte("\x00\x01a\x00b\x00ab\x00<s>\x00\xe2\x96\x81\x00<0x41>"), "ab a<s>b\n\nA")
	f.Add([]byte("\x01\x02Ġ\x00t\x00Ġt\x00he\x00\n\x00x\ny"), "the t\n\nx\ny 12")
	f.Add([]byte("\x03\x07\x00\x00\x00"), "")
	pres := []string{"", "default", "gpt-2", "llama-bpe", "qwen2", "deepseek-llm", "deepseek-coder", "falcon", "starcoder", "mpt", "bogus",
		"gpt-4o", "tekken", "deepseek-v3", "glm4", "kimi-k2", "seed-coder", "superbpe", "bloom", "viking", "chameleon", "afmoe"}
	for i := 11; i < len(pres); i++ {
		f.Add(append([]byte{0x03, byte(i)}, "Ġ\x00t\x00Ġt\x00he\x00\n\x00/\x001\x0012\x00A\x00a"...), "The McDonald's 12345\n\n/x 你好  ")
	}
	f.Fuzz(func(t *testing.T, spec []byte, text string) {
		if len(spec) < 2 || len(spec) > 4096 {
			return
		}
		v := Vocab{Model: "llama", Pre: pres[int(spec[1])%len(pres)], SpecialIDs: map[string]uint32{}}
		if spec[0]&1 != 0 {
			v.Model = "gpt2"
		}
		for i, tok := range strings.Split(string(spec[2:]), "\x00") {
			v.Tokens = append(v.Tokens, tok)
			v.Types = append(v.Types, TokenType(len(tok)+i)%8)
			v.Scores = append(v.Scores, float32(len(tok)*3-i))
			if i > 0 {
				v.Merges = append(v.Merges, v.Tokens[i-1]+" "+tok)
			}
		}
		for i, key := range specialKeys {
			v.SpecialIDs[key] = uint32(int(spec[0]) * (i + 1) % (len(v.Tokens) + 3))
		}
		yes := spec[0]&2 != 0
		v.AddBOS, v.AddEOS, v.AddSpacePrefix = &yes, &yes, &yes
		tk, err := New(v)
		if err != nil {
			return
		}
		for _, parse := range []bool{false, true} {
			ids := tk.Encode(text, true, parse)
			for _, i := range ids {
				if i < 0 || int(i) >= tk.VocabSize() {
					t.Fatalf("id %d out of range", i)
				}
			}
			got, err := streamAll(tk, text, 3, parse)
			if err != nil {
				t.Fatal(err)
			}
			if !equalIDs(got, ids) {
				t.Fatalf("parse=%v: stream %v != whole %v", parse, got, ids)
			}
			_ = tk.Decode(ids)
			_ = tk.Detokenize(ids, true, true)
		}
	})
}
