package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeProgress returns a progress report on a buffer with a clock the test
// moves.
func fakeProgress(tty, quiet bool, total int) (*progress, *bytes.Buffer, *time.Time) {
	var buf bytes.Buffer
	now := time.Unix(1000, 0)
	p := newProgress(&buf, quiet, "prefill", total)
	p.now = func() time.Time { return now }
	p.rss = func() int64 { return 3 << 20 }
	p.start, p.last = now, now
	p.every = 5 * time.Second // the plain lines' interval (TestMain lengthens the default)
	if tty {
		p.tty, p.every, p.width = true, 200*time.Millisecond, 100
	}
	return p, &buf, &now
}

func TestProgressPlainLines(t *testing.T) {
	p, buf, now := fakeProgress(false, false, 1000)
	p.update(100) // too soon
	assert.Empty(t, buf.String())
	*now = now.Add(5 * time.Second)
	p.update(250)
	*now = now.Add(1 * time.Second)
	p.update(300) // too soon again
	*now = now.Add(5 * time.Second)
	p.update(1000)
	p.finish()
	assert.Equal(t, "lcrun: prefill 250/1,000 tokens  50 tok/s  ETA 15s  mem 3.00 MiB\n"+
		"lcrun: prefill 1,000/1,000 tokens  90 tok/s  ETA done  mem 3.00 MiB\n", buf.String())
}

func TestProgressBar(t *testing.T) {
	p, buf, now := fakeProgress(true, false, 1000)
	*now = now.Add(time.Second)
	p.update(500)
	*now = now.Add(time.Second)
	p.update(1000)
	p.finish()
	out := buf.String()
	lines := strings.Split(out, "\r")
	assert.Len(t, lines, 3)
	assert.Contains(t, lines[1], "prefill [")
	assert.Contains(t, lines[1], "500/1,000 tokens  500 tok/s  ETA 1.0s  mem 3.00 MiB\x1b[K")
	assert.True(t, strings.HasSuffix(out, "ETA done  mem 3.00 MiB\x1b[K\n"))
	bar := lines[2][strings.Index(lines[2], "[")+1 : strings.Index(lines[2], "]")]
	assert.Equal(t, strings.Repeat("=", len(bar)), bar, "a full bar at the end")
	assert.LessOrEqual(t, len(strings.TrimSuffix(lines[2], "\x1b[K\n")), 100)
}

func TestProgressQuietAndShort(t *testing.T) {
	p, buf, now := fakeProgress(false, true, 1000)
	*now = now.Add(time.Minute)
	p.update(1000)
	p.finish()
	assert.Empty(t, buf.String(), "--quiet")

	p, buf, now = fakeProgress(true, false, 1000)
	*now = now.Add(time.Millisecond)
	p.update(1000)
	p.finish()
	assert.Empty(t, buf.String(), "a run shorter than one report interval shows nothing")
}

func TestFormatting(t *testing.T) {
	assert.Equal(t, "0", groupDigits(0))
	assert.Equal(t, "999", groupDigits(999))
	assert.Equal(t, "1,000", groupDigits(1000))
	assert.Equal(t, "-1,234,567", groupDigits(-1234567))
	assert.Equal(t, "1.5s", formatDuration(1500*time.Millisecond))
	assert.Equal(t, "42s", formatDuration(42*time.Second))
	assert.Equal(t, "4m05s", formatDuration(245*time.Second))
	assert.Equal(t, "2h03m", formatDuration(123*time.Minute))
}

// The ETA follows the estimate's cost model (issue 17: it was linear
// while full attention grows quadratically): halfway through a prefill
// whose cost is the square of the tokens, three quarters of the work are
// left, three times the time taken so far.
func TestProgressETAFollowsTheCostModel(t *testing.T) {
	p, buf, now := fakeProgress(false, false, 1000)
	p.work = func(done int) float64 { return float64(done) * float64(done) }
	*now = now.Add(10 * time.Second)
	p.update(500)
	assert.Equal(t, "lcrun: prefill 500/1,000 tokens  50 tok/s  ETA 30s  mem 3.00 MiB\n", buf.String())
}

// prefillWork is the plan's cost: dense work per token and attention per
// visible key, so that with full attention the second half of a prefill
// costs more than the first, and a window keeps the halves equal.
func TestPrefillWork(t *testing.T) {
	m, err := model.OpenDefault()
	require.NoError(t, err)
	defer m.Close()
	for name, c := range map[string]struct {
		o       model.SessionOptions
		steeper bool
	}{
		"full attention": {model.SessionOptions{Ctx: 4096}, true},
		"window":         {model.SessionOptions{Ctx: 4096, Window: 64}, false},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := m.NewPlan(c.o, model.PlanInput{Input: 4096})
			require.NoError(t, err)
			w := prefillWork(p, 0)
			require.NotNil(t, w)
			first, second := w(2048), w(4096)-w(2048)
			if c.steeper {
				assert.Greater(t, second, 1.5*first)
			} else {
				assert.InDelta(t, 1, second/first, 0.05)
			}
			from := prefillWork(p, 2048)
			assert.InDelta(t, second, from(2048), second*1e-9, "a resumed prefill starts at its position")
		})
	}
}
