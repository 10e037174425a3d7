package proc

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "1234 (gateway) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 0 0", 3 * time.Second, false},
		{"name with spaces and parens", "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 0 0", 100 * time.Millisecond, false},
		{"truncated", "77 (x) R 1 2", 0, true},
		{"no parenthesis", "garbage", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tt.stat))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseStatCPU error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseStatCPU = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseVmRSS(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    int64
		wantErr bool
	}{
		{"found", "Name:\tgateway\nVmPeak:\t  900 kB\nVmRSS:\t   20480 kB\nThreads: 8\n", 20480 * 1024, false},
		{"missing", "Name:\tgateway\n", 0, true},
		{"wrong unit", "VmRSS:\t 12 MB\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseVmRSS(strings.NewReader(tt.status))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseVmRSS error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseVmRSS = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestOwnProcess reads this test process's own entries: they must exist and be positive.
func TestOwnProcess(t *testing.T) {
	rss, err := RSS(os.Getpid())
	if err != nil || rss <= 0 {
		t.Errorf("RSS(self) = %d, %v; want a positive size", rss, err)
	}
	if _, err := CPUTime(os.Getpid()); err != nil {
		t.Errorf("CPUTime(self): %v", err)
	}
}

func TestParseMachineCPU(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    MachineCPU
		wantErr bool
	}{
		{"busy excludes idle and iowait", "cpu  100 20 30 5000 70 4 6 9 0 0", MachineCPU{Busy: 1600 * time.Millisecond, Steal: 90 * time.Millisecond}, false},
		{"per-cpu line refused", "cpu0 1 2 3 4 5 6 7 8", MachineCPU{}, true},
		{"short", "cpu 1 2 3", MachineCPU{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMachineCPU(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseMachineCPU = %+v, want %+v", got, tt.want)
			}
		})
	}
}
