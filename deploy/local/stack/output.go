package stack

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// console serializes writes from the supervisor and from every process's output, so lines
// from different processes never interleave mid-line.
type console struct {
	mu sync.Mutex
	w  io.Writer
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.Write(p)
}

// noticef writes one supervisor line.
func (c *console) noticef(format string, args ...any) {
	_, _ = fmt.Fprintf(c, format+"\n", args...)
}

// prefixWriter copies whole lines to out, each prefixed with the process name; a partial
// line waits for its newline or for flush.
type prefixWriter struct {
	mu     sync.Mutex
	prefix []byte
	out    io.Writer
	buf    []byte
}

func newPrefixWriter(name string, out io.Writer) *prefixWriter {
	return &prefixWriter{prefix: fmt.Appendf(nil, "%-8s | ", name), out: out}
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	var lines []byte
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		lines = append(append(lines, w.prefix...), w.buf[:i+1]...)
		w.buf = w.buf[i+1:]
	}
	if len(lines) > 0 {
		// A console that fails must not stop the process: its output is in the log file.
		_, _ = w.out.Write(lines)
	}
	return len(p), nil
}

// flush writes a last line that had no newline.
func (w *prefixWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		_, _ = w.out.Write(append(append(append([]byte(nil), w.prefix...), w.buf...), '\n'))
		w.buf = nil
	}
}

// tail returns the last n lines of the file at path, for error messages that should show
// why a process did not come up; "" when it cannot be read.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
