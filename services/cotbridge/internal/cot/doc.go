// Package cot is the Cursor-on-Target wire format the bridge speaks: the CoT XML event
// (TAK protocol version 0), the protobuf TakMessage of TAK protocol version 1, and the
// framing of each on a streaming connection, with the size bounds that keep a hostile
// peer from holding memory.
package cot
