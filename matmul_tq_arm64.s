//go:build !purego && !noasm

// The arm64 tiles of matmul_tq_arm64.go (none yet).
