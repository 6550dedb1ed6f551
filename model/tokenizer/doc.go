// Package tokenizer turns text into token ids and back, exactly as
// llama.cpp's llama_tokenize and llama_detokenize do for the same GGUF
// vocabulary.
//
// Two vocabulary kinds are supported:
//
//   - SentencePiece-style ("llama"): spaces become U+2581, adjacent symbols
//     are merged greedily by the score of the merged piece (highest first,
//     ties to the left), pieces missing from the vocabulary fall back to
//     <0xNN> byte tokens, and a space is prefixed to the first text fragment.
//   - Byte-level BPE ("gpt2"): the text is split into words by the
//     pre-tokenizer that tokenizer.ggml.pre names (hand-written equivalents of
//     llama.cpp's regular expressions, lookahead included), bytes are mapped
//     to printable runes as GPT-2 does, and merges apply by rank.
//
// Special tokens: control tokens are recognised in the text only when the
// caller asks for it (parseSpecial), so a document cannot smuggle an
// end-of-sequence marker in; user-defined tokens are always recognised, as
// llama.cpp does.
//
// The core works on a plain Vocab value; FromGGUF reads one from a model file.
// Encoding caches the ids of repeated words, and Stream tokenises an
// io.Reader chunk by chunk, cutting only where the result is provably the
// same as for the whole text.
package tokenizer
