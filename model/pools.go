package model

import lc "github.com/lcrun/lcrun"

// kernelPools are a session state's two ways to run a kernel: the
// session's pool, and one thread (the caller's) for calls too small to be
// worth waking the workers.
type kernelPools struct {
	pool   *lc.Pool
	serial *lc.Pool
}

func newKernelPools(pool *lc.Pool) kernelPools {
	return kernelPools{pool: pool, serial: lc.NewPool(1)}
}

// minParallelWork is the fewest multiply-adds a kernel call shares among
// the pool's threads: below it, waking the workers (a few microseconds)
// costs more than it saves. Small models decode twice as fast with it.
const minParallelWork = 1 << 18

// poolFor picks the pool for a kernel call of the given work.
func (k kernelPools) poolFor(work int) *lc.Pool {
	if work < minParallelWork {
		return k.serial
	}
	return k.pool
}

// matmul is Pool.MatMul on the pool the product's size deserves.
func (k kernelPools) matmul(dst []float32, w lc.Matrix, x []float32, n int) {
	k.poolFor(w.Rows*w.Cols*n).MatMul(dst, w, x, n)
}

// matmulMany is Pool.MatMulMany (products of one input as one parallel
// loop) on the pool their total size deserves.
func (k kernelPools) matmulMany(dst [][]float32, ws []lc.Matrix, x []float32, n int) {
	work := 0
	for _, w := range ws {
		work += w.Rows * w.Cols * n
	}
	k.poolFor(work).MatMulMany(dst, ws, x, n)
}
