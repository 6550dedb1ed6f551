package lcrun

import "math"

// expf is a float32 exponential within 2 ulp of the true value over the
// whole range (subnormal results included), cheap enough to call per
// element: Cody-Waite reduction x = n*ln2 + r with |r| <= ln2/2, a degree-6
// polynomial for exp(r) (Cephes' expf coefficients), then a scale by 2^n
// done as two exact power-of-two multiplies so that results near the
// overflow and underflow ends need no special path. Assembly versions
// follow the same steps lane by lane.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375 // few mantissa bits: n*ln2hi is exact
		ln2lo = -2.12194440e-4
		magic = 12582912 // 1.5*2^23: adding and subtracting it rounds to an integer
		hi    = 88.72283935546875
		lo    = -103.97207708
	)
	if !(x < hi) { // +Inf, overflow, NaN
		if x != x {
			return x
		}
		return float32(math.Inf(1))
	}
	if x < lo {
		return 0
	}
	n := (x*log2e + magic) - magic
	r := x - n*ln2hi
	r -= n * ln2lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	ni := int32(n)
	h := ni >> 1
	s1 := math.Float32frombits(uint32(h+127) << 23)
	s2 := math.Float32frombits(uint32(ni-h+127) << 23)
	return p * s1 * s2
}
