package serving

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
)

// Request is one generation.
type Request struct {
	Prompt []int32
	// MaxTokens ends the answer after that many tokens; <= 0 = until an
	// end-of-generation token or a full context (which also caps it).
	MaxTokens int
	Sampler   model.SamplerOptions
	// Stop ends the answer before the first of these texts.
	Stop []string
	// Text, if set, receives the answer's text as it is generated, in
	// whole UTF-8 characters (a streaming client's chunks); an error from
	// it ends the request with that error.
	Text func(text string) error
}

// Finish reasons, as the OpenAI API names them.
const (
	FinishStop   = "stop"   // an end-of-generation token or a stop text
	FinishLength = "length" // MaxTokens or the context's end
)

// Result is what a request produced. On an error (a cancelled context)
// it holds what was generated until then.
type Result struct {
	Text   string
	Tokens []int32 // the answer's token ids
	Finish string
	// PromptTokens = Reused + Evaluated: the prompt's tokens, those a kept
	// state already held, and those this request evaluated.
	PromptTokens, Reused, Evaluated int
	CompletionTokens                int
	// From says where the reused tokens came from: "session", "memory",
	// "disk", or "" for none.
	From string
}

// Generate answers one request: it waits for a session (ErrBusy when the
// queue is full), resumes the longest kept prefix of the prompt, evaluates
// the rest and generates. Cancelling ctx stops it after the current
// micro-batch or token.
func (e *Engine) Generate(ctx context.Context, r Request) (Result, error) {
	res := Result{PromptTokens: len(r.Prompt)}
	if len(r.Prompt) == 0 {
		return res, &RequestError{"the prompt is empty"}
	}
	if len(r.Prompt) >= e.ctx {
		return res, &TooLongError{Tokens: len(r.Prompt), Ctx: e.ctx}
	}
	if err := r.Sampler.Check(); err != nil {
		return res, &RequestError{strings.TrimPrefix(err.Error(), "model: ")}
	}
	for _, s := range r.Stop {
		if s == "" {
			return res, &RequestError{"an empty stop text would stop at once"}
		}
	}
	sl, err := e.acquire(ctx, r.Prompt)
	if err != nil {
		return res, err
	}
	defer e.release(sl)
	if err := e.resume(ctx, sl.s, r.Prompt, &res); err != nil {
		return res, err
	}
	return res, e.generate(ctx, sl.s, r, &res)
}

// truncates says whether the model's sessions can go back to a prefix
// (Session.Truncate); a session that refuses after all is reset.
func (e *Engine) truncates() bool {
	return e.m.Features().Attention
}

// resume puts into s the longest prefix of prompt that s itself, a
// snapshot or the disk cache holds, evaluates the rest, and keeps a
// snapshot of the result when it was worth evaluating.
func (e *Engine) resume(ctx context.Context, s *model.Session, prompt []int32, res *Result) error {
	tr := e.truncates()
	n := usable(s.Tokens(), prompt, s.Logits() != nil && s.Pos() == len(s.Tokens()), tr)
	if s.Pos() != len(s.Tokens()) {
		n = 0 // a history cut to its bound: the tokens do not say the state
	}
	from := "session"
	e.snapMu.Lock()
	snap, sn := e.snaps.best(prompt, tr)
	e.snapMu.Unlock()
	if sn > n {
		n, from = sn, "memory"
		if err := s.Restore(bytes.NewReader(snap.data)); err != nil {
			e.o.Warn("serving: a kept state did not restore: " + err.Error())
			n = 0 // Restore leaves the session reset
		}
	}
	if e.o.Cache != nil {
		if dn, touched := e.loadDisk(s, prompt, n); dn > n {
			n, from = dn, "disk"
		} else if touched {
			n = 0
		}
	}
	if n > 0 && s.Pos() > n {
		if !s.Truncate(n) {
			n = 0
		} else if n >= e.o.MinSnapshot && n < len(prompt)-1 {
			// Where two prompts part is where later ones are likely to
			// part too (a document, then another question): keep that
			// state on disk, which only finds whole prefixes. (Not for
			// a prompt asked again: its own state is there already.)
			e.keepDisk(s, prompt[:n])
		}
	}
	if n == 0 {
		s.Reset()
		from = ""
	}
	res.Reused, res.Evaluated, res.From = n, len(prompt)-n, from
	if err := s.Prefill(ctx, prompt[n:], nil); err != nil {
		return err
	}
	if res.Evaluated >= e.o.MinSnapshot {
		e.keep(s, prompt)
	}
	return nil
}

// loadDisk restores the longest prefix of prompt the disk cache holds
// into s if it is longer than have, and returns its length; touched says
// that s was reset by an entry that failed to load (what it held is gone).
// A state of the whole prompt must have its logits.
func (e *Engine) loadDisk(s *model.Session, prompt []int32, have int) (n int, touched bool) {
	matches, err := e.o.Cache.Lookup(e.sha, e.o.Fingerprint, prompt)
	if err != nil {
		e.o.Warn(err.Error())
		return 0, false
	}
	for _, mt := range matches {
		if mt.Tokens <= have {
			break
		}
		touched = true
		err := e.o.Cache.Load(mt, s.Restore)
		switch {
		case errors.Is(err, prefixcache.ErrCorrupt):
			// warned by the cache
		case err != nil:
			e.o.Warn("cache: ignoring the state of " + itoa(mt.Tokens) + " tokens: " + err.Error())
		case s.Pos() != mt.Tokens || mt.Tokens == len(prompt) && s.Logits() == nil:
		default:
			return mt.Tokens, true
		}
		s.Reset()
	}
	return 0, touched
}

// keep snapshots s, which has just evaluated prompt, in memory and on disk.
func (e *Engine) keep(s *model.Session, prompt []int32) {
	tr := e.truncates()
	if e.o.MemoryBytes > 0 {
		e.snapMu.Lock()
		had := e.snaps.has(prompt)
		e.snapMu.Unlock()
		if !had {
			var buf bytes.Buffer
			if err := s.Save(&buf); err == nil {
				e.snapMu.Lock()
				e.snaps.add(prompt, buf.Bytes(), tr)
				e.snapMu.Unlock()
			}
		}
	}
	e.keepDisk(s, prompt)
}

// keepDisk stores s, which holds exactly tokens, in the disk cache.
func (e *Engine) keepDisk(s *model.Session, tokens []int32) {
	if e.o.Cache == nil {
		return
	}
	p := prefixcache.NewPrefix(e.sha, e.o.Fingerprint)
	p.Add(tokens)
	mt := prefixcache.Match{Tokens: len(tokens), Key: p.Key()}
	if !e.o.Cache.Has(mt.Key, mt.Tokens) {
		if _, err := e.o.Cache.Store(mt, s.Save); err != nil {
			e.o.Warn(err.Error())
		}
	}
}

// generate draws the answer from s, which holds the prompt.
func (e *Engine) generate(ctx context.Context, s *model.Session, r Request, res *Result) error {
	limit := e.ctx - len(r.Prompt)
	if r.MaxTokens > 0 {
		limit = min(limit, r.MaxTokens)
	}
	var text strings.Builder
	var raw []byte
	for t, err := range s.Generate(ctx, model.GenerateOptions{MaxTokens: limit, Sampler: model.NewSampler(r.Sampler), Stop: r.Stop}) {
		if err != nil {
			res.Text = text.String()
			return err
		}
		if t.ID >= 0 {
			res.CompletionTokens++
			res.Tokens = append(res.Tokens, t.ID)
			raw = append(raw, e.tok.Piece(t.ID)...)
		}
		text.WriteString(t.Text)
		if r.Text != nil && t.Text != "" {
			if err := r.Text(t.Text); err != nil {
				res.Text = text.String()
				return err
			}
		}
	}
	res.Text = text.String()
	res.Finish = FinishStop
	if res.CompletionTokens == limit && !containsAny(string(raw), r.Stop) {
		res.Finish = FinishLength
	}
	return nil
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
