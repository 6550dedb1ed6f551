package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lcrun/lcrun/internal/serving"
	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a log the server writes while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is lcrun serve on the embedded model over a real loopback
// listener, stopped (as by a signal) when the test ends.
type testServer struct {
	*server
	url  string
	log  *syncBuffer
	stop context.CancelFunc
	done chan error
}

func startServer(t testing.TB, args ...string) *testServer {
	t.Helper()
	return startServerWith(t, nil, args...)
}

// startServerWith lets a test change the HTTP server (its timeouts)
// before it serves.
func startServerWith(t testing.TB, tweak func(*http.Server), args ...string) *testServer {
	t.Helper()
	c, err := parseServe(append([]string{"-t", "1"}, args...), io.Discard)
	require.NoError(t, err)
	m, _, err := loadTokenized("", io.Discard)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	log := &syncBuffer{}
	s, err := newServer(c, m, servedName(""), log)
	require.NoError(t, err)
	if tweak != nil {
		tweak(s.http)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	ts := &testServer{server: s, url: "http://" + ln.Addr().String(), log: log, stop: stop, done: make(chan error, 1)}
	go func() { ts.done <- s.serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-ts.done:
			assert.NoError(t, err)
		case <-time.After(20 * time.Second):
			t.Error("the server did not stop")
		}
		s.close()
	})
	return ts
}

// post sends a JSON body and returns the status and the body.
func (ts *testServer) post(t testing.TB, path, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.url+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func (ts *testServer) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(ts.url + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	return v
}

// sseEvents parses a server-sent event stream: its data payloads, which
// must end with [DONE].
func sseEvents(t *testing.T, body string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sawDone := false
	for _, block := range strings.Split(strings.TrimSpace(body), "\n\n") {
		data, ok := strings.CutPrefix(block, "data: ")
		require.True(t, ok, "an SSE block is one data line: %q", block)
		require.False(t, sawDone, "nothing after [DONE]")
		if data == "[DONE]" {
			sawDone = true
			continue
		}
		out = append(out, decode(t, data))
	}
	require.True(t, sawDone, "the stream ends with data: [DONE]")
	return out
}

// ndjson parses ollama's stream: one object a line, the last one done.
func ndjson(t *testing.T, body string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		out = append(out, decode(t, line))
	}
	require.NotEmpty(t, out)
	for i, o := range out {
		assert.Equal(t, i == len(out)-1, o["done"], "only the last line is done")
	}
	return out
}

// path reads a nested field: path(v, "choices", 0, "text").
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

const serveStory = "Once upon a time, there was a little girl named Lily. She loved to play outside."

// Each endpoint answers plain and streamed with the same text (greedy),
// usage counts and a finish reason.
func TestServeEndpoints(t *testing.T) {
	ts := startServer(t)
	chat := `"messages":[{"role":"system","content":"You tell stories."},{"role":"user","content":"Tell me about Lily."}]`
	cases := []struct {
		path, body string
		text       func(v map[string]any) string // of a whole answer
		piece      func(v map[string]any) string // of a streamed chunk
		ollama     bool
	}{
		{"/v1/completions", `"prompt":"` + serveStory + `","max_tokens":10,"temperature":0`,
			func(v map[string]any) string { s, _ := path(v, "choices", 0, "text").(string); return s },
			func(v map[string]any) string { s, _ := path(v, "choices", 0, "text").(string); return s }, false},
		{"/v1/chat/completions", chat + `,"max_tokens":10,"temperature":0`,
			func(v map[string]any) string { s, _ := path(v, "choices", 0, "message", "content").(string); return s },
			func(v map[string]any) string { s, _ := path(v, "choices", 0, "delta", "content").(string); return s }, false},
		{"/api/generate", `"model":"stories260K","prompt":"Lily","options":{"num_predict":10,"temperature":0}`,
			func(v map[string]any) string { s, _ := v["response"].(string); return s },
			func(v map[string]any) string { s, _ := v["response"].(string); return s }, true},
		{"/api/chat", `"model":"stories260K:latest",` + chat + `,"options":{"num_predict":10,"temperature":0}`,
			func(v map[string]any) string { s, _ := path(v, "message", "content").(string); return s },
			func(v map[string]any) string { s, _ := path(v, "message", "content").(string); return s }, true},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			plainBody, streamBody := `{`+c.body+`,"stream":false}`, `{`+c.body+`,"stream":true}`
			if c.ollama {
				streamBody = `{` + c.body + `}` // ollama streams by default
			}
			code, out := ts.post(t, c.path, plainBody)
			require.Equal(t, http.StatusOK, code, out)
			whole := decode(t, out)
			text := c.text(whole)
			require.NotEmpty(t, text)

			code, out = ts.post(t, c.path, streamBody)
			require.Equal(t, http.StatusOK, code, out)
			var chunks []map[string]any
			if c.ollama {
				chunks = ndjson(t, out)
			} else {
				chunks = sseEvents(t, out)
			}
			var streamed strings.Builder
			for _, ch := range chunks {
				streamed.WriteString(c.piece(ch))
			}
			assert.Equal(t, text, streamed.String(), "streamed and whole answers agree")
			last := chunks[len(chunks)-1]
			if c.ollama {
				assert.Equal(t, "length", whole["done_reason"])
				assert.Equal(t, "length", last["done_reason"])
				assert.EqualValues(t, 10, whole["eval_count"])
				assert.Greater(t, whole["prompt_eval_count"], 0.0)
			} else {
				assert.Equal(t, "length", path(whole, "choices", 0, "finish_reason"))
				assert.Equal(t, "length", path(last, "choices", 0, "finish_reason"))
				assert.EqualValues(t, 10, path(whole, "usage", "completion_tokens"))
				assert.Equal(t, path(whole, "usage", "prompt_tokens"), path(last, "usage", "prompt_tokens"))
				assert.Equal(t, whole["model"], "stories260K")
			}
		})
	}

	code, out := ts.get(t, "/v1/models")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "stories260K", path(decode(t, out), "data", 0, "id"))
	code, out = ts.get(t, "/api/tags")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "stories260K:latest", path(decode(t, out), "models", 0, "name"))
	code, out = ts.get(t, "/health")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok", decode(t, out)["status"])
	code, out = ts.get(t, "/api/version")
	require.Equal(t, http.StatusOK, code)
	assert.NotEmpty(t, decode(t, out)["version"])

	// Stop texts (a string or a list) end the answer before them.
	code, out = ts.post(t, "/v1/completions", `{"prompt":"`+serveStory+`","max_tokens":30,"temperature":0}`)
	require.Equal(t, http.StatusOK, code)
	full := path(decode(t, out), "choices", 0, "text").(string)
	require.Greater(t, len(full), 12)
	stop := full[8:12]
	for _, s := range []string{fmt.Sprintf("%q", stop), fmt.Sprintf("[%q, \"zzzz\"]", stop)} {
		code, out = ts.post(t, "/v1/completions", `{"prompt":"`+serveStory+`","max_tokens":30,"temperature":0,"stop":`+s+`}`)
		require.Equal(t, http.StatusOK, code, out)
		v := decode(t, out)
		assert.Equal(t, "stop", path(v, "choices", 0, "finish_reason"))
		assert.NotContains(t, path(v, "choices", 0, "text"), stop)
	}
	// An empty ollama prompt loads the model.
	code, out = ts.post(t, "/api/generate", `{"model":"stories260K"}`)
	require.Equal(t, http.StatusOK, code, out)
	assert.Equal(t, true, decode(t, out)["done"])
}

// A request whose prompt starts with an earlier one's evaluates only
// the new tokens; usage says how many were cached.
func TestServePrefixReuse(t *testing.T) {
	ts := startServer(t)
	doc := strings.Repeat(serveStory+" ", 6)
	code, out := ts.post(t, "/v1/completions", `{"prompt":"`+doc+`Lily saw","max_tokens":3,"temperature":0}`)
	require.Equal(t, http.StatusOK, code, out)
	first := decode(t, out)
	assert.EqualValues(t, 0, path(first, "usage", "prompt_tokens_details", "cached_tokens"))
	n := path(first, "usage", "prompt_tokens").(float64)

	code, out = ts.post(t, "/v1/completions", `{"prompt":"`+doc+`Tom had","max_tokens":3,"temperature":0}`)
	require.Equal(t, http.StatusOK, code, out)
	cached := path(decode(t, out), "usage", "prompt_tokens_details", "cached_tokens").(float64)
	assert.Greater(t, cached, n-5, "the shared document is not evaluated again")
	assert.Contains(t, ts.log.String(), "reused from session")
}

// With --cache, a restarted server resumes what the last one evaluated.
func TestServeDiskCache(t *testing.T) {
	dir := t.TempDir()
	doc := strings.TrimSpace(strings.Repeat(serveStory+" ", 4))
	first := startServer(t, "--cache", dir)
	code, out := first.post(t, "/v1/completions", `{"prompt":"`+doc+`","max_tokens":2}`)
	require.Equal(t, http.StatusOK, code, out)
	n := path(decode(t, out), "usage", "prompt_tokens").(float64)

	again := startServer(t, "--cache", dir)
	code, out = again.post(t, "/v1/completions", `{"prompt":"`+doc+` Then","max_tokens":2}`)
	require.Equal(t, http.StatusOK, code, out)
	assert.Equal(t, n, path(decode(t, out), "usage", "prompt_tokens_details", "cached_tokens"))
	assert.Contains(t, again.log.String(), "reused from disk")
}

// Every bad request class gets its status and an OpenAI-style error body
// (ollama's {"error": "..."} on /api/).
func TestServeErrors(t *testing.T) {
	ts := startServer(t, "--ctx", "64", "--max-body", "2K", "--parallel", "1", "--queue", "0")
	long := strings.Repeat("Lily and Tom played with the ball in the park. ", 20)
	cases := []struct {
		name, path, body string
		status           int
	}{
		{"bad JSON", "/v1/completions", `{"prompt":`, 400},
		{"empty body", "/v1/chat/completions", ``, 400},
		{"not an object", "/v1/completions", `[1,2]`, 400},
		{"wrong type", "/v1/completions", `{"prompt":"x","max_tokens":"ten"}`, 400},
		{"wrong type stop", "/v1/completions", `{"prompt":"x","stop":7}`, 400},
		{"wrong type messages", "/v1/chat/completions", `{"messages":"hi"}`, 400},
		{"no messages", "/v1/chat/completions", `{"messages":[]}`, 400},
		{"negative max_tokens", "/v1/completions", `{"prompt":"x","max_tokens":-5}`, 400},
		{"negative temperature", "/v1/completions", `{"prompt":"x","temperature":-1}`, 400},
		{"n of 2", "/v1/completions", `{"prompt":"x","n":2}`, 400},
		{"empty stop", "/v1/completions", `{"prompt":"x","stop":""}`, 400},
		{"unknown model", "/v1/completions", `{"prompt":"x","model":"gpt-4o"}`, 404},
		{"unknown model ollama", "/api/generate", `{"prompt":"x","model":"llama3"}`, 404},
		{"prompt past the context", "/v1/completions", `{"prompt":"` + long[:200] + `"}`, 400},
		{"body over the limit", "/v1/completions", `{"prompt":"` + long + long + long + `"}`, 413},
		{"unknown endpoint", "/v1/embeddings", `{}`, 404},
		{"ollama bad JSON", "/api/chat", `{"messages":[{"role":}]}`, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := ts.post(t, c.path, c.body)
			require.Equal(t, c.status, code, out)
			v := decode(t, out)
			if strings.HasPrefix(c.path, "/api/") {
				assert.NotEmpty(t, v["error"])
				return
			}
			assert.NotEmpty(t, path(v, "error", "message"), out)
			assert.NotEmpty(t, path(v, "error", "type"), out)
			assert.EqualValues(t, c.status, path(v, "error", "code"), out)
		})
	}
	code, out := ts.get(t, "/v1/chat/completions")
	assert.Equal(t, http.StatusMethodNotAllowed, code, out)

	// The one session busy and no queue: 429.
	hold, held := make(chan struct{}), make(chan struct{})
	go func() {
		var once sync.Once
		ts.engine.Generate(context.Background(), serving.Request{Prompt: ts.engine.Text("Lily"), MaxTokens: 5, Text: func(string) error {
			once.Do(func() { close(held) })
			<-hold
			return nil
		}})
	}()
	<-held
	code, out = ts.post(t, "/v1/completions", `{"prompt":"Tom","max_tokens":2}`)
	close(hold)
	require.Equal(t, http.StatusTooManyRequests, code, out)
	assert.Equal(t, "rate_limit_error", path(decode(t, out), "error", "type"))
}

func TestServeAPIKey(t *testing.T) {
	ts := startServer(t, "--api-key", "s3cret")
	body := `{"prompt":"Lily","max_tokens":2}`
	for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "s3cret"}, {"Authorization", "Bearer s3cret2"}} {
		code, out := ts.post(t, "/v1/completions", body, h...)
		require.Equal(t, http.StatusUnauthorized, code, "%v: %s", h, out)
		assert.Equal(t, "authentication_error", path(decode(t, out), "error", "type"))
	}
	code, out := ts.post(t, "/api/generate", `{"prompt":"Lily"}`)
	assert.Equal(t, http.StatusUnauthorized, code, out)
	code, out = ts.post(t, "/v1/completions", body, "Authorization", "Bearer s3cret")
	assert.Equal(t, http.StatusOK, code, out)
	code, _ = ts.get(t, "/health")
	assert.Equal(t, http.StatusOK, code, "/health needs no key")
	code, _ = ts.get(t, "/v1/models")
	assert.Equal(t, http.StatusUnauthorized, code)
}

// A client that goes away mid-stream cancels its generation at once and
// frees its session for the next request.
func TestServeDisconnectCancels(t *testing.T) {
	ts := startServer(t, "--parallel", "1", "--queue", "0")
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	require.NoError(t, err)
	body := `{"prompt":"Once upon a time","max_tokens":2000,"temperature":1,"seed":3,"stream":true}`
	fmt.Fprintf(conn, "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, line, "200")
	for !strings.HasPrefix(line, "data: ") {
		line, err = br.ReadString('\n')
		require.NoError(t, err)
	}
	require.NoError(t, conn.Close())

	// The request ends with the context cancelled, or with a write to
	// the closed connection failing, whichever the server sees first.
	ended := func() string {
		for _, l := range strings.Split(ts.log.String(), "\n") {
			if strings.Contains(l, "generated") && !strings.HasSuffix(l, ": ok") {
				return l
			}
		}
		return ""
	}
	require.Eventually(t, func() bool { return ended() != "" }, 10*time.Second, 5*time.Millisecond, "log: %s", ts.log)
	code, out := ts.post(t, "/v1/completions", `{"prompt":"Tom","max_tokens":2}`)
	assert.Equal(t, http.StatusOK, code, "the session is free again: %s", out)
	var generated int
	_, after, _ := strings.Cut(ended(), "evaluated), ")
	_, err = fmt.Sscanf(after, "%d generated", &generated)
	require.NoError(t, err, ended())
	assert.Less(t, generated, 1000, "generation stopped well before its 2000 tokens")
}

// A client that sends its header or body too slowly does not hold the
// connection: the server answers or closes it when the timeout passes.
func TestServeSlowClients(t *testing.T) {
	ts := startServerWith(t, func(h *http.Server) {
		h.ReadHeaderTimeout, h.ReadTimeout = 200*time.Millisecond, 300*time.Millisecond
	})
	for _, partial := range []string{
		"POST /v1/completions HTTP/1.1\r\nHost: x\r\n",                                  // the header never ends
		"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"pro", // nor the body
	} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
		require.NoError(t, err)
		_, err = io.WriteString(conn, partial)
		require.NoError(t, err)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		t0 := time.Now()
		io.ReadAll(conn) // until the server closes it (maybe after an error response)
		assert.Less(t, time.Since(t0), 5*time.Second, "closed by the server's timeout, not the test's")
		conn.Close()
	}
	code, _ := ts.get(t, "/health")
	assert.Equal(t, http.StatusOK, code)
}

// 16 clients at once on 2 sessions: all answered, each with its own
// prompt's continuation (the same as when asked alone, greedy).
func TestServeConcurrentClients(t *testing.T) {
	ts := startServer(t, "--parallel", "2")
	prompts := []string{"Lily", "Tom had a", "The sun", "Once upon a time", "A big dog", "Ben and Mia", "The little bird", "Sue liked"}
	ask := func(p string) (int, string) {
		code, out := ts.post(t, "/v1/completions", `{"prompt":"`+p+`","max_tokens":6,"temperature":0}`)
		if code != http.StatusOK {
			return code, out
		}
		var v map[string]any
		json.Unmarshal([]byte(out), &v)
		s, _ := path(v, "choices", 0, "text").(string)
		return code, s
	}
	alone := map[string]string{}
	for _, p := range prompts {
		code, text := ask(p)
		require.Equal(t, http.StatusOK, code, text)
		alone[p] = text
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := prompts[i%len(prompts)]
			code, text := ask(p)
			if assert.Equal(t, http.StatusOK, code, text) {
				assert.Equal(t, alone[p], text, "client %d (%q)", i, p)
			}
		}()
	}
	wg.Wait()
}

// Hostile bodies never crash the server or get a 5xx: each is answered
// (4xx with a JSON error, or 200), and the server stays healthy.
func TestServeHostileInput(t *testing.T) {
	ts := startServer(t, "--ctx", "128")
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	bodies := []struct{ path, body string }{
		{"/v1/completions", `{"prompt":"x","max_tokens":1e30}`},
		{"/v1/completions", `{"prompt":"x","max_tokens":9223372036854775807}`},
		{"/v1/completions", `{"prompt":"x","max_tokens":-1}`},
		{"/v1/completions", `{"prompt":"x","temperature":1e400}`},
		{"/v1/completions", `{"prompt":"x","temperature":1e300}`},
		{"/v1/completions", `{"prompt":"x","top_k":-3,"top_p":-1}`},
		{"/v1/completions", `{"prompt":"x","top_k":1e12,"max_tokens":2}`},
		{"/v1/completions", `{"prompt":"x","seed":-7,"max_tokens":2}`},
		{"/v1/completions", `{"prompt":"x","seed":1e40}`},
		{"/v1/completions", `{"prompt":"x","stream":"yes"}`},
		{"/v1/completions", `{"prompt":["a","b"]}`},
		{"/v1/completions", `{"prompt":[1,2,3]}`},
		{"/v1/completions", `{"prompt":{"a":{"b":[{"c":null}]}}}`},
		{"/v1/completions", `{"prompt":"` + "\xff\xfe\xc3(\xed\xa0\x80" + `","max_tokens":2}`},
		{"/v1/completions", `{"prompt":"\u0000\ud800</s><s>","max_tokens":2}`},
		{"/v1/completions", `{"prompt":"x","stop":[[["a"]]]}`},
		{"/v1/completions", `{"prompt":"x","stop":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}`},
		{"/v1/completions", deep},
		{"/v1/completions", `{"prompt":"x"` + strings.Repeat(`,"junk":{"a":[1,{"b":[]}]}`, 50) + `,"max_tokens":1}`},
		{"/v1/chat/completions", `{"messages":[[[[{}]]]]}`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":{"x":1}}]}`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":"x"}]}]}`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_tokens":2}`},
		{"/v1/chat/completions", `{"messages":[{"content":"no role"}]}`},
		{"/v1/chat/completions", `{"messages":[{"role":"` + strings.Repeat("r", 1000) + `","content":"x"}],"max_tokens":2}`},
		{"/v1/chat/completions", `{"messages":null}`},
		{"/v1/chat/completions", `null`},
		{"/v1/chat/completions", `"just a string"`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"}]} trailing`},
		{"/api/chat", `{"messages":[{"role":"user","content":"hi"}],"options":{"num_predict":"x"}}`},
		{"/api/chat", `{"messages":[{"role":"user","content":"hi"}],"options":{"num_predict":-2}}`},
		{"/api/chat", `{"messages":[{"role":"user","content":"hi"}],"options":{"num_predict":2,"temperature":-1e308}}`},
		{"/api/generate", `{"prompt":"hi","raw":true,"stream":false,"options":{"num_predict":2,"stop":"a"}}`},
		{"/api/generate", `{"prompt":"hi","options":[1]}`},
		{"/api/generate", `{"prompt":` + strings.Repeat(`"`, 3) + `}`},
	}
	for i, b := range bodies {
		code, out := ts.post(t, b.path, b.body)
		assert.Less(t, code, 500, "%d %s %.80s: %s", i, b.path, b.body, out)
		if code != http.StatusOK {
			assert.Contains(t, decode(t, out), "error", "%d: %s", i, out)
		}
	}
	code, _ := ts.get(t, "/health")
	assert.Equal(t, http.StatusOK, code)
}

// Stopping (a signal's context) lets a request in flight finish within
// the grace period, then returns; with no grace left it is cancelled.
func TestServeShutdown(t *testing.T) {
	for _, grace := range []string{"30s", "0s"} {
		t.Run(grace, func(t *testing.T) {
			ts := startServer(t, "--grace", grace)
			started := make(chan struct{})
			var once sync.Once
			type answer struct {
				code int
				body string
				err  error
			}
			got := make(chan answer, 1)
			go func() {
				// Short enough to finish in the grace period, long
				// enough to be cancelled without one (it would take
				// seconds).
				n := map[string]int{"30s": 40, "0s": 2000}[grace]
				resp, err := http.Post(ts.url+"/v1/completions", "application/json",
					strings.NewReader(fmt.Sprintf(`{"prompt":"Once upon a time","max_tokens":%d,"temperature":1,"seed":1,"stream":true}`, n)))
				if err != nil {
					got <- answer{err: err}
					return
				}
				defer resp.Body.Close()
				br := bufio.NewReader(resp.Body)
				var all strings.Builder
				for {
					line, err := br.ReadString('\n')
					all.WriteString(line)
					if strings.HasPrefix(line, "data: ") {
						once.Do(func() { close(started) })
					}
					if err != nil {
						break
					}
				}
				got <- answer{code: resp.StatusCode, body: all.String()}
			}()
			<-started
			ts.stop()
			select {
			case err := <-ts.done:
				require.NoError(t, err)
				ts.done <- nil // for the cleanup
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not return")
			}
			a := <-got
			require.NoError(t, a.err)
			if grace == "30s" {
				assert.Contains(t, a.body, "data: [DONE]", "the request in flight finished")
			} else {
				assert.NotContains(t, a.body, "data: [DONE]", "the request in flight was cancelled")
			}
			_, err := http.Get(ts.url + "/health")
			assert.Error(t, err, "no new connections")
		})
	}
}

// serve takes run's sampling flags, through the same registration, as the
// settings of a request that gives none; a request's own win.
func TestServeSamplingDefaults(t *testing.T) {
	c, err := parseServe([]string{"--temp", "0", "--top-k", "5", "--seed", "7", "--repeat-penalty", "1.1"}, io.Discard)
	require.NoError(t, err)
	r, err := (&sampling{}).request(nil, nil, c)
	require.NoError(t, err)
	assert.Equal(t, model.SamplerOptions{Temperature: 0, TopK: 5, TopP: 0.95, MinP: 0.05, RepeatPenalty: 1.1, RepeatLastN: 64, Seed: 7}, r.Sampler)
	temp := 0.5
	r, err = (&sampling{Temperature: &temp}).request(nil, nil, c)
	require.NoError(t, err)
	assert.Equal(t, float32(0.5), r.Sampler.Temperature)

	c, err = parseServe(nil, io.Discard)
	require.NoError(t, err)
	a, err := (&sampling{}).request(nil, nil, c)
	require.NoError(t, err)
	b, err := (&sampling{}).request(nil, nil, c)
	require.NoError(t, err)
	assert.NotEqual(t, a.Sampler.Seed, b.Sampler.Seed, "--seed -1: a seed per request")
	a.Sampler.Seed = 0
	assert.Equal(t, model.SamplerOptions{Temperature: 0.8, TopK: 40, TopP: 0.95, MinP: 0.05, RepeatPenalty: 1, RepeatLastN: 64}, a.Sampler)
}
