package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lcrun/lcrun/internal/serving"
)

// The OpenAI API's requests, the fields lcrun reads (others are ignored,
// as clients send many).
type (
	chatRequest struct {
		Model    string        `json:"model"`
		Messages []chatMessage `json:"messages"`
		openAIRequest
	}
	completionRequest struct {
		Model  string     `json:"model"`
		Prompt promptText `json:"prompt"`
		openAIRequest
	}
	openAIRequest struct {
		sampling
		MaxCompletionTokens *int64 `json:"max_completion_tokens"`
		Stream              bool   `json:"stream"`
		StreamOptions       *struct {
			IncludeUsage bool `json:"include_usage"`
		} `json:"stream_options"`
		N *int64 `json:"n"`
	}
)

// chatMessage is one message; content is a string or a list of parts of
// which the text ones are read.
type chatMessage struct {
	Role    string      `json:"role"`
	Content messageText `json:"content"`
}

type messageText string

func (t *messageText) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = messageText(s)
		return nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(b, &parts); err != nil {
		return errors.New(`a message's "content" must be a string or a list of {"type": "text", "text": ...} parts`)
	}
	var sb strings.Builder
	for _, p := range parts {
		if p.Type != "text" {
			return fmt.Errorf("message content of type %q is not supported (text only)", p.Type)
		}
		sb.WriteString(p.Text)
	}
	*t = messageText(sb.String())
	return nil
}

// promptText is a completion's prompt: a string, or a list of one.
type promptText string

func (t *promptText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = promptText(s)
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil || len(many) != 1 {
		return errors.New(`field "prompt" must be a string (or a list of one string)`)
	}
	*t = promptText(many[0])
	return nil
}

// check settles the fields that are the same for both endpoints.
func (o *openAIRequest) check() error {
	if o.MaxCompletionTokens != nil && o.MaxTokens == nil {
		o.MaxTokens = o.MaxCompletionTokens
	}
	if o.MaxTokens != nil && *o.MaxTokens < 0 {
		return fmt.Errorf("max_tokens %d: want a positive count", *o.MaxTokens)
	}
	if o.N != nil && *o.N != 1 {
		return fmt.Errorf("n %d: lcrun answers with one choice", *o.N)
	}
	return nil
}

type usage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
}

func usageOf(res serving.Result) *usage {
	u := &usage{PromptTokens: res.PromptTokens, CompletionTokens: res.CompletionTokens, TotalTokens: res.PromptTokens + res.CompletionTokens}
	u.PromptTokensDetails.CachedTokens = res.Reused
	return u
}

func newID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (s *server) chatCompletions(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !s.readRequest(w, r, &req, &req.Model) {
		return
	}
	if err := req.check(); err != nil {
		writeError(w, r, http.StatusBadRequest, err)
		return
	}
	prompt, ok := s.chatPrompt(w, r, req.Messages)
	if !ok {
		return
	}
	s.answerOpenAI(w, r, &req.openAIRequest, prompt, s.chat.Stops(), true)
}

func (s *server) completions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if !s.readRequest(w, r, &req, &req.Model) {
		return
	}
	if err := req.check(); err != nil {
		writeError(w, r, http.StatusBadRequest, err)
		return
	}
	s.answerOpenAI(w, r, &req.openAIRequest, s.engine.Text(string(req.Prompt)), nil, false)
}

// answerOpenAI generates and writes a chat completion or a completion,
// whole or as server-sent events.
func (s *server) answerOpenAI(w http.ResponseWriter, r *http.Request, o *openAIRequest, prompt []int32, stops []string, chat bool) {
	t0 := time.Now()
	greq, err := o.request(prompt, stops, s.c)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, err)
		return
	}
	id, object := newID("cmpl-"), "text_completion"
	if chat {
		id, object = newID("chatcmpl-"), "chat.completion"
	}
	created := time.Now().Unix()
	choice := func(text string, finish *string, first bool) map[string]any {
		c := map[string]any{"index": 0, "finish_reason": finish}
		switch {
		case !chat:
			c["text"], c["logprobs"] = text, nil
		case o.Stream:
			delta := map[string]any{}
			if first {
				delta["role"] = "assistant"
			}
			if text != "" {
				delta["content"] = text
			}
			c["delta"] = delta
		default:
			c["message"] = map[string]any{"role": "assistant", "content": text}
		}
		return c
	}
	chunk := func(choices []any) map[string]any {
		obj := object
		if chat && o.Stream {
			obj = "chat.completion.chunk"
		}
		return map[string]any{"id": id, "object": obj, "created": created, "model": s.name, "choices": choices}
	}
	var st *stream
	if o.Stream {
		st = newStream(w, true)
		first := true
		greq.Text = func(text string) error {
			err := st.send(chunk([]any{choice(text, nil, first)}))
			first = false
			return err
		}
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
		// Mid-stream: say so in the stream, if the client still reads.
		st.send(map[string]any{"error": apiError{Message: oneLine(err.Error()), Type: errorType(statusOf(err)), Code: statusOf(err)}})
		return
	case st == nil:
		out := chunk([]any{choice(res.Text, &res.Finish, true)})
		out["usage"] = usageOf(res)
		reply(w, out)
		return
	}
	last := chunk([]any{choice("", &res.Finish, !st.started)})
	if o.StreamOptions == nil || !o.StreamOptions.IncludeUsage {
		last["usage"] = usageOf(res) // llama-server's habit; clients ignore it
	}
	if st.send(last) != nil {
		return
	}
	if o.StreamOptions != nil && o.StreamOptions.IncludeUsage {
		u := chunk([]any{})
		u["usage"] = usageOf(res)
		if st.send(u) != nil {
			return
		}
	}
	st.done()
}

func (s *server) models(w http.ResponseWriter, r *http.Request) {
	sendJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{
		map[string]any{"id": s.name, "object": "model", "created": s.start.Unix(), "owned_by": "lcrun"},
	}})
}
