package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bench"
	"github.com/lcrun/lcrun/internal/synth"
	"github.com/lcrun/lcrun/model"
)

func init() {
	register(command{
		name:    "bench",
		summary: "measure the CPU, the kernels and a model's prefill/decode speed; --compare two --json reports",
		help: commandHelp{
			synopsis: []string{"lcrun bench [-m MODEL | --shape NAME] [flags]", "lcrun bench --compare A.json B.json"},
			about: `Measures this machine (FMA peak, memory bandwidth), each kernel against
it, and a model's prefill (pp_tps) and decode (tg_tps) speed in tokens per
second. Without -m it builds a random-weight model of a known shape, so two
machines can be compared with nothing to download. --json writes the
lcrun-bench/1 report; --compare prints two reports side by side with ratios.`,
			groups: []flagGroup{
				{"Model", []string{"m", "shape", "p", "n", "depth", "reps", "kv", "t", "flash-attn"}},
				{"Figures", []string{"time", "no-kernels", "no-model", "small"}},
				{"Output", []string{"json", "o", "compare"}},
			},
			examples: []string{
				"lcrun bench --json > this-machine.json",
				"lcrun bench --compare amd64.json arm64.json",
				"lcrun bench -m model.gguf -p 512 -n 128 -d 0,4096 -t 8 -o json",
			},
		},
		run: runBench,
	})
}

// defaultBenchShape is what lcrun bench measures when no model is named:
// a realistic size that nobody has to download.
const defaultBenchShape = "llama-110m-q8_0"

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	modelPath := fs.String("m", "", "model file (default: --shape, else $LCRUN_MODEL, else --shape "+defaultBenchShape+")")
	alias(fs, "m", "model")
	shape := fs.String("shape", "", "built-in random-weight model, generated on first use (e.g. llama-110m-q8_0, llama-110m-q4_0, llama-110m-q4_k_m, llama-110m-iq4_xs, qwen3-110m-q8_0, gemma3-110m-q8_0, qwen3moe-8x2-110m-q8_0, granite-h-150m-q8_0, mamba-130m-f32, llama-tiny-f32)")
	promptN, genN := 512, 128
	prompt, gen := &promptN, &genN
	fs.Var(signedCountFlag{prompt}, "p", "prompt tokens for the prefill figure (pp_tps)")
	alias(fs, "p", "n-prompt")
	fs.Var(signedCountFlag{gen}, "n", "tokens for the decode figure (tg_tps)")
	alias(fs, "n", "n-gen")
	threads := fs.Int("t", 0, "threads (default: all cores)")
	alias(fs, "t", "threads")
	var kvTypes kvTypes
	kvTypes.register(fs, "f16", "KV cache `TYPE`: f32, f16 or q8_0 (f16 is what llama-bench uses too; -ctk and -ctv must agree)")
	var fa flashAttn
	fa.register(fs)
	var depths []int
	fs.Func("depth", "tokens already in the cache when pp and tg are timed, as llama-bench -d: a comma list, repeatable (default 0; e.g. --depth 0,4096)", func(v string) error {
		for _, f := range strings.Split(v, ",") {
			d, err := parseCount(f)
			if err != nil || d < 0 {
				return fmt.Errorf("--depth %q: want token counts >= 0 such as 0,512,4K", v)
			}
			depths = append(depths, d)
		}
		return nil
	})
	alias(fs, "depth", "d", "n-depth")
	reps := 5
	fs.Var(countFlag{&reps}, "reps", "times each model test runs after one warm-up run; the table shows their mean, standard deviation, median and max/min (llama-bench's -r, whose default is 5 too)")
	alias(fs, "reps", "r", "repetitions")
	asJSON := fs.Bool("json", false, "print the lcrun-bench/1 JSON report")
	fs.Func("o", "llama-bench's output `FORMAT`: json (= --json); lcrun writes no csv, md or sql", func(v string) error {
		if v != "json" {
			return fmt.Errorf("-o %s: lcrun bench writes json (-o json) or, by default, its own text report", v)
		}
		*asJSON = true
		return nil
	})
	alias(fs, "o", "output")
	compare := fs.Bool("compare", false, "compare two JSON reports: lcrun bench --compare A.json B.json")
	figureTime := fs.Duration("time", 200*time.Millisecond, "time spent on each machine and kernel figure")
	noKernels := fs.Bool("no-kernels", false, "skip the machine and kernel figures")
	noModel := fs.Bool("no-model", false, "skip the model figures")
	small := fs.Bool("small", false, "small kernel problems and buffers (for emulators and slow boards)")
	registerVerbose(fs, nil)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *compare {
		if len(pos) != 2 {
			return usageError(fs, errors.New("usage: lcrun bench --compare A.json B.json"))
		}
		return compareReports(pos[0], pos[1], stdout)
	}
	if len(pos) != 0 {
		return usageError(fs, fmt.Errorf("unexpected argument %q (usage: lcrun bench [-m MODEL | --shape NAME] [-p N] [-n N] [--depth N,...] [-t N] [--json])", pos[0]))
	}
	if *modelPath != "" && *shape != "" {
		return usageError(fs, errors.New("-m and --shape name two models; give one"))
	}
	if *shape != "" {
		if _, err := synth.Lookup(*shape); err != nil {
			return usageError(fs, err) // before the machine is measured
		}
	}
	if *threads < 0 || *prompt < 1 || *gen < 0 || *figureTime <= 0 || reps < 1 {
		return usageError(fs, fmt.Errorf("-t %d -p %d -n %d -r %d --time %s: want threads >= 0, at least one prompt token, -n >= 0, at least one repetition and a positive time", *threads, *prompt, *gen, reps, *figureTime))
	}
	kvName, err := kvTypes.kind()
	if err != nil {
		return usageError(fs, err)
	}
	kv, err := parseKV(kvName)
	if err != nil {
		return usageError(fs, err)
	}
	fa.note(stderr)
	t := *threads
	if t == 0 {
		t = runtime.GOMAXPROCS(0)
	}

	rep := &bench.Report{
		Schema: bench.Schema, Time: time.Now().UTC().Format(time.RFC3339), Go: runtime.Version(),
		CPU: bench.DetectCPU(), Threads: t, Kernels: lc.Kernels(), KernelRates: []bench.KernelRate{},
	}
	if !*noKernels {
		o := bench.Options{Threads: t, Duration: *figureTime, StreamBytes: bench.DefaultStreamBytes(rep.CPU), Small: *small}
		if *small {
			o.StreamBytes = 4 << 20
		}
		fmt.Fprintf(stderr, "lcrun bench: measuring the machine (%s per figure)\n", *figureTime)
		m := bench.MeasureMachine(o)
		rep.Machine = &m
		fmt.Fprintf(stderr, "lcrun bench: measuring the kernels\n")
		if rep.KernelRates, err = bench.MeasureKernels(m, o); err != nil {
			return err
		}
	}
	if !*noModel {
		m, info, err := benchModel(*modelPath, *shape, stderr)
		if err != nil {
			return err
		}
		defer m.Close()
		rep.Model = info
		if len(depths) == 0 {
			depths = []int{0}
		}
		fmt.Fprintf(stderr, "lcrun bench: %s: prefill %d tokens, decode %d, at depth %s\n", info.Name, *prompt, *gen, joinInts(depths))
		res, err := bench.MeasureModel(m, bench.ModelRun{Prompt: *prompt, Gen: *gen, Depths: depths, Threads: t, KV: kv, Reps: reps})
		if err != nil {
			return err
		}
		rep.PromptTokens, rep.GenTokens = *prompt, *gen
		if m.Features().Attention {
			rep.KVType = strings.ToLower(kv.String())
		}
		rep.SetResults(res)
	}
	if *asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteText(stdout)
}

// benchModel opens the model to time: a file, a built-in shape (generated
// into synth.DefaultDir() on first use), $LCRUN_MODEL, or the default shape.
func benchModel(path, shape string, stderr io.Writer) (*model.Model, *bench.ModelInfo, error) {
	if path == "" && shape == "" {
		path = os.Getenv("LCRUN_MODEL")
	}
	if path != "" {
		m, err := model.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return m, bench.DescribeModel(m, path, false), nil
	}
	if shape == "" {
		shape = defaultBenchShape
	}
	spec, err := synth.Lookup(shape)
	if err != nil {
		return nil, nil, err
	}
	dir, err := synth.DefaultDir()
	if err != nil {
		return nil, nil, fmt.Errorf("no cache directory for generated models: %w", err)
	}
	fmt.Fprintf(stderr, "lcrun bench: model %s (random weights, cached in %s)\n", shape, dir)
	file, err := spec.Ensure(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := model.Open(file)
	if err != nil {
		return nil, nil, err
	}
	return m, bench.DescribeModel(m, shape, true), nil
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func compareReports(pathA, pathB string, stdout io.Writer) error {
	a, err := readReport(pathA)
	if err != nil {
		return err
	}
	b, err := readReport(pathB)
	if err != nil {
		return err
	}
	return bench.WriteComparison(stdout, a, b, pathA, pathB)
}

func readReport(path string) (*bench.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := bench.ReadReport(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
