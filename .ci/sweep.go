//go:build ignore

// sweep runs hostile mutants of real GGUF files through a forward pass of
// the lcrun binary (lcrun -m FILE -p hi -n 4 -t 1 --seed 1) and sorts every
// outcome into one class:
//
//	error    non-zero exit with one line on stderr (what a bad file must give)
//	ok       exit 0 with output on stdout (a mutation the format tolerates)
//	panic    stderr has "panic:", "fatal error" or "goroutine " (or a signal)
//	hang     still running at -timeout
//	silent   non-zero exit with nothing on stderr, or exit 0 with no output
//	lines    non-zero exit with more than one line on stderr
//
// Mutant i of a file is a function of (-seed, the file's name, i) only, so
// one can be rebuilt alone (-only i -write PATH). Mutations: bit flips and byte
// overwrites in the header/metadata/tensor-info area, truncations, a size
// field (count, string or array length, dimension, offset, type) set to a
// huge or odd value, bit flips in tensor data, and combinations. CI does not
// run it; 4,000 mutants take about a minute and a half:
//
//	go run .ci/sweep.go -n 1000 testdata/stories260K.gguf \
//		testdata/golden/models/{llama-tiny-q8_0,mamba-tiny-q8_0,mamba2-tiny-f32}.gguf
//
// The exit status is 1 when any mutant panics, hangs, is silent or prints
// more than one line, and the mutants that did are kept under -keep.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

var (
	nFlag       = flag.Int("n", 1000, "mutants per file")
	seedFlag    = flag.Uint64("seed", 1, "seed of the mutations")
	timeoutFlag = flag.Duration("timeout", 30*time.Second, "a run still going after this is a hang")
	binFlag     = flag.String("lcrun", "", "lcrun binary (default: go build ./cmd/lcrun into a temporary directory)")
	keepFlag    = flag.String("keep", "sweep-kept", "directory for the mutants that did not end cleanly")
	onlyFlag    = flag.Int("only", -1, "run only mutant i of each file")
	writeFlag   = flag.String("write", "", "with -only: write the mutant to this path and run nothing")
	verbose     = flag.Bool("v", false, "print every mutant's outcome")
)

var classes = []string{"error", "ok", "panic", "hang", "silent", "lines"}

func main() {
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/sweep.go [flags] FILE.gguf...")
		os.Exit(2)
	}
	if err := run(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "sweep:", err)
		os.Exit(1)
	}
}

func run(files []string) error {
	if *writeFlag != "" {
		if *onlyFlag < 0 || len(files) != 1 {
			return errors.New("-write needs -only and one file")
		}
		orig, err := os.ReadFile(files[0])
		if err != nil {
			return err
		}
		m, what := mutate(orig, layoutOf(orig), rng(files[0], *onlyFlag))
		fmt.Println(what)
		return os.WriteFile(*writeFlag, m, 0o644)
	}
	tmp, err := os.MkdirTemp("", "sweep")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := *binFlag
	if bin == "" {
		bin = filepath.Join(tmp, "lcrun")
		build := exec.Command("go", "build", "-o", bin, "./cmd/lcrun")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building lcrun: %w", err)
		}
	}
	total := map[string]int{}
	bad := 0
	var maxRSS int64
	for _, path := range files {
		orig, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lay := layoutOf(orig)
		counts := map[string]int{}
		first, last := 0, *nFlag
		if *onlyFlag >= 0 {
			first, last = *onlyFlag, *onlyFlag+1
		}
		mut := filepath.Join(tmp, "mutant.gguf")
		start := time.Now()
		for i := first; i < last; i++ {
			m, what := mutate(orig, lay, rng(path, i))
			if err := os.WriteFile(mut, m, 0o644); err != nil {
				return err
			}
			class, stderr, rss := runOne(bin, mut)
			maxRSS = max(maxRSS, rss)
			counts[class]++
			total[class]++
			if *verbose || (class != "error" && class != "ok") {
				fmt.Printf("%s #%d %-6s %s | %s\n", filepath.Base(path), i, class, what, firstLine(stderr))
			}
			if class != "error" && class != "ok" {
				bad++
				if err := keep(path, i, m, what, stderr); err != nil {
					return err
				}
			}
		}
		fmt.Printf("%s (%d bytes, tensor data at %d, %d size fields): %s in %s\n",
			path, len(orig), lay.dataStart, len(lay.fields), summary(counts), time.Since(start).Round(time.Second))
	}
	fmt.Printf("total: %s; largest peak RSS %d MB\n", summary(total), maxRSS>>20)
	if bad > 0 {
		return fmt.Errorf("%d mutants did not end cleanly (kept under %s)", bad, *keepFlag)
	}
	return nil
}

// rng is mutant i's source: a function of the seed, the file's base name
// and i, so a mutant is the same whatever else is swept with it.
func rng(path string, i int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(filepath.Base(path)))
	return rand.New(rand.NewPCG(*seedFlag^h.Sum64(), uint64(i)))
}

func summary(counts map[string]int) string {
	var parts []string
	for _, c := range classes {
		parts = append(parts, fmt.Sprintf("%s %d", c, counts[c]))
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

func keep(path string, i int, m []byte, what, stderr string) error {
	if err := os.MkdirAll(*keepFlag, 0o755); err != nil {
		return err
	}
	base := filepath.Join(*keepFlag, fmt.Sprintf("%s-%d", strings.TrimSuffix(filepath.Base(path), ".gguf"), i))
	if err := os.WriteFile(base+".gguf", m, 0o644); err != nil {
		return err
	}
	return os.WriteFile(base+".txt", []byte(what+"\n"+stderr), 0o644)
}

// runOne runs the forward pass on one file and classifies the outcome; it
// also returns the run's peak resident memory in bytes.
func runOne(bin, path string) (class, stderr string, rss int64) {
	ctx, cancel := context.WithTimeout(context.Background(), *timeoutFlag)
	defer cancel()
	// A fixed sampling seed makes each mutant's outcome repeatable.
	cmd := exec.CommandContext(ctx, bin, "-m", path, "-p", "hi", "-n", "4", "-t", "1", "--seed", "1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "GOTRACEBACK=single")
	err := cmd.Run()
	stderr = errb.String()
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss << 10
		}
	}
	switch {
	case ctx.Err() != nil:
		return "hang", stderr, rss
	case strings.Contains(stderr, "panic:") || strings.Contains(stderr, "fatal error") || strings.Contains(stderr, "goroutine "):
		return "panic", stderr, rss
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "panic", fmt.Sprintf("killed by %v\n%s", ws.Signal(), stderr), rss
		}
	} else if err != nil {
		return "panic", err.Error(), rss
	}
	lines := strings.Count(strings.TrimRight(stderr, "\n"), "\n") + 1
	switch {
	case err == nil && out.Len() > 0:
		return "ok", stderr, rss
	case err == nil, strings.TrimSpace(stderr) == "":
		return "silent", stderr, rss
	case lines > 1:
		return "lines", stderr, rss
	}
	return "error", stderr, rss
}

// field is an integer of the file's structure that sizes or types what
// follows it.
type field struct {
	off, width int
	what       string
}

// layout is what the mutations aim at: the size fields, and where the
// header, metadata and tensor infos end (the tensor data's start).
type layout struct {
	fields    []field
	byKind    map[string][]field
	infoEnd   int
	dataStart int
}

// kinds lists the kinds of size field in a fixed order.
func (l *layout) kinds() []string {
	var k []string
	for what := range l.byKind {
		k = append(k, what)
	}
	sort.Strings(k)
	return k
}

// layoutOf walks a GGUF file (v1: 32-bit counts and lengths; v2, v3:
// 64-bit) and notes its size fields. An unreadable file gives what was
// read before the trouble.
func layoutOf(b []byte) (l layout) {
	r := &walker{b: b}
	defer func() {
		if recover() != nil {
			l.fields, l.infoEnd, l.dataStart = r.fields, r.pos, len(b)
		}
		l.byKind = map[string][]field{}
		for _, f := range l.fields {
			l.byKind[f.what] = append(l.byKind[f.what], f)
		}
	}()
	r.pos = 4
	version := r.u(4, "")
	size := 8
	if version == 1 {
		size = 4
	}
	nt := r.u(size, "tensor count")
	nkv := r.u(size, "metadata count")
	align := uint64(32)
	for range nkv {
		key := r.str(size, "key length")
		typ := r.u(4, "value type")
		if key == "general.alignment" && typ == 4 {
			align = uint64(binary.LittleEndian.Uint32(b[r.pos:]))
		}
		r.value(typ, size)
	}
	for range nt {
		r.str(size, "tensor name length")
		nd := r.u(4, "dimension count")
		for range nd {
			r.u(size, "dimension")
		}
		r.u(4, "tensor type")
		r.u(8, "tensor offset")
	}
	l.fields, l.infoEnd = r.fields, r.pos
	l.dataStart = int((uint64(r.pos) + align - 1) / align * align)
	return l
}

type walker struct {
	b      []byte
	pos    int
	fields []field
}

func (r *walker) u(width int, what string) uint64 {
	if what != "" {
		r.fields = append(r.fields, field{r.pos, width, what})
	}
	v := uint64(0)
	for i := width - 1; i >= 0; i-- {
		v = v<<8 | uint64(r.b[r.pos+i])
	}
	r.pos += width
	return v
}

func (r *walker) str(size int, what string) string {
	n := int(r.u(size, what))
	s := string(r.b[r.pos : r.pos+n])
	r.pos += n
	return s
}

var scalarWidth = map[uint64]int{0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}

func (r *walker) value(typ uint64, size int) {
	switch typ {
	case 8:
		r.str(size, "string length")
	case 9:
		et := r.u(4, "array type")
		n := r.u(size, "array length")
		if w, ok := scalarWidth[et]; ok {
			r.pos += int(n) * w
			return
		}
		for range n {
			r.value(et, size)
		}
	default:
		w, ok := scalarWidth[typ]
		if !ok {
			panic("bad type")
		}
		r.pos += w
	}
}

// mutate returns a damaged copy of orig and a description of the damage.
func mutate(orig []byte, l layout, r *rand.Rand) ([]byte, string) {
	m := bytes.Clone(orig)
	var what []string
	steps := 1
	if r.IntN(5) == 0 {
		steps = 2 + r.IntN(2)
	}
	for range steps {
		var w string
		m, w = mutateOnce(m, l, r)
		what = append(what, w)
	}
	return m, strings.Join(what, "; ")
}

// huge are the values a size field is set to: past any real size, at the
// edges of the integer widths, and zero.
var huge = []uint64{
	1<<64 - 1, 1<<64 - 2, 1 << 63, 1<<63 - 1, 1 << 62, 1 << 48, 1 << 40,
	1 << 32, 1<<32 - 1, 1<<32 + 1, 1 << 31, 1<<31 - 1, 1 << 30, 1 << 24, 1 << 16, 0,
}

func mutateOnce(m []byte, l layout, r *rand.Rand) ([]byte, string) {
	head := min(l.infoEnd, len(m))
	if head == 0 {
		head = len(m)
	}
	switch r.IntN(6) {
	case 0: // bit flips in the header, metadata and tensor infos
		n := 1 + r.IntN(8)
		var at []string
		for range n {
			i := r.IntN(head)
			bit := r.IntN(8)
			m[i] ^= 1 << bit
			at = append(at, fmt.Sprintf("%d.%d", i, bit))
		}
		return m, "flip " + strings.Join(at, ",")
	case 1: // a run of bytes overwritten there
		i := r.IntN(head)
		n := min(1+r.IntN(16), len(m)-i)
		fill := [...]string{"random", "zero", "ff"}[r.IntN(3)]
		for j := i; j < i+n; j++ {
			switch fill {
			case "random":
				m[j] = byte(r.Uint32())
			case "zero":
				m[j] = 0
			case "ff":
				m[j] = 0xff
			}
		}
		return m, fmt.Sprintf("overwrite %d+%d %s", i, n, fill)
	case 2: // truncation, within the header area half the time
		n := r.IntN(len(m))
		if r.IntN(2) == 0 {
			n = r.IntN(head + 1)
		}
		return m[:n], fmt.Sprintf("truncate %d", n)
	case 3, 4: // a size field set to a huge or odd value
		if len(l.fields) == 0 {
			return mutateOnce(m, l, r)
		}
		// A kind first, then a field of it: the vocabulary's string lengths
		// would otherwise be nearly every pick.
		kinds := l.kinds()
		same := l.byKind[kinds[r.IntN(len(kinds))]]
		f := same[r.IntN(len(same))]
		if f.off+f.width > len(m) {
			return m, "field past the end"
		}
		old := uint64(0)
		for i := f.width - 1; i >= 0; i-- {
			old = old<<8 | uint64(m[f.off+i])
		}
		var v uint64
		switch k := r.IntN(len(huge) + 4); {
		case k < len(huge):
			v = huge[k]
		case k == len(huge):
			v = old + 1
		case k == len(huge)+1:
			v = old - 1
		case k == len(huge)+2:
			v = old * 2
		default:
			v = r.Uint64()
		}
		for i := range f.width {
			m[f.off+i] = byte(v >> (8 * i))
		}
		return m, fmt.Sprintf("%s at %d: %d -> %d", f.what, f.off, old, v&(1<<(8*f.width)-1))
	default: // bit flips in the tensor data
		if l.dataStart >= len(m) {
			return mutateOnce(m, l, r)
		}
		n := 1 + r.IntN(32)
		for range n {
			i := l.dataStart + r.IntN(len(m)-l.dataStart)
			m[i] ^= 1 << r.IntN(8)
		}
		return m, fmt.Sprintf("flip %d data bits", n)
	}
}
