// Package bytesize is the arithmetic and the text of memory sizes: sums
// and products that saturate instead of overflowing (estimates of
// hostile shapes must stay comparable with the machine's memory), and the
// one way lcrun writes a size for people.
package bytesize

import (
	"fmt"
	"math"
)

// Mul multiplies sizes, saturating at MaxInt64; 0 if any is not positive.
func Mul(xs ...int64) int64 {
	p := int64(1)
	for _, x := range xs {
		if x <= 0 {
			return 0
		}
		if p > math.MaxInt64/x {
			return math.MaxInt64
		}
		p *= x
	}
	return p
}

// Add adds sizes, saturating at MaxInt64; negative terms count as 0.
func Add(xs ...int64) int64 {
	s := int64(0)
	for _, x := range xs {
		if x <= 0 {
			continue
		}
		if s > math.MaxInt64-x {
			return math.MaxInt64
		}
		s += x
	}
	return s
}

// Format writes n in binary units with two decimals ("1.13 MiB"), or in
// bytes below 1 KiB ("512 bytes").
func Format(n int64) string { return FormatPrec(n, 2) }

// FormatPrec is Format with prec decimals (tables short of room use 1).
func FormatPrec(n int64, prec int) string {
	x := float64(n)
	for _, u := range []struct {
		unit string
		size float64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if x >= u.size {
			return fmt.Sprintf("%.*f %s", prec, x/u.size, u.unit)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
