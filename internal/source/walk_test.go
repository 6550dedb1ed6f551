package source

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTree creates files (path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
}

// ignoreFixture is a tree exercising every gitignore rule the walker
// implements, nested files included.
var ignoreFixture = map[string]string{
	".gitignore": "# top level\n*.log\n!keep.log\nbuild/\n/root-only.txt\ndocs/**/*.tmp\n" +
		"vendor/*\n!vendor/keep/\n[Tt]emp*\n\\#hash\nspace\\ \n**/deep/leaf.txt\nabc/**\n",
	"a.log": "x\n", "keep.log": "x\n", "root-only.txt": "x\n", "#hash": "x\n", "space ": "x\n",
	"Temp1.txt": "x\n", "temp2.txt": "x\n", "tex.txt": "x\n", "main.go": "package main\n",
	"build/x.go": "x\n", "docs/a.tmp": "x\n", "docs/x/y/b.tmp": "x\n", "docs/c.txt": "x\n",
	"vendor/lib.go": "x\n", "vendor/keep/k.go": "x\n", "abc/d/e.txt": "x\n", "abcd.txt": "x\n",
	"q/deep/leaf.txt": "x\n", "q/deep/other.txt": "x\n",
	"src/.gitignore": "!a.log\n/local.txt\n*.gen.go\nnested/\n",
	"src/a.log":      "x\n", "src/b.log": "x\n", "src/root-only.txt": "x\n",
	"src/local.txt": "x\n", "src/sub/local.txt": "x\n", "src/x.gen.go": "x\n", "src/x.go": "x\n",
	"src/build/y.go": "x\n", "src/nested/n.go": "x\n", "src/secret.txt": "x\n",
	"src/sub/.gitignore": "!*.gen.go\nz*\n!zz.txt\n",
	"src/sub/x.gen.go":   "x\n", "src/sub/zed.txt": "x\n", "src/sub/zz.txt": "x\n",
	"secret.txt": "x\n",
}

func relPaths(files []File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Rel
	}
	return out
}

func TestWalkHonoursGitignore(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, ignoreFixture)
	files, skipped, err := walkDir(dir, Options{})
	require.NoError(t, err)
	want := []string{
		".gitignore", "abcd.txt", "docs/c.txt", "keep.log", "main.go", "q/deep/other.txt", "secret.txt",
		"src/.gitignore", "src/a.log", "src/root-only.txt", "src/secret.txt", "src/sub/.gitignore", "src/sub/local.txt",
		"src/sub/x.gen.go", "src/sub/zz.txt", "src/x.go", "tex.txt", "vendor/keep/k.go",
	}
	sort.Strings(want)
	got := relPaths(files)
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	assert.Equal(t, want, sorted)
	assert.Positive(t, skipped[SkipIgnored])
}

// TestWalkAgreesWithGit builds the fixture as a git work tree and compares
// the walk with what git lists as untracked and not ignored.
func TestWalkAgreesWithGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed: TestWalkHonoursGitignore covers the same tree")
	}
	dir := t.TempDir()
	writeTree(t, dir, ignoreFixture)
	git := func(in string, args ...string) []string {
		cmd := exec.Command("git", args...)
		cmd.Dir = in
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
		sort.Strings(lines)
		return lines
	}
	git(dir, "init", "-q")
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".git", "info", "exclude"), []byte("secret.txt\n"), 0o644))
	for _, root := range []string{"", "src", "src/sub"} {
		in := filepath.Join(dir, filepath.FromSlash(root))
		want := git(in, "-c", "core.quotePath=false", "ls-files", "--others", "--exclude-standard")
		files, _, err := walkDir(in, Options{})
		require.NoError(t, err)
		got := relPaths(files)
		sort.Strings(got)
		assert.Equal(t, want, got, "walk of %q", root)
	}
}

func TestWalkOrderIsStable(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"b.txt": "b\n", "a/z.txt": "z\n", "a.txt": "a\n", "A.txt": "A\n", "a/b/c.txt": "c\n"})
	files, _, err := walkDir(dir, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"A.txt", "a/b/c.txt", "a/z.txt", "a.txt", "b.txt"}, relPaths(files))
}

func TestWalkSkips(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"text.txt":     "hello\n",
		"nul.bin":      "ab\x00cd",
		"latin1.txt":   "caf\xe9 au lait\n",
		"empty.txt":    "",
		"big.txt":      strings.Repeat("x", 2000),
		".git/config":  "[core]\n",
		"utf8.txt":     "caf\u00e9 \u2603\n",
		"sub/ok.go":    "package sub\n",
		"sub/.git":     "gitdir: elsewhere\n", // a worktree's .git file
		"cut-rune.txt": strings.Repeat("a", HeadBytes-1) + "\u2603 and more\n",
	})
	require.NoError(t, os.Symlink(filepath.Join(dir, "text.txt"), filepath.Join(dir, "link.txt")))
	files, skipped, err := walkDir(dir, Options{MaxFileSize: 1500})
	require.NoError(t, err)
	assert.Equal(t, []string{"cut-rune.txt", "sub/ok.go", "text.txt", "utf8.txt"}, relPaths(files))
	assert.Equal(t, map[string]int{SkipBinary: 2, SkipEmpty: 1, SkipTooLarge: 1, SkipSymlink: 1}, skipped)
}

func TestBinaryReason(t *testing.T) {
	cases := []struct {
		head string
		want string
	}{
		{"plain text\n", ""},
		{"caf\u00e9", ""},
		{"a\x00b", "NUL byte at offset 1"},
		{"ab\xff", "invalid UTF-8 at offset 2"},
		{"ab\xe2\x98", "invalid UTF-8 at offset 2"}, // the input really ends mid-rune
		{strings.Repeat("a", HeadBytes-2) + "\xe2\x98", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, binaryReason([]byte(c.head)), "%q", c.head)
	}
}

func TestReadDirectoryStream(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.txt": "alpha\n", "b/c.go": "package c", "d.bin": "\x00\x01"})
	in, err := Open(dir, Options{})
	require.NoError(t, err)
	defer in.Close()
	var buf bytes.Buffer
	// A tiny buffer exercises every boundary between headers and files.
	chunk := make([]byte, 3)
	for {
		n, err := in.Read(chunk)
		buf.Write(chunk[:n])
		if err != nil {
			break
		}
	}
	want := FileHeader("a.txt") + "alpha\n\n" + FileHeader("b/c.go") + "package c\n"
	assert.Equal(t, want, buf.String())
	// Size assumes each file may lack its final newline: at most one byte
	// per file over.
	assert.InDelta(t, len(want), in.Size(), 2)
	assert.GreaterOrEqual(t, in.Size(), int64(len(want)))
	assert.Equal(t, int64(len(want)), in.BytesRead())
	assert.Equal(t, 2, in.FilesRead())
	assert.Equal(t, "skipped 1 binary", in.SkippedSummary())
	assert.Equal(t, KindDir, in.Kind())
}

func TestOpenFileAndStream(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "book.txt")
	require.NoError(t, os.WriteFile(p, []byte("once upon a time"), 0o644))
	in, err := Open(p, Options{MaxFileSize: 4}) // a named file ignores the limit
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(in)
	require.NoError(t, err)
	require.NoError(t, in.Close())
	assert.Equal(t, "once upon a time", buf.String())
	assert.Equal(t, int64(16), in.Size())
	assert.Equal(t, 1, in.FilesRead())

	in, err = openStdin(strings.NewReader("from a pipe\n"))
	require.NoError(t, err)
	buf.Reset()
	_, err = buf.ReadFrom(in)
	require.NoError(t, err)
	assert.Equal(t, "from a pipe\n", buf.String())
	assert.Equal(t, int64(-1), in.Size())
	assert.Equal(t, KindStdin, in.Kind())
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"empty.txt": "", "bin.dat": "PK\x03\x04\x00\x00", "onlybin/x.bin": "\x00",
		"ignored/.gitignore": "*\n",
	})
	cases := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "missing.txt"), "missing.txt: no such file or directory"},
		{filepath.Join(dir, "empty.txt"), "empty.txt: the file is empty"},
		{filepath.Join(dir, "bin.dat"), "bin.dat: not a text file (NUL byte at offset 4)"},
		{filepath.Join(dir, "onlybin"), "onlybin: no text files to read (skipped 1 binary)"},
		{filepath.Join(dir, "ignored"), "ignored: no text files to read (skipped 1 ignored by .gitignore)"},
	}
	for _, c := range cases {
		_, err := Open(c.path, Options{})
		require.Error(t, err, c.path)
		assert.Contains(t, err.Error(), c.want)
		assert.NotContains(t, err.Error(), "\n")
	}
	for _, s := range []string{"", "\x00\x00"} {
		_, err := openStdin(strings.NewReader(s))
		require.Error(t, err, "%q", s)
	}
}

// In a linked work tree or a submodule, .git is a file ("gitdir: ..."):
// the walk failed there with "not a directory" (found running lcrun in a
// git worktree). The .gitignore files still apply from the top.
func TestWalkInLinkedWorkTree(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".git": "gitdir: /elsewhere/.git/worktrees/x\n", ".gitignore": "*.log\n",
		"src/a.go": "package a\n", "src/b.log": "x\n",
	})
	files, skipped, err := walkDir(filepath.Join(dir, "src"), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.go"}, relPaths(files))
	assert.Equal(t, 1, skipped[SkipIgnored])
}
