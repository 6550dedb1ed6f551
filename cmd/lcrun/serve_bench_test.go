package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// benchDocument is a text of about n tokens of the served model (numbered
// sentences), behind a tag that makes each document's prefix its own.
func (ts *testServer) benchDocument(tag string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Document %s. ", tag)
	for i := 0; ; i += 50 {
		if len(ts.engine.Text(b.String())) >= n {
			return b.String()
		}
		for j := i; j < i+50; j++ {
			fmt.Fprintf(&b, "On day %d Lily and Tom played in the park with a big red ball. ", j)
		}
	}
}

// firstToken sends a streamed completion and returns the time until its
// first chunk, reading the rest.
func (ts *testServer) firstToken(b *testing.B, prompt string) time.Duration {
	body := fmt.Sprintf(`{"prompt":%q,"max_tokens":4,"temperature":0,"stream":true}`, prompt)
	t0 := time.Now()
	resp, err := http.Post(ts.url+"/v1/completions", "application/json", strings.NewReader(body))
	require.NoError(b, err)
	defer resp.Body.Close()
	require.Equal(b, http.StatusOK, resp.StatusCode)
	br := bufio.NewReader(resp.Body)
	var ttft time.Duration
	for {
		line, err := br.ReadString('\n')
		if ttft == 0 && strings.HasPrefix(line, "data: ") {
			ttft = time.Since(t0)
		}
		if err != nil {
			return ttft
		}
	}
}

// Time to first token over a shared document of 8K tokens: the first
// request evaluates it, the later ones (other questions about it) only
// their question. LCRUN_MODEL picks another model than the embedded one.
func BenchmarkServeSharedPrefix(b *testing.B) {
	ts := startServer(b, "-t", "0", "--ctx", "10K", "--quiet")
	var first, later time.Duration
	const questions = 4
	for i := range b.N {
		b.StopTimer()
		doc := ts.benchDocument(fmt.Sprint(i), 8<<10)
		b.StartTimer()
		first += ts.firstToken(b, doc+"\nQuestion: who played? Answer:")
		for q := range questions {
			later += ts.firstToken(b, doc+fmt.Sprintf("\nQuestion %d: what did they play with? Answer:", q))
		}
	}
	b.StopTimer()
	f := first.Seconds() * 1e3 / float64(b.N)
	l := later.Seconds() * 1e3 / float64(b.N*questions)
	b.ReportMetric(f, "first-ttft-ms")
	b.ReportMetric(l, "later-ttft-ms")
	b.ReportMetric(f/l, "speedup")
}

// Requests per second of short completions from 8 clients at once, with
// 1 and 2 sessions.
func BenchmarkServeRequests(b *testing.B) {
	for _, parallel := range []string{"1", "2"} {
		b.Run("parallel="+parallel, func(b *testing.B) {
			ts := startServer(b, "-t", "0", "--parallel", parallel, "--quiet")
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			t0 := time.Now()
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						code, out := ts.post(b, "/v1/completions", fmt.Sprintf(`{"prompt":"Tom had %d red balls and","max_tokens":32,"temperature":0}`, i))
						if code != http.StatusOK {
							b.Error(out)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "req/s")
		})
	}
}
