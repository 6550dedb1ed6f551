package model

import (
	"testing"

	"github.com/lcrun/lcrun/internal/fuzzmin"
)

// TestMain bounds the fuzzer's minimisation of new inputs (see fuzzmin).
func TestMain(m *testing.M) { fuzzmin.Main(m) }
