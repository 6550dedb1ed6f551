//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

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
