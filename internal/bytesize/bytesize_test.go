package bytesize

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMulAdd(t *testing.T) {
	assert.Equal(t, int64(24), Mul(2, 3, 4))
	assert.Equal(t, int64(1), Mul())
	assert.Zero(t, Mul(2, 0, 4))
	assert.Zero(t, Mul(2, -1))
	assert.Equal(t, int64(math.MaxInt64), Mul(1<<40, 1<<40))
	assert.Equal(t, int64(math.MaxInt64), Mul(math.MaxInt64, 2))
	assert.Equal(t, int64(10), Add(3, 7, -5))
	assert.Equal(t, int64(math.MaxInt64), Add(math.MaxInt64, 1))
	assert.Equal(t, int64(math.MaxInt64), Add(math.MaxInt64-1, math.MaxInt64))
}

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1.00 KiB", 1185376: "1.13 MiB",
		327648: "319.97 KiB", 3 << 30: "3.00 GiB", 5 << 40: "5120.00 GiB",
	} {
		assert.Equal(t, want, Format(n), "%d", n)
	}
	assert.Equal(t, "32.0 MiB", FormatPrec(32<<20, 1))
	assert.Equal(t, "135.4 MiB", FormatPrec(141977600, 1))
}
