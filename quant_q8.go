package lcrun

// The Q8 row conversions: the slots that quantise the activations of the
// 32-value tiles (matmul_quant.go: Q8_0 for Q8_0/Q4_0/Q5_0, Q8_1 for
// Q4_1/Q5_1) and the rows of a Q8_0 KV cache, and widen that cache again
// (kv.go). Their plain-Go twins and the other Q8 codecs are in
// quant_q8_generic.go.

// quantizeQ8_0K quantises rows to Q8_0 bit for bit as QuantizeRowQ8_0Even
// (len(x) a multiple of 32, dst at least RowBytes): the activations of the
// Q8_0/Q4_0 tiles and the rows of a Q8_0 KV cache.
var quantizeQ8_0K = newKernel("quantize_q8_0", QuantizeRowQ8_0Even)

// dequantQ8_0K widens Q8_0 blocks as Dequantize(Q8_0, ...): for each block
// b of src, dst[32b+i] = float32(int8(q[i])) * f16(d), len(dst) a multiple
// of 32 and src holding that many blocks.
var dequantQ8_0K = newKernel("dequant_q8_0", dequantQ8_0)

// quantizeQ8_1K quantises rows to Q8_1 bit for bit as quantizeRowQ8_1Even
// (len(x) a multiple of 32, dst at least RowBytes): the activations of the
// Q4_1/Q5_1 tiles.
var quantizeQ8_1K = newKernel("quantize_q8_1", quantizeRowQ8_1Even)
