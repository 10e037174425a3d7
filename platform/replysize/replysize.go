// Package replysize keeps every reply under the gRPC message limit. A list stops its page
// early, with a next_page_token, once the next item would take the reply past Budget, so
// no count of large records (zones of thousands of points) makes a list fail for everyone.
package replysize

import "google.golang.org/protobuf/proto"

// Budget is the most a page's items may take: 3 MiB, under the 4 MiB default message
// limit (--max-recv-bytes and clients' defaults) with room for the envelope. One item is
// always smaller than Budget, because the limits on what is stored bound it.
const Budget = 3 << 20

// Page counts the bytes of a page's items.
type Page struct{ used int }

// Fits reports whether m may join the page, and counts it if so. The first item always
// fits, so a page is never empty while items remain.
func (p *Page) Fits(m proto.Message) bool { return p.FitsBytes(proto.Size(m)) }

// FitsBytes is Fits for an item of n bytes.
func (p *Page) FitsBytes(n int) bool {
	if p.used > 0 && p.used+n > Budget {
		return false
	}
	p.used += n
	return true
}
