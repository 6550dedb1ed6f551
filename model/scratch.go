package model

import "github.com/lcrun/lcrun/internal/bytesize"

// scratchBuf is one of a state's per-token scratch buffers: a micro-batch
// of Batch tokens gets Batch*width float32s. An architecture lists its
// buffers once; allocating them and counting them for the memory estimate
// both read that list, so the two cannot disagree.
type scratchBuf struct {
	buf   *[]float32
	width int
}

// allocScratch carves every buffer for batch tokens out of one slab.
func allocScratch(bufs []scratchBuf, batch int) {
	slab := make([]float32, batch*scratchWidth(bufs))
	for _, b := range bufs {
		n := batch * b.width
		*b.buf = slab[:n:n]
		slab = slab[n:]
	}
}

// scratchBytes is what allocScratch allocates, saturating for sizes no
// machine holds.
func scratchBytes(bufs []scratchBuf, batch int) int64 {
	return bytesize.Mul(4, int64(batch), int64(scratchWidth(bufs)))
}

func scratchWidth(bufs []scratchBuf) int {
	n := 0
	for _, b := range bufs {
		n += b.width
	}
	return n
}
