package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/internal/synth"
	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/require"
)

// The long runs of issues 14 and 15: a built lcrun binary over texts of
// 20K to 1M tokens, timed with /usr/bin/time -v for its peak RSS. They
// take minutes to hours, so they run only when asked:
//
//	LCRUN_LONG=1 go test -run TestLongMeasure -timeout 0 -v ./cmd/lcrun
//
// LCRUN_LONG_CASES picks the cases (comma list, default all, in the
// order longCases gives); LCRUN_LONG_DIR keeps the models, texts and each
// case's outputs (default $TMPDIR/lcrun-long), and a case whose outputs are
// there is not run again, so a later invocation checks runs of an earlier
// one; LCRUN_LONG_BIN is the lcrun binary (default: built into the dir);
// LCRUN_LONG_THREADS the -t (default 2). LCRUN_LONG_PREPARE=1 writes the
// models and texts and prints each case's command without running it.

// longCase is one timed run: a synth shape over a text of tokens tokens.
type longCase struct {
	name   string
	shape  string
	tokens int
	args   []string
}

// A target under about 20K tokens gets the text generator's first 64 KiB
// sample whole (20.6K tokens); the 20K cases name what they read.
var longCases = []longCase{
	{"hybrid-sinks-20K", "granite-h-150m-q8_0", 10_000, []string{"--ctx", "1M", "--attn", "sinks:4,2048"}},
	{"hybrid-sinks-100K", "granite-h-150m-q8_0", 100_000, []string{"--ctx", "1M", "--attn", "sinks:4,2048"}},
	{"hybrid-sinks-250K", "granite-h-150m-q8_0", 250_000, []string{"--ctx", "1M", "--attn", "sinks:4,2048"}},
	{"hybrid-sinks-500K", "granite-h-150m-q8_0", 500_000, []string{"--ctx", "1M", "--attn", "sinks:4,2048"}},
	{"hybrid-sinks-1M", "granite-h-150m-q8_0", 1_000_000, []string{"--ctx", "1M", "--attn", "sinks:4,2048"}},
	{"hybrid-full-q8-20K", "granite-h-150m-q8_0", 16_000, []string{"--ctx", "1M", "--kv", "q8_0"}},
	{"hybrid-full-q8-32K", "granite-h-150m-q8_0", 32_000, []string{"--ctx", "1M", "--kv", "q8_0"}},
	{"hybrid-full-q8-100K", "granite-h-150m-q8_0", 100_000, []string{"--ctx", "1M", "--kv", "q8_0"}},
	{"gemma3-20K", "gemma3-110m-q8_0", 16_000, []string{"--ctx", "32K"}},
	{"gemma3-32K", "gemma3-110m-q8_0", 32_000, []string{"--ctx", "32K"}},
	{"gemma3-64K", "gemma3-110m-q8_0", 64_000, []string{"--ctx", "64K"}},
}

// longResult is what a case leaves: lcrun's --json statistics and
// /usr/bin/time's peak RSS and wall time.
type longResult struct {
	Stats   runStats
	RSSKiB  int64
	Elapsed string
}

func TestLongMeasure(t *testing.T) {
	if os.Getenv("LCRUN_LONG") == "" {
		t.Skip("set LCRUN_LONG=1 for the long runs (minutes to hours)")
	}
	dir := os.Getenv("LCRUN_LONG_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lcrun-long")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	bin := os.Getenv("LCRUN_LONG_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "lcrun")
		out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	threads := os.Getenv("LCRUN_LONG_THREADS")
	if threads == "" {
		threads = "2"
	}
	want := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("LCRUN_LONG_CASES"), ",") {
		if n != "" {
			want[n] = true
		}
	}
	results := map[string]longResult{}
	for _, c := range longCases {
		if len(want) > 0 && !want[c.name] {
			if r, ok := loadLongResult(t, dir, c.name); ok {
				results[c.name] = r
			}
			continue
		}
		r, ok := loadLongResult(t, dir, c.name)
		if !ok {
			modelPath := longModel(t, dir, c.shape)
			text := longText(t, dir, modelPath, c.tokens)
			if os.Getenv("LCRUN_LONG_PREPARE") != "" {
				t.Logf("%s: /usr/bin/time %s", c.name, strings.Join(longArgs(bin, c, modelPath, text, threads), " "))
				continue
			}
			r = runLong(t, dir, bin, c, modelPath, text, threads)
		}
		results[c.name] = r
		t.Logf("%s: %d input tokens, prefill %.1f tok/s, decode %.1f tok/s, wall %s (lcrun %.1fs), peak RSS %.1f MiB, estimate %.1f MiB",
			c.name, r.Stats.InputTokens, r.Stats.PrefillTPS, r.Stats.DecodeTPS, r.Elapsed, r.Stats.WallSeconds,
			float64(r.RSSKiB)/1024, float64(r.Stats.EstimateBytes)/(1<<20))
	}
	checkLongResults(t, results)
}

// checkLongResults holds the runs there are to the issues' bounds.
func checkLongResults(t *testing.T, results map[string]longResult) {
	// Streaming attention keeps a ring of its window: the peak RSS at 100K
	// tokens is the peak at every longer input.
	var sinks []string
	for _, c := range longCases {
		if _, ok := results[c.name]; ok && strings.HasPrefix(c.name, "hybrid-sinks-") {
			sinks = append(sinks, c.name)
		}
	}
	if len(sinks) >= 2 {
		lo, hi := results[sinks[0]].RSSKiB, results[sinks[0]].RSSKiB
		for _, n := range sinks[1:] {
			lo, hi = min(lo, results[n].RSSKiB), max(hi, results[n].RSSKiB)
		}
		t.Logf("streaming peak RSS over %v: %.1f to %.1f MiB (%.1f%% apart)", sinks, float64(lo)/1024, float64(hi)/1024, 100*float64(hi-lo)/float64(lo))
		require.LessOrEqual(t, float64(hi), 1.05*float64(lo), "peak RSS of streaming runs %v is not flat", sinks)
	}
	within := func(name string) {
		r, ok := results[name]
		if !ok {
			return
		}
		est, rss := float64(r.Stats.EstimateBytes), float64(r.RSSKiB)*1024
		t.Logf("%s: estimate %.1f MiB, peak RSS %.1f MiB (%+.1f%%)", name, est/(1<<20), rss/(1<<20), 100*(rss-est)/est)
		require.InDelta(t, 1, rss/est, 0.2, "%s: peak RSS %.0f is not within 20%% of the estimate %.0f", name, rss, est)
	}
	for _, n := range []string{"hybrid-full-q8-20K", "hybrid-full-q8-32K", "hybrid-full-q8-100K", "gemma3-20K", "gemma3-32K", "gemma3-64K"} {
		within(n)
	}
	for _, n := range []string{"gemma3-20K", "gemma3-32K", "gemma3-64K"} {
		r, ok := results[n]
		if !ok {
			continue
		}
		full := fullAttentionKV(t, "gemma3-110m-q8_0", r.Stats.KVSlots)
		t.Logf("%s: estimate %.1f MiB; an f16 cache of %d slots on every layer alone is %.1f MiB", n, float64(r.Stats.EstimateBytes)/(1<<20), r.Stats.KVSlots, float64(full)/(1<<20))
		require.Less(t, r.Stats.EstimateBytes, full)
	}
}

// fullAttentionKV is the f16 KV cache of slots positions on every layer of
// the shape, as a model without sliding-window layers would hold it.
func fullAttentionKV(t *testing.T, shape string, slots int) int64 {
	spec, err := synth.Lookup(shape)
	require.NoError(t, err)
	s := spec.Llama
	require.NotNil(t, s, "%s is not a transformer shape", shape)
	head := s.HeadDim
	if head == 0 {
		head = s.Embd / s.Heads
	}
	return int64(s.Layers) * int64(s.KVHeads) * int64(head) * 2 /* K and V */ * 2 /* f16 */ * int64(slots)
}

func longModel(t *testing.T, dir, shape string) string {
	t.Helper()
	spec, err := synth.Lookup(shape)
	require.NoError(t, err)
	p, err := spec.Ensure(dir)
	require.NoError(t, err)
	return p
}

// longText writes (once) a text of at least tokens tokens for the model's
// tokenizer: sentences of random three-letter words, deterministic, so
// every machine reads the same input.
func longText(t *testing.T, dir, modelPath string, tokens int) string {
	t.Helper()
	m, err := model.Open(modelPath)
	require.NoError(t, err)
	defer m.Close()
	tok, err := m.Tokenizer()
	require.NoError(t, err)
	p := filepath.Join(dir, fmt.Sprintf("%s-%d.txt", strings.TrimSuffix(filepath.Base(modelPath), ".gguf"), tokens))
	if text, err := os.ReadFile(p); err == nil {
		require.GreaterOrEqual(t, len(tok.Encode(string(text), false, false)), tokens, "%s is short: remove it", p)
		return p
	}
	r := rand.New(rand.NewPCG(uint64(tokens), 15))
	var b strings.Builder
	paragraph := func() {
		for range 3 + r.IntN(6) {
			n := 5 + r.IntN(10)
			for i := range n {
				w := []byte{byte('a' + r.IntN(26)), byte('a' + r.IntN(26)), byte('a' + r.IntN(26))}
				if i > 0 {
					b.WriteByte(' ')
				}
				b.Write(w)
			}
			b.WriteString(". ")
		}
		b.WriteString("\n\n")
	}
	for b.Len() < 1<<16 {
		paragraph()
	}
	perByte := float64(len(tok.Encode(b.String(), false, false))) / float64(b.Len())
	for {
		for float64(b.Len())*perByte < 1.01*float64(tokens) {
			paragraph()
		}
		n := len(tok.Encode(b.String(), false, false))
		if n >= tokens {
			break
		}
		perByte = float64(n) / float64(b.Len())
	}
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p
}

var rssLine = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)
var wallLine = regexp.MustCompile(`Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)`)

// runLong runs the case under /usr/bin/time -v and keeps its outputs in
// dir (case.json: the statistics; case.stderr: lcrun's and time's lines).
func runLong(t *testing.T, dir, bin string, c longCase, modelPath, text, threads string) longResult {
	t.Helper()
	args := longArgs(bin, c, modelPath, text, threads)
	t.Logf("%s: /usr/bin/time %s", c.name, strings.Join(args, " "))
	cmd := exec.Command("/usr/bin/time", args...)
	stderr := filepath.Join(dir, c.name+".stderr")
	ef, err := os.Create(stderr)
	require.NoError(t, err)
	cmd.Stderr = ef
	out, err := cmd.Output()
	require.NoError(t, ef.Close())
	log, _ := os.ReadFile(stderr)
	require.NoError(t, err, "%s", log)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, c.name+".json"), []byte(lines[len(lines)-1]+"\n"), 0o644))
	r, ok := loadLongResult(t, dir, c.name)
	require.True(t, ok, "%s: no result in %s", c.name, dir)
	return r
}

// longArgs is /usr/bin/time's command line for the case.
func longArgs(bin string, c longCase, modelPath, text, threads string) []string {
	return append([]string{"-v", bin, text, "-m", modelPath, "-n", "8", "-p", "Summary:", "--temp", "0", "-t", threads, "--json"}, c.args...)
}

// loadLongResult reads a case's kept outputs, if it has run.
func loadLongResult(t *testing.T, dir, name string) (longResult, bool) {
	t.Helper()
	js, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return longResult{}, false
	}
	require.NoError(t, err)
	var r longResult
	require.NoError(t, json.Unmarshal(js, &r.Stats), "%s.json", name)
	f, err := os.Open(filepath.Join(dir, name+".stderr"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := rssLine.FindStringSubmatch(sc.Text()); m != nil {
			r.RSSKiB, err = strconv.ParseInt(m[1], 10, 64)
			require.NoError(t, err)
		}
		if m := wallLine.FindStringSubmatch(sc.Text()); m != nil {
			r.Elapsed = m[1]
		}
	}
	require.NoError(t, sc.Err())
	require.Positive(t, r.RSSKiB, "%s.stderr has no peak RSS line", name)
	return r, true
}
