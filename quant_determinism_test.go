package lcrun

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuantizeSameBytesEverywhere pins the bytes every quantiser writes
// for a fixed input. Go may fuse a*b+c into one FMA on arm64 (and on amd64
// built with GOAMD64=v3) unless the product is explicitly converted; the
// quantisers convert every product that feeds an addition, so their output
// must not depend on the architecture. The digests were recorded on
// amd64 (GOAMD64=v1, which never fuses); CI runs this test on arm64 under
// qemu and with GOAMD64=v3, where a missing conversion would change bytes.
// They must also only change deliberately: a changed quantiser changes
// the models our writer makes.
func TestQuantizeSameBytesEverywhere(t *testing.T) {
	want := map[DType]string{
		F32:    "adafa89a71499261",
		F16:    "0355683ebd4e2593",
		BF16:   "23a518aa1f48064c",
		Q4_0:   "ac235f473fc96594",
		Q4_1:   "12f2e9ac2ef15cfa",
		Q5_0:   "e21164d396b4ef92",
		Q5_1:   "f9000734bc5603ff",
		Q8_0:   "46676319294f7b59",
		Q8_1:   "b52169fe66627ac4",
		Q2_K:   "889312bdaad28911",
		Q3_K:   "e9b9dd61a40e5726",
		Q4_K:   "76eeef02d1ebd7fb",
		Q5_K:   "dac9a7156a583142",
		Q6_K:   "9371a324f5f5a379",
		Q8_K:   "ff257b77fd6f359b",
		TQ1_0:  "3419ff75b5bec2f7",
		TQ2_0:  "d5e372b1ef82fd53",
		IQ4_NL: "044aa50da493bd01",
		IQ4_XS: "9d779bf29bb399ba",
		MXFP4:  "a46e2940f493c94e",
	}
	x := determinismInput()
	for _, typ := range supportedQuant {
		n, err := typ.RowBytes(len(x))
		require.NoError(t, err)
		q := make([]byte, n)
		require.NoError(t, Quantize(typ, q, x))
		sum := sha256.Sum256(q)
		got := hex.EncodeToString(sum[:8])
		assert.Equal(t, want[typ], got, typ.String())
	}
}

// determinismInput is 16 super-blocks of values built from integer
// arithmetic only (no library random or math functions whose
// implementation might change), mixing smooth and rough stretches and a
// few outliers so that every search branch is taken.
func determinismInput() []float32 {
	x := make([]float32, 16*QKK)
	s := uint64(0x243F6A8885A308D3)
	for i := range x {
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		u := float64(s>>40) / (1 << 24) // [0, 1)
		v := 2*u - 1
		switch (i / 64) % 4 {
		case 1:
			v = v * v * v // heavier centre
		case 2:
			v = 0.5 + 0.5*u // all positive
		case 3:
			if s%53 == 0 {
				v *= 40 // outliers
			} else {
				v /= 16
			}
		}
		x[i] = float32(v * math.Ldexp(1, int(i/QKK)%5-2))
	}
	return x
}
