package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 17's rough edges: values no sampler or machine can mean used to
// be taken silently, or refused with exit 1 where a bad command line is 2.
func TestRoughEdgeValues(t *testing.T) {
	m := "-m=" + chatModel
	for name, c := range map[string]struct {
		args []string
		msg  string
	}{
		"run --top-p 2":         {[]string{m, "-p", "Hi", "--top-p", "2"}, "top-p 2 and min-p 0.05 must be at most 1"},
		"run --min-p 1.5":       {[]string{m, "-p", "Hi", "--min-p", "1.5"}, "min-p 1.5 must be at most 1"},
		"run --temp -1":         {[]string{m, "-p", "Hi", "--temp", "-1"}, "must not be negative"},
		"chat --top-p 2":        {[]string{"chat", m, "--top-p", "2"}, "must be at most 1"},
		"bench -r 0":            {[]string{"bench", "-r", "0", "--no-kernels"}, "at least one repetition"},
		"run --chat-template x": {[]string{m, "-p", "Hi", "--chat", "--chat-template", "x"}, "not a built-in template"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runLcrun(c.args...)
			assert.Equal(t, 2, code, errOut)
			assert.Empty(t, out)
			assert.Contains(t, lastLine(errOut), c.msg)
		})
	}

	n := runtime.NumCPU()
	code, _, errOut := runLcrun(m, "-p", "Hi", "-n", "1", "-t", fmt.Sprint(n+1))
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, fmt.Sprintf("lcrun: note: -t %d is more threads than the %d CPUs here: the extra ones only take turns\n", n+1, n), errOut)
	code, _, errOut = runLcrun(m, "-p", "Hi", "-n", "1", "-t", fmt.Sprint(n))
	require.Equal(t, 0, code, errOut)
	assert.False(t, strings.Contains(errOut, "more threads"), errOut)
}
