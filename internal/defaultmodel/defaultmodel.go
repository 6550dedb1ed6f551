// Package defaultmodel embeds the model lcrun runs when the user names none:
// stories260K, Andrej Karpathy's 260K-parameter Llama trained on TinyStories
// (llama2.c "tinyllamas", MIT licence), as converted to GGUF by llama.cpp.
// See PROVENANCE.md beside this file.
package defaultmodel

import _ "embed"

// Name is how lcrun refers to the embedded model in messages.
const Name = "stories260K (embedded)"

//go:embed stories260K.gguf
var gguf []byte

// GGUF returns the embedded file's bytes. The slice is shared: do not modify it.
func GGUF() []byte { return gguf }
