package tokenizer

// TokenType is the per-token type stored in tokenizer.ggml.token_type.
type TokenType int32

// Token types as GGUF stores them.
const (
	TypeUndefined   TokenType = 0
	TypeNormal      TokenType = 1
	TypeUnknown     TokenType = 2
	TypeControl     TokenType = 3
	TypeUserDefined TokenType = 4
	TypeUnused      TokenType = 5
	TypeByte        TokenType = 6
)

// Vocab is a tokenizer as a GGUF file describes it (the tokenizer.ggml.*
// keys). FromGGUF fills one; tests and tools may build one by hand. Optional
// values left nil take llama.cpp's defaults for the model kind.
type Vocab struct {
	Model  string      // tokenizer.ggml.model: "llama" (SentencePiece) or "gpt2" (byte-level BPE)
	Pre    string      // tokenizer.ggml.pre: the BPE pre-tokenizer; "" means "default"
	Name   string      // general.name: llama.cpp keys one quirk (phi-3) off it
	Tokens []string    // tokenizer.ggml.tokens
	Scores []float32   // tokenizer.ggml.scores; nil means all 0
	Types  []TokenType // tokenizer.ggml.token_type; nil means all normal
	Merges []string    // tokenizer.ggml.merges: "left right", rank = index

	// Special token ids by GGUF key without the "tokenizer.ggml." prefix, e.g.
	// "bos_token_id", "eos_token_id", "unknown_token_id", "eot_token_id".
	SpecialIDs map[string]uint32

	AddBOS         *bool // tokenizer.ggml.add_bos_token
	AddEOS         *bool // tokenizer.ggml.add_eos_token
	AddSpacePrefix *bool // tokenizer.ggml.add_space_prefix
}

// Special-token keys Vocab.SpecialIDs understands, in the order llama.cpp
// reads them (the deprecated prefix/suffix/middle keys last, so they win).
var specialKeys = []string{
	"bos_token_id", "eos_token_id", "eot_token_id", "eom_token_id",
	"unknown_token_id", "seperator_token_id", "padding_token_id", "mask_token_id",
	"fim_pre_token_id", "fim_suf_token_id", "fim_mid_token_id",
	"fim_pad_token_id", "fim_rep_token_id", "fim_sep_token_id",
	"prefix_token_id", "suffix_token_id", "middle_token_id",
}

// attr is llama.cpp's llama_token_attr bit set.
type attr uint16

const (
	attrUnknown     attr = 1 << 0
	attrUnused      attr = 1 << 1
	attrNormal      attr = 1 << 2
	attrControl     attr = 1 << 3
	attrUserDefined attr = 1 << 4
	attrByte        attr = 1 << 5
	attrLStrip      attr = 1 << 7
	attrRStrip      attr = 1 << 8
)

func attrOf(t TokenType) attr {
	switch t {
	case TypeUnknown:
		return attrUnknown
	case TypeUnused:
		return attrUnused
	case TypeNormal:
		return attrNormal
	case TypeControl:
		return attrControl
	case TypeUserDefined:
		return attrUserDefined
	case TypeByte:
		return attrByte
	}
	return 0
}
