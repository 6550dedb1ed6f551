package synth

import "fmt"

// minVocab is <unk>, <s>, </s> and the 256 byte tokens.
const minVocab = 3 + 256

// addVocab writes a SentencePiece-style vocabulary of n tokens: the three
// specials, byte fallback tokens <0x00>..<0xFF>, then "▁" and lower-case
// pieces ("a".."z", "aa".., each also with a leading "▁") with falling
// scores. Any text tokenises (through the byte tokens if need be), and
// common words become a few tokens, which is all a speed test needs.
func addVocab(m *model, n int) {
	tokens := make([]string, 0, n)
	scores := make([]float32, 0, n)
	types := make([]int32, 0, n)
	push := func(s string, score float32, typ int32) {
		tokens = append(tokens, s)
		scores = append(scores, score)
		types = append(types, typ)
	}
	// llama.cpp token types: 1 normal, 2 unknown, 3 control, 6 byte.
	push("<unk>", 0, 2)
	push("<s>", 0, 3)
	push("</s>", 0, 3)
	for b := range 256 {
		push(fmt.Sprintf("<0x%02X>", b), 0, 6)
	}
	score := float32(0)
	next := func(s string) bool {
		if len(tokens) == n {
			return false
		}
		score--
		push(s, score, 1)
		return true
	}
	next("▁")
	for length := 1; len(tokens) < n; length++ {
		for _, w := range words(length) {
			if !next("▁"+w) || !next(w) {
				break
			}
		}
	}
	m.set("tokenizer.ggml.model", "llama")
	m.set("tokenizer.ggml.pre", "default")
	m.set("tokenizer.ggml.tokens", tokens)
	m.set("tokenizer.ggml.scores", scores)
	m.set("tokenizer.ggml.token_type", types)
	m.set("tokenizer.ggml.bos_token_id", uint32(1))
	m.set("tokenizer.ggml.eos_token_id", uint32(2))
	m.set("tokenizer.ggml.unknown_token_id", uint32(0))
	m.set("tokenizer.ggml.add_bos_token", true)
	m.set("tokenizer.ggml.add_eos_token", false)
}

// words lists every lower-case word of the given length in order.
func words(length int) []string {
	out := []string{""}
	for range length {
		var next []string
		for _, p := range out {
			for c := 'a'; c <= 'z'; c++ {
				next = append(next, p+string(c))
			}
		}
		out = next
	}
	return out
}
