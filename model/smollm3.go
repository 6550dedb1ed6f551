package model

// SmolLM3 (Hugging Face 2025) is the Llama graph with NoPE layers: every
// fourth layer ((il+1) % 4 == 0) rotates neither queries nor keys, the
// interval llama.cpp fixes for the architecture.
func init() {
	registerArch(llamaLoader(llamaVariant{noRopeEvery: smolLM3NoRopeEvery}), "smollm3")
}

const smolLM3NoRopeEvery = 4
