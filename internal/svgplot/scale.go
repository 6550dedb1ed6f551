package svgplot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// rgb is a colour with channels in 0..255.
type rgb struct{ r, g, b float64 }

func (c rgb) String() string {
	return fmt.Sprintf("#%02x%02x%02x", clampByte(c.r), clampByte(c.g), clampByte(c.b))
}

func clampByte(x float64) int {
	return int(math.Max(0, math.Min(255, math.Round(x))))
}

// luminance is the relative brightness people see (Rec. 709 weights on
// the gamma-encoded channels, good enough to pick black or white text).
func (c rgb) luminance() float64 { return (0.2126*c.r + 0.7152*c.g + 0.0722*c.b) / 255 }

// badToGood runs from red (t = 0, retrieval failed) through amber and
// yellow to green (t = 1): the reading of a needle-in-a-haystack map.
var badToGood = []rgb{
	{178, 34, 34},  // firebrick
	{230, 110, 40}, // orange
	{245, 200, 66}, // amber
	{170, 205, 80}, // yellow-green
	{40, 140, 70},  // green
}

// colourAt interpolates the stops linearly at t in [0, 1].
func colourAt(stops []rgb, t float64) rgb {
	if math.IsNaN(t) {
		return rgb{200, 200, 200}
	}
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(stops)-1)
	i := int(f)
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	u := f - float64(i)
	a, b := stops[i], stops[i+1]
	return rgb{a.r + u*(b.r-a.r), a.g + u*(b.g-a.g), a.b + u*(b.b-a.b)}
}

// niceTicks returns round values (1, 2 or 5 times a power of ten apart)
// covering [lo, hi] with about n ticks, all inside [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 2 {
		return []float64{lo}
	}
	step := niceStep((hi - lo) / float64(n-1))
	first := math.Ceil(lo/step-1e-9) * step
	var ticks []float64
	for x := first; x <= hi+step*1e-9; x += step {
		ticks = append(ticks, cleanZero(math.Round(x/step)*step))
	}
	return ticks
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// logTicks returns 1-2-5 values inside [lo, hi] (lo > 0) for a log axis,
// dropping the 2s and 5s when the range spans many decades.
func logTicks(lo, hi float64) []float64 {
	mults := []float64{1, 2, 5}
	decades := math.Log10(hi / lo)
	switch {
	case decades > 6:
		mults = []float64{1}
	case decades > 2.5:
		mults = []float64{1, 3}
	case decades < 0.7:
		mults = []float64{1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9}
	}
	var ticks []float64
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for _, m := range mults {
			if v := m * p; v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				ticks = append(ticks, v)
			}
		}
	}
	return ticks
}

func cleanZero(x float64) float64 {
	if math.Abs(x) < 1e-12 {
		return 0
	}
	return x
}

// tickLabel formats a tick value with no more digits than it needs.
func tickLabel(x float64) string {
	ax := math.Abs(x)
	switch {
	case x == 0:
		return "0"
	case ax >= 1e6 || ax < 1e-3:
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	s := strconv.FormatFloat(x, 'f', 4, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
