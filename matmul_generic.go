package lcrun

// Plain-Go micro-tiles of the float matrix product (see tile in matmul.go).
// The core is a 4-row by 2-column block of dot products with eight
// independent accumulators; F16/BF16 rows are widened a chunk at a time
// into a stack buffer and fed to the same core.

func matmulF32Generic(dst []float32, ldd int, w []float32, ldw int, x []float32, ldx int, k, rows, cols int) {
	var acc [8]float32
	for j := 0; j < cols; j += 2 {
		x0 := x[j*ldx:][:k]
		x1 := x0
		if j+1 < cols {
			x1 = x[(j+1)*ldx:][:k]
		}
		for i := 0; i < rows; i += 4 {
			acc = [8]float32{}
			dot4x2(&acc, rowsOf(w, i, ldw, k, rows), x0, x1)
			storeTile(dst, ldd, &acc, i, j, rows, cols)
		}
	}
}

// rowsOf returns rows i..i+3 of w (row length k, stride ldw), repeating the
// last existing row past the end so the 4-row core needs no special case
// (storeTile drops those results).
func rowsOf[T any](w []T, i, ldw, k, rows int) [4][]T {
	var r [4][]T
	for t := range r {
		row := min(i+t, rows-1)
		r[t] = w[row*ldw:][:k]
	}
	return r
}

// storeTile writes the valid part of a 4x2 accumulator block: acc[2*t+u]
// is row i+t, column j+u.
func storeTile(dst []float32, ldd int, acc *[8]float32, i, j, rows, cols int) {
	for u := 0; u < 2 && j+u < cols; u++ {
		for t := 0; t < 4 && i+t < rows; t++ {
			dst[(j+u)*ldd+i+t] = acc[2*t+u]
		}
	}
}

// dot4x2 adds the dot products of four rows with two columns to acc.
func dot4x2(acc *[8]float32, w [4][]float32, x0, x1 []float32) {
	n := len(x0)
	w0, w1, w2, w3 := w[0][:n], w[1][:n], w[2][:n], w[3][:n]
	x1 = x1[:n]
	s00, s01, s10, s11 := acc[0], acc[1], acc[2], acc[3]
	s20, s21, s30, s31 := acc[4], acc[5], acc[6], acc[7]
	for c := 0; c < n; c++ {
		b0, b1 := x0[c], x1[c]
		a := w0[c]
		s00 += a * b0
		s01 += a * b1
		a = w1[c]
		s10 += a * b0
		s11 += a * b1
		a = w2[c]
		s20 += a * b0
		s21 += a * b1
		a = w3[c]
		s30 += a * b0
		s31 += a * b1
	}
	*acc = [8]float32{s00, s01, s10, s11, s20, s21, s30, s31}
}

// halfChunk is how many values of each row are widened at a time.
const halfChunk = 256

func matmulF16Generic(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int) {
	matmulHalf(dst, ldd, w, ldw, x, ldx, k, rows, cols, false)
}

func matmulBF16Generic(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int) {
	matmulHalf(dst, ldd, w, ldw, x, ldx, k, rows, cols, true)
}

func bf16ToF32Generic(dst []float32, src []uint16) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = BF16ToF32(src[i])
	}
}

// matmulHalf widens up to four rows a chunk at a time and runs the 4x2
// core over the tile's column pairs for that chunk.
//
// The widening functions are called directly (not through a func value)
// so that the chunk buffer stays on the stack.
func matmulHalf(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int, bf16 bool) {
	const colGroup = 4 // columns whose accumulators live across chunks
	var buf [4][halfChunk]float32
	var acc [colGroup / 2][8]float32
	for j0 := 0; j0 < cols; j0 += colGroup {
		j1 := min(j0+colGroup, cols)
		for i := 0; i < rows; i += 4 {
			acc = [colGroup / 2][8]float32{}
			src := rowsOf(w, i, ldw, k, rows)
			for c0 := 0; c0 < k; c0 += halfChunk {
				n := min(halfChunk, k-c0)
				var wr [4][]float32
				for t := range wr {
					wr[t] = buf[t][:n]
					if bf16 {
						bf16ToF32Generic(wr[t], src[t][c0:c0+n])
					} else {
						f16ToF32Generic(wr[t], src[t][c0:c0+n])
					}
				}
				for j := j0; j < j1; j += 2 {
					x0 := x[j*ldx+c0:][:n]
					x1 := x0
					if j+1 < j1 {
						x1 = x[(j+1)*ldx+c0:][:n]
					}
					dot4x2(&acc[(j-j0)/2], wr, x0, x1)
				}
			}
			for j := j0; j < j1; j += 2 {
				storeTile(dst, ldd, &acc[(j-j0)/2], i, j, rows, cols)
			}
		}
	}
}
