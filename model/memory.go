package model

import "fmt"

// memoryLimit is the most memory a session may ask for: the machine's
// physical memory where the system says (a larger request could only end
// in the runtime's fatal out-of-memory error, which no caller can handle),
// else no limit.
func memoryLimit() int64 {
	if n := physicalMemory(); n > 0 {
		return n
	}
	return 1<<63 - 1
}

// byteSize formats a byte count for messages (binary units).
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
