package main

import (
	"encoding/json"
	"fmt"

	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
)

// runStats are what --json prints at the end.
type runStats struct {
	Model           string         `json:"model"`
	Arch            string         `json:"arch"`
	Input           string         `json:"input,omitempty"`
	Files           int            `json:"files,omitempty"`
	Skipped         map[string]int `json:"skipped,omitempty"`
	InputTokens     int            `json:"input_tokens"`
	PromptTokens    int            `json:"prompt_tokens"`
	CachedTokens    int            `json:"cached_tokens"`
	PrefillTokens   int            `json:"prefill_tokens"`
	PrefillSeconds  float64        `json:"prefill_seconds"`
	PrefillTPS      float64        `json:"prefill_tps"`
	DecodeTokens    int            `json:"decode_tokens"`
	DecodeSeconds   float64        `json:"decode_seconds"`
	DecodeTPS       float64        `json:"decode_tps"`
	TokenizeSeconds float64        `json:"tokenize_seconds"`
	WallSeconds     float64        `json:"wall_seconds"`
	Attention       string         `json:"attention,omitempty"`
	KV              string         `json:"kv,omitempty"`
	KVSlots         int            `json:"kv_slots,omitempty"`
	Evicted         int64          `json:"evicted_tokens,omitempty"`
	EstimateBytes   int64          `json:"estimate_bytes"`
	EstimateSeconds float64        `json:"estimate_seconds,omitempty"`
	PeakRSSBytes    int64          `json:"peak_rss_bytes"`
	CacheHits       int            `json:"cache_hits"`
	CacheSaves      int            `json:"cache_saves"`
	CacheSavedBytes int64          `json:"cache_saved_bytes"`
	CacheSaveSecs   float64        `json:"cache_save_seconds"`
	Interrupted     bool           `json:"interrupted,omitempty"`
	Text            string         `json:"text"`
	// StopReason is why generation ended: "eog" (an end-of-generation
	// token), "stop" (a --stop text or the chat template's end of turn),
	// "length" (-n), "interrupted" (Ctrl-C), "none" (-n 0).
	StopReason string `json:"stop_reason"`

	dir bool // the input is a directory (Files and Skipped apply)
}

// MarshalJSON writes every key whatever the run: null where a figure does
// not apply (no input, not a directory, no attention, no estimate), so that
// scripts read one key set.
func (st *runStats) MarshalJSON() ([]byte, error) {
	type plain runStats
	out := struct {
		*plain
		Input           *string        `json:"input"`
		Files           *int           `json:"files"`
		Skipped         map[string]int `json:"skipped"`
		Attention       *string        `json:"attention"`
		KV              *string        `json:"kv"`
		KVSlots         *int           `json:"kv_slots"`
		Evicted         *int64         `json:"evicted_tokens"`
		EstimateSeconds *float64       `json:"estimate_seconds"`
		Interrupted     bool           `json:"interrupted"`
	}{plain: (*plain)(st), Interrupted: st.Interrupted}
	if st.Input != "" {
		out.Input = &st.Input
	}
	if st.dir {
		out.Files, out.Skipped = &st.Files, st.Skipped
		if out.Skipped == nil {
			out.Skipped = map[string]int{}
		}
	}
	if st.Attention != "" {
		out.Attention, out.KV, out.KVSlots, out.Evicted = &st.Attention, &st.KV, &st.KVSlots, &st.Evicted
	}
	if st.EstimateSeconds > 0 {
		out.EstimateSeconds = &st.EstimateSeconds
	}
	return json.Marshal(out)
}

func (r *longRun) finishStats(s *model.Session) {
	st := &r.stats
	st.PeakRSSBytes = sysmem.PeakRSS()
	if st.PrefillSeconds > 0 {
		st.PrefillTPS = float64(st.PrefillTokens) / st.PrefillSeconds
	}
	if st.DecodeSeconds > 0 {
		st.DecodeTPS = float64(st.DecodeTokens) / st.DecodeSeconds
	}
	if r.plan != nil && r.plan.Attention {
		o := r.plan.Options
		st.Attention, st.KV, st.KVSlots = attnText(o), kvText(o.KV), o.Ctx
		st.Evicted, _ = s.StreamStats()
	}
	if r.input != nil {
		cs := r.input.CacheStats()
		st.CacheHits, st.CacheSaves, st.CacheSavedBytes = cs.Hits, cs.Saves, cs.SavedBytes
		st.CacheSaveSecs = cs.SaveTime.Seconds()
	}
}

// printJSON writes the statistics as the last line of stdout (--json).
func (r *longRun) printJSON() error {
	if !r.c.json {
		return nil
	}
	b, err := json.Marshal(&r.stats)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(r.stdout, "%s\n", b)
	return err
}
