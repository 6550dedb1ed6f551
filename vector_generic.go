package lcrun

import "math"

// Plain-Go twins of the vector slots (vector.go says what each computes).
// They are the reference for the assembly and the fallback on CPUs without
// it, so they are written to be fast in Go too: loops unrolled by four with
// independent accumulators, slices resliced to a common length so the
// compiler drops the bounds checks.

func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4] // one bounds check per four
		s0 += xs[0] * ys[0]
		s1 += xs[1] * ys[1]
		s2 += xs[2] * ys[2]
		s3 += xs[3] * ys[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpyGeneric(a float32, x, y []float32) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
		ys[0] += a * xs[0]
		ys[1] += a * xs[1]
		ys[2] += a * xs[2]
		ys[3] += a * xs[3]
	}
	for ; i < len(x); i++ {
		y[i] += a * x[i]
	}
}

func scaleGeneric(a float32, x []float32) {
	for i := range x {
		x[i] *= a
	}
}

func addGeneric(dst, x, y []float32) {
	x = x[:len(dst)]
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

func mulGeneric(dst, x, y []float32) {
	x = x[:len(dst)]
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

func maxGeneric(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

func expSumGeneric(x []float32, m float32) float32 {
	var s0, s1 float32
	i := 0
	for ; i+2 <= len(x); i += 2 {
		e0 := expf(x[i] - m)
		e1 := expf(x[i+1] - m)
		x[i], x[i+1] = e0, e1
		s0 += e0
		s1 += e1
	}
	if i < len(x) {
		e := expf(x[i] - m)
		x[i] = e
		s0 += e
	}
	return s0 + s1
}

func rmsNormGeneric(dst, x, w []float32, eps float32) {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs := x[i : i+4 : i+4]
		s0 += float64(xs[0] * xs[0])
		s1 += float64(xs[1] * xs[1])
		s2 += float64(xs[2] * xs[2])
		s3 += float64(xs[3] * xs[3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i] * x[i])
	}
	mean := float32((s0 + s1 + s2 + s3) / float64(len(x)))
	s := 1 / float32(math.Sqrt(float64(mean+eps)))
	dst = dst[:len(x)]
	if w == nil {
		for i, v := range x {
			dst[i] = v * s
		}
		return
	}
	w = w[:len(x)]
	for i, v := range x {
		dst[i] = (v * s) * w[i]
	}
}

func silu(x float32) float32 { return x / (1 + expf(-x)) }

func siluGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = silu(x[i])
	}
}

func gelu(x float32) float32 {
	const (
		sqrt2OverPi = 0.79788456080286535587989211986876
		coefA       = 0.044715
	)
	switch {
	case x <= -10:
		return 0
	case x >= 10:
		return x
	case x != x:
		return x
	}
	z := sqrt2OverPi * x * (1 + coefA*x*x)
	// tanh(z) = 1 - 2/(exp(2z)+1); |z| < 10 here, so no overflow.
	t := 1 - 2/(expf(2*z)+1)
	return 0.5 * x * (1 + t)
}

func geluGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = gelu(x[i])
	}
}

func swigluGeneric(dst, gate, up []float32) {
	gate = gate[:len(dst)]
	up = up[:len(dst)]
	for i := range dst {
		dst[i] = silu(gate[i]) * up[i]
	}
}

func ropeGeneric(x, cos, sin []float32, neox bool) {
	m := len(cos)
	sin = sin[:m]
	if neox {
		lo, hi := x[:m], x[m:2*m]
		for i, c := range cos {
			x0, x1 := lo[i], hi[i]
			lo[i] = x0*c - x1*sin[i]
			hi[i] = x0*sin[i] + x1*c
		}
		return
	}
	x = x[:2*m]
	for i, c := range cos {
		x0, x1 := x[2*i], x[2*i+1]
		x[2*i] = x0*c - x1*sin[i]
		x[2*i+1] = x0*sin[i] + x1*c
	}
}

func f16ToF32Generic(dst []float32, src []uint16) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = F16ToF32(src[i])
	}
}

func f32ToF16Generic(dst []uint16, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = F32ToF16(src[i])
	}
}
