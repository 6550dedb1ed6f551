package lcrun

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// f16Rows returns nk rows of d N(0,1) values rounded to f16, row stride
// ld, starting off values into a fresh buffer; special (if not zero) is
// written at one cell of every seventh row.
func f16Rows(seed uint64, nk, d, ld, off int, special uint16) []uint16 {
	r := newRand(seed)
	buf := make([]uint16, off+nk*ld)
	for i := range buf {
		buf[i] = F32ToF16(float32(r.NormFloat64()))
	}
	rows := buf[off:]
	if special != 0 && d > 0 {
		for j := 0; j < nk; j += 7 {
			rows[j*ld+(j*5)%d] = special
		}
	}
	return rows
}

// f16Dims are the head dimensions the f16 attention kernels are checked
// at: every tail of 8 and 32 around the vector widths, and real ones.
var f16Dims = []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 63, 64, 65, 67, 80, 128}

// f16Specials: none, +Inf, -Inf, NaN (as f16 bits).
var f16Specials = []uint16{0, 0x7c00, 0xfc00, 0x7e01}

// requireCloseSpecial compares got with want (the Go twin's result):
// NaN where want is NaN, the same infinity where it is infinite, else
// within tol[i].
func requireCloseSpecial(t *testing.T, want, got []float32, tol []float64, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	t.Helper()
	for i, w := range want {
		g := got[i]
		switch {
		case math.IsNaN(float64(w)):
			require.True(t, math.IsNaN(float64(g)), "%s [%d]: got %v, want NaN", msg, i, g)
		case math.IsInf(float64(w), 0):
			require.Equal(t, w, g, "%s [%d]", msg, i)
		default:
			require.LessOrEqual(t, math.Abs(float64(w)-float64(g)), tol[i], "%s [%d]: got %v, want %v", msg, i, g, w)
		}
	}
}

// TestAttentionQKF16 checks every implementation of the f16 score kernel
// against its Go twin. Tolerance: 1e-5 of sum |q_c k_c| per score (float32
// sums of up to 128 products in another order, each exact in float32 up
// to rounding 2^-24).
func TestAttentionQKF16(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, nk := range testLengths() {
			for di, d := range f16Dims {
				if nk > 67 && d != 64 && d != 67 {
					continue
				}
				off := testOffsets[(nk+di)%len(testOffsets)]
				ld := d + off
				special := f16Specials[(nk+di)%len(f16Specials)]
				k := f16Rows(uint64(nk*1000+d), nk, d, ld, off, special)
				q := randVec(newRand(uint64(d)), d, off, 1)
				want := make([]float32, nk)
				attentionQKF16Generic(want, q, k, ld)
				tol := make([]float64, nk)
				for j := range tol {
					var mag float64
					for c := range d {
						mag += math.Abs(float64(q[c]) * float64(F16ToF32(k[j*ld+c])))
					}
					tol[j] = sumTol(mag)
				}
				out := newGuarded(nk, off)
				attentionQKF16K.fn(out.s(), q, k, ld)
				out.check(t)
				requireCloseSpecial(t, want, out.s(), tol, "nk %d d %d", nk, d)
			}
		}
	})
}

// TestAttentionPVF16 checks every implementation of the f16 value kernel
// against its Go twin, accumulating onto a nonzero output. Tolerance:
// 1e-5 of |o_c| + sum_j |p_j v_jc|. Zero probabilities meet the special
// values too (0 * Inf must still give NaN, as the widening path does).
func TestAttentionPVF16(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, nk := range testLengths() {
			for di, d := range f16Dims {
				if nk > 67 && d != 64 && d != 67 {
					continue
				}
				off := testOffsets[(nk+di)%len(testOffsets)]
				ld := d + 2*off
				special := f16Specials[(nk+di)%len(f16Specials)]
				v := f16Rows(uint64(nk*1000+d), nk, d, ld, off, special)
				r := newRand(uint64(nk + d))
				p := randVec(r, nk, off, 1)
				for j := range p {
					p[j] = float32(math.Abs(float64(p[j])))
					if j%5 == 0 {
						p[j] = 0
					}
				}
				o0 := randVec(r, d, 0, 1)
				want := append([]float32(nil), o0...)
				attentionPVF16Generic(want, p, v, ld)
				tol := make([]float64, d)
				for c := range tol {
					mag := math.Abs(float64(o0[c]))
					for j := range nk {
						mag += math.Abs(float64(p[j]) * float64(F16ToF32(v[j*ld+c])))
					}
					tol[c] = sumTol(mag)
				}
				out := newGuarded(d, off).fill(o0)
				attentionPVF16K.fn(out.s(), p, v, ld)
				out.check(t)
				requireCloseSpecial(t, want, out.s(), tol, "nk %d d %d", nk, d)
			}
		}
	})
}
