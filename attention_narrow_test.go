package lcrun

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// narrowCache is nk rows of d N(0,1) values as an f16 or Q8_0 cache
// stores them, row stride ld (uint16 values for f16, bytes for Q8_0)
// with room to spare, starting off units into a fresh buffer. With
// special (f16 bits) not zero, one value (f16) or one block scale (Q8_0)
// of every seventh row is that value.
type narrowCache struct {
	t   DType
	f16 []uint16
	q8  []byte
	ld  int
}

func newNarrowCache(t DType, seed uint64, nk, d, off int, special uint16) narrowCache {
	r := newRand(seed)
	nc := narrowCache{t: t}
	if t == F16 {
		nc.ld = d + off
		buf := make([]uint16, off+nk*nc.ld)
		for i := range buf {
			buf[i] = F32ToF16(float32(r.NormFloat64()))
		}
		nc.f16 = buf[off:]
		if special != 0 && d > 0 {
			for j := 0; j < nk; j += 7 {
				nc.f16[j*nc.ld+(j*5)%d] = special
			}
		}
		return nc
	}
	nb := (d + QK - 1) / QK
	nc.ld = nb*BlockQ8_0Bytes + off
	buf := make([]byte, off+nk*nc.ld)
	nc.q8 = buf[off:]
	for j := range nk {
		quantizeQ8_0K.fn(nc.q8[j*nc.ld:][:nb*BlockQ8_0Bytes], randVec(r, nb*QK, 0, 1))
		if special != 0 && nb > 0 && j%7 == 0 {
			binary.LittleEndian.PutUint16(nc.q8[j*nc.ld+(j%nb)*BlockQ8_0Bytes:], special)
		}
	}
	return nc
}

// at is value c of row j, widened.
func (nc narrowCache) at(j, c int) float32 {
	if nc.t == F16 {
		return F16ToF32(nc.f16[j*nc.ld+c])
	}
	blk := nc.q8[j*nc.ld+c/QK*BlockQ8_0Bytes:]
	return f16At(blk) * float32(int8(blk[Q8_0OffQs+c%QK]))
}

// scores and values run the dispatched kernels (generic: the Go twins).
func (nc narrowCache) scores(s, q []float32, generic bool) {
	switch {
	case nc.t == F16 && generic:
		attentionQKF16Generic(s, q, nc.f16, nc.ld)
	case nc.t == F16:
		attentionQKF16K.fn(s, q, nc.f16, nc.ld)
	case generic:
		attentionQKQ8Generic(s, q, nc.q8, nc.ld)
	default:
		attentionQKQ8K.fn(s, q, nc.q8, nc.ld)
	}
}

func (nc narrowCache) values(o, p []float32, generic bool) {
	switch {
	case nc.t == F16 && generic:
		attentionPVF16Generic(o, p, nc.f16, nc.ld)
	case nc.t == F16:
		attentionPVF16K.fn(o, p, nc.f16, nc.ld)
	case generic:
		attentionPVQ8Generic(o, p, nc.q8, nc.ld)
	default:
		attentionPVQ8K.fn(o, p, nc.q8, nc.ld)
	}
}

// narrowDims are the head dimensions the narrow-cache attention kernels
// are checked at: every tail of 8 and 32 around the vector and block
// widths, and real ones.
var narrowDims = []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 63, 64, 65, 67, 80, 96, 128}

// narrowSpecials: none, +Inf, -Inf, NaN (as f16 bits).
var narrowSpecials = []uint16{0, 0x7c00, 0xfc00, 0x7e01}

// forEachNarrowCase runs f for every cache type, row count (testLengths;
// the large ones at two dimensions only), dimension, unaligned start and
// special value.
func forEachNarrowCase(f func(nc narrowCache, nk, d, off int, name string)) {
	for _, t := range []DType{F16, Q8_0} {
		for _, nk := range testLengths() {
			for di, d := range narrowDims {
				if nk > 67 && d != 64 && d != 67 {
					continue
				}
				off := testOffsets[(nk+di)%len(testOffsets)]
				special := narrowSpecials[(nk+di)%len(narrowSpecials)]
				nc := newNarrowCache(t, uint64(nk*1000+d), nk, d, off, special)
				f(nc, nk, d, off, fmt.Sprintf("%v nk %d d %d off %d", t, nk, d, off))
			}
		}
	}
}

// requireCloseSpecial compares got with want (the Go twin's result):
// NaN where want is NaN, the same infinity where it is infinite, else
// within tol[i]. With loose, an infinite want only asks for a non-finite
// got: an infinite Q8_0 block scale times a block's partial sums gives
// infinities of both signs, whose sum (NaN or not) depends on the order.
func requireCloseSpecial(t *testing.T, want, got []float32, tol []float64, loose bool, msg string) {
	t.Helper()
	for i, w := range want {
		g := got[i]
		switch {
		case loose && math.IsInf(float64(w), 0):
			require.True(t, math.IsNaN(float64(g)) || math.IsInf(float64(g), 0), "%s [%d]: got %v, want %v or NaN", msg, i, g, w)
		case math.IsNaN(float64(w)):
			require.True(t, math.IsNaN(float64(g)), "%s [%d]: got %v, want NaN", msg, i, g)
		case math.IsInf(float64(w), 0):
			require.Equal(t, w, g, "%s [%d]", msg, i)
		default:
			require.LessOrEqual(t, math.Abs(float64(w)-float64(g)), tol[i], "%s [%d]: got %v, want %v", msg, i, g, w)
		}
	}
}

// TestAttentionNarrowScores checks every implementation of the f16 and
// Q8_0 score kernels against their Go twins. Tolerance: 1e-5 of
// sum |q_c k_c| per score (float32 sums of up to 128 products in another
// order; the Q8_0 scale applied per block instead of per value).
func TestAttentionNarrowScores(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		forEachNarrowCase(func(nc narrowCache, nk, d, off int, name string) {
			q := randVec(newRand(uint64(d)), d, off, 1)
			want := make([]float32, nk)
			nc.scores(want, q, true)
			tol := make([]float64, nk)
			for j := range tol {
				var mag float64
				for c := range d {
					mag += math.Abs(float64(q[c]) * float64(nc.at(j, c)))
				}
				tol[j] = sumTol(mag)
			}
			out := newGuarded(nk, off)
			nc.scores(out.s(), q, false)
			out.check(t)
			requireCloseSpecial(t, want, out.s(), tol, nc.t == Q8_0, name)
		})
	})
}

// TestAttentionNarrowValues checks every implementation of the f16 and
// Q8_0 value kernels against their Go twins, accumulating onto a nonzero
// output. Tolerance: 1e-5 of |o_c| + sum_j |p_j v_jc|. Zero probabilities
// meet the special values too (0 * Inf must still give NaN, as the
// widening path does).
func TestAttentionNarrowValues(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		forEachNarrowCase(func(nc narrowCache, nk, d, off int, name string) {
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
			nc.values(want, p, true)
			tol := make([]float64, d)
			for c := range tol {
				mag := math.Abs(float64(o0[c]))
				for j := range nk {
					mag += math.Abs(float64(p[j]) * float64(nc.at(j, c)))
				}
				tol[c] = sumTol(mag)
			}
			out := newGuarded(d, off).fill(o0)
			nc.values(out.s(), p, false)
			out.check(t)
			requireCloseSpecial(t, want, out.s(), tol, nc.t == Q8_0, name)
		})
	})
}
