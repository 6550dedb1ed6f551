package lcrun

import "fmt"

// A blockCodec converts whole blocks. dst and src always hold the same
// number of blocks when the functions are called (Quantize and Dequantize
// check that), so the codecs themselves do no validation.
type blockCodec struct {
	dequant func(dst []float32, src []byte)
	quant   func(dst []byte, src []float32)
}

// codecs is indexed by DType; a nil function means "not supported". An
// array rather than a map keeps the lookup cheap on the fallback paths that
// dequantise one row at a time.
var codecs [64]blockCodec

func init() {
	set := func(t DType, d func([]float32, []byte), q func([]byte, []float32)) {
		codecs[t] = blockCodec{dequant: d, quant: q}
	}
	set(F32, dequantF32, quantF32)
	set(F16, dequantF16, quantF16)
	set(BF16, dequantBF16, quantBF16)
	set(Q4_0, dequantQ4_0, quantQ4_0)
	set(Q4_1, dequantQ4_1, quantQ4_1)
	set(Q5_0, dequantQ5_0, quantQ5_0)
	set(Q5_1, dequantQ5_1, quantQ5_1)
	set(Q8_0, dequantQ8_0, QuantizeRowQ8_0)
	set(Q8_1, dequantQ8_1, quantQ8_1)
	set(Q2_K, dequantQ2_K, quantQ2_K)
	set(Q3_K, dequantQ3_K, quantQ3_K)
	set(Q4_K, dequantQ4_K, quantQ4_K)
	set(Q5_K, dequantQ5_K, quantQ5_K)
	set(Q6_K, dequantQ6_K, quantQ6_K)
	set(Q8_K, dequantQ8_K, QuantizeRowQ8_K)
	set(IQ4_NL, dequantIQ4_NL, quantIQ4_NL)
	set(IQ4_XS, dequantIQ4_XS, quantIQ4_XS)
	set(MXFP4, dequantMXFP4, quantMXFP4)
	set(TQ1_0, dequantTQ1_0, quantTQ1_0)
	set(TQ2_0, dequantTQ2_0, quantTQ2_0)
}

func codecOf(t DType) blockCodec {
	if uint32(t) < uint32(len(codecs)) {
		return codecs[t]
	}
	return blockCodec{}
}

// CanDequantize reports whether Dequantize handles t.
func CanDequantize(t DType) bool { return codecOf(t).dequant != nil }

// CanQuantize reports whether Quantize handles t.
func CanQuantize(t DType) bool { return codecOf(t).quant != nil }

// Dequantize widens len(dst) values of type t, stored in src, to float32.
// len(dst) must be a whole number of blocks of t and len(src) exactly the
// bytes those blocks take (t.RowBytes(len(dst))). Values come out as
// ggml's dequantize_row_* computes them, with each product rounded to
// float32 before any add (no fused multiply-add), so the result is the same
// on every architecture.
func Dequantize(t DType, dst []float32, src []byte) error {
	c := codecOf(t)
	if c.dequant == nil {
		return fmt.Errorf("dequantize: tensor type %s is not supported", t)
	}
	if err := checkLengths(t, len(dst), len(src)); err != nil {
		return fmt.Errorf("dequantize: %w", err)
	}
	c.dequant(dst, src)
	return nil
}

// Quantize narrows the float32 values of src to type t into dst. len(src)
// must be a whole number of blocks of t and len(dst) exactly
// t.RowBytes(len(src)). Each type's quantiser says how it relates to
// ggml's reference quantiser (quantize_row_*_ref): all of them follow it
// operation for operation. Q8_0, Q4_0 and F16 reproduce ggml-made files in
// testdata byte for byte (quant_gguf_test.go); every quantised type was
// also checked once against the C functions built with gcc on x86-64,
// Inf and NaN inputs included, with no byte differing.
func Quantize(t DType, dst []byte, src []float32) error {
	c := codecOf(t)
	if c.quant == nil {
		return fmt.Errorf("quantize: tensor type %s is not supported", t)
	}
	if err := checkLengths(t, len(src), len(dst)); err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	c.quant(dst, src)
	return nil
}

// checkLengths verifies that n values of t take exactly nbytes bytes.
func checkLengths(t DType, n, nbytes int) error {
	want, err := t.RowBytes(n)
	if err != nil {
		return err
	}
	if nbytes != want {
		return fmt.Errorf("%s: %d values take %d bytes, got %d", t, n, want, nbytes)
	}
	return nil
}
