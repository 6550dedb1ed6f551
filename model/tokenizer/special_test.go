package tokenizer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func id(t *testing.T, tk *Tokenizer, s string) int32 {
	t.Helper()
	i, ok := tk.TokenID(s)
	require.True(t, ok, "no token %q", s)
	return i
}

// TestSpecialFlags checks BOS/EOS defaults and flags as llama.cpp reads them.
func TestSpecialFlags(t *testing.T) {
	for _, c := range []struct {
		vocab          string
		bos, eos       int32
		addBOS, addEOS bool
	}{
		{"llama-spm", 1, 2, true, false},
		{"phi-3", 1, 32000, true, false},
		{"gpt-2", 50256, 50256, false, false}, // BPE: no add_bos key, default false
		{"mpt", 0, 0, false, false},
		{"falcon", 11, 11, false, false},
		{"starcoder", 0, 0, false, false},
		{"deepseek-coder", 32013, 32014, true, false},
		{"deepseek-llm", 100000, 100001, true, false},
	} {
		t.Run(c.vocab, func(t *testing.T) {
			tk := load(t, vocabPath(c.vocab))
			assert.Equal(t, c.bos, tk.BOS())
			assert.Equal(t, c.eos, tk.EOS())
			assert.Equal(t, c.addBOS, tk.AddBOS())
			assert.Equal(t, c.addEOS, tk.AddEOS())
			assert.True(t, tk.IsEOG(c.eos))
			plain := tk.Encode("Hello world", false, false)
			withSpecial := tk.Encode("Hello world", true, false)
			if c.addBOS {
				assert.Equal(t, append([]int32{c.bos}, plain...), withSpecial)
				assert.Equal(t, []int32{c.bos}, tk.Encode("", true, false))
			} else {
				assert.Equal(t, plain, withSpecial)
				assert.Empty(t, tk.Encode("", true, false))
			}
		})
	}
}

// TestParseSpecial: control tokens are recognised only with parseSpecial;
// user-defined tokens always, as in llama.cpp.
func TestParseSpecial(t *testing.T) {
	t.Run("llama-spm control", func(t *testing.T) {
		tk := load(t, vocabPath("llama-spm"))
		hello := id(t, tk, "▁Hello")
		assert.Equal(t, []int32{hello, 2}, tk.Encode("Hello</s>", false, true))
		plain := tk.Encode("Hello</s>", false, false)
		assert.NotContains(t, plain, int32(2))
		assert.Equal(t, "Hello</s>", tk.Decode(plain))
		// A text fragment after a special token gets the prefix space again.
		world := id(t, tk, "▁world")
		assert.Equal(t, []int32{1, hello, 2, world}, tk.Encode("<s>Hello</s>world", false, true))
	})
	t.Run("gpt-2 control", func(t *testing.T) {
		tk := load(t, vocabPath("gpt-2"))
		a, b := id(t, tk, "a"), id(t, tk, "b")
		assert.Equal(t, []int32{a, 50256, b}, tk.Encode("a<|endoftext|>b", false, true))
		assert.NotContains(t, tk.Encode("a<|endoftext|>b", false, false), int32(50256))
	})
	t.Run("mpt user-defined spaces", func(t *testing.T) {
		tk := load(t, vocabPath("mpt"))
		three := id(t, tk, "   ")
		assert.Equal(t, []int32{id(t, tk, "a"), three, id(t, tk, "b")}, tk.Encode("a   b", false, false))
	})
	t.Run("deepseek-coder", func(t *testing.T) {
		tk := load(t, vocabPath("deepseek-coder"))
		// "õ" is a user-defined token: matched even in plain text.
		assert.Contains(t, tk.Encode("aõb", false, false), id(t, tk, "õ"))
		// "<｜fim▁hole｜>" is stored as user-defined, but llama.cpp detects it
		// as the FIM suffix token and makes it a control token.
		hole := id(t, tk, "<｜fim▁hole｜>")
		assert.True(t, tk.IsControl(hole))
		assert.NotContains(t, tk.Encode("x<｜fim▁hole｜>y", false, false), hole)
		assert.Contains(t, tk.Encode("x<｜fim▁hole｜>y", false, true), hole)
	})
	t.Run("phi-3 rstrip", func(t *testing.T) {
		tk := load(t, vocabPath("phi-3"))
		user, end := id(t, tk, "<|user|>"), id(t, tk, "<|end|>")
		// The model name says Phi-3: its special tokens swallow the spaces
		// after them, and the text after them gets the prefix space.
		assert.Equal(t, []int32{1, user, id(t, tk, "▁Hi"), end},
			tk.Encode("<|user|>\n  Hi<|end|>", true, true))
		assert.True(t, tk.IsEOG(end))
	})
}

func TestDecode(t *testing.T) {
	t.Run("spm", func(t *testing.T) {
		tk := load(t, vocabPath("llama-spm"))
		ids := tk.Encode("Hello world", true, false)
		// llama.cpp strips the prefix space only from the very first token;
		// a BOS there (rendered as nothing) uses up that chance.
		assert.Equal(t, " Hello world", tk.Decode(ids))
		assert.Equal(t, " Hello world", tk.Detokenize(ids, true, false))
		assert.Equal(t, "<s> Hello world", tk.Detokenize(ids, false, true))
		assert.Equal(t, "Hello world", tk.Decode(ids[1:]))
		assert.Equal(t, []byte("\n"), tk.Piece(id(t, tk, "<0x0A>")))
		assert.Empty(t, tk.Piece(1))
		assert.Equal(t, []byte("<s>"), tk.PieceSpecial(1))
		assert.Equal(t, []byte(" Hello"), tk.Piece(id(t, tk, "▁Hello")))
		assert.Nil(t, tk.Piece(-1))
		assert.Nil(t, tk.Piece(int32(tk.VocabSize())))
		// An emoji without its own token comes back byte by byte.
		var joined []byte
		for _, i := range tk.Encode("🛸", false, false) {
			joined = append(joined, tk.Piece(i)...)
		}
		assert.Equal(t, " 🛸", string(joined))
	})
	t.Run("bpe clean-up", func(t *testing.T) {
		gpt2 := load(t, vocabPath("gpt-2"))
		ids := gpt2.Encode("Hello , world ! It 's", false, false)
		assert.Equal(t, "Hello, world! It's", gpt2.Decode(ids))
		assert.Equal(t, "Hello , world ! It 's", string(gpt2.DecodeRaw(ids)))
		// deepseek vocabularies switch the clean-up off.
		ds := load(t, vocabPath("deepseek-llm"))
		assert.Equal(t, "Hello , world !", ds.Decode(ds.Encode("Hello , world !", false, false)))
	})
}

func TestCleanSpaces(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"a , b . c ! d ?":           "a, b. c! d?",
		"a  .":                      "a .",
		"x ' y":                     "x'y",
		"it 's I 'm we 're you 've": "it's I'm we're you've",
		"don 't I 'd we 'll":        "don 't I 'd we 'll",
		" ' ":                       "'",
	} {
		assert.Equal(t, want, string(cleanSpaces([]byte(in))), "%q", in)
	}
}

// TestConcurrentEncode: one Tokenizer serves several goroutines (run with
// -race to check the sharing).
func TestConcurrentEncode(t *testing.T) {
	tk := load(t, vocabPath("deepseek-llm"))
	text := "Hello world, 123 你好!\n\nSecond line."
	want := tk.Encode(text, true, false)
	done := make(chan []int32)
	for range 4 {
		go func() { done <- tk.Encode(text, true, false) }()
	}
	for range 4 {
		assert.Equal(t, want, <-done)
	}
}
