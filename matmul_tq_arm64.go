//go:build !purego && !noasm

package lcrun

// The arm64 tiles of the ternary types come in a later commit; until then
// the slots of matmul_tq.go run their plain-Go twins.
