package machine

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadProbe checks the read probe in use against its plain-Go twin:
// the xor of every 64-bit word, so a loop that skips or repeats a block
// gives a different value.
func TestReadProbe(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	q := machineProbe.readQuantum
	for _, n := range []int{0, 1, 2, 3, 7, 64, 1000} {
		p := make([]byte, n*q+8) // the extra word is past the probe's length
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		want := readLoopGeneric(p[:n*q])
		require.Equal(t, want, machineProbe.read(p[:n*q]), "%s, %d bytes", machineProbe.name, n*q)
		if n > 0 {
			p[r.IntN(n*q)] ^= 0x10
			assert.NotEqual(t, want, machineProbe.read(p[:n*q]), "a changed byte changes the result")
		}
	}
	assert.Equal(t, uint64(0x0807060504030201^0x100f0e0d0c0b0a09), readLoopGeneric([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
}

// TestMeasure runs each probe briefly: the figures are machine-dependent,
// so the test checks they are positive and finite, and that two threads
// do not report less work than a tenth of one (they share a core at worst).
func TestMeasure(t *testing.T) {
	d := 20 * time.Millisecond
	one := MeasureFMAPeak(1, d)
	require.Greater(t, one, 0.0)
	two := MeasureFMAPeak(2, d)
	require.Greater(t, two, one/10)
	assert.Greater(t, MeasureMemRead(1<<20, 2, d), 0.0)
	assert.Greater(t, MeasureMemRead(1<<20, 1, d), 0.0)
	assert.Equal(t, 0.0, MeasureMemRead(4, 3, d), "a buffer smaller than one step per thread reads nothing")
	assert.Greater(t, MeasureMemCopy(1<<20, d), 0.0)
	assert.Equal(t, 0.0, MeasureMemCopy(0, d))
	assert.Contains(t, []string{"avx2", "neon", "generic"}, Probes())
	fmaLoopGeneric(10)
	assert.Greater(t, fmaSink, float32(0))
}

// TestParallelRateCountsLateStarts pins the fix of a zero FMA peak under
// qemu: a goroutine that woke after the measuring time had passed (waking
// a locked OS thread under emulation takes longer than the 333 µs a round
// of lcrun bench --time 1ms gets) counted no work, so every round, and the
// figure, came out 0. Every thread now counts at least one timed call; a
// zero duration is the extreme case.
func TestParallelRateCountsLateStarts(t *testing.T) {
	for _, threads := range []int{1, 2, 4} {
		for _, d := range []time.Duration{0, time.Nanosecond} {
			var mu sync.Mutex
			calls := 0
			rate := parallelRate(threads, d, func() float64 {
				mu.Lock()
				calls++
				mu.Unlock()
				return 1e3
			})
			assert.Greater(t, rate, 0.0, "%d threads, %s", threads, d)
			assert.False(t, math.IsInf(rate, 0), "%d threads, %s", threads, d)
			assert.Equal(t, 2*threads, calls, "one warm-up and one timed call per thread")
		}
	}
}
