package edge

import (
	"fmt"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// frame is a message the gateway forwards without decoding it: the buffers it arrived in,
// held (one reference) until it is sent on, when gRPC frees them.
type frame struct{ data mem.BufferSlice }

// codec passes frames through as the buffers they arrived in and handles everything else,
// the gateway's own services, with gRPC's protobuf codec. It is installed as the server's
// codec so that a forwarded message is neither decoded nor copied.
type codec struct{}

// protoCodec is gRPC's own, for the gateway's own services.
var protoCodec = encoding.GetCodecV2(proto.Name)

func (codec) Marshal(v any) (mem.BufferSlice, error) {
	if f, ok := v.(*frame); ok {
		if f.data == nil {
			return nil, fmt.Errorf("edge codec: frame sent twice")
		}
		data := f.data
		f.data = nil // gRPC frees the buffers once written
		return data, nil
	}
	return protoCodec.Marshal(v)
}

func (codec) Unmarshal(data mem.BufferSlice, v any) error {
	if f, ok := v.(*frame); ok {
		data.Ref() // gRPC frees data when Unmarshal returns; the frame keeps it
		f.data = data
		return nil
	}
	return protoCodec.Unmarshal(data, v)
}

// Name is "proto" so that clients and backends see the ordinary content type.
func (codec) Name() string { return proto.Name }

var _ encoding.CodecV2 = codec{}

// RawBytes exposes the undecoded message, for the audit trail (a copy).
func (f *frame) RawBytes() []byte { return f.data.Materialize() }
