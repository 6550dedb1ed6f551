package tokenizer

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// kind is the tokenisation algorithm a vocabulary uses.
type kind int

const (
	kindSPM kind = iota // SentencePiece-style score merges ("llama")
	kindBPE             // byte-level BPE with ranked merges ("gpt2")
)

// Tokenizer encodes and decodes text for one vocabulary. It is safe for
// concurrent use.
type Tokenizer struct {
	kind   kind
	tokens []string
	scores []float32
	attrs  []attr
	ids    map[string]int32

	special specialIDs
	eog     map[int32]bool

	addBOS, addEOS bool
	addSpacePrefix bool // SPM: prefix " " to the first text fragment
	cleanSpaces    bool // detokenize: drop spaces before punctuation as HF's clean_up_tokenization_spaces
	ignoreMerges   bool // BPE: a word that is itself a token skips the merges
	bpePre         preTokenizer

	specials *specialMatcher // control, user-defined and unknown tokens, longest first
	pieces   [][]byte        // token_to_piece(id, special=true) for every id

	spm *spmModel
	bpe *bpeModel

	warnings []string // what the vocabulary got wrong and loading ignored
}

// Warnings lists what loading ignored in the vocabulary (special token ids
// outside it): the tokenizer works without them, and a program may want
// to say so.
func (t *Tokenizer) Warnings() []string { return t.warnings }

// specialIDs holds the ids llama.cpp tracks; -1 means none.
type specialIDs struct {
	bos, eos, eot, eom, unk, sep, pad, mask        int32
	fimPre, fimSuf, fimMid, fimPad, fimRep, fimSep int32
}

func (s *specialIDs) byKey(key string) *int32 {
	switch key {
	case "bos_token_id":
		return &s.bos
	case "eos_token_id":
		return &s.eos
	case "eot_token_id":
		return &s.eot
	case "eom_token_id":
		return &s.eom
	case "unknown_token_id":
		return &s.unk
	case "seperator_token_id":
		return &s.sep
	case "padding_token_id":
		return &s.pad
	case "mask_token_id":
		return &s.mask
	case "fim_pre_token_id", "prefix_token_id":
		return &s.fimPre
	case "fim_suf_token_id", "suffix_token_id":
		return &s.fimSuf
	case "fim_mid_token_id", "middle_token_id":
		return &s.fimMid
	case "fim_pad_token_id":
		return &s.fimPad
	case "fim_rep_token_id":
		return &s.fimRep
	case "fim_sep_token_id":
		return &s.fimSep
	}
	return nil
}

// New builds a tokenizer from a vocabulary, applying the defaults and
// fix-ups llama.cpp applies when it loads the same metadata.
func New(v Vocab) (*Tokenizer, error) {
	n := len(v.Tokens)
	if n == 0 {
		return nil, errors.New("tokenizer: empty vocabulary")
	}
	if n > 1<<30 {
		return nil, fmt.Errorf("tokenizer: %d tokens is too many", n)
	}
	if v.Scores != nil && len(v.Scores) < n {
		return nil, fmt.Errorf("tokenizer: %d scores for %d tokens", len(v.Scores), n)
	}
	if v.Types != nil && len(v.Types) < n {
		return nil, fmt.Errorf("tokenizer: %d token types for %d tokens", len(v.Types), n)
	}
	t := &Tokenizer{
		tokens: make([]string, n),
		scores: make([]float32, n),
		attrs:  make([]attr, n),
		ids:    make(map[string]int32, n),
		special: specialIDs{
			bos: -1, eos: -1, eot: -1, eom: -1, unk: -1, sep: -1, pad: -1, mask: -1,
			fimPre: -1, fimSuf: -1, fimMid: -1, fimPad: -1, fimRep: -1, fimSep: -1,
		},
	}
	pre := v.Pre
	switch v.Model {
	case "llama":
		t.kind = kindSPM
		t.special.bos, t.special.eos, t.special.unk = 1, 2, 0
		t.addSpacePrefix, t.addBOS = true, true
	case "gpt2":
		t.kind = kindBPE
		t.special.bos, t.special.eos = 11, 11
		t.cleanSpaces = true
		if err := t.choosePreTokenizer(pre); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("tokenizer: unsupported tokenizer model %q (want llama or gpt2)", v.Model)
	}
	if v.AddSpacePrefix != nil {
		t.addSpacePrefix = *v.AddSpacePrefix
	}

	for i, s := range v.Tokens {
		if s == "" {
			s = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
		if j, dup := t.ids[s]; dup {
			return nil, fmt.Errorf("tokenizer: duplicate token %q (ids %d and %d)", s, j, i)
		}
		t.ids[s] = int32(i)
		t.tokens[i] = s
		if v.Scores != nil {
			t.scores[i] = v.Scores[i]
		}
		t.attrs[i] = attrNormal
		if v.Types != nil {
			t.attrs[i] = attrOf(v.Types[i])
		}
	}

	if err := t.readSpecialIDs(v); err != nil {
		return nil, err
	}
	t.markControlLookalikes()
	t.buildEOG()

	var err error
	switch t.kind {
	case kindSPM:
		t.spm = newSPMModel(t)
	case kindBPE:
		if t.bpe, err = newBPEModel(t, v.Merges, t.bpePre); err != nil {
			return nil, err
		}
	}

	specials := make([]int32, 0, 16)
	for id, a := range t.attrs {
		if a&(attrControl|attrUserDefined|attrUnknown) != 0 {
			specials = append(specials, int32(id))
		}
	}
	slices.SortStableFunc(specials, func(a, b int32) int {
		return cmp.Compare(len(t.tokens[b]), len(t.tokens[a]))
	})
	t.pieces = make([][]byte, n)
	for id := range t.pieces {
		t.pieces[id] = t.renderPiece(int32(id))
	}
	t.applyNameQuirks(v.Name, specials)
	t.specials = newSpecialMatcher(t, specials)
	return t, nil
}

// readSpecialIDs applies the special-token keys and the add_bos/add_eos
// flags with llama.cpp's rules: a default outside the vocabulary is dropped,
// a stored id outside it is ignored.
func (t *Tokenizer) readSpecialIDs(v Vocab) error {
	n := int32(len(t.tokens))
	for _, key := range specialKeys {
		p := t.special.byKey(key)
		if *p >= n {
			*p = -1
		}
		if id, ok := v.SpecialIDs[key]; ok {
			if id < uint32(n) {
				*p = int32(id)
			} else {
				t.warnings = append(t.warnings, fmt.Sprintf("tokenizer.ggml.%s = %d is not a token of the %d in the vocabulary (ignored)", key, id, n))
			}
		}
	}
	if v.AddBOS != nil {
		t.addBOS = *v.AddBOS
	}
	if v.AddEOS != nil {
		t.addEOS = *v.AddEOS
	}
	if t.addBOS && t.special.bos < 0 {
		return errors.New("tokenizer: add_bos_token is true, but bos_token_id is not set")
	}
	if t.addEOS && t.special.eos < 0 {
		return errors.New("tokenizer: add_eos_token is true, but eos_token_id is not set")
	}
	return nil
}

// Token texts llama.cpp recognises when a converter did not say which token
// ends a turn or frames fill-in-the-middle.
var (
	eotTexts = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
		"<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"}
	eomTexts    = []string{"<|eom_id|>"}
	fimPreTexts = []string{"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"}
	fimSufTexts = []string{"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"}
	fimMidTexts = []string{"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"}
	fimPadTexts = []string{"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"}
	fimRepTexts = []string{"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"}
	fimSepTexts = []string{"<|file_sep|>"}
	eogTexts    = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
		"<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]",
		"[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
		"<｜end▁of▁sentence｜>", "[e~["}
	// gpt-oss framing tokens llama.cpp always renders as text.
	userDefinedTexts = []string{"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"}
)

// markControlLookalikes fills unset EOT/EOM/FIM ids from well-known token
// texts and marks the chosen tokens as control tokens, as llama.cpp does.
// llama.cpp walks a hash map, so with several candidates its pick is
// arbitrary; we take the lowest id.
func (t *Tokenizer) markControlLookalikes() {
	for _, c := range []struct {
		id    *int32
		texts []string
	}{
		{&t.special.eot, eotTexts}, {&t.special.eom, eomTexts},
		{&t.special.fimPre, fimPreTexts}, {&t.special.fimSuf, fimSufTexts},
		{&t.special.fimMid, fimMidTexts}, {&t.special.fimPad, fimPadTexts},
		{&t.special.fimRep, fimRepTexts}, {&t.special.fimSep, fimSepTexts},
	} {
		if *c.id >= 0 {
			continue
		}
		best := int32(-1)
		for _, s := range c.texts {
			if id, ok := t.ids[s]; ok && (best < 0 || id < best) {
				best = id
			}
		}
		if best >= 0 {
			*c.id = best
			t.attrs[best] |= attrControl
		}
	}
	// Control tokens named "unused..." are unused.
	for id, a := range t.attrs {
		if a&attrControl != 0 && strings.Contains(t.tokens[id], "unused") {
			t.attrs[id] |= attrUnused
		}
	}
}

// buildEOG collects the end-of-generation tokens.
func (t *Tokenizer) buildEOG() {
	s := &t.special
	t.eog = map[int32]bool{}
	for _, id := range []int32{s.fimPad, s.fimRep, s.fimSep} {
		if id >= 0 {
			t.eog[id] = true
		}
	}
	for _, text := range eogTexts {
		if id, ok := t.ids[text]; ok {
			t.eog[id] = true
			t.attrs[id] |= attrControl
		}
	}
	for _, text := range userDefinedTexts {
		if id, ok := t.ids[text]; ok {
			t.attrs[id] = attrUserDefined
		}
	}
	for _, id := range []int32{s.eos, s.eot, s.eom} {
		if id >= 0 {
			t.eog[id] = true
		}
	}
	// Harmony-style vocabularies end a turn with <|return|>/<|call|>, and
	// then <|end|> only separates messages.
	has := func(text string) (int32, bool) {
		id, ok := t.ids[text]
		return id, ok && t.eog[id]
	}
	_, ret := has("<|return|>")
	_, call := has("<|call|>")
	_, calls := has("<|calls|>")
	_, flush := has("<|flush|>")
	if end, ok := has("<|end|>"); ok && (call || calls) && (ret || flush) {
		delete(t.eog, end)
		t.attrs[end] = attrUserDefined
	}
	if _, tool := has("<|tool_response>"); tool {
		if eos, ok := has("</s>"); ok {
			delete(t.eog, eos)
			t.attrs[eos] = attrNormal
		}
	}
}

// applyNameQuirks sets the strip attributes llama.cpp derives from the model
// name: for Phi-3, special tokens swallow the whitespace after them.
func (t *Tokenizer) applyNameQuirks(name string, specials []int32) {
	name = strings.ToLower(name)
	if !strings.Contains(name, "phi-3") && !strings.Contains(name, "phi3") {
		return
	}
	for _, id := range specials {
		t.attrs[id] |= attrRStrip
	}
	if id, ok := t.ids["</s>"]; ok {
		t.attrs[id] |= attrRStrip
	}
	for _, s := range []string{"<unk>", "<s>", "<|endoftext|>"} {
		if id, ok := t.ids[s]; ok {
			t.attrs[id] &^= attrRStrip
		}
	}
}

// VocabSize is the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// BOS is the beginning-of-sequence id, or -1.
func (t *Tokenizer) BOS() int32 { return t.special.bos }

// EOS is the end-of-sequence id, or -1.
func (t *Tokenizer) EOS() int32 { return t.special.eos }

// EOT is the end-of-turn id, or -1.
func (t *Tokenizer) EOT() int32 { return t.special.eot }

// UNK is the unknown-token id, or -1.
func (t *Tokenizer) UNK() int32 { return t.special.unk }

// AddBOS reports whether Encode with addSpecial prepends BOS.
func (t *Tokenizer) AddBOS() bool { return t.addBOS }

// AddEOS reports whether Encode with addSpecial appends EOS.
func (t *Tokenizer) AddEOS() bool { return t.addEOS }

// IsEOG reports whether id ends generation (EOS, EOT, EOM and friends).
func (t *Tokenizer) IsEOG(id int32) bool { return t.eog[id] }

// IsControl reports whether id is a control token (rendered only on request).
func (t *Tokenizer) IsControl(id int32) bool {
	return t.valid(id) && t.attrs[id]&attrControl != 0
}

// Token returns the vocabulary text of id ("" when out of range).
func (t *Tokenizer) Token(id int32) string {
	if !t.valid(id) {
		return ""
	}
	return t.tokens[id]
}

// TokenID returns the id whose vocabulary text is s.
func (t *Tokenizer) TokenID(s string) (int32, bool) {
	id, ok := t.ids[s]
	return id, ok
}

func (t *Tokenizer) valid(id int32) bool { return id >= 0 && int(id) < len(t.tokens) }
