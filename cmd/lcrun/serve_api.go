package main

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/lcrun/lcrun/internal/serving"
	"github.com/lcrun/lcrun/model"
)

// routes is the HTTP face: both APIs, the API key in front of all but
// /health, and JSON errors for everything else.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", s.health)
	mux.HandleFunc("POST /v1/chat/completions", s.chatCompletions)
	mux.HandleFunc("POST /v1/completions", s.completions)
	mux.HandleFunc("GET /v1/models", s.models)
	mux.HandleFunc("POST /api/chat", s.ollamaChat)
	mux.HandleFunc("POST /api/generate", s.ollamaGenerate)
	mux.HandleFunc("GET /api/tags", s.ollamaTags)
	mux.HandleFunc("GET /api/version", s.ollamaVersion)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, fmt.Errorf("no endpoint %s %s", r.Method, r.URL.Path))
	})
	return s.authorize(methodErrors(mux))
}

// authorize asks for the API key when one is set (compared in constant
// time). /health stays open for load balancers and scripts.
func (s *server) authorize(next http.Handler) http.Handler {
	if s.c.apiKey == "" {
		return next
	}
	want := []byte("Bearer " + s.c.apiKey)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeError(w, r, http.StatusUnauthorized, errors.New("invalid or missing API key (send Authorization: Bearer KEY)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// methodErrors turns the mux's plain-text 405 into a JSON error.
func methodErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "/" {
			for _, m := range []string{http.MethodGet, http.MethodPost} {
				probe := r.Clone(r.Context())
				probe.Method = m
				if _, p := mux.Handler(probe); p != "/" {
					w.Header().Set("Allow", m)
					writeError(w, r, http.StatusMethodNotAllowed, fmt.Errorf("%s wants %s, not %s", r.URL.Path, m, r.Method))
					return
				}
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// apiError is the OpenAI API's error object.
type apiError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
}

// errorTypes name a status's error as the OpenAI API and llama-server do.
var errorTypes = map[int]string{
	http.StatusBadRequest:            "invalid_request_error",
	http.StatusUnauthorized:          "authentication_error",
	http.StatusNotFound:              "not_found_error",
	http.StatusMethodNotAllowed:      "invalid_request_error",
	http.StatusRequestEntityTooLarge: "invalid_request_error",
	http.StatusTooManyRequests:       "rate_limit_error",
	http.StatusServiceUnavailable:    "unavailable_error",
}

// writeError answers with an error: ollama's {"error": "..."} on its
// /api/ endpoints (what its clients read), the OpenAI API's
// {"error": {"message", "type", "code"}} everywhere else.
func writeError(w http.ResponseWriter, r *http.Request, status int, err error) {
	msg := oneLine(err.Error())
	var body any = map[string]any{"error": apiError{Message: msg, Type: errorType(status), Code: status}}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		body = map[string]string{"error": msg}
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	sendJSON(w, status, body)
}

func errorType(status int) string {
	if t, ok := errorTypes[status]; ok {
		return t
	}
	return "server_error"
}

func sendJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"message":"encoding the answer failed","type":"server_error","code":500}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// statusOf maps what a request's generation returned to an HTTP status.
func statusOf(err error) int {
	var bad *serving.RequestError
	var long *serving.TooLongError
	switch {
	case errors.As(err, &bad), errors.As(err, &long):
		return http.StatusBadRequest
	case errors.Is(err, serving.ErrBusy):
		return http.StatusTooManyRequests
	case errors.Is(err, serving.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// decodeBody reads a JSON request body of at most --max-body bytes into v.
// It returns the status and error to answer with when that fails.
func (s *server) decodeBody(w http.ResponseWriter, r *http.Request, v any) (int, error) {
	if r.ContentLength > s.c.maxBody {
		return http.StatusRequestEntityTooLarge, fmt.Errorf("the body of %d bytes is larger than the limit of %d", r.ContentLength, s.c.maxBody)
	}
	body := http.MaxBytesReader(w, r.Body, s.c.maxBody)
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, fmt.Errorf("the body is larger than the limit of %d bytes", s.c.maxBody)
		}
		return http.StatusBadRequest, fmt.Errorf("reading the body: %w", err)
	}
	// The body is in: the connection's read deadline must not cancel
	// the request while it generates (the server watches the connection
	// for the client going away), nor its write deadline hit before the
	// answer's first byte; writes get their own deadlines.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(v); err != nil {
		return http.StatusBadRequest, jsonError(err)
	}
	if dec.More() {
		return http.StatusBadRequest, errors.New("bad JSON: more after the request object")
	}
	return 0, nil
}

// readRequest decodes a request body into v and checks the model it
// names (*name, a field of v), for every endpoint of both APIs; on false
// the error is answered.
func (s *server) readRequest(w http.ResponseWriter, r *http.Request, v any, name *string) bool {
	if status, err := s.decodeBody(w, r, v); err != nil {
		writeError(w, r, status, err)
		return false
	}
	if !s.knownModel(*name) {
		s.unknownModel(w, r, *name)
		return false
	}
	return true
}

// chatPrompt renders a conversation of either API through the chat
// template into the prompt's tokens; on false the error is answered.
func (s *server) chatPrompt(w http.ResponseWriter, r *http.Request, in []chatMessage) ([]int32, bool) {
	msgs := make([]model.Message, len(in))
	for i, m := range in {
		if m.Role == "" {
			writeError(w, r, http.StatusBadRequest, fmt.Errorf("message %d has no role", i))
			return nil, false
		}
		msgs[i] = model.Message{Role: m.Role, Content: string(m.Content)}
	}
	prompt, err := s.engine.Chat(s.chat, msgs)
	if err != nil {
		writeError(w, r, statusOf(err), err)
		return nil, false
	}
	return prompt, true
}

// jsonError says what is wrong with a body in the client's terms.
func jsonError(err error) error {
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Errorf("bad JSON: the request must be an object, not %s", typ.Value)
		}
		// Field is the Go path, embedded structs included: keep the JSON names.
		field := strings.NewReplacer("openAIRequest.", "", "sampling.", "").Replace(typ.Field)
		return fmt.Errorf("bad JSON: field %q must be %s, not %s", field, typeName(typ.Type.String()), typ.Value)
	case errors.As(err, &syn):
		return fmt.Errorf("bad JSON at byte %d: %v", syn.Offset, syn)
	case errors.Is(err, io.EOF):
		return errors.New("bad JSON: the body is empty")
	}
	return fmt.Errorf("bad JSON: %v", err)
}

func typeName(t string) string {
	switch {
	case strings.Contains(t, "int"):
		return "an integer in range"
	case strings.Contains(t, "float"):
		return "a number in range"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	}
	return "of another type (" + t + ")"
}

// knownModel says whether a request's model name is this server's: the
// name, the file name, ollama's name:latest; empty asks for the default.
func (s *server) knownModel(name string) bool {
	name = strings.TrimSuffix(name, ":latest")
	return name == "" || name == s.name || name == s.name+".gguf" || s.path != "" && name == s.path
}

func (s *server) unknownModel(w http.ResponseWriter, r *http.Request, name string) {
	writeError(w, r, http.StatusNotFound, fmt.Errorf("model %q is not served here (this server has %q)", name, s.name))
}

// sampling are the generation settings both APIs carry, as pointers so
// that an absent one takes lcrun's default.
type sampling struct {
	MaxTokens   *int64   `json:"max_tokens"`
	Temperature *float64 `json:"temperature"`
	TopP        *float64 `json:"top_p"`
	TopK        *int64   `json:"top_k"`
	MinP        *float64 `json:"min_p"`
	Seed        *int64   `json:"seed"`
	Stop        stopList `json:"stop"`
}

// request turns the settings into a serving request for prompt; what a
// request leaves out is the server's sampling flags' (llama.cpp's
// defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, a random
// seed per request unless --seed gives one).
func (p *sampling) request(prompt []int32, extraStops []string, c *serveConfig) (serving.Request, error) {
	r := serving.Request{Prompt: prompt, Sampler: c.sampler}
	if c.seed < 0 {
		r.Sampler.Seed = rand.Uint64()
	}
	if p.MaxTokens != nil {
		// ollama's num_predict -1 is "no limit", as absent.
		if *p.MaxTokens < -1 {
			return r, fmt.Errorf("max_tokens %d: want a positive count", *p.MaxTokens)
		}
		r.MaxTokens = int(min(*p.MaxTokens, math.MaxInt32))
	}
	for _, f := range []struct {
		name string
		v    *float64
		to   *float32
	}{{"temperature", p.Temperature, &r.Sampler.Temperature}, {"top_p", p.TopP, &r.Sampler.TopP}, {"min_p", p.MinP, &r.Sampler.MinP}} {
		if f.v == nil {
			continue
		}
		if *f.v < 0 || *f.v > math.MaxFloat32 {
			return r, fmt.Errorf("%s %v: want a number from 0", f.name, *f.v)
		}
		*f.to = float32(*f.v)
	}
	if p.TopK != nil {
		if *p.TopK < 0 {
			return r, fmt.Errorf("top_k %d: want 0 (all) or more", *p.TopK)
		}
		r.Sampler.TopK = int(min(*p.TopK, math.MaxInt32))
	}
	if p.Seed != nil && *p.Seed >= 0 {
		r.Sampler.Seed = uint64(*p.Seed)
	}
	for _, s := range p.Stop {
		if s == "" {
			return r, errors.New("stop: an empty text would stop at once")
		}
	}
	if len(p.Stop) > 16 {
		return r, fmt.Errorf("stop: %d texts, at most 16", len(p.Stop))
	}
	r.Stop = append(append([]string(nil), p.Stop...), extraStops...)
	return r, nil
}

// stopList is the stop field: a string or a list of strings.
type stopList []string

func (l *stopList) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*l = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stopList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New(`field "stop" must be a string or a list of strings`)
	}
	*l = many
	return nil
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	sendJSON(w, http.StatusOK, map[string]any{"status": "ok", "model": s.name, "sessions": s.engine.Parallel(), "waiting": s.engine.Waiting()})
}

// logRequest writes one line per request to stderr.
func (s *server) logRequest(r *http.Request, res serving.Result, err error, t0 time.Time) {
	status := "ok"
	if err != nil {
		status = oneLine(err.Error())
	}
	from := ""
	if res.Reused > 0 {
		from = " from " + res.From
	}
	fmt.Fprintf(s.log, "lcrun serve: %s %s: %d prompt tokens (%d reused%s, %d evaluated), %d generated, %.2fs: %s\n",
		r.Method, r.URL.Path, res.PromptTokens, res.Reused, from, res.Evaluated, res.CompletionTokens, time.Since(t0).Seconds(), status)
}
