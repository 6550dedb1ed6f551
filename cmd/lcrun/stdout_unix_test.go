//go:build unix

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// lcrun >&- used to exit 0 with its results lost (issue 17): the runtime
// had put /dev/null there. stdoutClosed tells that /dev/null from a
// user's >/dev/null and from a file, with fd 1 swapped in place.
func TestStdoutClosed(t *testing.T) {
	saved, err := unix.Dup(1)
	require.NoError(t, err)
	defer unix.Close(saved)
	swap := func(f *os.File) bool {
		defer func() { require.NoError(t, unix.Dup2(saved, 1)) }()
		require.NoError(t, unix.Dup2(int(f.Fd()), 1))
		return stdoutClosed()
	}
	for name, c := range map[string]struct {
		path string
		flag int
		want bool
	}{
		"runtime's /dev/null": {os.DevNull, os.O_RDWR, true},
		">/dev/null":          {os.DevNull, os.O_WRONLY, false},
		"a file":              {filepath.Join(t.TempDir(), "out.txt"), os.O_RDWR | os.O_CREATE, false},
	} {
		f, err := os.OpenFile(c.path, c.flag, 0o644)
		require.NoError(t, err)
		assert.Equal(t, c.want, swap(f), name)
		f.Close()
	}
}
