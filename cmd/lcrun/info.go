package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/internal/defaultmodel"
	"github.com/lcrun/lcrun/model"
)

func init() {
	register(command{
		name:    "info",
		summary: "show a model's metadata, tensors and the kernels chosen",
		help: commandHelp{
			synopsis: []string{"lcrun info [MODEL.gguf] [flags]"},
			about: `Prints what a GGUF file holds: architecture, file type (by
llama-quantize's name: Q4_K_M ...) with a count of tensors per type,
hyperparameters, RoPE settings, tokenizer, every tensor (type, shape,
offset) and all metadata, and the kernels this CPU gets. --ctx and the RoPE flags show the context and
RoPE a run with the same flags would use. The model is the argument or -m,
else $LCRUN_MODEL, else the embedded model.`,
			groups: []flagGroup{
				{"Flags", []string{"m", "json", "sha256"}},
				{"What a run would use", []string{"ctx"}},
				ropeGroup,
			},
			examples: []string{
				"lcrun info testdata/stories260K.gguf",
				"lcrun info model.gguf --json --ctx 32K --rope-scaling yarn --rope-scale 4",
			},
		},
		run: runInfo,
	})
}

func runInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("info", stderr)
	asJSON := fs.Bool("json", false, "print JSON (stable keys) instead of text")
	withHash := fs.Bool("sha256", false, "also print the SHA-256 of the model's bytes")
	path := fs.String("m", "", "model file (or give it as the argument)")
	alias(fs, "m", "model")
	var run runFlags
	run.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || len(pos) == 1 && *path != "" {
		return usageError(fs, errors.New("usage: lcrun info [MODEL.gguf] [--json] [--sha256]"))
	}
	if len(pos) == 1 {
		*path = pos[0]
	}
	f, label, err := openModel(*path)
	if err != nil {
		return err
	}
	defer f.Close()
	info := describe(f, label)
	info.Run = run.effective(f)
	if *withHash {
		sum, err := modelSHA256(f)
		if err != nil {
			return err
		}
		info.SHA256 = hex.EncodeToString(sum[:])
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	return info.writeText(stdout)
}

// openModel opens the model a command names: a path, else $LCRUN_MODEL,
// else the embedded default model. The label says which it was.
func openModel(path string) (*gguf.File, string, error) {
	if path == "" {
		path = os.Getenv("LCRUN_MODEL")
	}
	if path == "" {
		f, err := gguf.OpenBytes(defaultmodel.GGUF())
		return f, defaultmodel.Name, err
	}
	f, err := gguf.Open(path)
	return f, path, err
}

// modelSHA256 streams a single file from disk; split sets and the
// embedded model are hashed from memory.
func modelSHA256(f *gguf.File) ([32]byte, error) {
	if paths := f.Paths(); len(paths) == 1 {
		return gguf.FileSHA256(paths[0])
	}
	return f.SHA256()
}

// modelInfo is what lcrun info reports. Its JSON keys are a stable
// interface for scripts: absent metadata is null, never a missing key.
type modelInfo struct {
	File         string            `json:"file"`
	Parts        int               `json:"parts"`
	SizeBytes    int64             `json:"size_bytes"`
	GGUFVersion  uint32            `json:"gguf_version"`
	Alignment    int               `json:"alignment"`
	SHA256       string            `json:"sha256,omitempty"`
	Architecture string            `json:"architecture"`
	Name         any               `json:"name"`
	Parameters   uint64            `json:"parameters"`
	FileType     *fileTypeInfo     `json:"file_type"`
	TensorTypes  []typeCountInfo   `json:"tensor_types"` // the commonest first
	Hyper        hyperInfo         `json:"hyperparameters"`
	Rope         ropeInfo          `json:"rope"`
	SSM          *ssmInfo          `json:"ssm"`
	Tokenizer    tokenizerInfo     `json:"tokenizer"`
	Run          *runUse           `json:"run"`
	Kernels      map[string]string `json:"kernels"`
	Tensors      []tensorInfo      `json:"tensors"`
	Metadata     []metadataInfo    `json:"metadata"`
}

type fileTypeInfo struct {
	ID          uint64 `json:"id"`
	Name        string `json:"name"`        // llama-quantize's name: "Q4_K_M"
	Description string `json:"description"` // llama.cpp's: "Q4_K - Medium"
	Guessed     bool   `json:"guessed"`     // no general.file_type: guessed from the tensors, as llama.cpp does
}

// typeCountInfo is how many tensors have a type; Computable is false for
// types lcrun has no kernels for (a model holding one is refused).
type typeCountInfo struct {
	Type       string `json:"type"`
	Count      int    `json:"count"`
	Computable bool   `json:"computable"`
}

// Hyperparameters are numbers, or per-layer arrays in the models that have
// them, or null.
type hyperInfo struct {
	ContextLength any `json:"context_length"`
	Embedding     any `json:"embedding_length"`
	Layers        any `json:"block_count"`
	Heads         any `json:"head_count"`
	KVHeads       any `json:"head_count_kv"`
	FeedForward   any `json:"feed_forward_length"`
	RMSEpsilon    any `json:"layer_norm_rms_epsilon"`
}

type ropeInfo struct {
	DimensionCount  any `json:"dimension_count"`
	FreqBase        any `json:"freq_base"`
	ScalingType     any `json:"scaling_type"`
	ScalingFactor   any `json:"scaling_factor"`
	OriginalContext any `json:"original_context_length"`
}

type ssmInfo struct {
	ConvKernel   any `json:"conv_kernel"`
	InnerSize    any `json:"inner_size"`
	StateSize    any `json:"state_size"`
	TimeStepRank any `json:"time_step_rank"`
	GroupCount   any `json:"group_count"`
}

type tokenizerInfo struct {
	Model     any `json:"model"`
	Pre       any `json:"pre"`
	VocabSize any `json:"vocab_size"`
	BOS       any `json:"bos_token_id"`
	EOS       any `json:"eos_token_id"`
}

type tensorInfo struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Shape  []uint64 `json:"shape"`
	Bytes  int64    `json:"bytes"`
	Offset int64    `json:"offset"`
	Part   int      `json:"part"`
	Error  string   `json:"error,omitempty"`
}

// metadataInfo lists a key; arrays give their length, not their values.
type metadataInfo struct {
	Key    string `json:"key"`
	Type   string `json:"type"`
	Value  any    `json:"value,omitempty"`
	Length *int   `json:"length,omitempty"`
}

func describe(f *gguf.File, label string) *modelInfo {
	h := model.Hyperparameters(f)
	info := &modelInfo{
		File:         label,
		Parts:        max(1, len(f.Paths())),
		SizeBytes:    f.Size(),
		GGUFVersion:  f.Version,
		Alignment:    f.Alignment,
		Architecture: f.Arch(),
		Name:         metaValue(f, "general.name"),
		Hyper: hyperInfo{
			ContextLength: shown(h.ContextLength),
			Embedding:     shown(h.Embedding),
			Layers:        shown(h.Layers),
			Heads:         shown(h.Heads),
			KVHeads:       shown(h.KVHeads),
			FeedForward:   shown(h.FeedForward),
			RMSEpsilon:    shown(h.RMSEpsilon),
		},
		Rope: ropeInfo{
			DimensionCount:  shown(h.Rope.Dims),
			FreqBase:        shown(h.Rope.FreqBase),
			ScalingType:     shown(h.Rope.ScalingType),
			ScalingFactor:   shown(h.Rope.ScalingFactor),
			OriginalContext: shown(h.Rope.OrigCtx),
		},
		Tokenizer: tokenizerInfo{
			Model: metaValue(f, "tokenizer.ggml.model"),
			Pre:   metaValue(f, "tokenizer.ggml.pre"),
			BOS:   metaValue(f, "tokenizer.ggml.bos_token_id"),
			EOS:   metaValue(f, "tokenizer.ggml.eos_token_id"),
		},
		Kernels: lc.Kernels(),
		Tensors: []tensorInfo{},
	}
	if s := h.SSM; s != nil {
		info.SSM = &ssmInfo{
			ConvKernel:   shown(s.ConvKernel),
			InnerSize:    shown(s.InnerSize),
			StateSize:    shown(s.StateSize),
			TimeStepRank: shown(s.TimeStepRank),
			GroupCount:   shown(s.GroupCount),
		}
	}
	if n, err := f.ArrayLen("tokenizer.ggml.tokens"); err == nil {
		info.Tokenizer.VocabSize = n
	}
	if id, guessed, ok, _ := f.FileType(); ok {
		info.FileType = &fileTypeInfo{ID: id, Name: gguf.FileTypeName(id), Description: gguf.FileTypeDescription(id), Guessed: guessed}
	}
	info.TensorTypes = []typeCountInfo{}
	for _, c := range f.TypeCounts() {
		info.TensorTypes = append(info.TensorTypes, typeCountInfo{Type: c.Type.String(), Count: c.Count, Computable: lc.Computable(c.Type)})
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		info.Parameters += t.Elements()
		ti := tensorInfo{Name: t.Name, Type: t.Type.String(), Shape: t.Dims, Bytes: t.Size,
			Offset: t.FileOffset(), Part: t.Part()}
		if ti.Shape == nil {
			ti.Shape = []uint64{}
		}
		if t.Err != nil {
			ti.Error = t.Err.Error()
		}
		info.Tensors = append(info.Tensors, ti)
	}
	for _, kv := range f.KV {
		m := metadataInfo{Key: kv.Key, Type: kv.Value.Kind()}
		if kv.Value.Type() == gguf.TypeArray {
			n := kv.Value.Len()
			m.Length = &n
		} else {
			m.Value = jsonScalar(kv.Value.Any())
		}
		info.Metadata = append(info.Metadata, m)
	}
	return info
}

// metaValue is a key's value for the report (see shown).
func metaValue(f *gguf.File, key string) any {
	v, ok := f.Get(key)
	if !ok {
		return nil
	}
	return shown(&v)
}

// shown is a value for the report: a scalar, an array (only short ones
// are shown whole), or nil when absent.
func shown(v *gguf.Value) any {
	if v == nil {
		return nil
	}
	if v.Type() == gguf.TypeArray {
		switch xs := v.Any().(type) {
		case []float32, []float64, []gguf.Value:
			return v.String()
		case []string:
			if len(xs) > 64 {
				return v.String()
			}
		default:
			if v.Len() > 64 {
				return v.String()
			}
		}
		return v.Any()
	}
	return jsonScalar(v.Any())
}

// jsonScalar keeps values JSON can carry: NaN and infinities become text.
func jsonScalar(x any) any {
	switch y := x.(type) {
	case float32:
		return jsonFloat(float64(y), x)
	case float64:
		return jsonFloat(y, x)
	}
	return x
}

func jsonFloat(f float64, x any) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprint(x)
	}
	return x
}

func (m *modelInfo) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	line := func(k string, format string, a ...any) {
		fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, a...)...)
	}
	file := m.File
	if m.Parts > 1 {
		file += fmt.Sprintf(" (+%d more parts)", m.Parts-1)
	}
	line("file", "%s", file)
	line("format", "GGUF v%d, alignment %d, %s", m.GGUFVersion, m.Alignment, sizeText(m.SizeBytes))
	if m.SHA256 != "" {
		line("sha256", "%s", m.SHA256)
	}
	line("architecture", "%s", orDash(m.Architecture))
	line("name", "%s", text(m.Name))
	line("parameters", "%s (%d)", siCount(m.Parameters), m.Parameters)
	if ft := m.FileType; ft != nil {
		about := ""
		if ft.Description != ft.Name {
			about = ": " + ft.Description
		}
		if ft.Guessed {
			about += ", guessed from the tensors"
		}
		line("file type", "%s (%d%s)", ft.Name, ft.ID, about)
	} else {
		line("file type", "-")
	}
	line("tensor types", "%s", typeCountText(m.TensorTypes))
	h := m.Hyper
	line("context", "%s", text(h.ContextLength))
	line("embedding", "%s", text(h.Embedding))
	line("layers", "%s", text(h.Layers))
	line("heads", "%s", text(h.Heads))
	line("kv heads", "%s", text(h.KVHeads))
	line("feed forward", "%s", text(h.FeedForward))
	line("rms epsilon", "%s", text(h.RMSEpsilon))
	r := m.Rope
	freq := text(r.FreqBase)
	if r.FreqBase == nil {
		freq = "10000 (default)"
	}
	line("rope", "dimensions %s, freq base %s", text(r.DimensionCount), freq)
	if r.ScalingType != nil && r.ScalingType != "none" {
		line("rope scaling", "%s, factor %s, original context %s", text(r.ScalingType), text(r.ScalingFactor), text(r.OriginalContext))
	} else {
		line("rope scaling", "none")
	}
	if r := m.Run; r != nil {
		r.writeText(line)
	}
	if s := m.SSM; s != nil {
		line("ssm", "conv kernel %s, inner size %s, state size %s, time step rank %s, groups %s",
			text(s.ConvKernel), text(s.InnerSize), text(s.StateSize), text(s.TimeStepRank), text(s.GroupCount))
	}
	t := m.Tokenizer
	line("tokenizer", "%s (pre %s), %s tokens, bos %s, eos %s", text(t.Model), text(t.Pre), text(t.VocabSize), text(t.BOS), text(t.EOS))
	line("kernels", "%s", kernelText(m.Kernels))
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nmetadata (%d keys)\n", len(m.Metadata))
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, kv := range m.Metadata {
		v := text(kv.Value)
		if kv.Length != nil {
			v = fmt.Sprintf("[%d items]", *kv.Length)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", kv.Key, kv.Type, v)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	var total int64
	for _, t := range m.Tensors {
		total += t.Bytes
	}
	fmt.Fprintf(w, "\ntensors (%d, %s)\n", len(m.Tensors), sizeText(total))
	rows := [][]string{{"name", "type", "shape", "bytes", ""}}
	var bad []tensorInfo
	for _, t := range m.Tensors {
		mark := ""
		if t.Error != "" {
			mark = "*"
			bad = append(bad, t)
		}
		rows = append(rows, []string{t.Name, t.Type, shapeText(t.Shape), fmt.Sprint(t.Bytes), mark})
	}
	writeColumns(w, rows, 3, 4)
	if len(bad) > 0 {
		fmt.Fprintf(w, "* %d unusable tensors, e.g. %s\n", len(bad), bad[0].Error)
	}
	return nil
}

// typeCountText lists tensor types with their counts: "Q4_K 10, F32 5,
// IQ4_XS 2 (no kernels)"; "-" for a file without tensors.
func typeCountText(counts []typeCountInfo) string {
	if len(counts) == 0 {
		return "-"
	}
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprintf("%s %d", c.Type, c.Count)
		if !c.Computable {
			parts[i] += " (no kernels)"
		}
	}
	return strings.Join(parts, ", ")
}

// writeColumns prints rows as columns, indented by two spaces; columns
// rightFrom <= i < rightTo are right-aligned (numbers).
func writeColumns(w io.Writer, rows [][]string, rightFrom, rightTo int) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len(c))
			if i >= rightFrom && i < rightTo {
				b.WriteString("  " + pad + c)
			} else {
				b.WriteString("  " + c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// text renders a report value for people; "-" for absent.
func text(x any) string {
	switch y := x.(type) {
	case nil:
		return "-"
	case string:
		if strconv.Quote(y) != `"`+y+`"` {
			return strconv.Quote(y) // control characters must not break lines
		}
		return orDash(y)
	}
	return fmt.Sprint(x)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func shapeText(dims []uint64) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprint(d)
	}
	if len(parts) == 0 {
		return "scalar"
	}
	return strings.Join(parts, " x ")
}

// siCount writes a count as 292.5K, 6.74B.
func siCount(n uint64) string {
	x := float64(n)
	for _, u := range []struct {
		unit string
		size float64
	}{{"T", 1e12}, {"B", 1e9}, {"M", 1e6}, {"K", 1e3}} {
		if x >= u.size {
			return fmt.Sprintf("%.4g%s", x/u.size, u.unit)
		}
	}
	return fmt.Sprint(n)
}

// sizeText writes a size as every lcrun report does ("1.13 MiB").
func sizeText(n int64) string { return bytesize.Format(n) }

// kernelText groups kernels by implementation: "avx2: dot, matmul_q8_0; generic: ssm_scan".
func kernelText(k map[string]string) string {
	if len(k) == 0 {
		return "-"
	}
	byImpl := map[string][]string{}
	for name, impl := range k {
		byImpl[impl] = append(byImpl[impl], name)
	}
	impls := make([]string, 0, len(byImpl))
	for impl := range byImpl {
		impls = append(impls, impl)
	}
	sort.Strings(impls)
	groups := make([]string, len(impls))
	for i, impl := range impls {
		sort.Strings(byImpl[impl])
		groups[i] = impl + ": " + strings.Join(byImpl[impl], ", ")
	}
	return strings.Join(groups, "; ")
}
