package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// servePaths are the endpoints that decode a request body.
var servePaths = []string{"/v1/completions", "/v1/chat/completions", "/api/generate", "/api/chat"}

// FuzzServeRequest sends arbitrary bodies to the endpoints that decode
// one (path modulo their count): every answer is below 500, an error is a
// JSON object with an "error" member, and an answer of 200 is JSON,
// server-sent events of JSON or newline-delimited JSON. The handler is
// called directly, without a connection, and the server's context is 64
// tokens (room for a short chat), so that an input costs at most a few
// milliseconds.
func FuzzServeRequest(f *testing.F) {
	for _, seed := range []struct {
		path uint8
		body string
	}{
		{0, `{"prompt":"Once upon a time","max_tokens":3,"temperature":0}`},
		{0, `{"prompt":"Lily","max_tokens":2,"stream":true,"stop":"a"}`},
		{0, `{"prompt":["a","b"],"top_k":-3,"top_p":-1}`},
		{0, `{"prompt":"x","max_tokens":9223372036854775807,"seed":-7}`},
		{0, `{"prompt":"x","temperature":1e400}`},
		{0, `{"prompt":"\u0000\ud800</s><s>","max_tokens":2}`},
		{0, `{"prompt":"x","stop":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}`},
		{1, `{"messages":[{"role":"user","content":"Hi"}],"max_tokens":2,"stream":true}`},
		{1, `{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_tokens":2}`},
		{1, `{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}`},
		{1, `{"messages":[[[[{}]]]]}`},
		{1, `{"messages":null}`},
		{1, `{"messages":[{"role":"user","content":"hi"}]} trailing`},
		{2, `{"model":"stories260K","prompt":"Lily","options":{"num_predict":3}}`},
		{2, `{"prompt":"hi","raw":true,"stream":false,"options":{"num_predict":2,"stop":"a"}}`},
		{2, `{"prompt":"hi","options":[1]}`},
		{3, `{"messages":[{"role":"user","content":"hi"}],"stream":false,"options":{"num_predict":2,"temperature":0.5}}`},
		{3, `{"messages":[{"role":"user","content":"hi"}],"options":{"num_predict":-2}}`},
		{3, `null`},
		{3, ``},
	} {
		f.Add(seed.path, seed.body)
	}
	ts := startServer(f, "--ctx", "64")
	handler := ts.http.Handler
	f.Fuzz(func(t *testing.T, path uint8, body string) {
		p := servePaths[int(path)%len(servePaths)]
		req := httptest.NewRequest(http.MethodPost, p, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		out := rec.Body.String()
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", p, body, rec.Code, out)
		}
		if rec.Code != http.StatusOK {
			var e map[string]any
			if err := json.Unmarshal([]byte(out), &e); err != nil || e["error"] == nil {
				t.Fatalf("%s %q: %d with no JSON error: %s", p, body, rec.Code, out)
			}
			return
		}
		if err := jsonAnswer(out); err != nil {
			t.Fatalf("%s %q: 200 with %v: %s", p, body, err, out)
		}
	})
}

// jsonAnswer checks that a 200 body is one JSON value, server-sent events
// of JSON values ending in [DONE], or JSON values one a line.
func jsonAnswer(out string) error {
	if json.Valid([]byte(out)) {
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			line = data
			if line == "[DONE]" {
				continue
			}
		}
		if !json.Valid([]byte(line)) {
			return fmt.Errorf("a line that is not JSON: %q", line)
		}
	}
	return sc.Err()
}
