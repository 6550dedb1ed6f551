package model

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/ropescale"
)

// Defaults of SessionOptions.
const (
	DefaultBatch   = 512     // tokens per micro-batch of a prefill
	DefaultCtx     = 4096    // KV slots when neither the options nor the model say
	DefaultHistory = 1 << 16 // tokens kept by a session of bounded state (History)
)

// SessionOptions configure a Session. The zero value is usable: the
// model's trained context (at most DefaultCtx), micro-batches of
// DefaultBatch, all cores, an f32 KV cache, the model's own RoPE.
type SessionOptions struct {
	// Ctx is the number of tokens the session holds: KV cache slots for a
	// transformer (ignored by recurrent models, whose state is fixed-size).
	// 0 = the model's context_length, at most DefaultCtx.
	Ctx int
	// Batch is the most tokens one forward step evaluates (a micro-batch of
	// a prefill); 0 = DefaultBatch.
	Batch int
	// Threads for this session's own pool (0 = GOMAXPROCS); ignored with Pool.
	Threads int
	// Pool, if set, runs the kernels instead of a pool of the session's
	// own (sessions may share one; their kernel calls then take turns).
	// The session does not close it.
	Pool *lc.Pool
	// KV is the KV cache type: lc.F32 (the zero value), lc.F16 or lc.Q8_0.
	KV lc.DType
	// Rope overrides the model's RoPE scaling (the CLI's --rope-* flags).
	Rope ropescale.Overrides
	// Window > 0 limits attention to the last Window positions; Sinks keeps
	// the first Sinks positions visible too (StreamingLLM). With a Window,
	// the cache is a ring: slots of keys no query can see any more are reused.
	Window, Sinks int
	// Streaming (with a Window) gives RoPE and the mask positions inside
	// the cache, as StreamingLLM does: the Sinks first tokens at 0..Sinks-1
	// and the window right after them, whatever the text position
	// (kvcache/shift.go). Needs consecutive positions and Ctx >=
	// StreamSlots(Window, Sinks, Batch) for evictions to be rare.
	Streaming bool
	// History > 0 keeps only the last History tokens (at least) for
	// Tokens, Save and the sampler's repeat penalty, so that a session over
	// an endless stream with a bounded cache stays bounded too. 0 =
	// DefaultHistory for a session whose state is bounded (a recurrent
	// model, or a Window), else every token (at most Ctx of them fit).
	History int
}

// sessionConfig is SessionOptions with the defaults resolved and a pool.
type sessionConfig struct {
	SessionOptions
	pool *lc.Pool
}

// resolve fills in defaults and checks the options against the model.
func (m *Model) resolve(o SessionOptions) (sessionConfig, error) {
	c := sessionConfig{SessionOptions: o}
	if c.Ctx < 0 || c.Batch < 0 || c.Threads < 0 || c.Window < 0 || c.Sinks < 0 || c.History < 0 {
		return c, fmt.Errorf("model: negative session option (ctx %d, batch %d, threads %d, window %d, sinks %d)",
			c.Ctx, c.Batch, c.Threads, c.Window, c.Sinks)
	}
	if c.Ctx == 0 {
		c.Ctx = DefaultCtx
		if n := m.ContextLength(); n > 0 {
			c.Ctx = min(n, DefaultCtx)
		}
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	c.Batch = min(c.Batch, c.Ctx)
	switch c.KV {
	case lc.F32, lc.F16, lc.Q8_0:
	default:
		return c, fmt.Errorf("model: KV cache type %s is not supported (f32, f16, q8_0)", c.KV)
	}
	if c.Sinks > 0 && c.Window == 0 {
		return c, fmt.Errorf("model: attention sinks need a window")
	}
	if c.Streaming && c.Window == 0 {
		return c, fmt.Errorf("model: a streaming cache needs a window")
	}
	if w := m.SlidingWindow(); w > 0 && (c.Window == 0 || c.Window > w) {
		c.Window = w // the model's own sliding window always applies
	}
	if c.History == 0 && (!m.Features().Attention || c.Window > 0) {
		// The state does not grow with the sequence: neither may the
		// token history, however long the session runs.
		c.History = DefaultHistory
	}
	return c, nil
}

// SessionBytes estimates the memory a session with these options holds
// (cache, state and scratch; not the weights, which stay in the file).
func (m *Model) SessionBytes(o SessionOptions) (int64, error) {
	c, err := m.resolve(o)
	if err != nil {
		return 0, err
	}
	return m.arch.stateBytes(&c), nil
}

// Rope is the rotary embedding a session with these options would use:
// the file's RoPE settings with o.Rope's overrides applied, for o.Ctx
// (the model's default context when 0). It is nil, with no error, for
// architectures without RoPE. lcrun info prints its Describe().
func (m *Model) Rope(o SessionOptions) (*ropescale.Rope, error) {
	r, ok := m.arch.(interface {
		ropeFor(cfg *sessionConfig) (*ropescale.Rope, error)
	})
	if !ok {
		return nil, nil
	}
	c, err := m.resolve(o)
	if err != nil {
		return nil, err
	}
	return r.ropeFor(&c)
}

// Session is the state of one sequence over a Model: the KV cache or
// recurrent state, the tokens seen, the last logits, and scratch buffers
// preallocated for the largest micro-batch, so that steady-state decoding
// allocates nothing. A Session is for one goroutine at a time; open one
// per concurrent sequence.
type Session struct {
	m       *Model
	cfg     sessionConfig
	ownPool bool
	st      archState

	next      int32     // the position Prefill and Decode use next
	history   []int32   // every token evaluated, in order
	logits    []float32 // logits of the last token evaluated, when hasLogits
	hasLogits bool

	rows []int   // Eval's per-micro-batch rows
	pos  []int32 // Eval's positions when the caller gives none
	one  [1]int32

	busy atomic.Bool // an Eval, Save or Restore is running (see enter)
}

// ErrConcurrentUse is returned by a Session's Eval (and Prefill, Decode,
// Generate), Save and Restore when another goroutine is inside one of
// them on the same session: a Session is for one goroutine at a time.
var ErrConcurrentUse = errors.New("model: the session is in use by another goroutine")

// enter marks the session busy for one call; leave ends it. Two
// goroutines on one session otherwise lose each other's updates silently.
func (s *Session) enter() error {
	if !s.busy.CompareAndSwap(false, true) {
		return ErrConcurrentUse
	}
	return nil
}

func (s *Session) leave() { s.busy.Store(false) }

// NewSession allocates a session. Close it to stop its worker threads.
func (m *Model) NewSession(o SessionOptions) (*Session, error) {
	if err := m.acquire(); err != nil {
		return nil, err
	}
	m.release()
	cfg, err := m.resolve(o)
	if err != nil {
		return nil, err
	}
	// A request past what the machine has could only end in the runtime's
	// fatal out-of-memory error, which no caller can handle.
	if need, free := m.arch.stateBytes(&cfg), available(); free.Bytes > 0 && need > free.Bytes {
		return nil, fmt.Errorf("model: a session with a context of %d tokens needs %s, more than the %s of memory available (%s)",
			cfg.Ctx, bytesize.Format(need), bytesize.Format(free.Bytes), free.Source)
	}
	if m.Features().Attention && cfg.Ctx > maxPosition {
		// Where the free memory is unknown: no allocation of that size can
		// succeed, and positions are int32.
		return nil, fmt.Errorf("model: a context of %d tokens is more than a session addresses (%d positions) or any machine's memory holds", cfg.Ctx, maxPosition)
	}
	s := &Session{m: m, cfg: cfg}
	if cfg.Pool == nil {
		cfg.pool = lc.NewPool(cfg.Threads)
		s.ownPool = true
	} else {
		cfg.pool = cfg.Pool
	}
	s.cfg = cfg
	if s.st, err = m.arch.newState(&s.cfg); err != nil {
		if s.ownPool {
			cfg.pool.Close()
		}
		return nil, err
	}
	s.logits = make([]float32, m.VocabSize())
	s.rows = make([]int, 0, cfg.Batch)
	s.pos = make([]int32, cfg.Batch)
	return s, nil
}

// Close stops the session's own worker threads. The session must not be
// used afterwards.
func (s *Session) Close() {
	if s.ownPool {
		s.cfg.pool.Close()
		s.ownPool = false
	}
}

// Model is the model the session runs.
func (s *Session) Model() *Model { return s.m }

// Options are the session's options with the defaults resolved.
func (s *Session) Options() SessionOptions { return s.cfg.SessionOptions }

// Pos is the position the next Prefill or Decode token gets: one past the
// last position evaluated (0 for a new session).
func (s *Session) Pos() int { return int(s.next) }

// Tokens are the tokens evaluated so far, in order, or the last
// Options().History of them (shared: do not modify).
func (s *Session) Tokens() []int32 {
	if k := s.cfg.History; k > 0 && len(s.history) > k {
		return s.history[len(s.history)-k:]
	}
	return s.history
}

// Logits are the logits of the last token evaluated, or nil if the last
// evaluation did not ask for them. The slice is the session's and changes
// with the next evaluation.
func (s *Session) Logits() []float32 {
	if !s.hasLogits {
		return nil
	}
	return s.logits
}

// Reset empties the session: no tokens, position 0.
func (s *Session) Reset() {
	s.st.reset()
	s.next, s.history, s.hasLogits = 0, s.history[:0], false
}

// Batch is one evaluation: tokens at positions, and which rows' logits to
// return.
type Batch struct {
	Tokens []int32
	// Pos are the tokens' positions; nil = consecutive from Pos(). A
	// transformer takes any positions (each token sees the cached keys at
	// positions up to its own); a recurrent model only consecutive ones.
	Pos []int32
	// Rows are indices into Tokens, ascending, whose logits are wanted;
	// they go to Logits[i*VocabSize():], which must be long enough.
	Rows   []int
	Logits []float32
	// Progress, if set, is called after each micro-batch with the number
	// of tokens done and the total.
	Progress func(done, total int)
}

// Eval evaluates a batch in micro-batches of at most Options().Batch
// tokens (GEMMs; a single token is a GEMV). ctx is checked between
// micro-batches: on cancellation the tokens already evaluated stay in the
// state and ctx.Err() is returned. The last token's logits are also kept
// for Logits and Generate when its row is asked for.
func (s *Session) Eval(ctx context.Context, b Batch) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := s.checkBatch(&b); err != nil {
		return err
	}
	n, vocab := len(b.Tokens), s.m.VocabSize()
	s.hasLogits = false
	r := 0 // next index into b.Rows
	for c0 := 0; c0 < n; c0 += s.cfg.Batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		c1 := min(c0+s.cfg.Batch, n)
		pos := b.Pos
		if pos == nil {
			pos = s.pos[:c1-c0]
			for i := range pos {
				pos[i] = s.next + int32(i)
			}
		} else {
			pos = pos[c0:c1]
		}
		s.rows = s.rows[:0]
		r0 := r
		for r < len(b.Rows) && b.Rows[r] < c1 {
			s.rows = append(s.rows, b.Rows[r]-c0)
			r++
		}
		var out []float32
		if r > r0 {
			out = b.Logits[r0*vocab : r*vocab]
		}
		if err := s.m.acquire(); err != nil {
			return err
		}
		err := s.st.forward(b.Tokens[c0:c1], pos, s.rows, out)
		s.m.release()
		if err != nil {
			return err
		}
		s.record(b.Tokens[c0:c1])
		s.next = max(s.next, pos[len(pos)-1]+1)
		if c1 == n && r > r0 && b.Rows[r-1] == n-1 {
			copy(s.logits, b.Logits[(r-1)*vocab:r*vocab])
			s.hasLogits = true
		}
		if b.Progress != nil {
			b.Progress(c1, n)
		}
	}
	return nil
}

// historyBytes is the most memory record's token history holds over a
// sequence of total tokens: append may double an unbounded array; a
// bounded one never holds more than 2*History+Batch tokens.
func (c *sessionConfig) historyBytes(total int) int64 {
	n := 2 * int64(total)
	if k := c.History; k > 0 {
		n = min(n, 2*int64(k)+int64(c.Batch))
	}
	return 4 * n
}

// record appends one micro-batch's tokens to the history. With a History
// bound k the history is cut back to its last k tokens once it reaches 2k,
// and its array never holds more than 2k + Batch tokens (grown by hand:
// append's own growth could overshoot that).
func (s *Session) record(tokens []int32) {
	k := s.cfg.History
	if k > 0 && len(s.history)+len(tokens) > cap(s.history) {
		limit := 2*k + s.cfg.Batch
		grown := make([]int32, len(s.history), min(max(2*cap(s.history), len(s.history)+len(tokens)), limit))
		copy(grown, s.history)
		s.history = grown
	}
	s.history = append(s.history, tokens...)
	if k > 0 && len(s.history) >= 2*k {
		s.history = s.history[:copy(s.history, s.history[len(s.history)-k:])]
	}
}

func (s *Session) checkBatch(b *Batch) error {
	vocab := s.m.VocabSize()
	for _, t := range b.Tokens {
		if t < 0 || int(t) >= vocab {
			return fmt.Errorf("model: token id %d is out of range (vocabulary of %d)", t, vocab)
		}
	}
	if b.Pos != nil {
		if len(b.Pos) != len(b.Tokens) {
			return fmt.Errorf("model: %d positions for %d tokens", len(b.Pos), len(b.Tokens))
		}
		for _, p := range b.Pos {
			if p < 0 {
				return fmt.Errorf("model: negative position %d", p)
			}
		}
	} else if int64(s.next)+int64(len(b.Tokens)) > maxPosition {
		return fmt.Errorf("model: position %d is past the largest supported (%d)", int64(s.next)+int64(len(b.Tokens)), maxPosition)
	}
	for i, r := range b.Rows {
		if r < 0 || r >= len(b.Tokens) || i > 0 && r <= b.Rows[i-1] {
			return fmt.Errorf("model: logits rows must be ascending indices into the %d tokens", len(b.Tokens))
		}
	}
	if len(b.Logits) < len(b.Rows)*vocab {
		return fmt.Errorf("model: %d logits rows of %d need %d values, have %d", len(b.Rows), vocab, len(b.Rows)*vocab, len(b.Logits))
	}
	return nil
}

// maxPosition keeps positions (int32) from overflowing.
const maxPosition = 1<<31 - 1

// Prefill evaluates tokens at the next positions and keeps the last
// token's logits (Logits, Generate). progress may be nil.
func (s *Session) Prefill(ctx context.Context, tokens []int32, progress func(done, total int)) error {
	if len(tokens) == 0 {
		return nil
	}
	return s.Eval(ctx, Batch{Tokens: tokens, Rows: []int{len(tokens) - 1}, Logits: s.logits, Progress: progress})
}

// Decode evaluates one token at the next position and returns its logits
// (the session's slice, valid until the next evaluation).
func (s *Session) Decode(token int32) ([]float32, error) {
	s.one[0] = token
	if err := s.Eval(context.Background(), Batch{Tokens: s.one[:], Rows: lastRow, Logits: s.logits}); err != nil {
		return nil, err
	}
	return s.logits, nil
}

var lastRow = []int{0}
