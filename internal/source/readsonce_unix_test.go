//go:build unix

package source

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadsOnce(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.txt")
	require.NoError(t, os.WriteFile(file, []byte("text\n"), 0o644))
	fifo := filepath.Join(dir, "p")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	assert.True(t, ReadsOnce("-"))
	assert.True(t, ReadsOnce(fifo))
	assert.True(t, ReadsOnce("/dev/null"), "a device")
	assert.False(t, ReadsOnce(file))
	assert.False(t, ReadsOnce(dir))
	assert.False(t, ReadsOnce(filepath.Join(dir, "missing")), "Open reports it")
}
