package bench

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func f64(x float64) *float64 { return &x }

// sampleReport has every field set, as a full run writes it.
func sampleReport(brand string, pp, tg float64) *Report {
	return &Report{
		Schema: Schema, Time: "2025-01-02T15:04:05Z", Go: "go1.26.8",
		CPU: CPU{Brand: brand, Vendor: "AuthenticAMD", Arch: "amd64", PhysicalCores: 2, LogicalCores: 2, ThreadsPerCore: 1,
			L1DBytes: 49152, L2Bytes: 1 << 20, L3Bytes: 32 << 20, Features: []string{"AVX2", "FMA3", "SSE2"}},
		Threads: 2, Kernels: map[string]string{"dot": "avx2", "matmul_q8_0": "avx2"},
		Machine: &Machine{Probes: "avx2", FMAPeak1T: 90, FMAPeak: 180, ReadGBps: 25, CopyGBps: 20},
		KernelRates: []KernelRate{
			{Name: "matmul_q8_0_gemv", Impl: "avx2", Shape: "s", Threads: 2, Unit: "GB/s", Value: 20, Ref: "mem_read", OfRef: 0.8},
			{Name: "dot", Impl: "avx2", Shape: "s", Threads: 1, Unit: "GFLOP/s", Value: 45, Ref: "fma_peak", OfRef: 0.5},
		},
		Model:        &ModelInfo{Name: "llama-110m-q8_0", Path: "/x.gguf", Arch: "llama", Synthetic: true, Parameters: 134e6, SizeBytes: 142e6, FileType: "MOSTLY_Q8_0"},
		PromptTokens: 512, GenTokens: 128, PPTPS: f64(pp), TGTPS: f64(tg), PPSeconds: f64(512 / pp), TGSeconds: f64(128 / tg),
	}
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
		"schema", "time", "go", "threads", "kernels", "prompt_tokens", "gen_tokens", "pp_tps", "tg_tps", "pp_seconds", "tg_seconds",
		"cpu", "cpu.brand", "cpu.vendor", "cpu.arch", "cpu.physical_cores", "cpu.logical_cores", "cpu.threads_per_core",
		"cpu.l1d_bytes", "cpu.l2_bytes", "cpu.l3_bytes", "cpu.features", "cpu.emulated",
		"machine", "machine.probes", "machine.fma_peak_gflops_1t", "machine.fma_peak_gflops", "machine.read_gbps", "machine.copy_gbps",
		"kernel_rates", "kernel_rates.name", "kernel_rates.impl", "kernel_rates.shape", "kernel_rates.threads", "kernel_rates.unit",
		"kernel_rates.value", "kernel_rates.ref", "kernel_rates.of_ref",
		"model", "model.name", "model.path", "model.arch", "model.synthetic", "model.parameters", "model.size_bytes", "model.file_type",
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
	b.TGTPS = nil

	rows := Compare(a, b)
	byName := map[string]Row{}
	var names []string
	for _, r := range rows {
		byName[r.Name] = r
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"machine.fma_peak_gflops_1t", "machine.fma_peak_gflops", "machine.read_gbps", "machine.copy_gbps",
		"kernel.matmul_q8_0_gemv", "kernel.dot", "pp_tps", "tg_tps", "kernel.ssm_scan"}, names)
	assert.InDelta(t, 0.5, byName["pp_tps"].Ratio, 1e-12)
	assert.InDelta(t, 2.0, byName["machine.read_gbps"].Ratio, 1e-12)
	assert.InDelta(t, 1.0, byName["kernel.matmul_q8_0_gemv"].Ratio, 1e-12)
	assert.True(t, math.IsNaN(byName["kernel.dot"].B) && math.IsNaN(byName["kernel.dot"].Ratio), "missing in B")
	assert.True(t, math.IsNaN(byName["tg_tps"].Ratio), "null in B")
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
	out.Reset()
	require.NoError(t, WriteComparison(&out, a, b, "a", "b"))
	assert.Contains(t, out.String(), "note: the models differ")
	assert.Contains(t, out.String(), "note: token counts differ (A: -p 512 -n 128, B: -p 512 -n 16)")
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
		"model     llama-110m-q8_0 (llama, MOSTLY_Q8_0, 134.0M parameters, 135.4 MiB)",
		"prefill   512 tokens: 100.0 tokens/s (5.12 s)",
		"decode    128 tokens: 10.00 tokens/s (12.8 s)",
	} {
		assert.Contains(t, text, want)
	}
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
		"matmul_q6_k_gemv", "matmul_q6_k_gemm", "attention_prefill", "attention_decode", "ssm_scan", "dot",
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
