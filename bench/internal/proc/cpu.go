package proc

import "time"

// CPUSnapshot holds the CPU time used so far by each of a set of processes.
type CPUSnapshot map[string]time.Duration

// SnapshotCPU reads the CPU time of each process; a process that cannot be read is left out.
func SnapshotCPU(procs ...*Process) CPUSnapshot {
	s := CPUSnapshot{}
	for _, p := range procs {
		if d, err := CPUTime(p.Pid()); err == nil {
			s[p.Name] = d
		}
	}
	return s
}

// Since returns the CPU time each process used between before and s.
func (s CPUSnapshot) Since(before CPUSnapshot) CPUSnapshot {
	out := CPUSnapshot{}
	for name, d := range s {
		if b, ok := before[name]; ok {
			out[name] = d - b
		}
	}
	return out
}
