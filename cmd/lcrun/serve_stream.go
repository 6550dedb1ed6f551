package main

import (
	"encoding/json"
	"net/http"
	"time"
)

// stream writes a streamed answer: server-sent events ("data: {...}"
// blocks, OpenAI) or newline-delimited JSON (ollama). The status line
// goes out with the first chunk, so that an error before it (a full
// queue, a prompt too long) can still be a proper error response. Each
// write gets writeTimeout: a client that stops reading ends the request.
type stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	sse     bool
	started bool
}

func newStream(w http.ResponseWriter, sse bool) *stream {
	return &stream{w: w, rc: http.NewResponseController(w), sse: sse}
}

func (st *stream) start() {
	if st.started {
		return
	}
	st.started = true
	h := st.w.Header()
	if st.sse {
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Content-Type", "application/x-ndjson")
	}
	h.Set("X-Accel-Buffering", "no")
	st.w.WriteHeader(http.StatusOK)
}

// send writes one chunk and flushes it to the client.
func (st *stream) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.raw(b)
}

func (st *stream) raw(b []byte) error {
	st.start()
	st.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	var err error
	if st.sse {
		_, err = st.w.Write(append(append([]byte("data: "), b...), '\n', '\n'))
	} else {
		_, err = st.w.Write(append(b, '\n'))
	}
	if err != nil {
		return err
	}
	return st.rc.Flush()
}

// done ends an SSE stream as OpenAI's does.
func (st *stream) done() error {
	if !st.sse {
		return nil
	}
	return st.raw([]byte("[DONE]"))
}

// reply writes a whole (unstreamed) answer.
func reply(w http.ResponseWriter, v any) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeTimeout))
	sendJSON(w, http.StatusOK, v)
}
