package sysmem

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParsers(t *testing.T) {
	info := []byte("MemTotal:       24576000 kB\nMemAvailable:   12345 kB\n")
	n, ok := meminfoField(info, "MemAvailable:")
	assert.True(t, ok)
	assert.Equal(t, int64(12345), n)
	_, ok = meminfoField(info, "Nope:")
	assert.False(t, ok)

	for s, want := range map[string]int64{"max\n": 0, "9223372036854771712\n": 0, "1073741824\n": 1 << 30, "": 0, "junk": 0} {
		n, _ := parseLimit([]byte(s))
		assert.Equal(t, want, n, "%q", s)
	}
	dirs := cgroupDirs([]byte("0::/user.slice/x\n"))
	assert.Equal(t, cgroupDir{"/sys/fs/cgroup/user.slice/x", "memory.max", "memory.current"}, dirs[0])
	dirs = cgroupDirs([]byte("4:cpu,cpuacct:/a\n3:memory:/docker/abc\n"))
	assert.Equal(t, cgroupDir{"/sys/fs/cgroup/memory/docker/abc", "memory.limit_in_bytes", "memory.usage_in_bytes"}, dirs[0])
}

func TestThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the /proc files are Linux's")
	}
	big := make([]byte, 64<<20)
	for i := range big {
		big[i] = 1
	}
	rss, peak := RSS(), PeakRSS()
	assert.Greater(t, rss, int64(64<<20))
	assert.GreaterOrEqual(t, peak, rss-1<<20)
	assert.Positive(t, Available().Bytes)
	assert.Greater(t, GoBytes(), int64(64<<20))
	runtime.GC()
	assert.Greater(t, HeapLive(), int64(64<<20))
	runtime.KeepAlive(big)
}
