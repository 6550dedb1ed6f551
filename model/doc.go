// Package model turns GGUF files into text: it loads an architecture's
// weights in place from the (mapped) file, runs the forward pass through
// the lcrun kernels, and keeps the per-sequence state of a session.
//
// Three types carry the API:
//
//   - Model: a loaded GGUF file (Open, OpenBytes, New; OpenDefault for the
//     embedded stories260K, linked only into programs that call it). Read-only once
//     loaded, so any number of sessions may share it across goroutines.
//   - Session: one sequence's state (the KV cache of a transformer, the
//     recurrent state of Mamba) and its scratch buffers, for one goroutine
//     at a time. Eval evaluates tokens at explicit positions in micro-batches
//     and returns the logits of the rows asked for; Prefill and Generate are
//     the usual prompt-then-stream path; Save and Restore move the whole
//     state to and from bytes.
//   - Sampler: turns logits into a token (greedy, temperature, top-k, top-p,
//     min-p, repetition penalty), deterministic for a given seed.
//
// Each architecture is three files: {arch}.go (the loader: hyperparameters
// and weights), {arch}_forward.go (the graph) and {arch}_state.go (a
// session's state, its scratch listed once for allocation and estimate, and
// its part of a saved state). A transformer's KV cache, its window and sink
// policies, the StreamingLLM shift and dynamic NTK re-rotation are package
// kvcache. Plan works out what a run needs before a session is allocated
// (memory, refused with what would fit; time, once measured), and package
// longinput evaluates inputs too long to hold, resuming from and saving to
// a prefix cache.
//
// Architectures plug in through an internal interface (arch.go): a loader
// registered under the GGUF general.architecture names it serves, returning
// an architecture that allocates per-session states. llama.go serves llama,
// mistral and qwen2, and the other members of the family are the same
// graph with a llamaVariant, each in a file of its own: qwen3.go (q/k
// norms), smollm3.go (NoPE layers), phi3.go (fused projections, LongRoPE),
// mistral3.go (attention temperature) and gemma.go (gemma2, gemma3:
// Gemma's block, local layers whose cache is a ring of their window,
// gemma_state.go), qwen3moe.go and gpt_oss.go (mixtures of experts,
// moe.go, which a llama file with expert_count also selects; gpt-oss's
// learned attention sinks); Model.Graph names what a loaded model adds. mamba.go
// serves mamba and mamba2 (recurrent: a fixed-size state, whatever the
// sequence length). hybrid.go puts the two together for the state-space
// hybrids (granitehybrid.go, nemotronh.go, falconh1.go, lfm2.go with
// shortconv.go, jamba.go): the Llama graph's attention layers and FFNs and
// the Mamba mixers on one residual stream, a KV cache for the attention
// layers only (hybrid_state.go). The keys they read are named once (keys.go);
// Hyperparameters reports the same keys of any file without loading it,
// for tools that describe files.
//
// Chat templates make instruction models usable as trained: a
// ChatTemplate renders a conversation ([]Message) into the prompt text of
// the model's format. Model.ChatTemplate reads the Jinja template a GGUF
// carries (tokenizer.chat_template); a file without one wraps
// ErrNoChatTemplate, and ChatTemplateByName (chatml, llama3, gemma, phi3,
// mistral) or ParseChatTemplate (a user's file) stand in, set up for the
// model by Model.UseChatTemplate. Render's text is meant for Encode with
// special tokens added and parsed; Stops and the tokenizer's IsEOG say
// where the reply ends. Jinja is github.com/ardanlabs/jinja.
package model
