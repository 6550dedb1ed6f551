package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Go program the README shows builds against the module as it is now,
// so a change of the library API cannot leave the guide stale. It is
// compiled as if it were a package of this module (a go build overlay),
// without writing into the repository.
func TestReadmeGoExampleBuilds(t *testing.T) {
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build the README's example")
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)

	var blocks []string
	for _, part := range strings.Split(string(b), "```go\n")[1:] {
		code, _, closed := strings.Cut(part, "```")
		require.True(t, closed, "a ```go block in the README is not closed")
		blocks = append(blocks, code)
	}
	require.Len(t, blocks, 1, "the README shows one Go program")
	require.Contains(t, blocks[0], "package main")

	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	require.NoError(t, os.WriteFile(src, []byte(blocks[0]), 0o644))
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(root, "internal", "readmeexample", "main.go"): src,
	}})
	require.NoError(t, err)
	overlayFile := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o644))

	cmd := exec.Command(goTool, "build", "-overlay", overlayFile, "-o", os.DevNull, "./internal/readmeexample")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the README's Go example does not build:\n%s", out)
}
