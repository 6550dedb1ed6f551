// Package serving answers generation requests over a model with a fixed
// set of sessions, for a server with many clients: a request's prompt
// tokens resume from the longest prefix a session, an in-memory snapshot
// or the on-disk prefix cache already evaluated (so a long document asked
// about many times is evaluated once), then generate with the request's
// sampler, stop texts and token limit, cancelled through its context.
// Requests past the sessions wait in a bounded queue; past that they get
// ErrBusy. The HTTP face (cmd/lcrun serve) only translates.
package serving

import (
	"context"
	"errors"
	"fmt"
	"sync"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// Defaults of Options.
const (
	DefaultQueue       = 64
	DefaultMinSnapshot = 64
)

// Options configure an Engine.
type Options struct {
	// Parallel is the number of sessions, the requests generating at once
	// (0 = 1). They share one kernel pool of Session.Threads workers.
	Parallel int
	// Queue is how many more requests may wait for a session (0 =
	// DefaultQueue; negative = none wait).
	Queue int
	// Session are the options of every session (Ctx bounds prompt plus
	// answer). Pool is ignored: the engine makes its own.
	Session model.SessionOptions
	// MemoryBytes bounds the in-memory snapshots of evaluated prompts
	// (0 = none kept).
	MemoryBytes int64
	// Cache, if set, keeps the states of evaluated prompts on disk too,
	// under Fingerprint (see prefixcache and longinput.Options).
	Cache       *prefixcache.Cache
	Fingerprint string
	// MinSnapshot: prompts shorter than this, or whose new part is, are
	// not snapshotted (evaluating them again is cheaper than keeping them).
	// 0 = DefaultMinSnapshot.
	MinSnapshot int
	// Warn receives one-line messages about cache entries skipped.
	Warn func(string)
}

// ErrBusy is returned when every session is busy and the queue is full.
var ErrBusy = errors.New("serving: every session is busy and the wait queue is full")

// ErrClosed is returned by a request to an engine being closed.
var ErrClosed = errors.New("serving: the engine is closed")

// RequestError is a request that cannot be answered as given (an empty
// prompt, a bad sampler setting): the client's mistake, not the server's.
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return e.Msg }

// TooLongError is a prompt that leaves no room in the context to answer.
type TooLongError struct {
	Tokens, Ctx int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("the prompt of %d tokens leaves no room to answer in the context of %d tokens", e.Tokens, e.Ctx)
}

// Engine answers requests over one model. Safe for concurrent use.
type Engine struct {
	m    *model.Model
	tok  *tokenizer.Tokenizer
	o    Options
	ctx  int
	pool *lc.Pool
	sha  [32]byte // the model's, for disk cache keys

	mu      sync.Mutex
	all     []*slot
	free    []*slot
	waiters []chan *slot
	closed  bool
	busy    sync.WaitGroup // sessions out of the free list
	snapMu  sync.Mutex
	snaps   snapshots
}

// slot is one session and what the engine knows about it.
type slot struct {
	id int
	s  *model.Session
}

// New opens the sessions. The model must have a tokenizer.
func New(m *model.Model, o Options) (*Engine, error) {
	tok, err := m.Tokenizer()
	if err != nil {
		return nil, err
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
	}
	if o.Queue == 0 {
		o.Queue = DefaultQueue
	}
	o.Queue = max(o.Queue, 0)
	if o.MinSnapshot <= 0 {
		o.MinSnapshot = DefaultMinSnapshot
	}
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	e := &Engine{m: m, tok: tok, o: o, snaps: snapshots{max: o.MemoryBytes}}
	if o.Cache != nil {
		if e.sha, err = m.SHA256(); err != nil {
			return nil, fmt.Errorf("hashing the model for the cache: %w", err)
		}
	}
	// Each NewSession checks its own size against the free memory; the
	// sessions together must fit too, or the last one ends the process.
	one, err := m.SessionBytes(o.Session)
	if err != nil {
		return nil, err
	}
	if need, free := bytesize.Mul(one, int64(o.Parallel)), sysmem.Available(); free.Bytes > 0 && need > free.Bytes {
		return nil, fmt.Errorf("%d sessions need %s, more than the %s of memory available (%s): fewer sessions or a smaller context",
			o.Parallel, bytesize.Format(need), bytesize.Format(free.Bytes), free.Source)
	}
	e.pool = lc.NewPool(o.Session.Threads)
	so := o.Session
	so.Pool = e.pool
	for i := range o.Parallel {
		s, err := m.NewSession(so)
		if err != nil {
			e.Close()
			return nil, err
		}
		sl := &slot{id: i, s: s}
		e.all = append(e.all, sl)
		e.free = append(e.free, sl)
	}
	e.ctx = e.all[0].s.Options().Ctx
	return e, nil
}

// Close refuses new requests and the ones waiting, cancels none (the
// caller cancels their contexts to hurry them), and frees the sessions once
// every request in flight is done.
func (e *Engine) Close() {
	e.mu.Lock()
	e.closed = true
	for _, w := range e.waiters {
		close(w)
	}
	e.waiters = nil
	e.mu.Unlock()
	e.busy.Wait()
	for _, sl := range e.all {
		sl.s.Close()
	}
	if e.pool != nil {
		e.pool.Close()
	}
}

// Model is the engine's model; Tokenizer its tokenizer.
func (e *Engine) Model() *model.Model             { return e.m }
func (e *Engine) Tokenizer() *tokenizer.Tokenizer { return e.tok }

// Ctx is the context of every session: prompt plus answer tokens.
func (e *Engine) Ctx() int { return e.ctx }

// Parallel is the number of sessions.
func (e *Engine) Parallel() int { return len(e.all) }

// acquire takes a free session, the one whose tokens share the longest
// prefix with prompt, or waits in the queue for one.
func (e *Engine) acquire(ctx context.Context, prompt []int32) (*slot, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, ErrClosed
	}
	if len(e.free) > 0 {
		best, bestN := 0, -1
		for i, sl := range e.free {
			if n := commonPrefix(sl.s.Tokens(), prompt); n > bestN {
				best, bestN = i, n
			}
		}
		sl := e.free[best]
		e.free = append(e.free[:best], e.free[best+1:]...)
		e.busy.Add(1)
		e.mu.Unlock()
		return sl, nil
	}
	if len(e.waiters) >= e.o.Queue {
		e.mu.Unlock()
		return nil, ErrBusy
	}
	w := make(chan *slot, 1)
	e.waiters = append(e.waiters, w)
	e.mu.Unlock()
	select {
	case sl, ok := <-w:
		if !ok {
			return nil, ErrClosed
		}
		return sl, nil
	case <-ctx.Done():
		e.mu.Lock()
		for i, x := range e.waiters {
			if x == w {
				e.waiters = append(e.waiters[:i], e.waiters[i+1:]...)
				e.mu.Unlock()
				return nil, ctx.Err()
			}
		}
		e.mu.Unlock()
		// Handed a session while giving up: pass it on.
		if sl, ok := <-w; ok {
			e.release(sl)
		}
		return nil, ctx.Err()
	}
}

// release gives a session to the first waiter (it stays busy), or back
// to the free list.
func (e *Engine) release(sl *slot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.waiters) > 0 {
		w := e.waiters[0]
		e.waiters = e.waiters[1:]
		w <- sl
		return
	}
	e.free = append(e.free, sl)
	e.busy.Done()
}

// Waiting is the number of requests in the queue.
func (e *Engine) Waiting() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.waiters)
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []int32) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func itoa(n int) string { return fmt.Sprint(n) }
