// Package gguf reads and writes GGUF files, the model format of llama.cpp
// and ollama. It knows the file format only: metadata, the tensor
// directory and where each tensor's bytes are; what the tensors mean is the
// model layer's business.
//
// Reading: Open maps a file read-only (golang.org/x/sys/unix on unix;
// elsewhere the file is read into memory) and OpenBytes reads a file held
// in memory, such as the embedded default model. Tensor data is handed out
// as slices of that memory, never copied. GGUF versions 1 (32-bit counts
// and lengths), 2 and 3 are read, with every metadata type including
// arrays of arrays. A split set (NAME-00001-of-00003.gguf ...) opens as one
// File from any of its parts.
//
// Hostile files: every count, length, offset and size is checked against
// the bytes that remain, with overflow-safe arithmetic, before anything is
// allocated or read, so a file can make Open allocate at most a small
// multiple of its header's size (tests hold it under 10x; the worst case
// is a header packed with tiny keys), no tensor can point outside its file
// or overlap another, and names from the file reach error messages quoted
// and cut short, so an error stays one line.
//
// Legacy tensors: quantizers of 2023 stored some tensors whose rows are not
// a whole number of blocks (tinyllamas-stories-260k-q8_0.gguf's ffn_down,
// 172 values per row, blocks of 32) as one flat run of blocks that spans
// rows. Current llama.cpp refuses such files. Open accepts them so their
// metadata and other tensors stay readable (lcrun info lists them); the
// tensor carries TensorInfo.Err, which TensorData returns, and
// RawTensorData still gives the flat bytes to code that knows that layout.
// Open does refuse unknown tensor types, shapes that are not a whole
// number of blocks in total, more than four dimensions, misaligned,
// overlapping or out-of-file tensors, and alignments that are not powers of
// two.
//
// Writing: Writer produces GGUF v3 files the way ggml's writer does
// (metadata and tensor infos in insertion order, every tensor's data
// padded with zeros to the alignment), so llama.cpp loads them; it can
// also write a split set.
package gguf
