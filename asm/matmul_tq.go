package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Ternary block layouts (quant_layout.go in the root package).
const (
	tq1Bytes = 54 // qs[48]: 5 trits a byte, qh[4]: 4 trits a byte, f16 d
	tq1Qs2   = 32 // the 16 bytes of the second run of qs
	tq1Qh    = 48
	tq1D     = 52
	tq2Bytes = 66 // qs[64]: 2 bits a value, f16 d
	tq2D     = 64
)

// matmulTQKernels are the ternary tiles against Q8_K activations: 4 rows
// of W by up to 2 activation rows. A row's block is unpacked into 8
// vectors of 32 digits t (0..2; TQ2_0's 2-bit field can also hold 3),
// vector c standing for values 32c..32c+31, so that it meets the
// activation bytes x.qs[32c:] as they lie. VPMADDUBSW(t, x) is exact in
// int16 (2*3*128 per pair) and so is the sum of the 8 vectors' results
// (8*768 < 32767); VPMADDWD with ones widens it to 8 int32 lanes. The
// digits stand for t-1, so the block's sum of x (from the bsums, once per
// column) is subtracted; the lanes then meet the scale f16(w.d)*x.d as
// the K-quant tiles' do.
func matmulTQKernels() {
	tqTile("matmulTQ1_0AVX2", tq1Bytes, tq1D, tq1Digits)
	tqTile("matmulTQ2_0AVX2", tq2Bytes, tq2D, tq2Digits)
}

// digitsFunc emits the unpacking of the block at w, handing each vector
// of digits to use (c = 0..7, in order) as soon as it is ready, so that
// no more than a few are live at a time. k holds the constants it keeps
// in registers for the whole tile path.
type digitsFunc func(k *vecConsts, w Register, use func(c int, t VecVirtual))

func tqTile(name string, wBlock, offD int, digits digitsFunc) {
	var locals *Mem // [col] 4 float32 scales, then [col] 8 int32 sums of x
	twoColumnTile(name, func(nr int, wp, xp []Register) {
		if locals == nil {
			m := AllocLocal(2*16 + 2*32)
			locals = &m
		}
		scales, xsums := *locals, locals.Offset(2*16)
		pre := fmt.Sprintf("c%d_", nr)
		acc := make([][]VecVirtual, 4) // [row][col]
		for i := range acc {
			acc[i] = zeros(nr)
		}
		consts := &vecConsts{regs: nr == 1, m: map[string]Op{}}
		digits(consts, nil, nil) // load the constants before the loop
		blockLoop(pre, 256, wBlock, q8KBytes, wp, xp, acc, func() {
			tqBlockScales(wp, xp, offD, scales)
			for j, x := range xp {
				s := YMM()
				VMOVDQU(Mem{Base: x, Disp: q8KBsums}, s)
				VPMADDWD(splat32("ones16", 0x00010001), s, s)
				VMOVDQU(s, xsums.Offset(32*j))
			}
			for i := range wp {
				sums := make([]VecVirtual, len(xp)) // int16
				digits(consts, wp[i], func(c int, t VecVirtual) {
					for j, x := range xp {
						p := YMM()
						VPMADDUBSW(Mem{Base: x, Disp: q8KQs + 32*c}, t, p)
						if c == 0 {
							sums[j] = p
						} else {
							VPADDW(p, sums[j], sums[j])
						}
					}
				})
				for j := range xp {
					s := sums[j]
					VPMADDWD(splat32("ones16", 0x00010001), s, s)
					VPSUBD(xsums.Offset(32*j), s, s)
					VCVTDQ2PS(s, s)
					sc := YMM()
					VBROADCASTSS(scales.Offset(16*j+4*i), sc)
					VFMADD231PS(sc, s, acc[i][j])
				}
			}
		})
	})
}

// tqBlockScales puts f16(w.d)*x.d of the block's 4 rows and each column
// in the stack table, as blockScales does with Q8_K's float32 x.d.
func tqBlockScales(wp, xp []Register, offD int, scales Mem) {
	halves, h := GP64(), GP64()
	MOVWQZX(Mem{Base: wp[0], Disp: offD}, halves)
	for i := 1; i < 4; i++ {
		MOVWQZX(Mem{Base: wp[i], Disp: offD}, h)
		SHLQ(U8(16*i), h)
		ORQ(h, halves)
	}
	dw := XMM()
	VMOVQ(halves, dw)
	VCVTPH2PS(dw, dw)
	for j := range xp {
		dx := XMM()
		VBROADCASTSS(Mem{Base: xp[j]}, dx)
		VMULPS(dw, dx, dx)
		VMOVUPS(dx, scales.Offset(16*j))
	}
}

// tq2Digits: value 128h + 32g + l is bits 2g, 2g+1 of qs[32h+l].
func tq2Digits(k *vecConsts, w Register, use func(c int, t VecVirtual)) {
	mask := k.get("bytes3", 0x03030303)
	if w == nil {
		return
	}
	for h := 0; h < 2; h++ {
		q := YMM()
		VMOVDQU(Mem{Base: w, Disp: 32 * h}, q)
		for g := 0; g < 4; g++ {
			t := YMM()
			if g == 0 {
				VPAND(mask, q, t)
			} else {
				VPSRLW(U8(2*g), q, t)
				VPAND(mask, t, t)
			}
			use(4*h+g, t)
		}
	}
}

// tq1Digits: trit n of a byte b is the top base-3 digit of b*3^n mod
// 256, that is (m*3) >> 8 for m = uint8(b*3^n), which is
// [m > 85] + [m > 170]. The bytes are kept with their top bit flipped,
// m' = m ^ 0x80 = m + 128 mod 256, which multiplying by an odd c keeps
// (c*(m'-128) + 128 = c*m' - 128*(c-1)), so that the unsigned compares
// become signed ones: m > 85 is m' > -43 and m > 170 is m' > 42 as int8
// (checked for every byte). Each true compare is -1, so t = |c1 + c2|.
// Byte products by 3 and 9 are byte adds (8m as a word shift with the
// bits crossing bytes masked off), mod 256 as they must be.
//
// Values 0..159 are trit n of qs[0:32] for n = 0..4: vectors 0..4.
// Values 160..239 are trit n of qs[32:48] in 16-byte runs and 240..255
// trit n of qh[j] at 240 + 4n + j: the 16 bytes in both lanes times
// 1|3, 9|27 and 81|(a lane of qh bytes times 1, 3, 9, 27 by dword) make
// vectors 5..7.
func tq1Digits(k *vecConsts, w Register, use func(c int, t VecVirtual)) {
	flip := k.get("bytes80", 0x80808080)
	k.get("bytesD5", 0xd5d5d5d5)
	k.get("bytes2A", 0x2a2a2a2a)
	k.get("bytesF8", 0xf8f8f8f8)
	if w == nil {
		return
	}
	q := YMM()
	VMOVDQU(Mem{Base: w}, q)
	VPXOR(flip, q, q)
	use(0, topTrit(k, q))
	m1 := YMM()
	VPADDB(q, q, m1)
	VPADDB(q, m1, m1)
	use(1, topTrit(k, m1))
	m2 := times9(k, q)
	use(2, topTrit(k, m2))
	use(3, topTrit(k, times9(k, m1)))
	use(4, topTrit(k, times9(k, m2)))

	r := YMM()
	VBROADCASTI128(Mem{Base: w, Disp: tq1Qs2}, r)
	VPXOR(flip, r, r)
	r3 := YMM() // lane 0 times 1, lane 1 times 3
	VPADDB(r, r, r3)
	VPAND(laneMask(), r3, r3)
	VPADDB(r, r3, r3)
	use(5, topTrit(k, r3))
	r27 := times9(k, r3)
	use(6, topTrit(k, r27))
	r81 := times9(k, r27) // lane 0: 81 times the run; lane 1 is replaced by qh
	// qh's 4 bytes in every dword; word j of the high lane (bytes 2j,
	// 2j+1, both of dword j/2) times 3^(j/2). VPMULLW gets the low byte
	// of each word right; the high byte's product comes from the word
	// with its low byte cleared.
	qh := YMM()
	VPBROADCASTD(Mem{Base: w, Disp: tq1Qh}, qh)
	VPXOR(flip, qh, qh)
	lo, hi := YMM(), YMM()
	VPMULLW(qhPowers(), qh, lo)
	VPAND(splat32("lowbytes16", 0x00ff00ff), lo, lo)
	VPAND(splat32("highbytes16", 0xff00ff00), qh, hi)
	VPMULLW(qhPowers(), hi, hi)
	VPOR(lo, hi, hi)
	VPBLENDD(U8(0xf0), hi, r81, r81)
	use(7, topTrit(k, r81))
}

// times9 returns 9m mod 256 per byte: (m << 3) with each byte's low three
// bits (which came from the byte below) cleared, plus m.
func times9(k *vecConsts, m VecVirtual) VecVirtual {
	t := YMM()
	VPSLLW(U8(3), m, t)
	VPAND(k.get("bytesF8", 0xf8f8f8f8), t, t)
	VPADDB(m, t, t)
	return t
}

// topTrit returns (m*3) >> 8 per byte of m = m' ^ 0x80.
func topTrit(k *vecConsts, m VecVirtual) VecVirtual {
	c1, c2 := YMM(), YMM()
	VPCMPGTB(k.get("bytesD5", 0xd5d5d5d5), m, c1)
	VPCMPGTB(k.get("bytes2A", 0x2a2a2a2a), m, c2)
	VPADDB(c1, c2, c1)
	VPABSB(c1, c1)
	return c1
}

// laneMask selects the high 128-bit lane.
func laneMask() Mem {
	return tableOf("lane1", 8, func(i int) uint32 {
		if i >= 4 {
			return 0xffffffff
		}
		return 0
	})
}

// qhPowers are the word multipliers of tq1Digits's qh lane: 3^(k/2) for
// word k of the high lane (the low lane's products are discarded).
func qhPowers() Mem {
	return tableOf("qh_pow3", 8, func(i int) uint32 {
		if i < 4 {
			return 0x00010001
		}
		p := uint32([]int{1, 3, 9, 27}[i-4])
		return p | p<<16
	})
}
