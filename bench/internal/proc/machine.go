package proc

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"
)

// MachineCPU is the CPU time the whole machine has spent since boot, summed over its
// CPUs: Busy running anything (user, nice, system, irq, softirq), Steal taken by the
// hypervisor for other guests.
type MachineCPU struct {
	Busy, Steal time.Duration
}

// ReadMachineCPU reads the aggregate "cpu" line of /proc/stat.
func ReadMachineCPU() (MachineCPU, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return MachineCPU{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return MachineCPU{}, errors.New("empty /proc/stat")
	}
	return parseMachineCPU(sc.Text())
}

// parseMachineCPU reads "cpu user nice system idle iowait irq softirq steal ...".
func parseMachineCPU(line string) (MachineCPU, error) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return MachineCPU{}, errors.New("unexpected /proc/stat cpu line")
	}
	v := make([]int64, 8)
	for i := range v {
		n, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			return MachineCPU{}, err
		}
		v[i] = n
	}
	busy := v[0] + v[1] + v[2] + v[5] + v[6]
	return MachineCPU{Busy: time.Duration(busy) * clockTick, Steal: time.Duration(v[7]) * clockTick}, nil
}

// Sub returns the CPU time spent between before and m.
func (m MachineCPU) Sub(before MachineCPU) MachineCPU {
	return MachineCPU{Busy: m.Busy - before.Busy, Steal: m.Steal - before.Steal}
}

// LoadAvg returns the first three fields of /proc/loadavg ("1.02 0.80 0.65"), or "".
func LoadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
