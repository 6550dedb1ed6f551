package svgplot

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// HeatMap is a grid of coloured cells with labelled rows and columns and a
// colour bar, e.g. needle retrieval by context length (rows) and needle
// depth (columns).
type HeatMap struct {
	Title    string // bold, wrapped to the picture's width
	Subtitle string // settings, wrapped below the title
	XLabel   string // below the column labels
	YLabel   string // rotated, left of the row labels
	Cols     []string
	Rows     []string // top to bottom
	// Values[r][c]; NaN marks a cell that was not measured (grey, "n/a").
	Values [][]float64
	// Min and Max span the colour scale; when Min >= Max the data's range
	// is used.
	Min, Max float64
	// LowIsGood reverses the colours (red for high values), e.g. for a rank.
	LowIsGood bool
	// Legend names the value the colour bar shows.
	Legend string
	// CellFormat prints the value inside each cell (fmt verb such as
	// "%.2f"); empty leaves the cells blank.
	CellFormat string
}

// Layout constants of the heat map, px.
const (
	hmMargin   = 16
	hmCellH    = 30
	hmMinCellW = 40
	hmBarW     = 18
	hmGap      = 14
)

// WriteSVG draws the map.
func (h *HeatMap) WriteSVG(w io.Writer) error {
	if len(h.Rows) == 0 || len(h.Cols) == 0 {
		return errors.New("svgplot: heat map with no rows or no columns")
	}
	if len(h.Values) != len(h.Rows) {
		return fmt.Errorf("svgplot: heat map has %d rows of values for %d row labels", len(h.Values), len(h.Rows))
	}
	for r, row := range h.Values {
		if len(row) != len(h.Cols) {
			return fmt.Errorf("svgplot: heat map row %d has %d values for %d columns", r, len(row), len(h.Cols))
		}
	}
	lo, hi := h.Min, h.Max
	if !(hi > lo) {
		lo, hi = h.dataRange()
	}

	// Column width: the widest of its label and its cell text.
	cellW := float64(hmMinCellW)
	for _, c := range h.Cols {
		cellW = math.Max(cellW, textWidth(c, tickSize)+10)
	}
	if h.CellFormat != "" {
		for _, row := range h.Values {
			for _, v := range row {
				cellW = math.Max(cellW, textWidth(h.cellText(v), tickSize)+10)
			}
		}
	}
	rowLabelW := 0.0
	for _, r := range h.Rows {
		rowLabelW = math.Max(rowLabelW, textWidth(r, tickSize))
	}
	barTicks := niceTicks(lo, hi, 5)
	barLabelW := 0.0
	for _, t := range barTicks {
		barLabelW = math.Max(barLabelW, textWidth(tickLabel(t), tickSize))
	}

	// The x label fits under the grid and the rotated y label beside it:
	// a small grid gets wider or taller cells.
	cellW = math.Max(cellW, (textWidth(h.XLabel, labelSize)+10)/float64(len(h.Cols)))
	cellH := math.Max(hmCellH, (textWidth(h.YLabel, labelSize)+12)/float64(len(h.Rows)))
	gridW := cellW * float64(len(h.Cols))
	gridH := cellH * float64(len(h.Rows))
	yLabelW := 0.0
	if h.YLabel != "" {
		yLabelW = labelSize * 1.6
	}
	left := hmMargin + yLabelW + rowLabelW + 8
	barX := left + gridW + hmGap*2
	legendW := 0.0
	if h.Legend != "" {
		legendW = labelSize * 1.6
	}
	width := barX + hmBarW + 6 + barLabelW + 8 + legendW + hmMargin
	// The colour bar's legend is written rotated along it, so it needs the
	// grid to be tall enough; otherwise it gets a line above the bar.
	legendAbove := h.Legend != "" && textWidth(h.Legend, labelSize) > gridH
	if legendAbove {
		width -= legendW
		width = math.Max(width, barX+textWidth(h.Legend, labelSize)+hmMargin)
	}
	top := titleHeight(h.Title, h.Subtitle, width-2*hmMargin)
	if legendAbove {
		top += labelSize * 1.6
	}
	xLabelH := 0.0
	if h.XLabel != "" {
		xLabelH = labelSize * 1.8
	}
	height := top + gridH + tickSize*2 + xLabelH + hmMargin

	c := newCanvas(w, width, height)
	c.title(h.Title, h.Subtitle, hmMargin, width-2*hmMargin)

	for r, row := range h.Values {
		y := top + float64(r)*cellH
		for col, v := range row {
			x := left + float64(col)*cellW
			fill := h.colour(v, lo, hi)
			c.rect(x, y, cellW, cellH, fill.String(), "#ffffff")
			if h.CellFormat != "" {
				ink := "#111111"
				if fill.luminance() < 0.45 {
					ink = "#ffffff"
				}
				c.printf(`<text x="%s" y="%s" font-size="%d" text-anchor="middle" fill="%s">%s</text>`+"\n",
					num(x+cellW/2), num(y+cellH/2+tickSize*0.36), tickSize, ink, escape(h.cellText(v)))
			}
		}
		c.text(left-6, y+cellH/2+tickSize*0.36, tickSize, end, "", h.Rows[r])
	}
	for col, label := range h.Cols {
		c.text(left+(float64(col)+0.5)*cellW, top+gridH+tickSize*1.4, tickSize, middle, "", label)
	}
	if h.XLabel != "" {
		c.text(left+gridW/2, top+gridH+tickSize*1.4+labelSize*1.6, labelSize, middle, "", h.XLabel)
	}
	if h.YLabel != "" {
		c.vtext(hmMargin+labelSize*0.8, top+gridH/2, labelSize, h.YLabel)
	}

	// Colour bar: a vertical gradient, high values on top.
	const steps = 48
	for i := 0; i < steps; i++ {
		t := 1 - (float64(i)+0.5)/steps
		v := lo + t*(hi-lo)
		c.rect(barX, top+gridH*float64(i)/steps, hmBarW, gridH/steps+0.5, h.colour(v, lo, hi).String(), "")
	}
	c.rect(barX, top, hmBarW, gridH, "none", "#666666")
	for _, t := range barTicks {
		y := top + gridH*(1-(t-lo)/(hi-lo))
		c.line(barX+hmBarW, y, barX+hmBarW+4, y, "#444444", 1, "")
		c.text(barX+hmBarW+6, y+tickSize*0.36, tickSize, start, "", tickLabel(t))
	}
	if h.Legend != "" {
		if legendAbove {
			c.text(barX, top-labelSize*0.6, labelSize, start, "", h.Legend)
		} else {
			c.vtext(barX+hmBarW+6+barLabelW+8+labelSize*0.8, top+gridH/2, labelSize, h.Legend)
		}
	}
	return c.close()
}

// dataRange is the span of the finite values; a flat or empty map gets a
// unit range so the colour bar still has ticks.
func (h *HeatMap) dataRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range h.Values {
		for _, v := range row {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	switch {
	case lo > hi:
		return 0, 1
	case lo == hi:
		return lo - 0.5, hi + 0.5
	}
	return lo, hi
}

// colour maps v to the scale; out-of-range values take the end colours.
func (h *HeatMap) colour(v, lo, hi float64) rgb {
	if math.IsNaN(v) {
		return rgb{200, 200, 200}
	}
	t := (v - lo) / (hi - lo)
	if h.LowIsGood {
		t = 1 - t
	}
	return colourAt(badToGood, t)
}

func (h *HeatMap) cellText(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	s := fmt.Sprintf(h.CellFormat, v)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		s = s[1:] // -0.001 at "%.2f" reads 0.00, not -0.00
	}
	return s
}
