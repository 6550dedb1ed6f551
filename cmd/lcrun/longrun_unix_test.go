//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ctrl-C during the prefill stops after the micro-batch, saves the state
// (whole), exits 130; the next run resumes from it and answers as an
// uninterrupted run does.
func TestLongRunInterrupt(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	text := storyText(t, dir, 3000, 3)
	args := []string{storiesModel, text, "--cache", cache, "-n", "6", "--temp", "0", "--batch", "32", "--quiet"}

	sent := false
	afterMicroBatch = func(done int) {
		if done >= 200 && !sent {
			sent = true
			require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGINT))
		}
	}
	code, out, st, errOut := runJSON(t, args...)
	afterMicroBatch = nil
	require.Equal(t, 130, code, errOut)
	assert.Equal(t, "", out)
	assert.True(t, st.Interrupted)
	assert.Contains(t, errOut, "lcrun run: interrupted after")
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	done := st.PrefillTokens
	assert.Greater(t, done, 190)
	assert.Less(t, done, st.InputTokens)

	code, resumed, st2, errOut := runJSON(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, done, st2.CachedTokens)
	_, fresh, _, _ := runJSON(t, storiesModel, text, "-n", "6", "--temp", "0", "--batch", "32", "--quiet")
	assert.Equal(t, fresh, resumed)
}

// A named pipe as FILE is read once (it cannot be opened again for the
// second pass: that open used to block forever).
func TestLongRunNamedPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "story.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	text, err := os.ReadFile(storyText(t, dir, 3000, 6))
	require.NoError(t, err)
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Write(text)
			f.Close()
		}
	}()
	done := make(chan struct{})
	var code int
	var out, errOut string
	go func() {
		defer close(done)
		code, out, errOut = runLcrun(storiesModel, fifo, "-p", "hi", "-n", "4", "--temp", "0", "--quiet")
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("lcrun on a named pipe did not return")
	}
	require.Equal(t, 0, code, errOut)
	assert.NotEmpty(t, strings.TrimSpace(out))
	_, fromFile, _ := runLcrun(storiesModel, writeTemp(t, dir, text), "-p", "hi", "-n", "4", "--temp", "0", "--quiet")
	assert.Equal(t, fromFile, out, "the same answer as from a regular file")
}

func writeTemp(t *testing.T, dir string, b []byte) string {
	p := filepath.Join(dir, "copy.txt")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}
