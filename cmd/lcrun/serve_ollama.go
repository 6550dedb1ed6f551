package main

import (
	"encoding/hex"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/lcrun/lcrun/internal/defaultmodel"
)

// ollama's API: requests stream newline-delimited JSON unless "stream":
// false; settings are in "options" under ollama's names.
type (
	ollamaGenerateRequest struct {
		Model   string        `json:"model"`
		Prompt  string        `json:"prompt"`
		System  string        `json:"system"`
		Raw     bool          `json:"raw"`
		Stream  *bool         `json:"stream"`
		Options ollamaOptions `json:"options"`
	}
	ollamaChatRequest struct {
		Model    string        `json:"model"`
		Messages []chatMessage `json:"messages"`
		Stream   *bool         `json:"stream"`
		Options  ollamaOptions `json:"options"`
	}
	ollamaOptions struct {
		NumPredict  *int64   `json:"num_predict"`
		Temperature *float64 `json:"temperature"`
		TopP        *float64 `json:"top_p"`
		TopK        *int64   `json:"top_k"`
		MinP        *float64 `json:"min_p"`
		Seed        *int64   `json:"seed"`
		Stop        stopList `json:"stop"`
	}
)

func (o *ollamaOptions) sampling() *sampling {
	return &sampling{MaxTokens: o.NumPredict, Temperature: o.Temperature, TopP: o.TopP, TopK: o.TopK, MinP: o.MinP, Seed: o.Seed, Stop: o.Stop}
}

func (s *server) ollamaGenerate(w http.ResponseWriter, r *http.Request) {
	var req ollamaGenerateRequest
	if !s.readRequest(w, r, &req, &req.Model) {
		return
	}
	if req.Prompt == "" {
		// ollama's way to load a model: an empty prompt answers done.
		sendJSON(w, http.StatusOK, map[string]any{"model": s.name, "created_at": time.Now().UTC().Format(time.RFC3339Nano), "response": "", "done": true, "done_reason": "load"})
		return
	}
	var prompt []int32
	var stops []string
	if req.Raw {
		prompt = s.engine.Text(req.Prompt)
	} else {
		var msgs []chatMessage
		if req.System != "" {
			msgs = append(msgs, chatMessage{Role: "system", Content: messageText(req.System)})
		}
		var ok bool
		if prompt, ok = s.chatPrompt(w, r, append(msgs, chatMessage{Role: "user", Content: messageText(req.Prompt)})); !ok {
			return
		}
		stops = s.chat.Stops()
	}
	s.answerOllama(w, r, req.Options.sampling(), prompt, stops, req.Stream == nil || *req.Stream, false)
}

func (s *server) ollamaChat(w http.ResponseWriter, r *http.Request) {
	var req ollamaChatRequest
	if !s.readRequest(w, r, &req, &req.Model) {
		return
	}
	prompt, ok := s.chatPrompt(w, r, req.Messages)
	if !ok {
		return
	}
	s.answerOllama(w, r, req.Options.sampling(), prompt, s.chat.Stops(), req.Stream == nil || *req.Stream, true)
}

// answerOllama generates and writes /api/generate's or /api/chat's answer.
func (s *server) answerOllama(w http.ResponseWriter, r *http.Request, p *sampling, prompt []int32, stops []string, streamed, chat bool) {
	t0 := time.Now()
	greq, err := p.request(prompt, stops, s.c)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, err)
		return
	}
	piece := func(text string, done bool) map[string]any {
		m := map[string]any{"model": s.name, "created_at": time.Now().UTC().Format(time.RFC3339Nano), "done": done}
		if chat {
			m["message"] = map[string]any{"role": "assistant", "content": text}
		} else {
			m["response"] = text
		}
		return m
	}
	var st *stream
	if streamed {
		st = newStream(w, false)
		greq.Text = func(text string) error { return st.send(piece(text, false)) }
	}
	var firstToken time.Duration
	inner := greq.Text
	greq.Text = func(text string) error {
		if firstToken == 0 {
			firstToken = time.Since(t0)
		}
		if inner != nil {
			return inner(text)
		}
		return nil
	}
	res, err := s.engine.Generate(r.Context(), greq)
	s.logRequest(r, res, err, t0)
	switch {
	case err != nil && (st == nil || !st.started):
		if r.Context().Err() == nil {
			writeError(w, r, statusOf(err), err)
		}
		return
	case err != nil:
		st.send(map[string]string{"error": oneLine(err.Error())})
		return
	}
	total := time.Since(t0)
	if firstToken == 0 {
		firstToken = total
	}
	text := ""
	if st == nil {
		text = res.Text
	}
	last := piece(text, true)
	last["done_reason"] = res.Finish
	last["total_duration"] = total.Nanoseconds()
	last["load_duration"] = 0
	last["prompt_eval_count"] = res.PromptTokens
	last["prompt_eval_duration"] = firstToken.Nanoseconds()
	last["eval_count"] = res.CompletionTokens
	last["eval_duration"] = (total - firstToken).Nanoseconds()
	if st == nil {
		reply(w, last)
		return
	}
	st.send(last)
}

func (s *server) ollamaTags(w http.ResponseWriter, r *http.Request) {
	size := int64(len(defaultmodel.GGUF()))
	if s.path != "" {
		if info, err := os.Stat(s.path); err == nil {
			size = info.Size()
		}
	}
	digest := ""
	if sum, err := s.m.SHA256(); err == nil {
		digest = hex.EncodeToString(sum[:])
	}
	sendJSON(w, http.StatusOK, map[string]any{"models": []any{map[string]any{
		"name": s.name + ":latest", "model": s.name + ":latest", "modified_at": s.start.UTC().Format(time.RFC3339Nano),
		"size": size, "digest": digest,
		"details": map[string]any{"format": "gguf", "family": s.m.Arch(), "families": []string{s.m.Arch()}},
	}}})
}

func (s *server) ollamaVersion(w http.ResponseWriter, r *http.Request) {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	sendJSON(w, http.StatusOK, map[string]string{"version": "lcrun-" + v})
}
