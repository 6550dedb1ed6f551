package main

import (
	"os"
	"testing"
	"time"

	"github.com/lcrun/lcrun/internal/fuzzmin"
)

// TestMain keeps the plain progress lines out of every command's output in
// tests, so that what a test reads of stderr does not depend on how fast
// the machine runs (under qemu a prefill of a few thousand tokens takes
// seconds). progress_test.go tests the lines themselves with its own clock.
// It also bounds the fuzzer's minimisation of new inputs (see fuzzmin).
func TestMain(m *testing.M) {
	plainEvery = 24 * time.Hour
	fuzzmin.Bound()
	os.Exit(m.Run())
}
