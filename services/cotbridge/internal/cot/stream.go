package cot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Magic starts every TAK protocol message (version 1 and later) on a stream.
const Magic = 0xbf

// ErrTooLarge is returned for a message longer than the reader's bound; the stream cannot
// be resynchronised after it, so the connection should be closed.
var ErrTooLarge = errors.New("cot: message over the size limit")

// ErrBadFrame is returned when a TAK protocol message does not start with Magic.
var ErrBadFrame = errors.New("cot: not a TAK protocol stream message")

var endTag = []byte("</event>")

// Reader splits a stream into messages: XML events (up to and including "</event>") or,
// once a session has switched to TAK protocol version 1, length-prefixed payloads. No
// message may exceed max bytes, so a peer that never ends an event holds at most max
// bytes.
type Reader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

// NewReader reads from r with messages bounded to max bytes.
func NewReader(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 4096), max: max}
}

// NextXML returns the next XML event's bytes, valid until the next call. Bytes before
// the event (the XML header, whitespace) are part of it.
func (r *Reader) NextXML() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.r.ReadSlice('>')
		if len(r.buf)+len(chunk) > r.max {
			return nil, ErrTooLarge
		}
		r.buf = append(r.buf, chunk...)
		switch {
		case err == nil:
			if bytes.HasSuffix(r.buf, endTag) {
				return r.buf, nil
			}
		case errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF) && len(bytes.TrimSpace(r.buf)) > 0:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}

// NextProto returns the next TAK protocol payload (a serialized TakMessage), valid until
// the next call.
func (r *Reader) NextProto() ([]byte, error) {
	b, err := r.r.ReadByte()
	if err != nil {
		return nil, err
	}
	if b != Magic {
		return nil, ErrBadFrame
	}
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, fmt.Errorf("cot: message length: %w", err)
	}
	if n > uint64(r.max) {
		return nil, ErrTooLarge
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	r.buf = r.buf[:n]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		return nil, err
	}
	return r.buf, nil
}

// AppendFrame appends payload framed for a TAK protocol stream: Magic, its length as a
// varint, then the payload.
func AppendFrame(dst, payload []byte) []byte {
	dst = append(dst, Magic)
	dst = binary.AppendUvarint(dst, uint64(len(payload)))
	return append(dst, payload...)
}
