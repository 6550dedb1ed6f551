package fuzzmin

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBound: with the flag unset Bound sets Default; a value the command
// line gave (flag.Set, as flag.Parse would) stays.
func TestBound(t *testing.T) {
	f := flag.Lookup("test.fuzzminimizetime")
	require.NotNil(t, f, "the testing package's flag is gone")
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g == f })
	if !given {
		Bound()
		assert.Equal(t, Default, f.Value.String())
	}
	require.NoError(t, flag.Set(f.Name, "7s"))
	Bound()
	assert.Equal(t, "7s", f.Value.String())
}
