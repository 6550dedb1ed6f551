// Package bench measures what lcrun bench reports: the CPU, the kernels
// dispatch chose, the machine's FMA peak and memory bandwidth, each
// kernel's rate against them, and a model's prefill and decode speed; and
// compares two such reports (say amd64 and arm64) figure by figure.
package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lcrun/lcrun/internal/bytesize"
)

// Schema names the JSON layout below. Within "lcrun-bench/1" keys are only
// ever added, never renamed, removed or given another meaning; a change
// that breaks readers would be "lcrun-bench/2".
const Schema = "lcrun-bench/1"

// Report is lcrun bench's result. Its JSON form (lcrun bench --json) is
// the stable interface for collecting results from many machines:
//
//	{
//	  "schema":  "lcrun-bench/1",
//	  "time":    "2025-01-02T15:04:05Z",        // RFC 3339, when the run started
//	  "go":      "go1.26.8",                    // toolchain that built lcrun
//	  "cpu": {                                  // the processor (cpuid, /proc/cpuinfo)
//	    "brand": "AMD EPYC", "vendor": "AuthenticAMD", "arch": "amd64",
//	    "physical_cores": 2, "logical_cores": 2, "threads_per_core": 1,
//	    "l1d_bytes": 49152, "l2_bytes": 1048576, "l3_bytes": 33554432,   // -1 = unknown
//	    "features": ["AVX2", "FMA3", ...],
//	    "emulated": false                       // true: arm64 under qemu on an x86 host, etc.
//	  },
//	  "threads": 2,                             // worker threads for kernels and model
//	  "kernels": {"dot": "avx2", "matmul_q8_0": "avx2", ...},   // lcrun.Kernels()
//	  "machine": {                              // measured at run time; null with --no-kernels
//	    "probes": "avx2",                       // probe loops: avx2, neon or generic
//	    "fma_peak_gflops_1t": 90.1,             // f32 FMA peak of one thread
//	    "fma_peak_gflops": 180.0,               // ... of "threads" threads
//	    "read_gbps": 25.3,                      // memory read bandwidth, "threads" threads
//	    "copy_gbps": 20.1                       // bytes copied per second, one thread
//	  },
//	  "kernel_rates": [                         // [] with --no-kernels
//	    {"name": "matmul_q8_0_gemv", "impl": "avx2", "shape": "...", "threads": 2,
//	     "unit": "GB/s", "value": 21.0, "ref": "mem_read", "of_ref": 0.83}, ...
//	  ],
//	  "model": {                                // null with --no-model
//	    "name": "llama-110m-q8_0", "path": "...", "arch": "llama",
//	    "synthetic": true,                      // a built-in random-weight shape
//	    "parameters": 134000000, "size_bytes": 142000000, "file_type": "Q8_0",
//	    "tensor_types": [{"type": "Q8_0", "count": 86}, ...]   // the commonest first (absent in older reports)
//	  },
//	  "kv_type": "f16",                         // KV cache type (--kv); "" for models without attention
//	  "prompt_tokens": 512,                     // -p
//	  "gen_tokens": 128,                        // -n
//	  "depth": 0,                               // tokens already in the cache for the four figures below
//	                                            // (the first --depth; absent in older reports: 0)
//	  "pp_tps": 123.4,                          // prefill tokens per second; null if not measured
//	  "tg_tps": 12.3,                           // decode (generation) tokens per second; null if not measured
//	  "pp_seconds": 4.15, "tg_seconds": 10.4,   // wall time of each phase
//	  "results": [                              // every pp and tg test, one per --depth each; [] without a
//	                                            // model (absent in older reports: the figures above at depth 0)
//	    {"test": "pp512", "phase": "pp", "tokens": 512, "depth": 0, "tps": 123.4, "seconds": 4.15,
//	     "reps": 5, "tps_stddev": 1.2, "tps_median": 123.9,   // the spread over -r repetitions
//	     "tps_min": 121.7, "tps_max": 124.8, "rep_tps": [...]}, // (absent in older reports)
//	    {"test": "tg128", "phase": "tg", "tokens": 128, "depth": 4096, "tps": 9.8, "seconds": 13.1}, ...
//	  ]
//	}
//
// Like llama-bench, every pp and tg test starts from a cache holding
// "depth" tokens (none by default): tg is not timed after pp's prompt.
//
// Kernel rate names are stable: matmul_{f32,f16,bf16,q8_0,q4_0,q4_k,q6_k}_{gemv,gemm},
// attention_prefill, attention_decode, ssm_scan, dot. Every rate is
// "higher is faster".
type Report struct {
	Schema       string            `json:"schema"`
	Time         string            `json:"time"`
	Go           string            `json:"go"`
	CPU          CPU               `json:"cpu"`
	Threads      int               `json:"threads"`
	Kernels      map[string]string `json:"kernels"`
	Machine      *Machine          `json:"machine"`
	KernelRates  []KernelRate      `json:"kernel_rates"`
	Model        *ModelInfo        `json:"model"`
	KVType       string            `json:"kv_type"`
	PromptTokens int               `json:"prompt_tokens"`
	GenTokens    int               `json:"gen_tokens"`
	PPTPS        *float64          `json:"pp_tps"`
	TGTPS        *float64          `json:"tg_tps"`
	PPSeconds    *float64          `json:"pp_seconds"`
	TGSeconds    *float64          `json:"tg_seconds"`
	Depth        int               `json:"depth"`
	Results      []Result          `json:"results"`
}

// ModelInfo says which model the end-to-end figures ran.
type ModelInfo struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	Arch       string `json:"arch"`
	Synthetic  bool   `json:"synthetic"`
	Parameters int64  `json:"parameters"`
	SizeBytes  int64  `json:"size_bytes"`
	FileType   string `json:"file_type"`
	// TensorTypes counts the tensors of each type, the commonest first:
	// what a mix such as Q4_K_M is made of.
	TensorTypes []TypeCount `json:"tensor_types,omitempty"`
}

// TypeCount is how many of a model's tensors have one type ("Q6_K").
type TypeCount struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// WriteJSON writes r indented, with a trailing newline.
func (r *Report) WriteJSON(w io.Writer) error {
	if r.KernelRates == nil {
		r.KernelRates = []KernelRate{}
	}
	if r.Results == nil {
		r.Results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadReport parses a report written by WriteJSON (any lcrun-bench/1
// writer, older or newer: unknown keys are ignored).
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not an lcrun bench --json report: %w", err)
	}
	if r.Schema != Schema {
		if strings.HasPrefix(r.Schema, "lcrun-bench/") {
			return nil, fmt.Errorf("report schema %q is not %q (this lcrun reads only its own version)", r.Schema, Schema)
		}
		return nil, fmt.Errorf("not an lcrun bench --json report (schema %q, want %q)", r.Schema, Schema)
	}
	return &r, nil
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	p := &printer{w: w}
	c := r.CPU
	p.printf("cpu       %s (%s), %d cores / %d threads", c.Brand, c.Arch, c.PhysicalCores, c.LogicalCores)
	if c.L3Bytes > 0 {
		p.printf(", L3 %s", sizeText(c.L3Bytes))
	}
	p.printf("\nfeatures  %s\n", featureSummary(c.Features))
	p.printf("threads   %d\n", r.Threads)
	if m := r.Machine; m != nil {
		p.printf("machine   FMA peak %.1f GFLOP/s (1 thread), %.1f GFLOP/s (%d threads); memory read %.1f GB/s (%d threads), copy %.1f GB/s (1 thread); probes %s\n",
			m.FMAPeak1T, m.FMAPeak, r.Threads, m.ReadGBps, r.Threads, m.CopyGBps, m.Probes)
	}
	if len(r.KernelRates) > 0 {
		p.printf("\n%-20s %-8s %9s %-8s %14s  %s\n", "kernel", "impl", "rate", "unit", "of machine", "shape")
		for _, k := range r.KernelRates {
			ref := "FMA peak"
			if k.Ref == "mem_read" {
				ref = "read bw"
			}
			p.printf("%-20s %-8s %9.2f %-8s %4.0f%% %-8s  %s, %d thread%s\n", k.Name, k.Impl, k.Value, k.Unit, 100*k.OfRef, ref, k.Shape, k.Threads, plural(k.Threads))
		}
	}
	if m := r.Model; m != nil {
		p.printf("\nmodel     %s (%s, %s, %s parameters, %s)\n", m.Name, m.Arch, m.FileType, countText(m.Parameters), sizeText(int(m.SizeBytes)))
		if len(m.TensorTypes) > 0 {
			parts := make([]string, len(m.TensorTypes))
			for i, c := range m.TensorTypes {
				parts[i] = fmt.Sprintf("%s %d", c.Type, c.Count)
			}
			p.printf("weights   %s\n", strings.Join(parts, ", "))
		}
		if r.KVType != "" {
			p.printf("kv cache  %s\n", r.KVType)
		}
		if res := r.AllResults(); len(res) > 0 {
			p.printf("\n%-16s %12s %9s %10s %7s %10s\n", "test", "tokens/s", "± stddev", "median", "max/min", "seconds")
			for _, x := range res {
				if x.Reps == 0 { // a report from before repetitions were kept
					p.printf("%-16s %12.2f %9s %10s %7s %10.3g\n", x.Name(), x.TPS, "", "", "", x.Seconds)
					continue
				}
				p.printf("%-16s %12.2f %9.2f %10.2f %7.3f %10.3g\n", x.Name(), x.TPS, x.TPSStddev, x.TPSMedian, x.Spread(), x.Seconds)
			}
			if res[0].Reps > 0 {
				p.printf("(%d repetition%s after a warm-up; tokens/s is their mean, max/min the fastest over the slowest)\n", res[0].Reps, plural(res[0].Reps))
			}
		}
	}
	return p.err
}

// AllResults is r.Results, or for a report written before they existed,
// its pp and tg figures as results at r.Depth.
func (r *Report) AllResults() []Result {
	if len(r.Results) > 0 {
		return r.Results
	}
	var out []Result
	if r.PPTPS != nil {
		out = append(out, Result{Test: fmt.Sprintf("pp%d", r.PromptTokens), Phase: "pp", Tokens: r.PromptTokens, Depth: r.Depth, TPS: *r.PPTPS, Seconds: orZero(r.PPSeconds)})
	}
	if r.TGTPS != nil {
		out = append(out, Result{Test: fmt.Sprintf("tg%d", r.GenTokens), Phase: "tg", Tokens: r.GenTokens, Depth: r.Depth, TPS: *r.TGTPS, Seconds: orZero(r.TGSeconds)})
	}
	return out
}

// SetResults stores res and copies the figures of the first depth into
// the top-level pp/tg keys older readers know.
func (r *Report) SetResults(res []Result) {
	r.Results = res
	if len(res) == 0 {
		return
	}
	r.Depth = res[0].Depth
	for i := range res {
		x := &res[i]
		if x.Depth != r.Depth {
			continue
		}
		switch x.Phase {
		case "pp":
			r.PromptTokens, r.PPTPS, r.PPSeconds = x.Tokens, &x.TPS, &x.Seconds
		case "tg":
			r.GenTokens, r.TGTPS, r.TGSeconds = x.Tokens, &x.TPS, &x.Seconds
		}
	}
}

func orZero(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// featureSummary keeps the SIMD features the kernels care about.
func featureSummary(fs []string) string {
	keep := map[string]bool{"AVX": true, "AVX2": true, "FMA3": true, "F16C": true, "AVX512F": true, "AVX512BW": true,
		"AVX512VNNI": true, "AVXVNNI": true, "ASIMD": true, "ASIMDDP": true, "ASIMDHP": true, "FPHP": true, "SVE": true,
		"SVE2": true, "I8MM": true, "BF16": true, "AVX512BF16": true}
	var out []string
	for _, f := range fs {
		if keep[f] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return "(no SIMD features reported)"
	}
	return strings.Join(out, " ")
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sizeText writes a size with one decimal (the report's columns are narrow).
func sizeText(b int) string { return bytesize.FormatPrec(int64(b), 1) }

func countText(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
