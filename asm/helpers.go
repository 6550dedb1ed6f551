package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/gotypes"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// ret leaves a function that used Y registers: VZEROUPPER first, so the
// caller's SSE code does not pay the AVX-to-SSE transition.
func ret() {
	VZEROUPPER()
	RET()
}

// consts holds the 32-byte constant vectors of the set being generated,
// one static global each, so instructions can take them as memory operands.
var consts = map[string]Mem{}

// table returns the static global name holding words, made on first use:
// constants instructions take as memory operands (32 bytes for a vector).
func table(name string, words ...uint32) Mem {
	if m, ok := consts[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i, w := range words {
		DATA(4*i, U32(w))
	}
	consts[name] = m
	return m
}

// tableOf is table with word i = f(i), for n words.
func tableOf(name string, n int, f func(i int) uint32) Mem {
	words := make([]uint32, n)
	for i := range words {
		words[i] = f(i)
	}
	return table(name, words...)
}

// bytesTable is table for 32 bytes, byte i = f(i) (VPSHUFB controls).
func bytesTable(name string, f func(i int) uint8) Mem {
	return tableOf(name, 8, func(w int) uint32 {
		var v uint32
		for b := 3; b >= 0; b-- {
			v = v<<8 | uint32(f(4*w+b))
		}
		return v
	})
}

// splat32 returns a 32-byte global holding eight copies of the 32-bit
// pattern bits, named after what it is.
func splat32(name string, bits uint32) Mem {
	return tableOf(name, 8, func(int) uint32 { return bits })
}

// splatF32 is splat32 for a float32 value.
func splatF32(name string, v float32) Mem { return splat32(name, math.Float32bits(v)) }

// tailMasks is 8 all-ones words then 8 zero words: the 32 bytes at
// tailMasks+4*(8-r) select the first r lanes of a vector (VMASKMOVPS).
func tailMasks() Mem {
	return tableOf("tailmask", 16, func(i int) uint32 {
		if i < 8 {
			return 0xffffffff
		}
		return 0
	})
}

// loadTailMask returns a mask selecting the first n lanes, 0 < n < 8.
func loadTailMask(n Register) VecVirtual {
	base := GP64()
	LEAQ(tailMasks(), base)
	idx := GP64()
	MOVQ(n, idx)
	NEGQ(idx)
	mask := YMM()
	VMOVDQU(Mem{Base: base, Index: idx, Scale: 4, Disp: 32}, mask)
	return mask
}

// lanes is one step of a float32 stream loop: the vector at byte offset
// off from every stream pointer, whole (mask nil) or the first lanes
// selected by mask (the tail; unselected lanes read as zero and are never
// written, so nothing past the slices is touched).
type lanes struct {
	ptrs []Register
	off  int
	mask VecVirtual
}

// at is the memory operand of stream p.
func (l lanes) at(p int) Mem { return Mem{Base: l.ptrs[p], Disp: l.off} }

// load reads stream p into a new register.
func (l lanes) load(p int) VecVirtual {
	v := YMM()
	if l.mask == nil {
		VMOVUPS(l.at(p), v)
	} else {
		VMASKMOVPS(l.at(p), l.mask, v)
	}
	return v
}

// operand gives stream p as an instruction source: memory when the whole
// vector may be read, else a masked load.
func (l lanes) operand(p int) Op {
	if l.mask == nil {
		return l.at(p)
	}
	return l.load(p)
}

// store writes v to stream p.
func (l lanes) store(v VecVirtual, p int) {
	if l.mask == nil {
		VMOVUPS(v, l.at(p))
	} else {
		VMASKMOVPS(v, l.mask, l.at(p))
	}
}

// streamLoop emits a loop over n float32 values read from or written to
// the streams ptrs (all advanced together): unroll vectors of 8 per
// iteration, then single vectors, then one masked vector for the last
// n%8. body emits the work for one vector; idx says which of the unrolled
// vectors it is (0 in the single and tail loops), so bodies can keep
// per-slot accumulators. n and the pointers are consumed. name prefixes
// the labels, so one function can hold several loops.
func streamLoop(name string, n Register, ptrs []Register, unroll int, body func(l lanes, idx int)) {
	wide, single, tail, done := name+"_wide", name+"_single", name+"_tail", name+"_done"
	advance := func(floats int) {
		for _, p := range ptrs {
			ADDQ(U32(4*floats), p)
		}
		SUBQ(U32(floats), n)
	}
	Label(wide)
	CMPQ(n, U32(8*unroll))
	JB(LabelRef(single))
	for i := 0; i < unroll; i++ {
		body(lanes{ptrs: ptrs, off: 32 * i}, i)
	}
	advance(8 * unroll)
	JMP(LabelRef(wide))

	Label(single)
	CMPQ(n, U32(8))
	JB(LabelRef(tail))
	body(lanes{ptrs: ptrs}, 0)
	advance(8)
	JMP(LabelRef(single))

	Label(tail)
	TESTQ(n, n)
	JZ(LabelRef(done))
	body(lanes{ptrs: ptrs, mask: loadTailMask(n)}, 0)
	Label(done)
}

// hsum adds the 8 lanes of v; the result is in the low lane of the
// returned X register.
func hsum(v VecVirtual) Register {
	hi := XMM()
	VEXTRACTF128(U8(1), v, hi)
	lo := v.AsX()
	VADDPS(hi, lo, lo)
	VMOVHLPS(lo, hi, hi)
	VADDPS(hi, lo, lo)
	VMOVSHDUP(lo, hi)
	VADDSS(hi, lo, lo)
	return lo
}

// hsumPD adds the 4 float64 lanes of v into the low lane.
func hsumPD(v VecVirtual) Register {
	hi := XMM()
	VEXTRACTF128(U8(1), v, hi)
	lo := v.AsX()
	VADDPD(hi, lo, lo)
	VUNPCKHPD(lo, lo, hi)
	VADDSD(hi, lo, lo)
	return lo
}

// broadcastParam loads float32 parameter name into all 8 lanes.
func broadcastParam(name string) VecVirtual {
	x := XMM()
	loadF32(name, x)
	y := YMM()
	VBROADCASTSS(x, y)
	return y
}

// sliceArgs loads the data pointers of the named slice parameters and the
// length of the first one.
func sliceArgs(names ...string) (n Register, ptrs []Register) {
	n = Load(Param(names[0]).Len(), GP64())
	for _, name := range names {
		ptrs = append(ptrs, Load(Param(name).Base(), GP64()))
	}
	return n, ptrs
}

// zeros returns k zeroed Y registers.
func zeros(k int) []VecVirtual {
	v := make([]VecVirtual, k)
	for i := range v {
		v[i] = YMM()
		VXORPS(v[i], v[i], v[i])
	}
	return v
}

func must(cond bool, format string, args ...any) {
	if !cond {
		panic(fmt.Sprintf(format, args...))
	}
}

// vecConsts are the constant vectors a tile path reads per block, loaded
// into registers once per path where registers allow (a GEMV path, with
// one column's accumulators; the two-column paths read them from memory).
// From registers they cost no load per use: a GEMV's blocks otherwise
// spend more load-port slots on constants than on weights.
type vecConsts struct {
	regs   bool
	frozen bool // the loop has begun: constants not yet loaded stay in memory
	m      map[string]Op
}

// newVecConsts returns the constants of a tile path with nr columns: in
// registers for the GEMV (nr == 1).
func newVecConsts(nr int) *vecConsts { return &vecConsts{regs: nr == 1, m: map[string]Op{}} }

// get returns the constant named name (a splat32 of bits).
func (k *vecConsts) get(name string, bits uint32) Op {
	if op, ok := k.m[name]; ok {
		return op
	}
	return k.op(name, splat32(name, bits))
}

// op returns the constant m (a table named name), in a register if k
// keeps them there.
func (k *vecConsts) op(name string, m Mem) Op {
	if op, ok := k.m[name]; ok {
		return op
	}
	if !k.regs || k.frozen {
		return m
	}
	v := YMM()
	VMOVDQU(m, v)
	k.m[name] = v
	return v
}

// loadF32 loads float32 parameter name into x with VMOVSS, and storeF32
// stores x as the float32 result: avo's Load and Store use SSE's MOVSS,
// which after 256-bit instructions costs an AVX-SSE transition (on the
// AMD EPYC of our measurements it made the decode scan six times slower).
func loadF32(name string, x Op) {
	VMOVSS(paramAddr(Param(name)), x)
}

func storeF32(x Op) {
	VMOVSS(x, paramAddr(ReturnIndex(0)))
}

func paramAddr(c gotypes.Component) Mem {
	b, err := c.Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}
