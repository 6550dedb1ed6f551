package main

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// llama.cpp command lines (llama-cli, llama-perplexity, llama-bench,
// llama-tokenize) give the same stdout and exit status as lcrun's own
// spelling of the same request.
func TestLlamaCommandLines(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // bench's shapes are generated here
	t.Setenv("LCRUN_MODEL", "")
	const (
		m     = testdata + "/stories260K.gguf"
		story = testdata + "/golden/text/story-a.txt"
		p     = storyPrompt
		shape = "llama-tiny-f32"
		tiny  = golden + "/models/llama-tiny-f32.gguf"
		toks  = golden + "/logits/llama-tiny-f32.tokens"
	)
	w := func(s ...string) []string { return s }
	cases := []struct {
		name        string
		theirs, our []string
		stdin       string
		slow        bool // skipped under -short (qemu runs them 10-50x slower)
		benchJSON   bool // compare without the timings
	}{
		{"-f", w("-m", m, "-f", p), w("-m", m, p), "", false, false},
		{"--file --model", w("--model", m, "--file", p), w("-m", m, p), "", false, false},
		{"-n", w("-m", m, p, "--n-predict", "8"), w("-m", m, p, "-n", "8"), "", false, false},
		{"-p", w("-m", m, "--prompt", "Once upon a time"), w("-m", m, "-p", "Once upon a time"), "", false, false},
		{"-s", w("-m", m, "-p", "Once", "-n", "8", "-s", "3"), w("-m", m, "-p", "Once", "-n", "8", "--seed", "3"), "", false, false},
		{"-c", w("-m", m, "-f", p, "-c", "256"), w("-m", m, p, "--ctx", "256"), "", false, false},
		{"--ctx-size with a suffix", w("-m", m, "-f", p, "--ctx-size", "1K"), w("-m", m, p, "--ctx", "1024"), "", false, false},
		{"-b", w("-m", m, "-f", p, "-b", "16"), w("-m", m, p, "--batch", "16"), "", false, false},
		{"--batch-size", w("-m", m, "-f", p, "--batch-size", "16"), w("-m", m, p, "--batch", "16"), "", false, false},
		{"-ub", w("-m", m, "-f", p, "-ub", "8"), w("-m", m, p, "--batch", "8"), "", false, false},
		{"-b -ub", w("-m", m, "-f", p, "-b", "32", "--ubatch-size", "8"), w("-m", m, p, "--batch", "8"), "", false, false},
		{"--threads", w("-m", m, "-f", p, "--threads", "1"), w("-m", m, p, "-t", "1"), "", false, false},
		{"-ctk -ctv", w("-m", m, "-f", p, "-ctk", "q8_0", "-ctv", "q8_0"), w("-m", m, p, "--kv", "q8_0"), "", false, false},
		{"--cache-type-k/v", w("-m", m, "-f", p, "--cache-type-k", "f32", "--cache-type-v", "f32"), w("-m", m, p, "--kv", "f32"), "", false, false},
		{"-fa on", w("-m", m, "-f", p, "-fa", "on"), w("-m", m, p), "", false, false},
		{"-fa as a switch", w("-m", m, "-f", p, "-fa", "-c", "256"), w("-m", m, p, "--ctx", "256"), "", false, false},
		{"--flash-attn auto", w("-m", m, "-f", p, "--flash-attn", "auto"), w("-m", m, p), "", false, false},
		{"--rope-freq-scale", w("-m", m, "-f", p, "--rope-scaling", "linear", "--rope-freq-scale", "0.5"),
			w("-m", m, p, "--rope-scaling", "linear", "--rope-scale", "2"), "", false, false},
		{"--keep with a window", w("-m", m, "-f", p, "--attn", "window:32", "--keep", "4"), w("-m", m, p, "--attn", "sinks:4,32"), "", false, false},
		{"--keep 0 with a window", w("-m", m, "-f", p, "--attn", "window:32", "--keep", "0"), w("-m", m, p, "--attn", "window:32"), "", false, false},
		{"--keep without a window", w("-m", m, "-f", p, "--keep", "4"), w("-m", m, p), "", false, false},
		{"-r", w("-m", m, "-p", "Once upon a time", "-n", "40", "-r", "Lily"), w("-m", m, "-p", "Once upon a time", "-n", "40", "--stop", "Lily"), "", false, false},
		{"--reverse-prompt twice", w("-m", m, "-p", "Once upon a time", "-n", "40", "--reverse-prompt", "park", "--reverse-prompt", "named"),
			w("-m", m, "-p", "Once upon a time", "-n", "40", "--stop", "park", "--stop", "named"), "", false, false},
		{"-v", w("-m", m, "-f", p, "--quiet", "-v"), w("-m", m, p), "", false, false},
		{"-e", w("-m", m, "-e", "-p", `Once upon\na time`), w("-m", m, "-p", "Once upon\na time"), "", false, false},
		{"--escape with quotes", w("-m", m, "--escape", "-p", `\"Hi,\" said Tom.\tThen`), w("-m", m, "-p", "\"Hi,\" said Tom.\tThen"), "", false, false},
		{"--no-display-prompt", w("-m", m, "-f", p, "--no-display-prompt"), w("-m", m, p), "", false, false},
		{"-sys", w("-m", m, "--chat", "-sys", "Be brief.", "-p", "Hi"), w("-m", m, "--chat", "--system", "Be brief.", "-p", "Hi"), "", false, false},
		{"--system-prompt -e", w("-m", m, "--chat", "--system-prompt", `Be\nbrief.`, "-e", "-p", "Hi"), w("-m", m, "--chat", "--system", "Be\nbrief.", "-p", "Hi"), "", false, false},
		{"chat -sys --reverse-prompt", w("chat", "-m", m, "-sys", "Be brief.", "-n", "8", "--temp", "0", "--reverse-prompt", "Lily"),
			w("chat", "-m", m, "--system", "Be brief.", "-n", "8", "--temp", "0", "--stop", "Lily"), "Once upon a time\n", false, false},
		{"chat -s", w("chat", "-m", m, "-n", "8", "--temp", "0.9", "-s", "5"), w("chat", "-m", m, "-n", "8", "--temp", "0.9", "--seed", "5"), "Tell me a story.\n", false, false},
		{"chat --model --file", w("chat", "--model", m, "--file", p, "-n", "8", "--temp", "0"), w("chat", "-m", m, p, "-n", "8", "--temp", "0"), "Who is it about?\n", false, false},
		{"sampling", w("-m", m, "-f", p, "-n", "8", "--temp", "0.7", "--top-k", "20", "-s", "11"),
			w("-m", m, p, "-n", "8", "--temp", "0.7", "--top-k", "20", "--seed", "11"), "", false, false},

		{"ppl -f -c --chunks N", w("ppl", "-m", m, "-f", story, "-c", "128", "--chunks", "2"),
			w("ppl", "-m", m, story, "--ctx", "128", "--chunks=2"), "", true, false},
		{"ppl long names", w("ppl", "--model", m, "--file", story, "--ctx-size", "128", "--chunks", "2", "-b", "64", "--threads", "1"),
			w("ppl", "-m", m, story, "--ctx", "128", "--chunks=2", "--batch", "64", "-t", "1"), "", true, false},
		{"ppl -ctk -ctv -fa", w("ppl", "-m", m, "-f", story, "-c", "128", "--chunks", "2", "-ctk", "f16", "-ctv", "f16", "-fa", "off"),
			w("ppl", "-m", m, story, "--ctx", "128", "--chunks=2", "--kv", "f16"), "", true, false},
		{"ppl --chunks N --json", w("ppl", "-m", m, "-c", "128", "--chunks", "2", "--json", "-f", story),
			w("ppl", "-m", m, story, "--ctx", "128", "--chunks=2", "--json"), "", true, false},

		{"tokenize -f", w("tokenize", "-m", m, "-f", story), w("tokenize", "-m", m, story), "", false, false},
		{"tokenize --model --file", w("tokenize", "--model", m, "--file", story), w("tokenize", "-m", m, story), "", false, false},
		{"tokenize --stdin", w("tokenize", "-m", m, "--stdin"), w("tokenize", "-m", m, "-"), "Hello world", false, false},
		{"tokenize -p", w("tokenize", "-m", m, "-p", "Hello world"), w("tokenize", "-m", m, "-"), "Hello world", false, false},
		{"tokenize --no-parse-special", w("tokenize", "-m", m, "--prompt", "a </s> b", "--no-parse-special"), w("tokenize", "-m", m, "-"), "a </s> b", false, false},
		{"tokenize --ids --show-count", w("tokenize", "-m", m, "-f", p, "--ids", "--show-count"), w("tokenize", "-m", m, p, "--ids", "--show-count"), "", false, false},

		{"bench -o json", w("bench", "--shape", shape, "-p", "16", "-n", "4", "--no-kernels", "-o", "json"),
			w("bench", "--shape", shape, "-p", "16", "-n", "4", "--no-kernels", "--json"), "", true, true},
		{"bench long names -d", w("bench", "--shape", shape, "--n-prompt", "16", "--n-gen", "4", "-d", "0,8", "--no-kernels", "--output", "json"),
			w("bench", "--shape", shape, "-p", "16", "-n", "4", "--depth", "0,8", "--no-kernels", "--json"), "", true, true},
		{"bench -r", w("bench", "--shape", shape, "-p", "16", "-n", "4", "-r", "2", "--no-kernels", "-o", "json"),
			w("bench", "--shape", shape, "-p", "16", "-n", "4", "--reps", "2", "--no-kernels", "--json"), "", true, true},
		{"bench --repetitions", w("bench", "--shape", shape, "-p", "16", "-n", "4", "--repetitions", "2", "--no-kernels", "-o", "json"),
			w("bench", "--shape", shape, "-p", "16", "-n", "4", "--reps", "2", "--no-kernels", "--json"), "", true, true},
		{"bench -t -ctk -ctv -fa", w("bench", "--shape", shape, "-p", "16", "-n", "4", "--threads", "1", "-ctk", "f32", "-ctv", "f32", "-fa", "1", "--no-kernels", "-o", "json"),
			w("bench", "--shape", shape, "-p", "16", "-n", "4", "-t", "1", "--kv", "f32", "--no-kernels", "--json"), "", true, true},

		{"info --model", w("info", "--model", m), w("info", m), "", false, false},
		{"logits long names", w("logits", "--model", tiny, "--tokens", toks, "-o", "-", "-b", "4", "--threads", "1", "-ctk", "f16", "-ctv", "f16"),
			w("logits", "-m", tiny, "--tokens", toks, "-o", "-", "--batch", "4", "-t", "1", "--kv", "f16"), "", false, false},
		{"logits -ub --rope-freq-scale", w("logits", "-m", tiny, "--tokens", toks, "-o", "-", "-ub", "3", "--rope-scaling", "linear", "--rope-freq-scale", "0.25"),
			w("logits", "-m", tiny, "--tokens", toks, "-o", "-", "--batch", "3", "--rope-scaling", "linear", "--rope-scale", "4"), "", false, false},
	}
	require.GreaterOrEqual(t, len(cases), 30)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.slow && testing.Short() {
				t.Skip("slow under -short")
			}
			theirs, ours := c.theirs, c.our
			if !isCommand(theirs[0]) { // a run: short, and greedy unless seeded
				if !contains(ours, "-n") {
					theirs, ours = append(theirs, "-n", "8"), append(ours, "-n", "8")
				}
				if !contains(ours, "--temp") && !contains(ours, "--seed") {
					theirs, ours = append(theirs, "--temp", "0"), append(ours, "--temp", "0")
				}
			}
			run := func(args []string) (int, string, string) {
				if c.stdin != "" {
					defer func(r io.Reader) { stdin = r }(stdin)
					stdin = strings.NewReader(c.stdin)
				}
				return runLcrun(args...)
			}
			code, out, errOut := run(theirs)
			require.Equal(t, 0, code, "%q: %s", theirs, errOut)
			wantCode, want, wantErr := run(ours)
			require.Equal(t, 0, wantCode, "%q: %s", ours, wantErr)
			if c.benchJSON {
				out, want = withoutTimings(t, out), withoutTimings(t, want)
			}
			assert.NotEmpty(t, want)
			assert.Equal(t, want, out, "%q\nis\n%q", theirs, ours)
		})
	}
}

func isCommand(s string) bool { _, ok := commands[s]; return ok }

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// withoutTimings is a bench JSON report without what varies from run to
// run: times, rates and the moment it was made.
func withoutTimings(t *testing.T, s string) string {
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	var strip func(any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "time" || k == "tps" || k == "seconds" || strings.HasSuffix(k, "_tps") || strings.HasSuffix(k, "_seconds") || strings.HasPrefix(k, "tps_") || k == "rep_tps" {
					delete(v, k)
				} else {
					strip(x)
				}
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(v)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// A mistyped flag gets the registered flag or alias nearest to it; a name
// too short to tell, or far from all, gets none.
func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--ctx-siz", "x.txt"}, "lcrun run: unknown flag --ctx-siz; did you mean --ctx-size? (see 'lcrun help run')\n"},
		{[]string{"x.txt", "--tmep", "0"}, "lcrun run: unknown flag --tmep; did you mean --temp? (see 'lcrun help run')\n"},
		{[]string{"x.txt", "--n-predit", "8"}, "lcrun run: unknown flag --n-predit; did you mean --n-predict? (see 'lcrun help run')\n"},
		{[]string{"x.txt", "--Seed", "1"}, "lcrun run: unknown flag --Seed; did you mean --seed? (see 'lcrun help run')\n"},
		{[]string{"ppl", "--chunk", "x.txt"}, "lcrun ppl: unknown flag --chunk; did you mean --chunks? (see 'lcrun help ppl')\n"},
		{[]string{"bench", "--n-promt", "16"}, "lcrun bench: unknown flag --n-promt; did you mean --n-prompt? (see 'lcrun help bench')\n"},
		{[]string{"tokenize", "--show-cont", "x.txt"}, "lcrun tokenize: unknown flag --show-cont; did you mean --show-count? (see 'lcrun help tokenize')\n"},
		{[]string{"info", "-x"}, "lcrun info: unknown flag -x (see 'lcrun help info')\n"},
		{[]string{"x.txt", "--frobnicate"}, "lcrun run: unknown flag --frobnicate (see 'lcrun help run')\n"},
	} {
		code, out, errOut := runLcrun(c.args...)
		assert.Equal(t, 2, code, "%q", c.args)
		assert.Empty(t, out)
		assert.Equal(t, c.want, errOut, "%q", c.args)
	}
	assert.Equal(t, 1, editDistance("tmep", "temp"), "a swap costs one")
	assert.Equal(t, 3, editDistance("", "abc"))
	assert.Equal(t, 0, editDistance("kv", "kv"))
}

// lcrun version and lcrun --version print the same lines: version,
// Go version and the kernels grouped as lcrun info groups them.
func TestVersion(t *testing.T) {
	code, out, errOut := runLcrun("version")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 3, out)
	assert.Regexp(t, `^lcrun (devel|v\S+)$`, lines[0])
	assert.Regexp(t, `^commit ([0-9a-f]{40} \(.*\)|unknown \(the build embedded none: .*\))$`, lines[1], "the commit line is always there")
	assert.Regexp(t, `\nbuilt with go\S+ \w+/\w+\n`, out)
	assert.Equal(t, "kernels "+kernelText(lc.Kernels()), lines[len(lines)-1])
	code, again, _ := runLcrun("--version")
	require.Equal(t, 0, code)
	assert.Equal(t, out, again)
	code, _, errOut = runLcrun("version", "extra")
	assert.Equal(t, 2, code)
	assert.Equal(t, "lcrun version: usage: lcrun version (no arguments) (see 'lcrun help version')\n", errOut)
}

// -ctk and -ctv (and --kv, which sets both) must name one type: lcrun's
// cache has one for keys and values. Anything else is a bad command line.
func TestCacheTypesMustAgree(t *testing.T) {
	t.Setenv("LCRUN_MODEL", "")
	const want = ": K cache type q8_0 and V cache type f16 differ (-ctk, -ctv): lcrun's KV cache has one type for both (--kv) (see 'lcrun help "
	for _, args := range [][]string{
		{"run", "x.txt", "-ctk", "q8_0", "-ctv", "f16"},
		{"run", "x.txt", "--kv", "f16", "--cache-type-k", "q8_0"},
		{"ppl", "x.txt", "-ctv", "f16", "-ctk", "q8_0"},
		{"logits", "--tokens", "t.txt", "-o", "out.bin", "--kv", "q8_0", "-ctv", "f16"},
		{"niah", "-ctk", "q8_0", "-ctv", "f16"},
		{"bench", "-ctk", "q8_0", "-ctv", "f16"},
	} {
		code, out, errOut := runLcrun(args...)
		assert.Equal(t, 2, code, "%q", args)
		assert.Empty(t, out, "%q", args)
		assert.Equal(t, "lcrun "+args[0]+want+args[0]+"')\n", errOut, "%q", args)
	}
}

// -n -1 generates until an end-of-generation token or a full context:
// with no end token on the way, exactly the room --ctx leaves, the same
// text as asking for that many tokens. (The stop at an end token is
// Generate's, tested in package model.)
func TestGenerateUntilFull(t *testing.T) {
	const m = testdata + "/stories260K.gguf"
	args := []string{"-m", m, "-p", "Once upon a time", "--seed", "5", "--json", "--ctx", "40"}
	code, out, errOut := runLcrun(append(args, "-n", "-1")...)
	require.Equal(t, 0, code, errOut)
	var stats struct {
		Prompt int `json:"prompt_tokens"`
		Decode int `json:"decode_tokens"`
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &stats))
	require.Equal(t, 5, stats.Prompt)
	assert.Equal(t, 40-5, stats.Decode, "the context is full")
	code, same, errOut := runLcrun(append(args, "-n", "35")...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, strings.Join(lines[:len(lines)-1], "\n"), strings.Join(strings.Split(same, "\n")[:len(lines)-1], "\n"))

	code, _, errOut = runLcrun("-m", m, "-p", "Once upon a time", "-n", "-1", "--ctx", "5")
	assert.Equal(t, 1, code)
	assert.Equal(t, "lcrun run: -n -1: the input (0 tokens) and the prompt (5) leave no room in --ctx (5 tokens)\n", errOut)
	code, _, errOut = runLcrun("-m", m, "-p", "Once", "-n", "-2")
	assert.Equal(t, 2, code, errOut) // a bad command line
}

// Flags llama.cpp has and lcrun needs not (-fa: attention is always
// blockwise; --keep without a window) are accepted with one note on
// stderr; the output is what it would be without them.
func TestAcceptedWithANote(t *testing.T) {
	const m = testdata + "/stories260K.gguf"
	for _, c := range []struct {
		args []string
		note string
	}{
		{[]string{"-fa", "on"}, "lcrun: note: --flash-attn on changes nothing: lcrun's attention is always blockwise (online softmax, as flash attention)\n"},
		{[]string{"--flash-attn"}, "lcrun: note: --flash-attn on changes nothing: lcrun's attention is always blockwise (online softmax, as flash attention)\n"},
		{[]string{"-fa", "auto"}, "lcrun: note: --flash-attn auto changes nothing: lcrun's attention is always blockwise (online softmax, as flash attention)\n"},
		{[]string{"--keep", "4"}, "lcrun: note: --keep 4 changes nothing with full attention, which keeps every token (it sets the sinks of --attn window:N)\n"},
	} {
		code, out, errOut := runLcrun(append([]string{"-m", m, "-p", "Once", "-n", "4", "--temp", "0"}, c.args...)...)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, c.note, errOut, "%q", c.args)
		_, want, _ := runLcrun("-m", m, "-p", "Once", "-n", "4", "--temp", "0")
		assert.Equal(t, want, out)
		_, _, quiet := runLcrun(append([]string{"-m", m, "-p", "Once", "-n", "4", "--temp", "0", "--quiet"}, c.args...)...)
		assert.Empty(t, quiet, "--quiet keeps notes off")
	}
	code, _, errOut := runLcrun("-m", m, "-p", "Once", "-fa=maybe")
	assert.Equal(t, 2, code)
	assert.Equal(t, `lcrun run: invalid boolean value "maybe" for -fa: want on, off or auto (see 'lcrun help run')`+"\n", errOut)
}

// Every count takes the suffixes --ctx does; the ones that may be
// negative keep their sign.
func TestCountSuffixes(t *testing.T) {
	for in, want := range map[string]int{"8": 8, "1K": 1024, "2k": 2048, "1M": 1 << 20, "-1": -1, " 16 ": 16} {
		n := 0
		require.NoError(t, signedCountFlag{&n}.Set(in), in)
		assert.Equal(t, want, n, in)
	}
	n := 0
	assert.Error(t, signedCountFlag{&n}.Set("lots"))
	c, err := parseRun([]string{"-p", "x", "-n", "1K", "--top-k", "1K", "--repeat-last-n", "2K"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []int{1024, 1024, 2048}, []int{c.n, c.sampler.TopK, c.sampler.RepeatLastN})
}

// tokenize --ids prints llama-tokenize's list; --show-count its total.
func TestTokenizeIDs(t *testing.T) {
	const m = testdata + "/stories260K.gguf"
	_, plain, _ := runLcrun("tokenize", "-m", m, storyPrompt)
	code, out, errOut := runLcrun("tokenize", "-m", m, storyPrompt, "--ids", "--show-count")
	require.Equal(t, 0, code, errOut)
	ids := strings.Fields(plain)
	assert.Equal(t, "["+strings.Join(ids, ", ")+"]\nTotal number of tokens: "+strconv.Itoa(len(ids))+"\n", out)
}

// --rope-freq-scale F is --rope-scale 1/F, also in what a saved state is
// filed under.
func TestRopeFreqScale(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rope-freq-scale", "0.25"}, "rope-scale=4"},
		{[]string{"--rope-scale", "4"}, "rope-scale=4"},
		{[]string{"--rope-freq-scale", "0.5", "--rope-freq-scale", "0.25"}, "rope-scale=4"},
	} {
		c2, err := parseRun(append([]string{"-p", "x"}, c.args...), io.Discard)
		require.NoError(t, err, "%q", c.args)
		require.NotNil(t, c2.session.rope.Scale)
		assert.Equal(t, 4.0, *c2.session.rope.Scale, "%q", c.args)
		assert.Equal(t, c.want, c2.session.ropeText[len(c2.session.ropeText)-1], "%q", c.args)
	}
	_, err := parseRun([]string{"-p", "x", "--rope-freq-scale", "0"}, io.Discard)
	assert.ErrorContains(t, err, "--rope-freq-scale: 0 must be above 0")
}
