package lcrun

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzVectorImpls feeds arbitrary float32 bit patterns (NaN, Inf,
// subnormals, huge values) and lengths to every implementation of the
// vector slots. Kernels whose result is one rounding per element must
// match the plain-Go twin bit for bit (NaN payloads aside); all others
// must at least leave the guard cells around their outputs alone and agree
// with the twin on moderate inputs.
func FuzzVectorImpls(f *testing.F) {
	f.Add([]byte{0}, uint8(0))
	f.Add(make([]byte, 4*67), uint8(3))
	seed := make([]byte, 4*40)
	for i := range 40 {
		binary.LittleEndian.PutUint32(seed[4*i:], math.Float32bits(float32(i)-17.5))
	}
	binary.LittleEndian.PutUint32(seed[8:], 0x7f800000)  // +Inf
	binary.LittleEndian.PutUint32(seed[12:], 0xff800000) // -Inf
	binary.LittleEndian.PutUint32(seed[16:], 0x7fc00000) // NaN
	binary.LittleEndian.PutUint32(seed[20:], 0x00000003) // subnormal
	f.Add(seed, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		n := len(data) / 8
		o := int(off % 4)
		x, y := make([]float32, n+o), make([]float32, n+o)
		moderate := true
		for i := range n {
			x[o+i] = math.Float32frombits(binary.LittleEndian.Uint32(data[8*i:]))
			y[o+i] = math.Float32frombits(binary.LittleEndian.Uint32(data[8*i+4:]))
			if !(math.Abs(float64(x[o+i])) < 1e3 && math.Abs(float64(y[o+i])) < 1e3) {
				moderate = false
			}
		}
		x, y = x[o:], y[o:]

		a := float32(0.75)
		if n > 0 {
			a = y[0]
		}
		exact := []struct {
			name string
			run  func(dst []float32) // through the slots, whichever implementation they hold
			ref  func(dst []float32)
		}{
			{"add", func(d []float32) { addK.fn(d, x, y) }, func(d []float32) { addGeneric(d, x, y) }},
			{"mul", func(d []float32) { mulK.fn(d, x, y) }, func(d []float32) { mulGeneric(d, x, y) }},
			{"scale", func(d []float32) { copy(d, x); scaleK.fn(a, d) }, func(d []float32) { copy(d, x); scaleGeneric(a, d) }},
			{"f16", func(d []float32) {
				h := make([]uint16, n)
				f32ToF16K.fn(h, x)
				f16ToF32K.fn(d, h)
			}, func(d []float32) {
				h := make([]uint16, n)
				f32ToF16Generic(h, x)
				f16ToF32Generic(d, h)
			}},
		}
		for _, name := range kernelImpls() {
			restore := useKernels(name)
			for _, k := range exact {
				want := make([]float32, n)
				k.ref(want)
				g := newGuarded(n, o)
				k.run(g.s())
				g.check(t)
				for e, v := range g.s() {
					if math.Float32bits(v) != math.Float32bits(want[e]) && !(v != v && want[e] != want[e]) {
						restore()
						t.Fatalf("%s %s element %d: %v, generic %v", k.name, name, e, v, want[e])
					}
				}
			}
			restore()
		}

		for i := range len(maxK.impls) {
			m := maxK.impls[i].fn(x)
			if w := maxGeneric(x); m != w && !(m != m && w != w) {
				t.Fatalf("max impl %d: %v, generic %v", i, m, w)
			}
		}
		unary := map[string][]impl[func(dst, x []float32)]{"silu": siluK.impls, "gelu": geluK.impls}
		for name, impls := range unary {
			want := make([]float32, n)
			impls[0].fn(want, x)
			for _, im := range impls[1:] {
				g := newGuarded(n, o)
				im.fn(g.s(), x)
				g.check(t)
				for e, v := range g.s() {
					if moderate && math.Abs(float64(v-want[e])) > 1e-5*(1+math.Abs(float64(want[e]))) {
						t.Fatalf("%s %s element %d (x=%v): %v, generic %v", name, im.name, e, x[e], v, want[e])
					}
				}
			}
		}
		for _, im := range dotK.impls {
			got, want := im.fn(x, y), dotGeneric(x, y)
			if moderate {
				var mag float64
				for e := range x {
					mag += math.Abs(float64(x[e]) * float64(y[e]))
				}
				if math.Abs(float64(got-want)) > 2*sumTol(mag) {
					t.Fatalf("dot %s: %v, generic %v", im.name, got, want)
				}
			}
		}
		for _, im := range axpyK.impls {
			g := newGuarded(n, o).fill(y)
			im.fn(0.5, x, g.s())
			g.check(t)
		}
		for _, im := range expSumK.impls {
			g := newGuarded(n, o).fill(x)
			im.fn(g.s(), maxGeneric(x))
			g.check(t)
		}
		if n > 0 {
			for _, im := range rmsNormK.impls {
				g := newGuarded(n, o)
				im.fn(g.s(), x, y, 1e-5)
				g.check(t)
			}
		}
	})
}
