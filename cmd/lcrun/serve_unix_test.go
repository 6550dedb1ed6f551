//go:build unix

package main

import (
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lcrun serve as a user starts it: it says where it listens, answers,
// and on SIGTERM stops and exits 0.
func TestServeCommandSignal(t *testing.T) {
	log := &syncBuffer{}
	code := make(chan int, 1)
	go func() { code <- lcrun([]string{"serve", "--port", "0", "-t", "1"}, &syncBuffer{}, log) }()
	addr := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	require.Eventually(t, func() bool { return addr.MatchString(log.String()) }, 20*time.Second, 5*time.Millisecond, "log: %s", log)
	url := addr.FindStringSubmatch(log.String())[1]
	resp, err := http.Post(url+"/v1/completions", "application/json", strings.NewReader(`{"prompt":"Lily","max_tokens":3}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// The listening line comes after the signal handler is in place.
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))
	select {
	case c := <-code:
		assert.Equal(t, 0, c, log.String())
	case <-time.After(20 * time.Second):
		t.Fatal("lcrun serve did not stop on SIGTERM")
	}
	assert.Contains(t, log.String(), "stopping")
}
