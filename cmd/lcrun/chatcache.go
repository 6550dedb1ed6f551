package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/longinput"
	"github.com/lcrun/lcrun/model/prefixcache"
)

// lcrun chat --cache: the document's state (with the template's opening
// before it) is saved after its first evaluation, so that a later chat
// about the same document with the same model, template and system text
// resumes it instead of evaluating it again.

// chatCache is the --cache directory and what names a state in it.
type chatCache struct {
	dir         string
	pc          *prefixcache.Cache
	fingerprint string
}

// evalContext evaluates the conversation's opening tokens (the template's
// head and the document) into the empty session, resuming what --cache
// holds of them and saving the state when it had to compute, and reports
// the figures.
func (cv *conversation) evalContext(ctx context.Context, ids []int32) error {
	t0 := time.Now()
	if cv.cache == nil {
		pr := cv.progress(len(ids), 0)
		err := cv.s.Prefill(ctx, ids, func(done, _ int) { pr.update(done) })
		pr.finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(cv.notes, "lcrun: context evaluated: %s tokens (with the template's opening) in %.2f s\n", groupDigits(len(ids)), time.Since(t0).Seconds())
		return nil
	}
	in, err := longinput.Count(cv.m, tokenSource(ids), longinput.Options{Cache: cv.cache.pc, Fingerprint: cv.cache.fingerprint, Warn: cv.warn})
	if err != nil {
		return err
	}
	resume := in.Resume(cv.s, false)
	pr := cv.progress(len(ids)-resume, resume)
	err = in.Prefill(ctx, cv.s, resume, pr.update)
	pr.finish()
	if err != nil {
		if st := in.CacheStats(); st.Saves > 0 {
			fmt.Fprintf(cv.notes, "lcrun: cache: saved the state of the %s tokens evaluated (%s) in %s\n", groupDigits(cv.s.Pos()), sizeText(st.SavedBytes), cv.cache.dir)
		}
		return err
	}
	secs := time.Since(t0).Seconds()
	if resume > 0 {
		fmt.Fprintf(cv.notes, "lcrun: context: %s tokens (with the template's opening), %s resumed from %s and %s evaluated in %.2f s\n",
			groupDigits(len(ids)), groupDigits(resume), cv.cache.dir, groupDigits(len(ids)-resume), secs)
	} else {
		fmt.Fprintf(cv.notes, "lcrun: context evaluated: %s tokens (with the template's opening) in %.2f s\n", groupDigits(len(ids)), secs)
	}
	if st := in.CacheStats(); st.Saves > 0 {
		fmt.Fprintf(cv.notes, "lcrun: cache: saved the context's state (%s) in %s in %.2f s: a chat about the same document resumes it\n",
			sizeText(st.SavedBytes), cv.cache.dir, st.SaveTime.Seconds())
	}
	return nil
}

// progress is the context's prefill line, its ETA after the estimate's
// cost of the positions from on.
func (cv *conversation) progress(total, from int) *progress {
	pr := newProgress(cv.notes, cv.c.quiet, "prefill", total)
	if p, err := cv.m.NewPlan(cv.opts, model.PlanInput{Input: from + total}); err == nil {
		pr.work = prefillWork(p, from)
	}
	return pr
}

func (cv *conversation) warn(msg string) { fmt.Fprintf(cv.notes, "lcrun: warning: %s\n", oneLine(msg)) }

// tokenSource is a longinput.Source over tokens already read.
type tokenSource []int32

func (t tokenSource) Open() (longinput.Stream, error) { return &tokenStream{ids: t}, nil }

type tokenStream struct{ ids []int32 }

func (s *tokenStream) Next() ([]int32, error) {
	if len(s.ids) == 0 {
		return nil, io.EOF
	}
	n := min(len(s.ids), streamChunk)
	ids := s.ids[:n]
	s.ids = s.ids[n:]
	return ids, nil
}

func (s *tokenStream) Close() error { return nil }

// openChatCache opens --cache for the chat's session flags.
func openChatCache(c *chatConfig, m *model.Model, notes io.Writer) (*chatCache, error) {
	fp, err := fingerprint(m, &c.session)
	if err != nil {
		return nil, err
	}
	warn := func(msg string) { fmt.Fprintf(notes, "lcrun: warning: %s\n", oneLine(msg)) }
	pc, err := prefixcache.Open(c.cacheDir, c.cacheMax, warn)
	if err != nil {
		return nil, err
	}
	return &chatCache{dir: c.cacheDir, pc: pc, fingerprint: fp}, nil
}
