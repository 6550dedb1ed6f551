package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/internal/bench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBenchJSON runs the whole benchmark on the tiny built-in shape with
// small problems and 1 ms per figure (this also runs under
// qemu-aarch64-static in CI, where it is the arm64 bench smoke test), and
// reads the report back.
func TestBenchJSON(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the shape is generated here
	t.Setenv("LCRUN_MODEL", "")
	code, out, errOut := runLcrun("bench", "--shape", "llama-tiny-f32", "-p", "8", "-n", "3", "--depth", "0,16", "-t", "2", "--small", "--time", "1ms", "--json")
	require.Equal(t, 0, code, errOut)
	r, err := bench.ReadReport(bytes.NewReader([]byte(out)))
	require.NoError(t, err)
	assert.Equal(t, runtime.GOARCH, r.CPU.Arch)
	assert.NotEmpty(t, r.CPU.Brand)
	assert.Equal(t, 2, r.Threads)
	assert.NotEmpty(t, r.Kernels["dot"])
	require.NotNil(t, r.Machine)
	assert.Greater(t, r.Machine.FMAPeak1T, 0.0)
	assert.Len(t, r.KernelRates, 40) // GEMV and GEMM of 18 weight types, attention twice, the scan, dot
	require.NotNil(t, r.Model)
	assert.Equal(t, "llama-tiny-f32", r.Model.Name)
	assert.True(t, r.Model.Synthetic)
	assert.Equal(t, "llama", r.Model.Arch)
	assert.Greater(t, r.Model.Parameters, int64(0))
	assert.Equal(t, 8, r.PromptTokens)
	assert.Equal(t, 3, r.GenTokens)
	require.NotNil(t, r.PPTPS)
	require.NotNil(t, r.TGTPS)
	assert.Greater(t, *r.PPTPS, 0.0)
	assert.Greater(t, *r.TGTPS, 0.0)
	assert.Equal(t, 0, r.Depth)
	assert.Equal(t, "f16", r.KVType, "llama-bench's default cache type")
	var tests []string
	for _, x := range r.Results {
		tests = append(tests, x.Name())
		assert.Greater(t, x.TPS, 0.0)
	}
	assert.Equal(t, []string{"pp8", "tg3", "pp8 @ d16", "tg3 @ d16"}, tests)
	assert.Contains(t, errOut, "llama-tiny-f32")

	// The same report compared with itself: every ratio is 1.
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	require.NoError(t, os.WriteFile(a, []byte(out), 0o644))
	code, cmp, errOut := runLcrun("bench", "--compare", a, a)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `pp_tps\s+tokens/s\s+\S+\s+\S+\s+1x`, cmp)
	assert.Regexp(t, `kernel.matmul_q8_0_gemv\s+GB/s\s+\S+\s+\S+\s+1x`, cmp)
	assert.Regexp(t, `tg_tps@d16\s+tokens/s\s+\S+\s+\S+\s+1x`, cmp)
}

func TestBenchText(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, errOut := runLcrun("bench", "--shape", "mamba-tiny-f32", "-p", "4", "-n", "0", "--no-kernels")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "model     mamba-tiny-f32 (mamba")
	assert.NotContains(t, out, "kv cache", "a recurrent model has none")
	assert.Regexp(t, `\npp4 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +\S+\n\(5 repetitions after a warm-up`, out, "-r defaults to llama-bench's 5")
	assert.NotContains(t, out, "\ntg", "-n 0 measures no decode")
	assert.NotContains(t, out, "machine ", "--no-kernels")
	code, out, errOut = runLcrun("bench", "-m", filepath.Join(testdata, "stories260K.gguf"), "-p", "4", "-n", "2", "--depth", "8", "--depth", "1K", "--kv", "q8_0", "--no-kernels", "--json")
	require.Equal(t, 0, code, errOut)
	r, err := bench.ReadReport(bytes.NewReader([]byte(out)))
	require.NoError(t, err)
	assert.Equal(t, 8, r.Depth, "the top-level figures are the first depth's")
	assert.Equal(t, "q8_0", r.KVType)
	require.Len(t, r.Results, 4)
	assert.Equal(t, []int{8, 8, 1024, 1024}, []int{r.Results[0].Depth, r.Results[1].Depth, r.Results[2].Depth, r.Results[3].Depth})
	assert.Equal(t, r.Results[1].TPS, *r.TGTPS)
	assert.False(t, r.Model.Synthetic)
	assert.Equal(t, "F32", r.Model.FileType)
	assert.Nil(t, r.Machine)
	assert.Empty(t, r.KernelRates)
}

func TestBenchCompareReports(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r *bench.Report) string {
		var b bytes.Buffer
		require.NoError(t, r.WriteJSON(&b))
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
		return p
	}
	pp := func(x float64) *float64 { return &x }
	a := write("x86.json", &bench.Report{Schema: bench.Schema, CPU: bench.CPU{Brand: "AMD EPYC", Arch: "amd64"}, Threads: 2,
		Model: &bench.ModelInfo{Name: "llama-tiny-f32"}, PPTPS: pp(1000), TGTPS: pp(400)})
	b := write("arm.json", &bench.Report{Schema: bench.Schema, CPU: bench.CPU{Brand: "emulated arm64 on AMD EPYC", Arch: "arm64"}, Threads: 2,
		Model: &bench.ModelInfo{Name: "llama-tiny-f32"}, PPTPS: pp(50), TGTPS: pp(40)})
	code, out, errOut := runLcrun("bench", "--compare", a, b)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "B: "+b+": emulated arm64 on AMD EPYC (arm64), 2 threads, llama-tiny-f32")
	assert.Regexp(t, `pp_tps\s+tokens/s\s+1000\s+50.0\s+0.05x`, out)
	assert.Regexp(t, `tg_tps\s+tokens/s\s+400\s+40.0\s+0.1x`, out)

	// A report written before "depth" and "results" existed compares
	// with a new one: its figures count as depth 0.
	old := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(old, []byte(`{"schema": "lcrun-bench/1", "cpu": {"brand": "AMD EPYC", "arch": "amd64"}, "threads": 2,
		"model": {"name": "llama-tiny-f32"}, "prompt_tokens": 512, "gen_tokens": 128, "pp_tps": 900, "tg_tps": 300}`), 0o644))
	code, out, errOut = runLcrun("bench", "--compare", old, a)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `pp_tps\s+tokens/s\s+900\s+1000\s+1.11x`, out)
	assert.Contains(t, out, "note: A predates per-test depths")

	notReport := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(notReport, []byte(`{"ppl": 6.1}`), 0o644))
	for name, args := range map[string][]string{
		"one file":      {"bench", "--compare", a},
		"missing file":  {"bench", "--compare", a, filepath.Join(dir, "none.json")},
		"not a report":  {"bench", "--compare", a, notReport},
		"model twice":   {"bench", "-m", "x.gguf", "--shape", "llama-tiny-f32"},
		"unknown shape": {"bench", "--shape", "llama-7b", "--no-kernels"},
		"no tokens":     {"bench", "-p", "0"},
		"bad depth":     {"bench", "--depth", "0,x"},
		"minus depth":   {"bench", "--depth", "-4"},
		"bad kv":        {"bench", "--kv", "q4_0"},
		"stray arg":     {"bench", "extra"},
		"zero reps":     {"bench", "-r", "0"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runLcrun(args...)
			// A bad command line (a flag's bad value, arguments missing
			// or extra) exits 2.
			badLine := strings.Contains(name, "depth") || name == "one file" || name == "stray arg" ||
				name == "zero reps" || name == "no tokens" || name == "model twice" || name == "unknown shape" || name == "bad kv"
			want := map[bool]int{false: 1, true: 2}[badLine]
			assert.Equal(t, want, code)
			assert.Regexp(t, `^lcrun bench: .+\n$`, errOut, "one line")
		})
	}
}

// A built-in mix runs under lcrun bench and says what it is made of.
func TestBenchMixShape(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, errOut := runLcrun("bench", "--shape", "llama-q-q4_k_m", "-p", "4", "-n", "2", "--no-kernels")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "model     llama-q-q4_k_m (llama, Q4_K_M, ")
	assert.Contains(t, out, "\nweights   Q4_K 10, F32 5, Q5_0 3, Q6_K 2, Q8_0 1\n")
}
