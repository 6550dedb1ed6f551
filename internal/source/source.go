// Package source turns what a user points lcrun at (a file, standard input,
// or a directory read as a codebase) into one stream of text for the
// tokenizer, without holding it in memory.
package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// DefaultMaxFileSize is the largest file a directory walk reads.
const DefaultMaxFileSize = 1 << 20

// Options configure Open.
type Options struct {
	// MaxFileSize: files larger than this are skipped in a directory
	// (0 = DefaultMaxFileSize). A file named on its own is always read.
	MaxFileSize int64
	// Stdin is what "-" reads (nil = os.Stdin).
	Stdin io.Reader
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// Input is an opened source: Read gives its text. For a directory every
// file comes behind a header line with its relative path (FileHeader).
type Input struct {
	name    string
	kind    Kind
	size    int64 // bytes Read will give (an estimate for stdin: -1)
	files   []File
	skipped map[string]int

	r       io.Reader // the current part
	closer  io.Closer // the open file, if any
	next    int       // next file of a directory
	pending []byte    // header or separator still to give
	endsNL  bool      // the last byte given was a newline
	read    int64     // bytes given so far
	done    int       // files read to the end
}

// Kind says what an Input reads.
type Kind int

const (
	KindFile Kind = iota
	KindStdin
	KindDir
)

// FileHeader is the line put before each file of a directory.
func FileHeader(rel string) string { return "==> " + rel + " <==\n" }

// ReadsOnce reports whether path can be read only once: standard input
// ("-"), a pipe, a process substitution (/dev/fd/N), a socket or a device.
// A caller that needs the text twice keeps what it read.
func ReadsOnce(path string) bool {
	if path == "-" {
		return true
	}
	info, err := os.Stat(path)
	return err == nil && !info.IsDir() && !info.Mode().IsRegular()
}

// Open opens path: "-" is standard input, a directory is walked (see
// walkDir), anything else is read as one text file. Errors are one line:
// a missing path, an empty or binary file, a directory with no text files.
func Open(path string, opt Options) (*Input, error) {
	if path == "-" {
		if opt.Stdin != nil {
			return openStdin(opt.Stdin)
		}
		return openStdin(os.Stdin)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, pathError(path, err)
	}
	if info.IsDir() {
		return openDir(path, opt)
	}
	if !info.Mode().IsRegular() {
		// Pipes and devices (e.g. /dev/stdin, <(cmd)) stream like stdin.
		f, err := os.Open(path)
		if err != nil {
			return nil, pathError(path, err)
		}
		in, err := openStream(f, path)
		if err != nil {
			f.Close()
			return nil, err
		}
		in.closer = f
		return in, nil
	}
	if info.Size() == 0 {
		return nil, fmt.Errorf("%s: the file is empty", path)
	}
	head, err := readHead(path)
	if err != nil {
		return nil, pathError(path, err)
	}
	if why := binaryReason(head); why != "" {
		return nil, fmt.Errorf("%s: not a text file (%s)", path, why)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, pathError(path, err)
	}
	return &Input{name: path, kind: KindFile, size: info.Size(), r: f, closer: f, done: 0}, nil
}

func openStdin(r io.Reader) (*Input, error) {
	in, err := openStream(r, "standard input")
	if err != nil {
		return nil, err
	}
	in.kind = KindStdin
	return in, nil
}

// openStream checks the start of a stream (empty? binary?) without
// consuming it.
func openStream(r io.Reader, name string) (*Input, error) {
	br := bufio.NewReaderSize(&endOnce{r: r}, 64<<10)
	head, err := br.Peek(HeadBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(head) == 0 {
		return nil, fmt.Errorf("%s: the input is empty", name)
	}
	if why := binaryReason(head); why != "" {
		return nil, fmt.Errorf("%s: not text (%s)", name, why)
	}
	return &Input{name: name, kind: KindFile, size: -1, r: br}, nil
}

// endOnce ends a stream at its first end of file. A terminal's end of
// file is a Ctrl-D that a read returns once, and the reader may be read
// again: without this, bufio's Peek took that one and the input waited
// for a second Ctrl-D.
type endOnce struct {
	r   io.Reader
	end bool
}

func (e *endOnce) Read(p []byte) (int, error) {
	if e.end {
		return 0, io.EOF
	}
	n, err := e.r.Read(p)
	e.end = err == io.EOF
	return n, err
}

func openDir(root string, opt Options) (*Input, error) {
	files, skipped, err := walkDir(root, opt)
	if err != nil {
		return nil, pathError(root, err)
	}
	in := &Input{name: root, kind: KindDir, files: files, skipped: skipped, endsNL: true}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no text files to read (%s)", root, in.skippedText())
	}
	for i, f := range files {
		if i > 0 {
			in.size++ // blank line between files
		}
		in.size += int64(len(FileHeader(f.Rel))) + f.Size + 1
	}
	return in, nil
}

// pathError keeps an os error to "PATH: reason".
func pathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", path, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// Name is what messages call the input: its path or "standard input".
func (in *Input) Name() string { return in.name }

// Kind says whether the input is a file, standard input or a directory.
func (in *Input) Kind() Kind { return in.kind }

// Size is about how many bytes Read gives (exact unless files change
// while being read; a directory adds headers and separators); -1 when
// unknown (standard input, pipes).
func (in *Input) Size() int64 { return in.size }

// BytesRead counts the bytes Read has given so far.
func (in *Input) BytesRead() int64 { return in.read }

// Files are the files a directory walk kept, in reading order (nil for a
// single file or a stream).
func (in *Input) Files() []File { return in.files }

// FilesRead counts the directory's files read to the end so far (1 for a
// file or stream once read to its end).
func (in *Input) FilesRead() int { return in.done }

// Skipped counts the paths a directory walk left out, by reason.
func (in *Input) Skipped() map[string]int { return in.skipped }

// SkippedSummary is the skipped counts as text ("3 binary, 12 ignored by
// .gitignore"), or "" when nothing was skipped.
func (in *Input) SkippedSummary() string {
	if len(in.skipped) == 0 {
		return ""
	}
	return in.skippedText()
}

func (in *Input) skippedText() string {
	if len(in.skipped) == 0 {
		return "nothing skipped"
	}
	reasons := make([]string, 0, len(in.skipped))
	for r := range in.skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%d %s", in.skipped[r], r)
	}
	return "skipped " + strings.Join(parts, ", ")
}

// Read gives the input's text. A directory gives each file behind its
// header line, files separated by a blank line, each ending in a newline.
// A file that vanished or became unreadable since the walk is skipped
// (and counted as unreadable).
func (in *Input) Read(p []byte) (int, error) {
	for {
		if len(in.pending) > 0 {
			n := copy(p, in.pending)
			in.pending = in.pending[n:]
			in.give(p[:n])
			return n, nil
		}
		if in.r != nil {
			n, err := in.r.Read(p)
			if n > 0 {
				in.give(p[:n])
			}
			if err == io.EOF {
				in.endPart()
				if n > 0 {
					return n, nil
				}
				continue
			}
			return n, err
		}
		if in.kind != KindDir || in.next >= len(in.files) {
			return 0, io.EOF
		}
		in.openNext()
	}
}

func (in *Input) give(b []byte) {
	in.read += int64(len(b))
	in.endsNL = b[len(b)-1] == '\n'
}

// endPart closes the part just read; a directory's file gets the newline
// it may lack.
func (in *Input) endPart() {
	in.r = nil
	in.done++
	if in.closer != nil {
		in.closer.Close()
		in.closer = nil
	}
	if in.kind == KindDir && !in.endsNL {
		in.pending = []byte{'\n'}
	}
}

// openNext opens the next file of a directory and queues its header.
func (in *Input) openNext() {
	f := in.files[in.next]
	in.next++
	fh, err := os.Open(f.Path)
	if err != nil {
		in.skipped[SkipUnreadable]++
		return
	}
	hdr := FileHeader(f.Rel)
	if in.read > 0 {
		hdr = "\n" + hdr
	}
	in.pending = []byte(hdr)
	in.r = io.LimitReader(fh, max(f.Size, 0)+(1<<20)) // bounded if it grows
	in.closer = fh
}

// Close releases the file being read, if any.
func (in *Input) Close() error {
	if in.closer != nil {
		err := in.closer.Close()
		in.closer = nil
		return err
	}
	return nil
}
