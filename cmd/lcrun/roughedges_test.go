package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 17's rough edges: values no sampler or machine can mean used to
// be taken silently, or refused with exit 1 where a bad command line is 2.
func TestRoughEdgeValues(t *testing.T) {
	m := "-m=" + chatModel
	for name, c := range map[string]struct {
		args []string
		msg  string
	}{
		"run --top-p 2":         {[]string{m, "-p", "Hi", "--top-p", "2"}, "top-p 2 and min-p 0.05 must be at most 1"},
		"run --min-p 1.5":       {[]string{m, "-p", "Hi", "--min-p", "1.5"}, "min-p 1.5 must be at most 1"},
		"run --temp -1":         {[]string{m, "-p", "Hi", "--temp", "-1"}, "must not be negative"},
		"chat --top-p 2":        {[]string{"chat", m, "--top-p", "2"}, "must be at most 1"},
		"bench -r 0":            {[]string{"bench", "-r", "0", "--no-kernels"}, "at least one repetition"},
		"run --chat-template x": {[]string{m, "-p", "Hi", "--chat", "--chat-template", "x"}, "not a built-in template"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runLcrun(c.args...)
			assert.Equal(t, 2, code, errOut)
			assert.Empty(t, out)
			assert.Contains(t, lastLine(errOut), c.msg)
		})
	}

	n := runtime.NumCPU()
	code, _, errOut := runLcrun(m, "-p", "Hi", "-n", "1", "-t", fmt.Sprint(n+1))
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, fmt.Sprintf("lcrun: note: -t %d is more threads than the %d CPUs here: the extra ones only take turns\n", n+1, n), errOut)
	code, _, errOut = runLcrun(m, "-p", "Hi", "-n", "1", "-t", fmt.Sprint(n))
	require.Equal(t, 0, code, errOut)
	assert.False(t, strings.Contains(errOut, "more threads"), errOut)
}

// run --json has the generated text and why it ended, and one key set
// whatever the input (a prompt, a file, a directory, a model without
// attention), null where a figure does not apply.
func TestRunJSONKeys(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "Tom had a kite.\n", "b.txt": "Sue had a ball.\n"})
	mamba := "-m=" + testdata + "/golden/models/mamba-tiny-f32.gguf"
	m := "-m=" + chatModel
	var keys []string
	for name, c := range map[string]struct {
		args   []string
		reason string
	}{
		"prompt":     {[]string{m, "-p", "Once upon a time", "-n", "6"}, "length"},
		"stop text":  {[]string{m, "-p", "Once upon a time", "-n", "40", "--stop", "Lily"}, "stop"},
		"file, -n 0": {[]string{m, storyPrompt, "-n", "0"}, "none"},
		"directory":  {[]string{m, dir, "-n", "2"}, "length"},
		"mamba":      {[]string{mamba, "-p", "Once", "-n", "2"}, "length"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runLcrun(append(c.args, "--temp", "0", "--json", "--quiet")...)
			require.Equal(t, 0, code, errOut)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			var st map[string]any
			require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &st))
			assert.Equal(t, c.reason, st["stop_reason"])
			answer := strings.Join(lines[:len(lines)-1], "\n")
			assert.Equal(t, strings.TrimSuffix(answer, "\n"), strings.TrimSuffix(st["text"].(string), "\n"))
			got := slices.Sorted(maps.Keys(st))
			if keys == nil {
				keys = got
			}
			assert.Equal(t, keys, got)
			switch name {
			case "prompt", "mamba":
				assert.Nil(t, st["input"])
			case "directory":
				assert.Equal(t, 2.0, st["files"])
			}
			if name == "mamba" {
				assert.Nil(t, st["attention"])
				assert.Nil(t, st["kv_slots"])
			}
		})
	}
}

// --cache says what it saved (issue 17: it did not), and nothing when a
// run saves nothing.
func TestRunCacheSaysSaved(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache")
	args := []string{"-m", chatModel, storyPrompt, "-n", "2", "--temp", "0", "--cache", cache}
	code, _, errOut := runLcrun(args...)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `(?m)^lcrun: cache: saved 1 state \([0-9.]+ KiB\) in `+regexp.QuoteMeta(cache)+` in [0-9.]+ s$`, errOut)
	code, _, errOut = runLcrun(args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "cache: resumed")
	assert.NotContains(t, errOut, "cache: saved")
}

// A run past the trained context (issue 17): --rope-scaling without
// --rope-scale used to scale by 1 silently; it now derives the factor as
// ppl does, with a note, and answers as the factor given by hand. With no
// scaling at all, a note says the run goes past the trained context.
func TestRunPastTrainedContext(t *testing.T) {
	dir := t.TempDir()
	text := storyText(t, dir, 4400, 4) // a little past the trained 2,048 tokens
	args := []string{"-m", chatModel, text, "-n", "2", "--temp", "0"}
	re := regexp.MustCompile(`lcrun: note: --rope-scaling yarn without --rope-scale: scaling by ([0-9.]+) \(the run's ([0-9,]+) tokens / the trained context of 2,048\)`)

	// The cheap checks come before any prefill: a --max-mem that refuses
	// the run still shows the derived factor.
	code, _, errOut := runLcrun(append(args, "--rope-scaling", "yarn", "--max-mem", "1K")...)
	assert.Equal(t, 2, code)
	match := re.FindStringSubmatch(errOut)
	require.NotNil(t, match, errOut)
	code, _, errOut = runLcrun("-m", chatModel, "-p", "Hi", "-n", "2", "--rope-scaling", "yarn")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "so --rope-scaling yarn scales by 1 (give --rope-scale)")
	code, _, errOut = runLcrun(append(args, "--rope-scaling", "yarn", "--cache", filepath.Join(dir, "cache"))...)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--rope-scaling yarn with --cache needs --rope-scale")
	if testing.Short() {
		t.Skip("the runs past 2,048 tokens are slow under emulation")
	}

	code, derived, errOut := runLcrun(append(args, "--rope-scaling", "yarn")...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, match[0], re.FindString(errOut))
	code, given, errOut := runLcrun(append(args, "--rope-scaling", "yarn", "--rope-scale", match[1])...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, given, derived)
	assert.NotContains(t, errOut, "without --rope-scale")

	code, _, errOut = runLcrun(args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "lcrun: note: the run holds "+match[2]+" tokens, past the model's trained context of 2,048")
}

// Errors do not show the library's package names (issue 17: "evals:").
func TestErrorsWithoutPackageNames(t *testing.T) {
	for in, want := range map[string]string{
		"evals: length 8 is too short":                          "length 8 is too short",
		"m.gguf: model: architecture \"gpt2\" is not supported": "m.gguf: architecture \"gpt2\" is not supported",
		"model: tokenizer: unsupported pre-tokenizer \"x\"":     "unsupported pre-tokenizer \"x\"",
		"the model: a word, not a package":                      "the model: a word, not a package",
		"--chat-template model.jinja: bad":                      "--chat-template model.jinja: bad",
	} {
		assert.Equal(t, want, withoutPackages(in), in)
	}
	code, _, errOut := runLcrun("niah", "-m", chatModel, "--lengths", "8")
	assert.NotEqual(t, 0, code)
	assert.Equal(t, "lcrun niah: length 8 is too short: the needle and the question alone take 37 tokens\n", errOut)
	code, _, errOut = runLcrun("-m", testdata+"/vocab/ggml-vocab-gpt-2.gguf", "-p", "hi")
	assert.Equal(t, 1, code)
	assert.Equal(t, "lcrun run: "+testdata+"/vocab/ggml-vocab-gpt-2.gguf: architecture \"gpt2\" is not supported (supported: "+strings.Join(model.Architectures(), ", ")+")\n", errOut)
}

// A directory's tokens can be counted without a run (issue 17): tokenize
// reads it as run does, so --show-count is run's input_tokens.
func TestTokenizeDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "Tom had a kite.\n", "src/b.go": "package b\n", "bin.dat": "\x00\x01\x02"})
	code, out, errOut := runLcrun("tokenize", "-m", chatModel, dir, "--show-count")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2)
	code, _, st, errOut := runJSON(t, "-m", chatModel, dir, "-n", "0")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, fmt.Sprintf("Total number of tokens: %d", st.InputTokens), lines[1])
	assert.Equal(t, st.InputTokens, len(strings.Fields(lines[0])))
}

// --ctx past what a run holds used to size the cache to the run silently
// (issue 17); it says so.
func TestRunCtxLargerThanTheRun(t *testing.T) {
	code, _, st, errOut := runJSON(t, "-m", chatModel, storyPrompt, "--ctx", "1M", "-n", "2")
	require.Equal(t, 0, code, errOut)
	total := st.InputTokens + 2
	assert.Equal(t, fmt.Sprintf("lcrun: note: --ctx 1,048,576 is more than this run holds (%s tokens: input, prompt and -n), so the KV cache is sized for %s\n",
		groupDigits(total), groupDigits(total)), errOut)
	code, _, errOut = runLcrun("-m", chatModel, "-p", "Once", "--ctx", "64", "-n", "-1")
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, errOut, "more than this run holds", "-n -1 fills --ctx")
}

// An --svg path that cannot be written fails before the evaluation, in
// one line; a writable one that did not exist is not left behind.
func TestSVGPathCheckedFirst(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "map.svg")
	for _, args := range [][]string{
		{"niah", "-m", chatModel, "--lengths", "64", "--svg", bad},
		{"ppl", "-m", chatModel, storyPrompt, "--ctx", "32", "--svg", bad},
	} {
		code, _, errOut := runLcrun(args...)
		assert.Equal(t, 1, code, args[0])
		assert.Regexp(t, `^lcrun `+args[0]+`: --svg .*map\.svg: cannot write there: no such file or directory\n$`, errOut)
	}
	good := filepath.Join(t.TempDir(), "new.svg")
	require.NoError(t, checkWritable("--svg", good))
	assert.NoFileExists(t, good)
}

// A bad command line (unknown flag, a value no run could use, arguments
// missing or extra) exits 2 in every command; what goes wrong while
// running (files, models) exits 1 (issue 17: bad values exited 1 in some
// commands and 2 in others).
func TestExitStatus(t *testing.T) {
	story := testdata + "/golden/text/story-a.txt"
	none := filepath.Join(t.TempDir(), "none.txt")
	for _, c := range []struct {
		code int
		args []string
	}{
		{2, []string{"--bogus"}},
		{2, []string{"-p", "Hi", "--ctx", "0"}},
		{2, []string{"-p", "Hi", "-n", "-3"}},
		{2, []string{"chat", "--ctx", "0"}},
		{2, []string{"chat", "-n", "-3"}},
		{2, []string{"niah", "--map", "rainbow"}},
		{2, []string{"niah", "--depths", "0,150"}},
		{2, []string{"niah", "--lengths", "0"}},
		{2, []string{"niah", "--scorer", "vibes"}},
		{2, []string{"niah", "--answer", ""}},
		{2, []string{"ppl", story, "--ctx", "64", "--buckets", "0"}},
		{2, []string{"ppl", story, "--ctx", "64", "--buckets", "33"}},
		{2, []string{"ppl", story, "--ctx", "64", "--compare", "bogus"}},
		{2, []string{"ppl", story, "--chunks", "--svg", "x.svg"}},
		{2, []string{"bench", "--shape", "nope"}},
		{2, []string{"bench", "-o", "xml"}},
		{2, []string{"serve", "--top-p", "2"}},
		{2, []string{"-p", "Hi", "--kv", "q4_0"}},
		{2, []string{"-p", "Hi", "-t", "-1"}},
		{2, []string{"ppl", story, "-t", "-1"}},
		{2, []string{"chat", "--kv", "q4_0"}},
		{2, []string{"serve", "--kv", "q4_0"}},
		{2, []string{"serve", "--port", "99999"}},
		{2, []string{"tokenize", "-p", "Hi", "a.txt"}},
		{2, []string{"info", "a.gguf", "b.gguf"}},
		{2, []string{"version", "x"}},
		{1, []string{none}},
		{1, []string{"-m", none, "-p", "Hi"}},
		{1, []string{"ppl", none, "--ctx", "64"}},
		{1, []string{"niah", "--haystack", none}},
		{1, []string{"info", none}},
		{1, []string{"tokenize", none}},
		{1, []string{"chat", none}},
	} {
		code, _, errOut := runLcrun(c.args...)
		assert.Equal(t, c.code, code, "%q: %s", c.args, errOut)
		assert.Regexp(t, `^lcrun [a-z]+: \S`, lastLine(errOut), "%q", c.args)
	}
}

// A directory longer than --ctx gives one count of its tokens (issue 17:
// "read 1,027,297 tokens", then "stopped reading at 1,079,826 tokens").
func TestDirectoryLongerThanCtxOneCount(t *testing.T) {
	dir := t.TempDir()
	story := strings.Repeat("Tom had a red kite. Sue had a blue ball.\n", 20)
	writeFiles(t, dir, map[string]string{"a.txt": story, "b.txt": story})
	code, _, errOut := runLcrun("-m", chatModel, dir, "--ctx", "300", "-n", "2")
	assert.Equal(t, 1, code)
	counts := regexp.MustCompile(`[0-9][0-9,]* tokens`).FindAllString(errOut, -1)
	assert.Equal(t, []string{"300 tokens", counts[len(counts)-1]}, counts, errOut)
	assert.Regexp(t, `^lcrun run: .* is longer than --ctx 300 tokens \(stopped reading at [0-9,]+ tokens, `, lastLine(errOut))
	assert.NotContains(t, errOut, "read 2 files")
}
