package gguf

import (
	"os"
	"testing"

	"github.com/lcrun/lcrun/internal/fuzzmin"
)

// TestMain bounds the fuzzer's minimisation of FuzzOpenBytes' inputs,
// which are whole GGUF files (see fuzzmin).
func TestMain(m *testing.M) {
	fuzzmin.Bound()
	os.Exit(m.Run())
}
