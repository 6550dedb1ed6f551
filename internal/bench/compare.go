package bench

import (
	"fmt"
	"io"
	"math"
	"sort"
	"text/tabwriter"
)

// Figure is one comparable number of a report.
type Figure struct {
	Name  string  // e.g. "pp_tps", "machine.read_gbps", "kernel.matmul_q8_0_gemv"
	Unit  string  // tokens/s, GB/s, GFLOP/s
	Value float64 // NaN when the report lacks it
}

// Figures lists a report's numbers in a fixed order: machine, kernels,
// then the model's prefill and decode speed ("pp_tps", "tg_tps" from an
// empty cache, "pp_tps@d4096" at depth 4096). All are higher-is-faster.
func (r *Report) Figures() []Figure {
	var fs []Figure
	if m := r.Machine; m != nil {
		fs = append(fs,
			Figure{"machine.fma_peak_gflops_1t", "GFLOP/s", m.FMAPeak1T},
			Figure{"machine.fma_peak_gflops", "GFLOP/s", m.FMAPeak},
			Figure{"machine.read_gbps", "GB/s", m.ReadGBps},
			Figure{"machine.copy_gbps", "GB/s", m.CopyGBps})
	}
	for _, k := range r.KernelRates {
		fs = append(fs, Figure{"kernel." + k.Name, k.Unit, k.Value})
	}
	for _, x := range r.AllResults() {
		name := x.Phase + "_tps"
		if x.Depth != 0 {
			name += fmt.Sprintf("@d%d", x.Depth)
		}
		fs = append(fs, Figure{name, "tokens/s", x.TPS})
	}
	return fs
}

// Row is one line of a comparison: the figure in A and in B, and B/A
// (NaN where either is missing or A is 0).
type Row struct {
	Name, Unit string
	A, B       float64
	Ratio      float64
}

// Compare pairs the figures of a and b by name, in a's order followed by
// those only b has.
func Compare(a, b *Report) []Row {
	bv := map[string]Figure{}
	for _, f := range b.Figures() {
		bv[f.Name] = f
	}
	var rows []Row
	seen := map[string]bool{}
	for _, f := range a.Figures() {
		seen[f.Name] = true
		g, ok := bv[f.Name]
		if !ok {
			g.Value = math.NaN()
		}
		rows = append(rows, Row{f.Name, f.Unit, f.Value, g.Value, ratioOrNaN(g.Value, f.Value)})
	}
	for _, g := range b.Figures() {
		if !seen[g.Name] {
			rows = append(rows, Row{g.Name, g.Unit, math.NaN(), g.Value, math.NaN()})
		}
	}
	return rows
}

func ratioOrNaN(b, a float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) || a == 0 {
		return math.NaN()
	}
	return b / a
}

// WriteComparison prints both reports' context and the ratio per figure.
func WriteComparison(w io.Writer, a, b *Report, nameA, nameB string) error {
	p := &printer{w: w}
	for _, x := range []struct {
		tag, name string
		r         *Report
	}{{"A", nameA, a}, {"B", nameB, b}} {
		model := "no model"
		if x.r.Model != nil {
			model = x.r.Model.Name
		}
		p.printf("%s: %s: %s (%s), %d threads, %s, kernels %s\n", x.tag, x.name, x.r.CPU.Brand, x.r.CPU.Arch, x.r.Threads, model, implSummary(x.r.Kernels))
	}
	if a.Model != nil && b.Model != nil && a.Model.Name != b.Model.Name {
		p.printf("note: the models differ, so pp_tps and tg_tps compare different work\n")
	}
	if a.Model != nil && b.Model != nil && (a.PromptTokens != b.PromptTokens || a.GenTokens != b.GenTokens) {
		p.printf("note: token counts differ (A: -p %d -n %d, B: -p %d -n %d)\n", a.PromptTokens, a.GenTokens, b.PromptTokens, b.GenTokens)
	}
	if a.Model != nil && b.Model != nil && a.KVType != b.KVType {
		p.printf("note: KV cache types differ (A: %s, B: %s)\n", orUnknown(a.KVType), orUnknown(b.KVType))
	}
	for _, x := range []struct {
		tag string
		r   *Report
	}{{"A", a}, {"B", b}} {
		if x.r.Model != nil && x.r.Results == nil && x.r.TGTPS != nil {
			p.printf("note: %s predates per-test depths: its tg_tps was timed after its %d-token prompt, not from an empty cache\n", x.tag, x.r.PromptTokens)
		}
	}
	if p.err != nil {
		return p.err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "figure\tunit\tA\tB\tB/A\t\n")
	for _, r := range Compare(a, b) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.Name, r.Unit, num(r.A), num(r.B), ratioText(r.Ratio))
	}
	return tw.Flush()
}

func orUnknown(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

// implSummary names the implementations in use, e.g. "avx2 (26 slots)".
func implSummary(k map[string]string) string {
	count := map[string]int{}
	for _, v := range k {
		count[v]++
	}
	s := ""
	for _, name := range []string{"avx2", "neon", "generic"} {
		if count[name] > 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s %d", name, count[name])
			delete(count, name)
		}
	}
	rest := make([]string, 0, len(count))
	for name := range count {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest {
		s += fmt.Sprintf(", %s %d", name, count[name])
	}
	if s == "" {
		return "none listed"
	}
	return s
}

func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.3g", x)
}

func ratioText(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return num(x) + "x"
}
