package model

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClosedModel: after Close nothing reaches the unmapped weights (the
// next Prefill used to die of SIGSEGV): NewSession and every evaluation,
// Save and Restore return ErrClosed.
func TestClosedModel(t *testing.T) {
	m, err := Open(storiesPath)
	require.NoError(t, err)
	s, err := m.NewSession(SessionOptions{Ctx: 64, Threads: 1})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Prefill(context.Background(), []int32{1, 400, 20}, nil))
	var saved bytes.Buffer
	require.NoError(t, s.Save(&saved))
	require.NoError(t, m.Close())
	require.NoError(t, m.Close(), "closing twice is harmless")

	_, err = m.NewSession(SessionOptions{Ctx: 64})
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, s.Prefill(context.Background(), []int32{7}, nil), ErrClosed)
	_, err = s.Decode(7)
	assert.ErrorIs(t, err, ErrClosed)
	for _, err := range s.Generate(context.Background(), GenerateOptions{MaxTokens: 3}) {
		if err != nil {
			assert.ErrorIs(t, err, ErrClosed)
		}
	}
	assert.ErrorIs(t, s.Save(&bytes.Buffer{}), ErrClosed)
	assert.ErrorIs(t, s.Restore(bytes.NewReader(saved.Bytes())), ErrClosed)
	_, err = m.SHA256()
	assert.ErrorIs(t, err, ErrClosed)
}

// TestCloseWaitsForTheMicroBatch: Close during a prefill waits for the
// micro-batch in progress; the prefill then stops with ErrClosed.
func TestCloseWaitsForTheMicroBatch(t *testing.T) {
	m, err := Open(storiesPath)
	require.NoError(t, err)
	s, err := m.NewSession(SessionOptions{Ctx: 512, Batch: 8, Threads: 1})
	require.NoError(t, err)
	defer s.Close()
	closed := make(chan error)
	var once sync.Once
	err = s.Prefill(context.Background(), randomTokens(400, m.VocabSize(), 9), func(done, _ int) {
		once.Do(func() {
			go func() { closed <- m.Close() }()
		})
	})
	assert.ErrorIs(t, err, ErrClosed)
	assert.Less(t, s.Pos(), 400)
	require.NoError(t, <-closed)
}

// TestConcurrentUseIsAnError: a second goroutine inside one session gets
// ErrConcurrentUse instead of racing the first.
func TestConcurrentUseIsAnError(t *testing.T) {
	m := openStories(t)
	s := newTestSession(t, m, SessionOptions{Ctx: 256, Batch: 8, Threads: 1})
	inside := make(chan struct{})
	proceed := make(chan struct{})
	var once sync.Once
	go func() {
		<-inside
		assert.ErrorIs(t, s.Prefill(context.Background(), []int32{5}, nil), ErrConcurrentUse)
		assert.ErrorIs(t, s.Save(&bytes.Buffer{}), ErrConcurrentUse)
		close(proceed)
	}()
	require.NoError(t, s.Prefill(context.Background(), randomTokens(64, m.VocabSize(), 4), func(done, _ int) {
		once.Do(func() {
			close(inside)
			<-proceed
		})
	}))
	assert.Equal(t, 64, s.Pos(), "the first caller's tokens are all there")
	require.NoError(t, s.Prefill(context.Background(), []int32{5}, nil), "free again once the first call returned")
}
