package tokenizer

import (
	"fmt"
	"slices"
)

// preTokenizer names a BPE pre-tokenizer: the sequence of splitting steps
// llama.cpp runs for a value of tokenizer.ggml.pre.
type preTokenizer int

const (
	preDefault preTokenizer = iota
	preGPT2
	preLlama3
	preQwen2
	preDeepseekLLM
	preDeepseekCoder
	preFalcon
	preStarcoder
	preGPT4o
	preTekken
	preDeepseek3
	preKimiK2
	preSeedCoder
	preSuperBPE
	preBloom
	preViking
	preChameleon
	preAfmoe
)

// choosePreTokenizer maps tokenizer.ggml.pre to a pre-tokenizer and the
// flags llama.cpp sets with it.
func (t *Tokenizer) choosePreTokenizer(pre string) error {
	switch pre {
	case "", "default":
		t.bpePre = preDefault
	case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
		"a.x-4.0", "mellum", "modern-bert", "exaone4", "mpt", "olmo", "jais":
		t.bpePre = preGPT2
	case "trillion", "granite-docling":
		t.bpePre = preGPT2
		t.cleanSpaces = false
	case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano":
		t.bpePre = preLlama3
		t.ignoreMerges = true
		t.addBOS = true
	case "dbrx", "smaug-bpe":
		t.bpePre = preLlama3
	case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2":
		t.bpePre = preQwen2
		t.cleanSpaces = false
	case "stablelm2", "megrez":
		t.bpePre = preQwen2
	case "deepseek-llm":
		t.bpePre = preDeepseekLLM
		t.cleanSpaces = false
	case "deepseek-coder":
		t.bpePre = preDeepseekCoder
		t.cleanSpaces = false
	case "falcon":
		t.bpePre = preFalcon
	case "starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2":
		t.bpePre = preStarcoder
	case "command-r", "smollm":
		t.bpePre = preStarcoder
		t.cleanSpaces = false
	case "gpt-4o", "llama4", "minimax-m2":
		t.bpePre = preGPT4o
		t.cleanSpaces = false
	case "tekken":
		t.bpePre = preTekken
		t.cleanSpaces = false
		t.ignoreMerges = true
		t.addBOS = true
	case "deepseek-v3", "hunyuan-dense":
		t.bpePre = preDeepseek3
		t.cleanSpaces = false
	case "glm4", "chatglm-bpe":
		// llama3's pattern, but the merges apply and no token is BOS
		// unless the file names one.
		t.bpePre = preLlama3
		t.special.bos = -1
	case "kimi-k2":
		t.bpePre = preKimiK2
		t.cleanSpaces = false
	case "seed-coder":
		t.bpePre = preSeedCoder
		t.cleanSpaces = false
	case "superbpe":
		t.bpePre = preSuperBPE
		t.cleanSpaces = false
	case "bloom", "gpt3-finnish":
		t.bpePre = preBloom
	case "poro-chat":
		t.bpePre = preBloom
		t.cleanSpaces = false
	case "viking":
		t.bpePre = preViking
		t.cleanSpaces = false
	case "chameleon":
		t.bpePre = preChameleon
		t.addBOS = true
		t.cleanSpaces = false
	case "afmoe":
		t.bpePre = preAfmoe
		t.cleanSpaces = false
	default:
		return fmt.Errorf("tokenizer: unsupported pre-tokenizer %q", pre)
	}
	return nil
}

// lastNewlineAlone reports whether, in a run of two or more newlines
// followed by the printable ASCII byte y, the pre-tokenizer makes the last
// newline a word of its own (GPT-2's "\s+(?!\S)"). That holds when the
// GPT-2 step sees y after the run: not when an earlier step has already cut
// y off (digits for starcoder, punctuation for falcon and default), since
// then the run ends its segment and stays one word.
func (p preTokenizer) lastNewlineAlone(y byte) bool {
	f := flagsOf(rune(y))
	switch p {
	case preGPT2:
		return true
	case preStarcoder:
		return !f.number()
	case preFalcon:
		return !f.punct() && !isOneOf(rune(y), "$+<=>^~|`")
	case preDefault:
		return !f.punct() && !isOneOf(rune(y), "$+<=>^~|")
	}
	return false
}

// cutsBefore reports whether a run of newlines between two printable ASCII
// bytes ends its pre-tokenizer word right before the second one, y, so that
// text can be cut there (see Stream). It fails where a word reaches across:
// the gpt-4o and tekken patterns let "[\r\n/]*" carry a symbol's word over
// the newlines into a following '/', and superbpe keeps all text between
// numbers as one word.
func (p preTokenizer) cutsBefore(y byte) bool {
	switch p {
	case preGPT4o, preTekken:
		return y != '/'
	case preBloom, preViking:
		// The text between two words is a word too, and it reaches
		// over the newlines into a stop character.
		return !isOneOf(rune(y), bloomStops)
	case preSuperBPE:
		// Its words run over spaces and newlines; only a number starts
		// a new one.
		return y >= '0' && y <= '9'
	}
	return true
}

// splitStep refines a partition of the codepoints: it receives one segment
// [a, b) and appends the end positions of its pieces.
type splitStep func(s *segmenter, a, b int, ends []int) []int

// steps lists, per pre-tokenizer, the regular expressions llama.cpp applies
// one after the other (each to every piece the previous ones produced).
func (p preTokenizer) steps() []splitStep {
	switch p {
	case preGPT2:
		return []splitStep{splitGPT2}
	case preLlama3:
		return []splitStep{splitLlama3}
	case preQwen2:
		return []splitStep{matching(matchQwen2)}
	case preDeepseekLLM:
		return []splitStep{
			matching(matchNewline),
			matching(matchDeepseekLetters),
			matching(matchDeepseekPunct),
			splitTrailingSpace,
			matching(matchCJK),
			matching(matchNumberRun),
		}
	case preDeepseekCoder:
		return []splitStep{
			matching(matchNewline),
			matching(matchSpaceLetters),
			matching(matchSpacePunct),
			matching(matchCJK),
			matching(matchNumber),
		}
	case preFalcon:
		return []splitStep{matching(matchFalconPunct), splitGPT2, matching(matchDigitTriple)}
	case preStarcoder:
		return []splitStep{matching(matchNumber), splitGPT2}
	case preGPT4o:
		return []splitStep{matching(matchGPT4o)}
	case preTekken:
		return []splitStep{matching(matchTekken)}
	case preKimiK2:
		return []splitStep{splitKimiK2}
	case preSeedCoder:
		return []splitStep{matching(matchSeedCoder)}
	case preSuperBPE:
		return []splitStep{matching(matchNumberRun), splitThousands}
	case preBloom:
		return []splitStep{matching(matchBloom)}
	case preViking:
		return []splitStep{matching(matchBloom), matching(matchNumber)}
	case preChameleon:
		return []splitStep{
			matching(matchSentinel),
			matching(matchImageToken),
			matching(matchChameleonSpace),
			matching(matchNumber),
			matching(matchChameleonPunct),
			splitGPT2,
		}
	case preAfmoe:
		return []splitStep{splitAfmoeDigits, matching(matchAfmoeCJK), matching(matchDeepseek3)}
	case preDeepseek3:
		return []splitStep{matching(matchNumberUpTo3), matching(matchDeepseek3CJK), matching(matchDeepseek3)}
	}
	return []splitStep{matching(matchDefaultPunct), splitGPT2, matching(matchNumberRun), matching(matchDigitTriple)}
}

// segmenter holds one text fragment as codepoints with their classes, and
// the buffers the split steps write piece ends to.
type segmenter struct {
	cpts  []rune
	flags []cptFlags
	a, b  int // the segment being split

	ends, scratch []int
}

func (s *segmenter) reset(cpts []rune) {
	s.cpts = cpts
	s.flags = slices.Grow(s.flags[:0], len(cpts))
	for _, r := range cpts {
		s.flags = append(s.flags, flagsOf(r))
	}
}

// cpt and flag read inside the current segment; outside it they return -1
// and 0, like llama.cpp's OUT_OF_RANGE guards.
func (s *segmenter) cpt(i int) rune {
	if i < s.a || i >= s.b {
		return -1
	}
	return s.cpts[i]
}

func (s *segmenter) flag(i int) cptFlags {
	if i < s.a || i >= s.b {
		return 0
	}
	return s.flags[i]
}

// split runs the steps over cpts and returns the piece end positions (valid
// until the next call).
func (s *segmenter) split(steps []splitStep, cpts []rune) []int {
	s.reset(cpts)
	s.ends = append(s.ends[:0], len(cpts))
	for _, step := range steps {
		out := s.scratch[:0]
		start := 0
		for _, end := range s.ends {
			s.a, s.b = start, end
			out = step(s, start, end, out)
			start = end
		}
		s.ends, s.scratch = out, s.ends
	}
	return s.ends
}
