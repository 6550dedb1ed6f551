//go:build !linux

package machine

import "time"

// ThreadCPUTime is unavailable here; benchmarks report wall-clock rates only.
func ThreadCPUTime() (time.Duration, bool) { return 0, false }
