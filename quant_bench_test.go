package lcrun

import "testing"

// Benchmarks of the plain-Go codecs, over a 4096-value row (16 K-quant
// super-blocks). SetBytes counts the float32 side (16 KiB per row), so the
// reported MB/s compare across formats.
func BenchmarkDequantize(b *testing.B) {
	x := determinismInput()
	y := make([]float32, len(x))
	for _, typ := range supportedQuant {
		n, _ := typ.RowBytes(len(x))
		q := make([]byte, n)
		if err := Quantize(typ, q, x); err != nil {
			b.Fatal(err)
		}
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				_ = Dequantize(typ, y, q)
			}
		})
	}
}

func BenchmarkQuantize(b *testing.B) {
	x := determinismInput()
	for _, typ := range supportedQuant {
		n, _ := typ.RowBytes(len(x))
		q := make([]byte, n)
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				_ = Quantize(typ, q, x)
			}
		})
	}
}

func BenchmarkQuantizeRowQ8_0Even(b *testing.B) {
	x := determinismInput()
	q := make([]byte, len(x)/QK*BlockQ8_0Bytes)
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		QuantizeRowQ8_0Even(q, x)
	}
}

// BenchmarkQuantizeQ8_1 is the Q8_1 activation quantiser of the Q4_1 and
// Q5_1 tiles, each implementation.
func BenchmarkQuantizeQ8_1(b *testing.B) {
	x := determinismInput()
	q := make([]byte, len(x)/QK*BlockQ8_1Bytes)
	for _, impl := range quantizeQ8_1K.implNames() {
		b.Run("impl="+impl, func(b *testing.B) {
			defer useKernels(impl)()
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				quantizeQ8_1K.fn(q, x)
			}
		})
	}
}
