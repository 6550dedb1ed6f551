package bench

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func f64(x float64) *float64 { return &x }

// sampleReport has every field set, as a full run writes it: pp and tg at
// depth 0, and tg at depth 4096.
func sampleReport(brand string, pp, tg float64) *Report {
	r := &Report{
		Schema: Schema, Time: "2025-01-02T15:04:05Z", Go: "go1.26.8",
		CPU: CPU{Brand: brand, Vendor: "AuthenticAMD", Arch: "amd64", PhysicalCores: 2, LogicalCores: 2, ThreadsPerCore: 1,
			L1DBytes: 49152, L2Bytes: 1 << 20, L3Bytes: 32 << 20, Features: []string{"AVX2", "FMA3", "SSE2"}},
		Threads: 2, Kernels: map[string]string{"dot": "avx2", "matmul_q8_0": "avx2"},
		Machine: &Machine{Probes: "avx2", FMAPeak1T: 90, FMAPeak: 180, ReadGBps: 25, CopyGBps: 20},
		KernelRates: []KernelRate{
			{Name: "matmul_q8_0_gemv", Impl: "avx2", Shape: "s", Threads: 2, Unit: "GB/s", Value: 20, Ref: "mem_read", OfRef: 0.8},
			{Name: "dot", Impl: "avx2", Shape: "s", Threads: 1, Unit: "GFLOP/s", Value: 45, Ref: "fma_peak", OfRef: 0.5},
		},
		Model: &ModelInfo{Name: "llama-110m-q8_0", Path: "/x.gguf", Arch: "llama", Synthetic: true, Parameters: 134e6, SizeBytes: 142e6, FileType: "Q8_0",
			TensorTypes: []TypeCount{{"Q8_0", 86}, {"F32", 25}}},
		KVType: "f16",
	}
	r.SetResults([]Result{
		{Test: "pp512", Phase: "pp", Tokens: 512, Depth: 0, TPS: pp, Seconds: 512 / pp},
		{Test: "tg128", Phase: "tg", Tokens: 128, Depth: 0, TPS: tg, Seconds: 128 / tg},
		{Test: "tg128", Phase: "tg", Tokens: 128, Depth: 4096, TPS: tg / 2, Seconds: 256 / tg},
	})
	return r
}

// jsonKeys lists every object key of v as dotted paths ("cpu.brand");
// array elements share their array's path.
func jsonKeys(prefix string, v any, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			into[prefix+k] = true
			if prefix == "" && k == "kernels" {
				continue // slot names, not schema keys
			}
			jsonKeys(prefix+k+".", e, into)
		}
	case []any:
		for _, e := range x {
			jsonKeys(prefix, e, into)
		}
	}
}

// TestReportSchema pins the JSON keys of lcrun-bench/1 and checks that the
// doc comment on Report documents each of them.
func TestReportSchema(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, sampleReport("AMD EPYC", 100, 10).WriteJSON(&buf))
	var m map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	got := map[string]bool{}
	jsonKeys("", m, got)
	want := []string{
		"schema", "time", "go", "threads", "kernels", "prompt_tokens", "gen_tokens", "pp_tps", "tg_tps", "pp_seconds", "tg_seconds", "depth", "kv_type",
		"results", "results.test", "results.phase", "results.tokens", "results.depth", "results.tps", "results.seconds",
		"cpu", "cpu.brand", "cpu.vendor", "cpu.arch", "cpu.physical_cores", "cpu.logical_cores", "cpu.threads_per_core",
		"cpu.l1d_bytes", "cpu.l2_bytes", "cpu.l3_bytes", "cpu.features", "cpu.emulated",
		"machine", "machine.probes", "machine.fma_peak_gflops_1t", "machine.fma_peak_gflops", "machine.read_gbps", "machine.copy_gbps",
		"kernel_rates", "kernel_rates.name", "kernel_rates.impl", "kernel_rates.shape", "kernel_rates.threads", "kernel_rates.unit",
		"kernel_rates.value", "kernel_rates.ref", "kernel_rates.of_ref",
		"model", "model.name", "model.path", "model.arch", "model.synthetic", "model.parameters", "model.size_bytes", "model.file_type",
		"model.tensor_types", "model.tensor_types.type", "model.tensor_types.count",
	}
	var gotList []string
	for k := range got {
		gotList = append(gotList, k)
	}
	sort.Strings(gotList)
	sort.Strings(want)
	require.Equal(t, want, gotList, "schema lcrun-bench/1 changed: keys may only be added (and then added here and to the doc)")
	assert.Equal(t, "lcrun-bench/1", m["schema"])
	assert.Equal(t, 100.0, m["pp_tps"])
	assert.Equal(t, 10.0, m["tg_tps"])
	assert.Equal(t, 0.0, m["depth"])

	src, err := os.ReadFile("report.go")
	require.NoError(t, err)
	doc := string(src[:bytes.Index(src, []byte("type Report struct"))])
	documented := map[string]bool{}
	for _, mm := range regexp.MustCompile(`"([a-z0-9_]+)":`).FindAllStringSubmatch(doc, -1) {
		documented[mm[1]] = true
	}
	for _, k := range want {
		leaf := k[strings.LastIndex(k, ".")+1:]
		assert.True(t, documented[leaf], "key %q is not in Report's doc comment", k)
	}

	// Without a model or measurements the keys stay, as null or [].
	empty := &Report{Schema: Schema}
	buf.Reset()
	require.NoError(t, empty.WriteJSON(&buf))
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	for _, k := range []string{"pp_tps", "tg_tps", "model", "machine"} {
		v, ok := m[k]
		assert.True(t, ok, k)
		assert.Nil(t, v, k)
	}
	assert.Equal(t, []any{}, m["kernel_rates"])
	assert.Equal(t, []any{}, m["results"])
}

func TestSetResults(t *testing.T) {
	cases := []struct {
		name           string
		res            []Result
		depth, pp, gen int
		ppTPS, tgTPS   *float64
	}{
		{"none", nil, 0, 0, 0, nil, nil},
		{"depth 0", []Result{{Phase: "pp", Tokens: 8, TPS: 100}, {Phase: "tg", Tokens: 4, TPS: 10}, {Phase: "pp", Tokens: 8, Depth: 64, TPS: 50}},
			0, 8, 4, f64(100), f64(10)},
		{"first depth counts", []Result{{Phase: "pp", Tokens: 8, Depth: 64, TPS: 50}, {Phase: "tg", Tokens: 4, Depth: 64, TPS: 5}, {Phase: "pp", Tokens: 8, TPS: 100}},
			64, 8, 4, f64(50), f64(5)},
		{"no tg", []Result{{Phase: "pp", Tokens: 8, Depth: 2, TPS: 100}}, 2, 8, 0, f64(100), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Report
			r.SetResults(c.res)
			assert.Equal(t, c.depth, r.Depth)
			assert.Equal(t, c.pp, r.PromptTokens)
			assert.Equal(t, c.gen, r.GenTokens)
			assert.Equal(t, c.ppTPS, r.PPTPS)
			assert.Equal(t, c.tgTPS, r.TGTPS)
			assert.Equal(t, c.res, r.Results)
		})
	}
}

func TestReadReport(t *testing.T) {
	var buf bytes.Buffer
	r := sampleReport("AMD EPYC", 100, 10)
	require.NoError(t, r.WriteJSON(&buf))
	back, err := ReadReport(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, r, back)

	withExtra := strings.Replace(buf.String(), `"threads": 2,`, `"threads": 2, "added_later": {"x": 1},`, 1)
	_, err = ReadReport(strings.NewReader(withExtra))
	assert.NoError(t, err, "keys added later are ignored")

	// A report from before per-test depths: no "depth", no "results". Its
	// figures read as results at depth 0.
	old := `{"schema": "lcrun-bench/1", "threads": 2, "prompt_tokens": 512, "gen_tokens": 128,
		"pp_tps": 100, "tg_tps": 10, "pp_seconds": 5.12, "tg_seconds": 12.8}`
	back, err = ReadReport(strings.NewReader(old))
	require.NoError(t, err)
	assert.Equal(t, []Result{
		{Test: "pp512", Phase: "pp", Tokens: 512, Depth: 0, TPS: 100, Seconds: 5.12},
		{Test: "tg128", Phase: "tg", Tokens: 128, Depth: 0, TPS: 10, Seconds: 12.8},
	}, back.AllResults())

	cases := map[string]string{
		"not JSON":      "threads: 2",
		"other JSON":    `{"a": 1}`,
		"other version": `{"schema": "lcrun-bench/2"}`,
		"wrong type":    `{"schema": "lcrun-bench/1", "threads": "two"}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ReadReport(strings.NewReader(in))
			require.Error(t, err)
		})
	}
}

func TestCompare(t *testing.T) {
	a := sampleReport("AMD EPYC", 100, 10)
	b := sampleReport("Arm Neoverse-V2", 50, 20)
	b.CPU.Arch = "arm64"
	b.Machine.ReadGBps = 50
	b.KernelRates = b.KernelRates[:1]                                                              // no dot
	b.KernelRates = append(b.KernelRates, KernelRate{Name: "ssm_scan", Unit: "GFLOP/s", Value: 3}) // only in B
	b.SetResults(b.Results[:1])                                                                    // pp only
	b.TGTPS = nil

	rows := Compare(a, b)
	byName := map[string]Row{}
	var names []string
	for _, r := range rows {
		byName[r.Name] = r
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"machine.fma_peak_gflops_1t", "machine.fma_peak_gflops", "machine.read_gbps", "machine.copy_gbps",
		"kernel.matmul_q8_0_gemv", "kernel.dot", "pp_tps", "tg_tps", "tg_tps@d4096", "kernel.ssm_scan"}, names)
	assert.InDelta(t, 0.5, byName["pp_tps"].Ratio, 1e-12)
	assert.InDelta(t, 2.0, byName["machine.read_gbps"].Ratio, 1e-12)
	assert.InDelta(t, 1.0, byName["kernel.matmul_q8_0_gemv"].Ratio, 1e-12)
	assert.True(t, math.IsNaN(byName["kernel.dot"].B) && math.IsNaN(byName["kernel.dot"].Ratio), "missing in B")
	assert.True(t, math.IsNaN(byName["tg_tps"].Ratio), "not measured in B")
	assert.InDelta(t, 5.0, byName["tg_tps@d4096"].A, 1e-12)
	assert.True(t, math.IsNaN(byName["kernel.ssm_scan"].A), "missing in A")
	assert.Equal(t, "tokens/s", byName["pp_tps"].Unit)

	var out bytes.Buffer
	require.NoError(t, WriteComparison(&out, a, b, "x86.json", "arm.json"))
	text := out.String()
	assert.Contains(t, text, "A: x86.json: AMD EPYC (amd64), 2 threads, llama-110m-q8_0, kernels avx2 2")
	assert.Contains(t, text, "B: arm.json: Arm Neoverse-V2 (arm64)")
	assert.Regexp(t, `pp_tps\s+tokens/s\s+100\s+50.0\s+0.5x`, text)
	assert.Regexp(t, `machine.read_gbps\s+GB/s\s+25.0\s+50.0\s+2x`, text)
	assert.Regexp(t, `kernel.dot\s+GFLOP/s\s+45.0\s+-\s+-`, text)
	assert.NotContains(t, text, "note:")

	b.Model.Name = "mamba-130m-f32"
	b.GenTokens = 16
	b.KVType = ""
	out.Reset()
	require.NoError(t, WriteComparison(&out, a, b, "a", "b"))
	assert.Contains(t, out.String(), "note: the models differ")
	assert.Contains(t, out.String(), "note: token counts differ (A: -p 512 -n 128, B: -p 512 -n 16)")
	assert.Contains(t, out.String(), "note: KV cache types differ (A: f16, B: not recorded)")

	// B from before per-test depths: its tg was timed after its prompt.
	b = sampleReport("AMD EPYC", 100, 10)
	b.Results = nil
	out.Reset()
	require.NoError(t, WriteComparison(&out, a, b, "a", "b"))
	assert.Contains(t, out.String(), "note: B predates per-test depths: its tg_tps was timed after its 512-token prompt")
	assert.NotContains(t, out.String(), "note: A")
	assert.Regexp(t, `tg_tps\s+tokens/s\s+10.0\s+10.0\s+1x`, out.String())
	assert.Regexp(t, `tg_tps@d4096\s+tokens/s\s+5\s+-\s+-`, out.String())
}

func TestWriteText(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, sampleReport("AMD EPYC", 100, 10).WriteText(&out))
	text := out.String()
	for _, want := range []string{
		"cpu       AMD EPYC (amd64), 2 cores / 2 threads, L3 32.0 MiB",
		"features  AVX2 FMA3",
		"machine   FMA peak 90.0 GFLOP/s (1 thread), 180.0 GFLOP/s (2 threads)",
		"matmul_q8_0_gemv     avx2         20.00 GB/s       80% read bw   s, 2 threads",
		"dot                  avx2         45.00 GFLOP/s    50% FMA peak  s, 1 thread",
		"model     llama-110m-q8_0 (llama, Q8_0, 134.0M parameters, 135.4 MiB)\nweights   Q8_0 86, F32 25\nkv cache  f16\n",
		// A report from before repetitions were kept has no spread.
		"test                 tokens/s  ± stddev     median max/min    seconds\n" +
			"pp512                  100.00                                    5.12\n" +
			"tg128                   10.00                                    12.8\n" +
			"tg128 @ d4096            5.00                                    25.6\n",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "repetition")

	r := sampleReport("AMD EPYC", 100, 10)
	ms := time.Millisecond
	r.SetResults([]Result{newResult("pp", 512, 0, []time.Duration{5000 * ms, 5120 * ms, 5240 * ms}),
		newResult("tg", 128, 0, []time.Duration{12800 * ms, 11000 * ms, 14000 * ms})})
	out.Reset()
	require.NoError(t, r.WriteText(&out))
	assert.Contains(t, out.String(),
		"test                 tokens/s  ± stddev     median max/min    seconds\n"+
			"pp512                  100.04      2.35     100.00   1.048       5.12\n"+
			"tg128                   10.26      1.27      10.00   1.273       12.6\n"+
			"(3 repetitions after a warm-up; tokens/s is their mean, max/min the fastest over the slowest)\n")
}

// TestMeasureKernels runs every kernel figure briefly on small shapes: the
// rates depend on the machine, so it checks the names, units and that each
// rate and its ratio to the machine figure are positive and finite.
func TestMeasureKernels(t *testing.T) {
	o := Options{Threads: 2, Duration: time.Millisecond, StreamBytes: 1 << 20, Small: true}
	m := MeasureMachine(o)
	require.Greater(t, m.FMAPeak1T, 0.0)
	require.Greater(t, m.ReadGBps, 0.0)
	rates, err := MeasureKernels(m, o)
	require.NoError(t, err)
	var names []string
	for _, k := range rates {
		names = append(names, k.Name)
		assert.Greater(t, k.Value, 0.0, k.Name)
		assert.False(t, math.IsInf(k.Value, 0), k.Name)
		assert.Greater(t, k.OfRef, 0.0, k.Name)
		assert.NotEmpty(t, k.Impl, k.Name)
		assert.Contains(t, []string{"GB/s", "GFLOP/s"}, k.Unit)
		if k.Unit == "GB/s" {
			assert.Equal(t, "mem_read", k.Ref, k.Name)
		} else {
			assert.Equal(t, "fma_peak", k.Ref, k.Name)
		}
	}
	assert.Equal(t, []string{
		"matmul_f32_gemv", "matmul_f32_gemm", "matmul_f16_gemv", "matmul_f16_gemm", "matmul_bf16_gemv", "matmul_bf16_gemm",
		"matmul_q8_0_gemv", "matmul_q8_0_gemm", "matmul_q4_0_gemv", "matmul_q4_0_gemm", "matmul_q4_k_gemv", "matmul_q4_k_gemm",
		"matmul_q6_k_gemv", "matmul_q6_k_gemm",
		"matmul_q4_1_gemv", "matmul_q4_1_gemm", "matmul_q5_0_gemv", "matmul_q5_0_gemm", "matmul_q5_1_gemv", "matmul_q5_1_gemm",
		"matmul_q2_k_gemv", "matmul_q2_k_gemm", "matmul_q3_k_gemv", "matmul_q3_k_gemm", "matmul_q5_k_gemv", "matmul_q5_k_gemm",
		"matmul_tq1_0_gemv", "matmul_tq1_0_gemm", "matmul_tq2_0_gemv", "matmul_tq2_0_gemm",
		"matmul_iq4_nl_gemv", "matmul_iq4_nl_gemm", "matmul_iq4_xs_gemv", "matmul_iq4_xs_gemm", "matmul_mxfp4_gemv", "matmul_mxfp4_gemm",
		"attention_prefill", "attention_decode", "ssm_scan", "dot",
	}, names)
}

func TestDetectCPU(t *testing.T) {
	c := DetectCPU()
	assert.Equal(t, runtime.GOARCH, c.Arch)
	assert.NotEmpty(t, c.Brand)
	assert.GreaterOrEqual(t, c.LogicalCores, 1)
	assert.GreaterOrEqual(t, c.PhysicalCores, 1)
}

func TestArmBrand(t *testing.T) {
	cases := []struct {
		cpuinfo, want string
	}{
		{"processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd4f\n\nprocessor\t: 1\nCPU part\t: 0xd03\n", "Arm Neoverse-V2"},
		{"CPU implementer\t: 0x61\nCPU part\t: 0x022\n", "arm64 implementer 0x61 part 0x22"},
		{"model name\t: Some SoC\n", "Some SoC"},
		{"processor : 0\n", ""},
		{"", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, armBrand(cpuinfoFields([]byte(c.cpuinfo))), c.cpuinfo)
	}
}

// TestMeasureModel runs the pp and tg tests on the small real model at
// the depths given: one pp and one tg result per depth, in order, each
// with a positive, finite rate that matches its token count and time.
func TestMeasureModel(t *testing.T) {
	m, err := model.Open("../../testdata/stories260K.gguf")
	require.NoError(t, err)
	defer m.Close()
	cases := []struct {
		name string
		run  ModelRun
		want []string
	}{
		{"default depth", ModelRun{Prompt: 8, Gen: 3, Threads: 2}, []string{"pp8", "tg3"}},
		{"f16 cache", ModelRun{Prompt: 8, Gen: 3, Depths: []int{4}, KV: lc.F16}, []string{"pp8 @ d4", "tg3 @ d4"}},
		{"q8_0 cache", ModelRun{Prompt: 8, Gen: 3, KV: lc.Q8_0}, []string{"pp8", "tg3"}},
		{"depths", ModelRun{Prompt: 4, Gen: 2, Depths: []int{0, 16, 5}, Threads: 1}, []string{"pp4", "tg2", "pp4 @ d16", "tg2 @ d16", "pp4 @ d5", "tg2 @ d5"}},
		{"no tg", ModelRun{Prompt: 4, Depths: []int{7}}, []string{"pp4 @ d7"}},
		{"repetitions", ModelRun{Prompt: 4, Gen: 2, Depths: []int{0, 3}, Reps: 3}, []string{"pp4", "tg2", "pp4 @ d3", "tg2 @ d3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := MeasureModel(m, c.run)
			require.NoError(t, err)
			var names []string
			for _, r := range res {
				names = append(names, r.Name())
				assert.Contains(t, []string{"pp", "tg"}, r.Phase)
				assert.Equal(t, r.Phase+strconv.Itoa(r.Tokens), r.Test)
				assert.Greater(t, r.Seconds, 0.0)
				assert.False(t, math.IsInf(r.TPS, 0) || math.IsNaN(r.TPS), r.Name())
				require.Equal(t, max(c.run.Reps, 1), r.Reps)
				require.Len(t, r.RepTPS, r.Reps)
				if r.Reps == 1 {
					assert.InDelta(t, float64(r.Tokens), r.TPS*r.Seconds, 1e-6*float64(r.Tokens))
				}
				assert.LessOrEqual(t, r.TPSMin, r.TPSMedian)
				assert.LessOrEqual(t, r.TPSMedian, r.TPSMax)
				assert.GreaterOrEqual(t, r.Spread(), 1.0)
			}
			assert.Equal(t, c.want, names)
		})
	}
	for name, run := range map[string]ModelRun{
		"no prompt":      {Prompt: 0, Gen: 1},
		"negative gen":   {Prompt: 1, Gen: -1},
		"negative depth": {Prompt: 1, Depths: []int{0, -1}},
		"negative reps":  {Prompt: 1, Reps: -1},
	} {
		_, err := MeasureModel(m, run)
		assert.Error(t, err, name)
	}
}

// The spread figures are llama-bench's: the mean and sample standard
// deviation of every repetition's rate, with the median and extremes.
func TestNewResultSpread(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name                      string
		took                      []time.Duration
		mean, std, median, spread float64
	}{
		// 10 tokens in 100 ms = 100 tokens/s.
		{"one", []time.Duration{100 * ms}, 100, 0, 100, 1},
		{"two", []time.Duration{100 * ms, 50 * ms}, 150, 70.71067811865476, 150, 2},
		{"odd", []time.Duration{100 * ms, 50 * ms, 200 * ms}, 350.0 / 3, 76.37626158259734, 100, 4},
		{"even", []time.Duration{100 * ms, 50 * ms, 200 * ms, 25 * ms}, 187.5, 154.78479684172257, 150, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newResult("tg", 10, 0, c.took)
			assert.Equal(t, len(c.took), r.Reps)
			assert.InDelta(t, c.mean, r.TPS, 1e-9)
			assert.InDelta(t, c.std, r.TPSStddev, 1e-3)
			assert.InDelta(t, c.median, r.TPSMedian, 1e-9)
			assert.InDelta(t, c.spread, r.Spread(), 1e-9)
		})
	}
	assert.Zero(t, Result{TPS: 5}.Spread(), "an old report's result has no repetitions")
}
