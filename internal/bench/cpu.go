package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// CPU describes the processor the figures were measured on.
type CPU struct {
	Brand          string   `json:"brand"`
	Vendor         string   `json:"vendor"`
	Arch           string   `json:"arch"` // GOARCH of the binary
	PhysicalCores  int      `json:"physical_cores"`
	LogicalCores   int      `json:"logical_cores"`
	ThreadsPerCore int      `json:"threads_per_core"`
	L1DBytes       int      `json:"l1d_bytes"` // -1 when unknown
	L2Bytes        int      `json:"l2_bytes"`
	L3Bytes        int      `json:"l3_bytes"`
	Features       []string `json:"features"`
	// Emulated is true when the binary's architecture differs from the
	// machine's (e.g. arm64 under qemu-aarch64-static on an x86 host): the
	// figures then measure the emulator, not an arm64 core.
	Emulated bool `json:"emulated"`
}

// DetectCPU reads cpuid and, where it says little (arm64), /proc/cpuinfo.
func DetectCPU() CPU {
	c := cpuid.CPU
	info := CPU{
		Brand:          strings.TrimSpace(c.BrandName),
		Vendor:         c.VendorString,
		Arch:           runtime.GOARCH,
		PhysicalCores:  c.PhysicalCores,
		LogicalCores:   c.LogicalCores,
		ThreadsPerCore: c.ThreadsPerCore,
		L1DBytes:       c.Cache.L1D,
		L2Bytes:        c.Cache.L2,
		L3Bytes:        c.Cache.L3,
		Features:       c.FeatureSet(),
	}
	if info.LogicalCores <= 0 {
		info.LogicalCores = runtime.NumCPU()
	}
	if info.PhysicalCores <= 0 {
		info.PhysicalCores = info.LogicalCores
	}
	if info.ThreadsPerCore <= 0 {
		info.ThreadsPerCore = 1
	}
	proc, _ := os.ReadFile("/proc/cpuinfo")
	fields := cpuinfoFields(proc)
	// /proc/cpuinfo of an x86 host seen by an arm64 binary: qemu-user.
	if fields["vendor_id"] != "" && runtime.GOARCH != "amd64" && runtime.GOARCH != "386" {
		info.Emulated = true
		info.Brand = fmt.Sprintf("emulated %s on %s", runtime.GOARCH, fields["model name"])
		return info
	}
	if info.Brand == "" {
		info.Brand = armBrand(fields)
	}
	if info.Brand == "" {
		info.Brand = "unknown " + runtime.GOARCH
	}
	return info
}

// cpuinfoFields is the first processor's "key : value" lines.
func cpuinfoFields(b []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" && len(m) > 0 {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m
}

// armCores names common Arm Ltd (implementer 0x41) cores by MIDR part.
var armCores = map[uint64]string{
	0xd03: "Cortex-A53", 0xd05: "Cortex-A55", 0xd08: "Cortex-A72", 0xd0b: "Cortex-A76",
	0xd0c: "Neoverse-N1", 0xd40: "Neoverse-V1", 0xd49: "Neoverse-N2", 0xd4f: "Neoverse-V2",
	0xd8e: "Neoverse-N3", 0xd84: "Neoverse-V3",
}

// armBrand names an arm64 core from /proc/cpuinfo's MIDR fields.
func armBrand(f map[string]string) string {
	if n := f["model name"]; n != "" {
		return n
	}
	impl, err1 := strconv.ParseUint(f["CPU implementer"], 0, 64)
	part, err2 := strconv.ParseUint(f["CPU part"], 0, 64)
	if err1 != nil || err2 != nil {
		return ""
	}
	if name, ok := armCores[part]; ok && impl == 0x41 {
		return "Arm " + name
	}
	return fmt.Sprintf("arm64 implementer %#x part %#x", impl, part)
}
