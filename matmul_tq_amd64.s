//go:build !purego && !noasm

// The amd64 tiles of matmul_tq_amd64.go (none yet).
