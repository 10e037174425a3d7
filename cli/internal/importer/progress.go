package importer

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// progress counts rows as they finish and keeps one counter line up to date, writing each
// failed row above it as it happens.
type progress struct {
	mu      sync.Mutex
	out     io.Writer
	live    bool
	sum     Summary
	skipped int
	width   int // of the counter line last drawn, to blank it
}

func (p *progress) done(o outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case o.skipped:
		p.skipped++
	case o.failed != nil:
		p.sum.Failed = append(p.sum.Failed, *o.failed)
		p.clear()
		fmt.Fprintln(p.out, o.failed.Describe())
	case o.existing:
		p.sum.Existing++
	default:
		p.sum.Created++
	}
	p.draw()
}

// line is the counter: "120/500 rows: 117 imported, 3 failed", with the rows a previous
// run had imported counted apart.
func (p *progress) line() string {
	s := fmt.Sprintf("%d/%d rows: %d imported", p.sum.Created+p.sum.Existing+len(p.sum.Failed)+p.skipped, p.sum.Total, p.sum.Created)
	if p.sum.Existing > 0 {
		s += fmt.Sprintf(", %d already there", p.sum.Existing)
	}
	s += fmt.Sprintf(", %d failed", len(p.sum.Failed))
	if p.skipped > 0 {
		s += fmt.Sprintf(", %d not sent", p.skipped)
	}
	return s
}

func (p *progress) draw() {
	if !p.live {
		return
	}
	l := p.line()
	fmt.Fprint(p.out, "\r"+l)
	p.width = len(l)
}

func (p *progress) clear() {
	if p.live && p.width > 0 {
		fmt.Fprint(p.out, "\r"+strings.Repeat(" ", p.width)+"\r")
		p.width = 0
	}
}

// finish writes the final count on a line of its own and returns the summary.
func (p *progress) finish() Summary {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintln(p.out, p.line())
	return p.sum
}
