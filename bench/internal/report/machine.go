package report

import (
	"bufio"
	"os"
	"runtime"
	"strings"
)

// Machine describes where the benchmarks ran.
type Machine struct {
	CPUs      int    // logical CPUs this process may use
	Model     string // "model name" of /proc/cpuinfo
	MemTotal  string // MemTotal of /proc/meminfo, as written there
	Kernel    string // /proc/sys/kernel/osrelease
	GOOS      string
	GOARCH    string
	GoVersion string // of the benchmark binary
}

// ThisMachine reads the machine's description; what cannot be read is left empty.
func ThisMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version()}
	m.Model = field("/proc/cpuinfo", "model name")
	m.MemTotal = field("/proc/meminfo", "MemTotal")
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	return m
}

// field returns the value of the first "key: value" line of path whose key is key.
func field(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
