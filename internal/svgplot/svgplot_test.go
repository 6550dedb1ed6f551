package svgplot

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// svgText is one <text> element as drawn.
type svgText struct {
	X, Y, Size float64
	Anchor     string
	Rotated    bool
	Body       string
}

// box is the area the text covers by textWidth's estimate.
func (t svgText) box() (x0, y0, x1, y1 float64) {
	w := textWidth(t.Body, t.Size)
	switch t.Anchor {
	case "middle":
		x0 = t.X - w/2
	case "end":
		x0 = t.X - w
	default:
		x0 = t.X
	}
	return x0, t.Y - 0.8*t.Size, x0 + w, t.Y + 0.2*t.Size
}

// parseSVG checks that b is well-formed XML with an <svg> root and returns
// its texts.
func parseSVG(t *testing.T, b []byte) []svgText {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var texts []svgText
	root := ""
	var cur *svgText
	for {
		tok, err := dec.Token()
		if err != nil {
			require.Equal(t, "EOF", err.Error(), "SVG is not well-formed XML")
			break
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = el.Name.Local
			}
			if el.Name.Local == "text" {
				cur = &svgText{}
				for _, a := range el.Attr {
					v, _ := strconv.ParseFloat(a.Value, 64)
					switch a.Name.Local {
					case "x":
						cur.X = v
					case "y":
						cur.Y = v
					case "font-size":
						cur.Size = v
					case "text-anchor":
						cur.Anchor = a.Value
					case "transform":
						cur.Rotated = strings.Contains(a.Value, "rotate")
					}
				}
			}
		case xml.CharData:
			if cur != nil {
				cur.Body += string(el)
			}
		case xml.EndElement:
			if el.Name.Local == "text" && cur != nil {
				texts = append(texts, *cur)
				cur = nil
			}
		}
	}
	require.Equal(t, "svg", root)
	return texts
}

// requireNoOverlap fails if two unrotated texts would cover each other.
func requireNoOverlap(t *testing.T, texts []svgText) {
	t.Helper()
	for i, a := range texts {
		if a.Rotated {
			continue
		}
		ax0, ay0, ax1, ay1 := a.box()
		for _, b := range texts[i+1:] {
			if b.Rotated {
				continue
			}
			bx0, by0, bx1, by1 := b.box()
			overlap := ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
			require.False(t, overlap, "texts overlap: %q at (%.0f,%.0f) and %q at (%.0f,%.0f)", a.Body, a.X, a.Y, b.Body, b.X, b.Y)
		}
	}
}

func bodies(texts []svgText) []string {
	var s []string
	for _, t := range texts {
		s = append(s, t.Body)
	}
	return s
}

func testHeatMap(rows, cols int, cellFormat string) *HeatMap {
	h := &HeatMap{
		Title:    "Needle in a haystack: stories260K (embedded) & friends",
		Subtitle: "scorer logprob, rope yarn x4 (orig 512), attention sinks 4 + window 1024, kv q8_0, needle \"The secret ingredient is <plum> jam.\"",
		XLabel:   "needle depth (% of the context)", YLabel: "context length (tokens)",
		Legend: "mean log-prob of the answer", CellFormat: cellFormat,
	}
	for r := 0; r < rows; r++ {
		h.Rows = append(h.Rows, strconv.Itoa(256<<r))
		row := make([]float64, cols)
		for c := range row {
			row[c] = -0.2 - 0.7*float64(r) - 0.05*float64(c)
		}
		h.Values = append(h.Values, row)
	}
	for c := 0; c < cols; c++ {
		h.Cols = append(h.Cols, fmt.Sprintf("%d%%", c*100/max(cols-1, 1)))
	}
	return h
}

func TestHeatMap(t *testing.T) {
	cases := []struct {
		name       string
		rows, cols int
		format     string
		nan        bool
	}{
		{"niah 4x11 with values", 4, 11, "%.2f", false},
		{"one cell", 1, 1, "%.3f", false},
		{"wide 3x21 blank cells", 3, 21, "", false},
		{"with a missing cell", 5, 6, "%.1f", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := testHeatMap(c.rows, c.cols, c.format)
			if c.nan {
				h.Values[1][2] = math.NaN()
			}
			var buf bytes.Buffer
			require.NoError(t, h.WriteSVG(&buf))
			texts := parseSVG(t, buf.Bytes())
			requireNoOverlap(t, texts)
			all := strings.Join(bodies(texts), "\n")
			for _, want := range append(append([]string{h.XLabel, h.YLabel, h.Legend}, h.Rows...), h.Cols...) {
				assert.Contains(t, all, want)
			}
			assert.Contains(t, all, "Needle in a haystack:")
			assert.NotContains(t, buf.String(), "<plum>", "text is escaped")
			if c.format != "" {
				assert.Contains(t, bodies(texts), fmt.Sprintf(c.format, h.Values[0][0]))
			}
			if c.nan {
				assert.Contains(t, bodies(texts), "n/a")
			}
			writeForLooking(t, "heatmap-"+strings.ReplaceAll(c.name, " ", "-"), buf.Bytes())
		})
	}
}

func TestHeatMapColours(t *testing.T) {
	h := &HeatMap{Rows: []string{"a"}, Cols: []string{"x", "y"}, Values: [][]float64{{0, 1}}}
	lo, hi := h.dataRange()
	assert.Equal(t, []float64{0, 1}, []float64{lo, hi})
	assert.Equal(t, badToGood[0], h.colour(0, lo, hi), "low is bad by default")
	assert.Equal(t, badToGood[len(badToGood)-1], h.colour(1, lo, hi))
	assert.Equal(t, badToGood[len(badToGood)-1], h.colour(7, lo, hi), "out of range clamps")
	h.LowIsGood = true
	assert.Equal(t, badToGood[len(badToGood)-1], h.colour(0, lo, hi))
	h.CellFormat = "%.2f"
	assert.Equal(t, "0.00", h.cellText(-0.001), "no negative zero")
	assert.Equal(t, "-0.50", h.cellText(-0.5))
	assert.Equal(t, "n/a", h.cellText(math.NaN()))
	flat := &HeatMap{Values: [][]float64{{2, 2}}}
	lo, hi = flat.dataRange()
	assert.Less(t, lo, hi, "a flat map still has a colour range")
}

func TestHeatMapErrors(t *testing.T) {
	cases := map[string]*HeatMap{
		"no rows":       {Cols: []string{"a"}},
		"no cols":       {Rows: []string{"a"}, Values: [][]float64{{}}},
		"rows mismatch": {Rows: []string{"a", "b"}, Cols: []string{"x"}, Values: [][]float64{{1}}},
		"ragged row":    {Rows: []string{"a"}, Cols: []string{"x", "y"}, Values: [][]float64{{1}}},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, h.WriteSVG(&bytes.Buffer{}))
		})
	}
}

func testChart(n int, logY bool) *LineChart {
	lc := &LineChart{Title: "Perplexity by position: stories260K (embedded), ctx 2048, text story-a.txt",
		Subtitle: "16 buckets of 128 tokens; rope methods compared on the same window",
		XLabel:   "token position", YLabel: "perplexity", LogY: logY,
		Marks: []Mark{{X: 512, Label: "trained context 512"}, {X: 0, Label: "start"}}}
	names := []string{"none", "linear x4", "yarn x4 (orig 512)", "ntk x4", "dynamic", "llama3", "longrope", "a very long method name indeed", "ninth"}
	for i := 0; i < n; i++ {
		s := Series{Name: names[i]}
		for p := 64; p < 2048; p += 128 {
			s.X = append(s.X, float64(p))
			y := 5 + float64(i)
			if i == 0 && p > 512 {
				y *= math.Exp(float64(p-512) / 200)
			}
			s.Y = append(s.Y, y)
		}
		lc.Series = append(lc.Series, s)
	}
	return lc
}

func TestLineChart(t *testing.T) {
	cases := []struct {
		name  string
		n     int
		logY  bool
		yMax  float64
		holes bool
	}{
		{"three methods log", 3, true, 0, false},
		{"nine series linear clipped", 9, false, 40, false},
		{"one series with gaps", 1, true, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lc := testChart(c.n, c.logY)
			lc.YMax = c.yMax
			if c.holes {
				lc.Series[0].Y[3] = math.NaN()
				lc.Series[0].Y[7] = math.Inf(1)
				lc.Series[0].Y[9] = math.NaN()
			}
			var buf bytes.Buffer
			require.NoError(t, lc.WriteSVG(&buf))
			texts := parseSVG(t, buf.Bytes())
			requireNoOverlap(t, texts)
			all := bodies(texts)
			for _, s := range lc.Series {
				assert.Contains(t, all, s.Name, "legend entry")
			}
			assert.Contains(t, all, lc.XLabel)
			assert.Contains(t, all, lc.YLabel)
			assert.Contains(t, all, "trained context 512")
			lines := strings.Count(buf.String(), "<polyline")
			if c.holes {
				assert.Equal(t, 3, lines, "a NaN or Inf breaks the line: 0-2, 4-6, 8, 10-15 (the lone point is a dot)")
				assert.Equal(t, 1, strings.Count(buf.String(), "<circle"))
			} else {
				assert.Equal(t, c.n, lines)
			}
			writeForLooking(t, "linechart-"+strings.ReplaceAll(c.name, " ", "-"), buf.Bytes())
		})
	}
}

func TestLineChartErrors(t *testing.T) {
	cases := map[string]*LineChart{
		"no series":       {},
		"ragged":          {Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}},
		"no finite point": {Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{math.NaN()}}}},
		"log of zero":     {LogY: true, Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{0}}}},
	}
	for name, lc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, lc.WriteSVG(&bytes.Buffer{}))
		})
	}
}

func TestTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 2048, 7, []float64{0, 500, 1000, 1500, 2000}},
		{-3.7, -0.3, 5, []float64{-3, -2, -1}},
		{-3.7, -0.3, 8, []float64{-3.5, -3, -2.5, -2, -1.5, -1, -0.5}},
		{0, 1, 5, []float64{0, 0.5, 1}},
		{0, 1, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{5, 5, 5, []float64{5}},
	}
	for _, c := range cases {
		assert.InDeltaSlice(t, c.want, niceTicks(c.lo, c.hi, c.n), 1e-12, "%v..%v", c.lo, c.hi)
	}
	assert.Equal(t, []float64{5, 10, 20, 50, 100, 200, 500}, logTicks(4, 600))
	assert.Equal(t, []float64{1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7}, logTicks(1, 1e7))
	assert.Equal(t, []float64{6, 7, 8, 9}, logTicks(5.5, 9.5))
	for x, want := range map[float64]string{0: "0", 0.5: "0.5", 2000: "2000", -2.5: "-2.5", 1e7: "1e+07", 0.0001: "0.0001"} {
		assert.Equal(t, want, tickLabel(x))
	}
}

func TestWrap(t *testing.T) {
	s := "one two three four five six seven eight nine ten"
	lines := wrap(s, 12, 80)
	assert.Greater(t, len(lines), 1)
	assert.Equal(t, s, strings.Join(lines, " "))
	for _, l := range lines[:len(lines)-1] {
		assert.LessOrEqual(t, textWidth(l, 12), 80.0)
	}
	assert.Equal(t, []string{"supercalifragilistic"}, wrap("supercalifragilistic", 12, 10), "an overlong word stays whole")
	assert.Empty(t, wrap("  ", 12, 10))
}

// writeForLooking saves a test picture under $SVGPLOT_OUT, to render with
// rsvg-convert and look at.
func writeForLooking(t *testing.T, name string, b []byte) {
	dir := os.Getenv("SVGPLOT_OUT")
	if dir == "" {
		return
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".svg"), b, 0o644))
}
