package source

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// terminal returns its lines, then an end of file (Ctrl-D), then what a
// user types after it, as a terminal does when read again.
type terminal struct{ reads []string }

func (t *terminal) Read(p []byte) (int, error) {
	if len(t.reads) == 0 {
		return 0, io.EOF
	}
	r := t.reads[0]
	t.reads = t.reads[1:]
	if r == "" {
		return 0, io.EOF
	}
	return copy(p, r), nil
}

// lcrun run - on a terminal took two Ctrl-D (issue 17): the check of the
// input's start consumed the first. The input ends at the first.
func TestStdinEndsAtFirstEOF(t *testing.T) {
	in, err := Open("-", Options{Stdin: &terminal{reads: []string{"Once upon\n", "a time\n", "", "typed after Ctrl-D\n"}}})
	require.NoError(t, err)
	b, err := io.ReadAll(in)
	require.NoError(t, err)
	assert.Equal(t, "Once upon\na time\n", string(b))
}
