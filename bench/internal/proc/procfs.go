package proc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is Linux's USER_HZ, the unit of the CPU times in /proc/<pid>/stat: 100 on
// every architecture Go supports there.
const clockTick = 10 * time.Millisecond

// RSS returns the resident memory of process pid in bytes (VmRSS of /proc/<pid>/status).
func RSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmRSS(f)
}

func parseVmRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return parseKB(v)
		}
	}
	return 0, errors.New("no VmRSS line")
}

// parseKB reads "   1234 kB" as bytes.
func parseKB(v string) (int64, error) {
	fields := strings.Fields(v)
	if len(fields) != 2 || fields[1] != "kB" {
		return 0, fmt.Errorf("unexpected memory field %q", v)
	}
	kb, err := strconv.ParseInt(fields[0], 10, 64)
	return kb * 1024, err
}

// CPUTime returns the user plus system CPU time process pid has used
// (/proc/<pid>/stat), with a resolution of 10ms.
func CPUTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(data)
}

// parseStatCPU reads utime and stime, fields 14 and 15 of /proc/<pid>/stat. The command
// name (field 2) is in parentheses and may hold spaces, so fields are counted after its
// closing parenthesis.
func parseStatCPU(data []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat %q", data)
	}
	fields := strings.Fields(string(data[i+1:]))
	// After ")" come field 3 (state) onwards: utime is field 14, at index 11.
	if len(fields) < 13 {
		return 0, fmt.Errorf("short stat %q", data)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed stat times %q %q", fields[11], fields[12])
	}
	return time.Duration(utime+stime) * clockTick, nil
}
