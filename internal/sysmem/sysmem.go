// Package sysmem says how much memory this process uses and may still
// use: for estimates before a long run and statistics after it.
package sysmem

import (
	"bufio"
	"bytes"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
)

// Limit is how much more memory the process may take, and what says so.
type Limit struct {
	Bytes  int64  // memory still available; 0 = unknown
	Source string // "MemAvailable", "cgroup memory.max", ...
}

// Available returns the smallest of the limits the system sets on this
// process: MemAvailable from /proc/meminfo and a cgroup's limit minus its
// usage (v2 memory.max, v1 memory.limit_in_bytes).
func Available() Limit {
	var best Limit
	consider := func(n int64, src string) {
		if n > 0 && (best.Bytes == 0 || n < best.Bytes) {
			best = Limit{n, src}
		}
	}
	if kb, ok := meminfoField(readFile("/proc/meminfo"), "MemAvailable:"); ok {
		consider(kb*1024, "MemAvailable")
	}
	for _, cg := range cgroupLimits() {
		consider(cg.Bytes, cg.Source)
	}
	return best
}

// cgroupLimits reads the room left under this process's cgroup (v2 and
// v1 layouts); an unlimited cgroup contributes nothing.
func cgroupLimits() []Limit {
	var out []Limit
	for _, dir := range cgroupDirs(readFile("/proc/self/cgroup")) {
		if max, ok := parseLimit(readFile(dir.path + "/" + dir.max)); ok {
			used, _ := parseLimit(readFile(dir.path + "/" + dir.current))
			out = append(out, Limit{max - used, "cgroup " + dir.max})
		}
	}
	return out
}

type cgroupDir struct{ path, max, current string }

// cgroupDirs maps /proc/self/cgroup lines to the memory controller's
// directories (v2: "0::/path"; v1: "N:memory:/path").
func cgroupDirs(procCgroup []byte) []cgroupDir {
	var out []cgroupDir
	for _, line := range strings.Split(string(procCgroup), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			out = append(out, cgroupDir{"/sys/fs/cgroup" + parts[2], "memory.max", "memory.current"})
		case hasController(parts[1], "memory"):
			out = append(out, cgroupDir{"/sys/fs/cgroup/memory" + parts[2], "memory.limit_in_bytes", "memory.usage_in_bytes"})
		}
	}
	// Inside a container the process's cgroup is the mount's root.
	out = append(out, cgroupDir{"/sys/fs/cgroup", "memory.max", "memory.current"},
		cgroupDir{"/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes"})
	return out
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// parseLimit reads a cgroup number; "max" and the v1 "unlimited" value
// (near 2^63) are no limit.
func parseLimit(b []byte) (int64, bool) {
	s := strings.TrimSpace(string(b))
	if s == "" || s == "max" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0, false
	}
	return n, true
}

// meminfoField reads a "Key:   123 kB" line of /proc/meminfo or
// /proc/self/status (in kB).
func meminfoField(b []byte, key string) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0, false
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return b
}

// RSS is the process's resident memory now (0 if unknown).
func RSS() int64 {
	kb, _ := meminfoField(readFile("/proc/self/status"), "VmRSS:")
	return kb * 1024
}

// PeakRSS is the largest resident memory the process has had: getrusage's
// maxrss, or /proc's VmHWM.
func PeakRSS() int64 {
	if n := maxRSS(); n > 0 {
		return n
	}
	kb, _ := meminfoField(readFile("/proc/self/status"), "VmHWM:")
	return kb * 1024
}

// HeapLive is the size of the heap objects the last collection found
// reachable (call runtime.GC first for an exact figure).
func HeapLive() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// GoBytes is the memory Go's runtime holds from the system now (heap,
// stacks, its own structures; not returned pages): the part of RSS that
// debug.SetMemoryLimit governs.
func GoBytes() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
