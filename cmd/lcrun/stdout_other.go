//go:build !unix

package main

// stdoutClosed: only unix shells close descriptors with >&-.
func stdoutClosed() bool { return false }
