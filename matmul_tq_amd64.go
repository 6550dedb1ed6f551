//go:build !purego && !noasm

package lcrun

// The amd64 tiles of the ternary types come in a later commit; until then
// the slots of matmul_tq.go run their plain-Go twins.
