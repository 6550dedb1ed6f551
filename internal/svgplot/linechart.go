package svgplot

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// LineChart draws one or more series against a shared x axis, e.g.
// perplexity by token position, one line per RoPE scaling method.
type LineChart struct {
	Title    string
	Subtitle string
	XLabel   string
	YLabel   string
	Series   []Series
	// LogY puts the y axis on a log scale (all values must be > 0; others
	// are left out of the line).
	LogY bool
	// YMax, when > 0, clips the axis (values above are drawn along the top
	// edge), so one exploding line does not flatten the rest.
	YMax float64
	// Marks are vertical dashed lines with a label, e.g. the trained
	// context length.
	Marks []Mark
}

// Series is one line: points (X[i], Y[i]); NaN values break the line.
type Series struct {
	Name string
	X, Y []float64
}

// Mark is a labelled vertical reference line at X.
type Mark struct {
	X     float64
	Label string
}

// palette holds line colours that stay apart for people with the common
// colour-vision deficiencies (the Okabe-Ito set), plus distinct dashes.
var palette = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442"}
var dashes = []string{"", "7 4", "2 3", "9 3 2 3"}

// seriesDash gives series i a dash pattern; once the colours repeat the
// patterns shift, so no two of the first 32 series look the same.
func seriesDash(i int) string { return dashes[(i+i/len(palette))%len(dashes)] }

// Layout constants of the line chart, px.
const (
	lcMargin = 16
	lcPlotW  = 620
	lcPlotH  = 340
	lcSwatch = 28
)

// WriteSVG draws the chart.
func (lc *LineChart) WriteSVG(w io.Writer) error {
	if len(lc.Series) == 0 {
		return errors.New("svgplot: line chart with no series")
	}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, s := range lc.Series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("svgplot: series %q has %d x values and %d y values", s.Name, len(s.X), len(s.Y))
		}
		for i, x := range s.X {
			y := s.Y[i]
			if !lc.usable(x, y) {
				continue
			}
			xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
		}
	}
	if xlo > xhi {
		return errors.New("svgplot: line chart with no finite points")
	}
	for _, m := range lc.Marks {
		xlo, xhi = math.Min(xlo, m.X), math.Max(xhi, m.X)
	}
	if lc.YMax > 0 && yhi > lc.YMax {
		yhi = lc.YMax
	}
	ylo, yhi = lc.padY(ylo, yhi)
	if xlo == xhi {
		xlo, xhi = xlo-1, xhi+1
	}

	var yticks []float64
	if lc.LogY {
		yticks = logTicks(ylo, yhi)
	} else {
		yticks = niceTicks(ylo, yhi, 6)
	}
	// The x axis ends on round values so its first and last ticks show.
	step := niceStep((xhi - xlo) / 6)
	xlo, xhi = math.Floor(xlo/step)*step, math.Ceil(xhi/step)*step
	xticks := niceTicks(xlo, xhi, 7)

	yTickW := 0.0
	for _, t := range yticks {
		yTickW = math.Max(yTickW, textWidth(tickLabel(t), tickSize))
	}
	legendW := 0.0
	for _, s := range lc.Series {
		legendW = math.Max(legendW, textWidth(s.Name, labelSize))
	}
	legendW += lcSwatch + 8
	yLabelW := 0.0
	if lc.YLabel != "" {
		yLabelW = labelSize * 1.8
	}
	left := lcMargin + yLabelW + yTickW + 8
	width := left + lcPlotW + 20 + legendW + lcMargin
	top := titleHeight(lc.Title, lc.Subtitle, width-2*lcMargin)
	markRow := 0.0
	if len(lc.Marks) > 0 {
		markRow = tickSize * 1.6
	}
	top += markRow
	xLabelH := 0.0
	if lc.XLabel != "" {
		xLabelH = labelSize * 1.8
	}
	height := top + lcPlotH + tickSize*2 + xLabelH + lcMargin

	px := func(x float64) float64 { return left + lcPlotW*(x-xlo)/(xhi-xlo) }
	py := func(y float64) float64 {
		if lc.LogY {
			return top + lcPlotH*(1-(math.Log(y)-math.Log(ylo))/(math.Log(yhi)-math.Log(ylo)))
		}
		return top + lcPlotH*(1-(y-ylo)/(yhi-ylo))
	}

	c := newCanvas(w, width, height)
	c.title(lc.Title, lc.Subtitle, lcMargin, width-2*lcMargin)

	// Grid, axes and ticks.
	c.rect(left, top, lcPlotW, lcPlotH, "#ffffff", "#888888")
	for _, t := range yticks {
		y := py(t)
		c.line(left, y, left+lcPlotW, y, "#e4e4e4", 1, "")
		c.text(left-6, y+tickSize*0.36, tickSize, end, "", tickLabel(t))
	}
	xticks = thinTicks(xticks, px)
	for _, t := range xticks {
		x := px(t)
		c.line(x, top, x, top+lcPlotH, "#efefef", 1, "")
		c.line(x, top+lcPlotH, x, top+lcPlotH+4, "#444444", 1, "")
		c.text(x, top+lcPlotH+tickSize*1.4, tickSize, middle, "", tickLabel(t))
	}
	for _, m := range lc.Marks {
		x := px(m.X)
		c.line(x, top, x, top+lcPlotH, "#777777", 1, "4 3")
		a := middle
		switch {
		case x+textWidth(m.Label, tickSize)/2 > left+lcPlotW:
			a = end
		case x-textWidth(m.Label, tickSize)/2 < left:
			a = start
		}
		c.text(x, top-4, tickSize, a, "", m.Label)
	}
	if lc.XLabel != "" {
		c.text(left+lcPlotW/2, top+lcPlotH+tickSize*1.4+labelSize*1.6, labelSize, middle, "", lc.XLabel)
	}
	if lc.YLabel != "" {
		c.vtext(lcMargin+labelSize*0.8, top+lcPlotH/2, labelSize, lc.YLabel)
	}

	// Lines, clipped to the plot; points above YMax sit on the top edge.
	c.printf(`<clipPath id="plot"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>`+"\n",
		num(left), num(top-3), num(lcPlotW), num(lcPlotH+6))
	for i, s := range lc.Series {
		colour, dash := palette[i%len(palette)], seriesDash(i)
		for _, run := range lc.runs(s) {
			var pts []string
			var cx, cy float64
			for _, j := range run {
				cx, cy = px(s.X[j]), py(math.Min(s.Y[j], yhi))
				pts = append(pts, num(cx)+","+num(cy))
			}
			d := ""
			if dash != "" {
				d = ` stroke-dasharray="` + dash + `"`
			}
			if len(pts) == 1 {
				c.printf(`<circle cx="%s" cy="%s" r="3" fill="%s" clip-path="url(#plot)"/>`+"\n", num(cx), num(cy), colour)
				continue
			}
			c.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"%s clip-path="url(#plot)"/>`+"\n",
				strings.Join(pts, " "), colour, d)
		}
	}

	// Legend, right of the plot: one swatch and name per series.
	lx := left + lcPlotW + 20
	for i, s := range lc.Series {
		y := top + 10 + float64(i)*labelSize*1.7
		colour, dash := palette[i%len(palette)], seriesDash(i)
		c.line(lx, y, lx+lcSwatch-6, y, colour, 2.5, dash)
		c.text(lx+lcSwatch, y+labelSize*0.36, labelSize, start, "", s.Name)
	}
	return c.close()
}

// usable reports whether a point can be placed on the axes.
func (lc *LineChart) usable(x, y float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		return false
	}
	return !lc.LogY || y > 0
}

// runs splits a series into stretches of consecutive usable points.
func (lc *LineChart) runs(s Series) [][]int {
	var runs [][]int
	var cur []int
	for i := range s.X {
		if lc.usable(s.X[i], s.Y[i]) {
			cur = append(cur, i)
			continue
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// padY widens the y range a little so lines do not run along the frame.
func (lc *LineChart) padY(lo, hi float64) (float64, float64) {
	if lc.LogY {
		if lo == hi {
			return lo / 1.5, hi * 1.5
		}
		r := math.Pow(hi/lo, 0.05)
		return lo / r, hi * r
	}
	if lo == hi {
		return lo - 1, hi + 1
	}
	pad := (hi - lo) * 0.05
	if lo >= 0 && lo-pad < 0 {
		return 0, hi + pad
	}
	return lo - pad, hi + pad
}

// thinTicks keeps every k-th tick so that the labels (centred on their
// positions) leave a gap between neighbours.
func thinTicks(ticks []float64, px func(float64) float64) []float64 {
	for k := 1; k < len(ticks); k++ {
		ok := true
		for i := k; i < len(ticks); i += k {
			wa := textWidth(tickLabel(ticks[i-k]), tickSize) / 2
			wb := textWidth(tickLabel(ticks[i]), tickSize) / 2
			if px(ticks[i])-px(ticks[i-k]) < wa+wb+8 {
				ok = false
				break
			}
		}
		if ok {
			var kept []float64
			for i := 0; i < len(ticks); i += k {
				kept = append(kept, ticks[i])
			}
			return kept
		}
	}
	return ticks[:1]
}
