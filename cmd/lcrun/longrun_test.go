package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const storiesModel = "-m=" + testdata + "/stories260K.gguf"

// storyText writes about n bytes of varied story text (about two bytes a
// token for the stories260K vocabulary), deterministic for a seed.
func storyText(t *testing.T, dir string, n int, seed uint64) string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	names := []string{"Lily", "Tom", "Mia", "Ben", "Sue", "Max", "Anna", "Sam"}
	things := []string{"kite", "ball", "dog", "cat", "box", "toy", "boat", "hat", "cake", "key"}
	places := []string{"park", "garden", "house", "forest", "beach", "school", "shop", "river"}
	var b strings.Builder
	for b.Len() < n {
		for range 3 + r.IntN(5) {
			nm, th, pl := names[r.IntN(len(names))], things[r.IntN(len(things))], places[r.IntN(len(places))]
			switch r.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "%s had a %s. ", nm, th)
			case 1:
				fmt.Fprintf(&b, "One day, %s went to the %s. ", nm, pl)
			case 2:
				fmt.Fprintf(&b, "\"Look!\" said %s. \"The %s is in the %s!\" ", nm, th, pl)
			default:
				fmt.Fprintf(&b, "%s hid the %s in the %s. ", nm, th, pl)
			}
		}
		b.WriteString("\n\n")
	}
	p := filepath.Join(dir, fmt.Sprintf("story-%d-%d.txt", n, seed))
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p
}

// runJSON runs lcrun with --json and decodes the statistics (the last
// line of stdout); it returns the answer before them too.
func runJSON(t *testing.T, args ...string) (code int, answer string, st runStats, stderr string) {
	t.Helper()
	code, out, errOut := runLcrun(append(args, "--json")...)
	out = strings.TrimSuffix(out, "\n")
	i := strings.LastIndexByte(out, '\n')
	if code == 0 || code == 130 {
		require.NoError(t, json.Unmarshal([]byte(out[i+1:]), &st), "stdout: %q\nstderr: %s", out, errOut)
	}
	if i < 0 {
		return code, "", st, errOut
	}
	return code, out[:i], st, errOut
}

// The inputs issue 6 names as bad each give one line and a non-zero exit
// (2 for a flag's bad value, as for any bad command line, and for a run
// that does not fit).
func TestLongRunBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	binary := filepath.Join(dir, "data.bin")
	require.NoError(t, os.WriteFile(binary, []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), 0o644))
	binDir := filepath.Join(dir, "bins")
	require.NoError(t, os.MkdirAll(binDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(binDir, "a.bin"), []byte{0, 1, 2}, 0o644))
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"nonexistent path", []string{filepath.Join(dir, "missing.txt")}, 1, "missing.txt: no such file or directory"},
		{"empty file", []string{empty}, 1, "empty.txt: the file is empty"},
		{"binary file", []string{binary}, 1, "data.bin: not a text file (NUL byte at offset 7)"},
		{"directory of binaries", []string{binDir}, 1, "no text files to read (skipped 1 binary)"},
		{"ctx 0", []string{storyPrompt, "--ctx", "0"}, 2, "--ctx 0: want a positive number of tokens"},
		{"ctx banana", []string{storyPrompt, "--ctx", "banana"}, 2, `"banana" is not a count`},
		{"window -1", []string{storyPrompt, "--attn", "window:-1"}, 2, `--attn window:-1: the window "-1" is not a positive count`},
		{"unknown policy", []string{storyPrompt, "--attn", "ring:5"}, 2, "unknown policy"},
		{"does not fit", []string{storyPrompt, "--max-mem", "4M"}, 2, "not enough memory"},
		{"longer than ctx", []string{storyPrompt, "--ctx", "20"}, 1, "longer than --ctx 20 tokens"},
		{"prompt past ctx", []string{storyPrompt, "--ctx", "60", "-n", "30"}, 1, "need --ctx 79 or more (have 60)"},
		{"bad max-mem", []string{storyPrompt, "--max-mem", "lots"}, 2, `"lots" is not a size`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runLcrun(append([]string{storiesModel, "-n", "4"}, c.args...)...)
			assert.Equal(t, c.code, code, errOut)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			assert.Contains(t, errOut, c.want)
		})
	}
}

// A context too large for the memory names what would fit, before
// allocating anything.
func TestLongRunRefusalNamesWhatFits(t *testing.T) {
	dir := t.TempDir()
	// ~100K tokens: KV caches of 128 MiB in f32, 64 MiB in f16; the bound
	// leaves room for the f16 one beside this process as it is.
	text := storyText(t, dir, 200000, 1)
	maxMem := sysmem.RSS() + 100<<20
	code, out, errOut := runLcrun(storiesModel, text, "--kv", "f32", "--max-mem", fmt.Sprint(maxMem), "-n", "4")
	assert.Equal(t, 2, code, errOut)
	assert.Empty(t, out)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	for _, want := range []string{"not enough memory", "(attention full, KV cache f32 of ", "more than --max-mem " + sizeText(maxMem),
		"would fit: --kv f16", "--attn sinks:4,", "a Mamba model"} {
		assert.Contains(t, errOut, want)
	}
}

func TestLongRunDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".gitignore":     "build/\n*.log\n",
		"README.md":      "Once upon a time there was a tiny repository.\n",
		"src/main.go":    "package main\n\nfunc main() { println(\"hi\") }\n",
		"src/util.go":    "package main\n",
		"build/out.txt":  "ignored\n",
		"debug.log":      "ignored\n",
		"assets/img.png": "\x89PNG\r\n\x1a\n\x00\x00",
	})
	code, answer, st, errOut := runJSON(t, storiesModel, dir, "-p", "What does main print?", "-n", "6", "--temp", "0")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "lcrun: read 4 files (")
	assert.Contains(t, errOut, "skipped 1 binary, 2 ignored by .gitignore")
	assert.Equal(t, 4, st.Files)
	assert.Equal(t, map[string]int{"binary": 1, "ignored by .gitignore": 2}, st.Skipped)
	assert.Positive(t, st.InputTokens)
	assert.Equal(t, 6, st.DecodeTokens)
	assert.NotEmpty(t, strings.TrimSpace(answer))
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
}

// The same input again resumes from the cache and answers the same; more
// text appended computes only the new tokens; a cache entry truncated by
// hand is ignored with a warning.
func TestLongRunCache(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	size := 6000
	if testing.Short() {
		size = 2000 // qemu: still past the 260-token window, a quarter of the work
	}
	text := storyText(t, dir, size, 2)
	args := []string{storiesModel, text, "--cache", cache, "-p", "Who hid the key?", "-n", "8", "--temp", "0", "--attn", "sinks:4,256", "--batch", "64"}

	code, first, st1, errOut := runJSON(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Zero(t, st1.CachedTokens)
	assert.Equal(t, st1.InputTokens+st1.PromptTokens, st1.PrefillTokens)
	assert.Positive(t, st1.CacheSaves)
	assert.Positive(t, st1.Evicted, "the window must have moved")

	code, second, st2, errOut := runJSON(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, first, second, "a resumed run answers as the first")
	assert.Equal(t, st1.InputTokens, st2.CachedTokens)
	assert.Equal(t, st2.PromptTokens, st2.PrefillTokens, "only the prompt is evaluated")
	assert.Equal(t, 1, st2.CacheHits)
	assert.Contains(t, errOut, "cache: resumed from a saved state of")

	// Text appended (after a newline, as `>>` does): only the new tokens.
	f, err := os.OpenFile(text, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("Then Mia found the key under the old boat.\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, st3, errOut := runJSON(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, st1.InputTokens, st3.CachedTokens)
	assert.Equal(t, st3.InputTokens-st1.InputTokens+st3.PromptTokens, st3.PrefillTokens)

	// Truncate every entry: each is ignored with a warning, the run
	// computes everything and still answers as the first time.
	entries, err := filepath.Glob(filepath.Join(cache, "*.lcpc"))
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		info, err := os.Stat(e)
		require.NoError(t, err)
		require.NoError(t, os.Truncate(e, info.Size()-100))
	}
	code, _, st4, errOut := runJSON(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Zero(t, st4.CachedTokens)
	assert.Contains(t, errOut, "lcrun: warning: cache: ignoring")
	assert.Contains(t, errOut, "truncated?")
}

// A long run prints an estimate (tokens, memory, time) before starting;
// --quiet prints nothing but errors.
func TestLongRunEstimateAndQuiet(t *testing.T) {
	defer func(n int) { longInput = n }(longInput)
	longInput = 100
	dir := t.TempDir()
	text := storyText(t, dir, 2000, 4)
	code, _, st, errOut := runJSON(t, storiesModel, text, "-n", "4", "--attn", "window:128", "--kv", "q8_0")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 2, errOut)
	assert.Regexp(t, `^lcrun: [0-9,]+ tokens: [0-9,]+ of input \+ 0 of prompt \+ 4 to generate; window:128, q8_0 KV cache of [0-9,]+ slots$`, lines[0])
	assert.Regexp(t, `^lcrun: estimate: memory [0-9.]+ MiB \(session .*\) of .*; time .* measured .* GFLOP/s prefill`, lines[1])
	assert.Positive(t, st.EstimateBytes)
	assert.Positive(t, st.EstimateSeconds)
	assert.Equal(t, "window:128", st.Attention)
	assert.Equal(t, "q8_0", st.KV)
	assert.Equal(t, 128+st.KVSlots-128, st.KVSlots)

	code, _, errOut = runLcrun(storiesModel, text, "-n", "4", "--quiet")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
}

// Mamba takes the transformer flags with one note, and its session keeps a
// bounded history.
func TestLongRunMambaNote(t *testing.T) {
	mamba := "-m=" + testdata + "/golden/models/mamba-tiny-f32.gguf"
	code, _, st, errOut := runJSON(t, mamba, storyPrompt, "-n", "4", "--attn", "sinks:4,64", "--kv", "q8_0")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "lcrun: note: --kv --attn do not apply to mamba models (ignored)\n", errOut)
	assert.Empty(t, st.Attention)
}

// TestLongRunPrintsTheLibraryPlan: the estimate a run prints and reports
// is model.Plan's, whose session figure is the library's SessionBytes for
// the options the run uses.
func TestLongRunPrintsTheLibraryPlan(t *testing.T) {
	defer func(n int) { longInput = n }(longInput)
	longInput = 100
	var plan *model.Plan
	planMade = func(p *model.Plan) { plan = p }
	defer func() { planMade = nil }()
	text := storyText(t, t.TempDir(), 3000, 5)
	code, _, st, errOut := runJSON(t, storiesModel, text, "-n", "4", "--kv", "f16", "--attn", "sinks:4,256")
	require.Equal(t, 0, code, errOut)
	require.NotNil(t, plan)
	m, err := model.Open(testdata + "/stories260K.gguf")
	require.NoError(t, err)
	defer m.Close()
	session, err := m.SessionBytes(plan.Options)
	require.NoError(t, err)
	assert.Equal(t, session, plan.Session)
	assert.Equal(t, plan.Memory(), st.EstimateBytes)
	pre, dec := plan.Seconds(0)
	assert.InDelta(t, pre+dec, st.EstimateSeconds, 1e-9)
	assert.Equal(t, st.InputTokens, plan.Input)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 2, errOut)
	assert.Contains(t, lines[1], fmt.Sprintf("estimate: memory %s (session %s, weights %s, process %s)",
		sizeText(plan.Memory()), sizeText(session), sizeText(m.File().Size()), sizeText(plan.Process+plan.History+plan.CacheIO)))
	assert.Contains(t, lines[0], fmt.Sprintf("%s KV cache of %s slots", "f16", groupDigits(plan.Options.Ctx)))
}
