// Package svgplot draws the two pictures lcrun's measurement tools need, a
// heat map (needle-in-a-haystack: context length x needle depth) and a line
// chart (perplexity by position, one line per RoPE scaling method), as
// self-contained SVG written with the standard library.
//
// Text must never overlap, and an SVG writer cannot measure glyphs, so the
// layout works with a conservative estimate of text width (textWidth) and
// reserves room from it: long titles wrap, crowded tick labels thin out,
// and the legend sits outside the plot area.
package svgplot

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
)

// fontFamily lists fonts every renderer has some form of.
const fontFamily = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

// Font sizes in px.
const (
	titleSize = 16
	labelSize = 13
	tickSize  = 11
)

// textWidth is an upper estimate of the rendered width of s at size px in
// a sans-serif font (DejaVu Sans, the widest common one, averages about
// 0.6 em for mixed text; capitals and digits are counted wider).
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '.' || r == ',' || r == ':' || r == 'i' || r == 'l' || r == '|' || r == '\'':
			w += 0.34
		case r >= 'A' && r <= 'Z', r == 'm', r == 'w', r == 'M', r == 'W', r == '%':
			w += 0.78
		case r >= '0' && r <= '9':
			w += 0.64
		default:
			w += 0.62
		}
	}
	return w * size
}

// wrap splits s into lines no wider than width at size px, at spaces.
func wrap(s string, size, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && textWidth(try, size) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// canvas accumulates SVG elements; the first write error is kept.
type canvas struct {
	w   *bufio.Writer
	err error
}

func newCanvas(w io.Writer, width, height float64) *canvas {
	c := &canvas{w: bufio.NewWriter(w)}
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s">`+"\n",
		num(width), num(height), num(width), num(height), fontFamily)
	c.printf(`<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", num(width), num(height))
	return c
}

func (c *canvas) printf(format string, args ...any) {
	if c.err == nil {
		_, c.err = fmt.Fprintf(c.w, format, args...)
	}
}

// close ends the document and flushes it.
func (c *canvas) close() error {
	c.printf("</svg>\n")
	if c.err != nil {
		return c.err
	}
	return c.w.Flush()
}

// anchor is SVG's text-anchor.
type anchor string

const (
	start  anchor = "start"
	middle anchor = "middle"
	end    anchor = "end"
)

// text writes one line with its baseline at y.
func (c *canvas) text(x, y, size float64, a anchor, weight, s string) {
	extra := ""
	if weight != "" {
		extra = ` font-weight="` + weight + `"`
	}
	c.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s fill="#222222">%s</text>`+"\n",
		num(x), num(y), num(size), a, extra, escape(s))
}

// vtext writes a line rotated to read bottom to top, centred on (x, y).
func (c *canvas) vtext(x, y, size float64, s string) {
	c.printf(`<text x="0" y="0" font-size="%s" text-anchor="middle" fill="#222222" transform="translate(%s %s) rotate(-90)">%s</text>`+"\n",
		num(size), num(x), num(y), escape(s))
}

func (c *canvas) rect(x, y, w, h float64, fill, stroke string) {
	s := ""
	if stroke != "" {
		s = ` stroke="` + stroke + `" stroke-width="1"`
	}
	c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"%s/>`+"\n", num(x), num(y), num(w), num(h), fill, s)
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	d := ""
	if dash != "" {
		d = ` stroke-dasharray="` + dash + `"`
	}
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`+"\n",
		num(x1), num(y1), num(x2), num(y2), stroke, num(width), d)
}

// title writes the wrapped title and subtitle from the top and returns the
// y below them.
func (c *canvas) title(title, subtitle string, x, width float64) float64 {
	y := 8.0
	for _, l := range wrap(title, titleSize, width) {
		y += titleSize * 1.3
		c.text(x, y, titleSize, start, "bold", l)
	}
	for _, l := range wrap(subtitle, labelSize, width) {
		y += labelSize * 1.35
		c.text(x, y, labelSize, start, "", l)
	}
	return y + 10
}

// titleHeight is how much room title would take at width.
func titleHeight(title, subtitle string, width float64) float64 {
	return 8 + float64(len(wrap(title, titleSize, width)))*titleSize*1.3 +
		float64(len(wrap(subtitle, labelSize, width)))*labelSize*1.35 + 10
}

// num formats a coordinate compactly.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	s := fmt.Sprintf("%.2f", x)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return escaper.Replace(s) }
