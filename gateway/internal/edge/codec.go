package edge

import (
	"fmt"

	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
)

// frame is a message the gateway forwards without decoding it.
type frame struct{ payload []byte }

// codec passes frames through as bytes and handles everything else, the gateway's own
// services, as protobuf. It is installed as the server's codec so that forwarded calls
// cost one copy, not a decode and an encode.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case *frame:
		return m.payload, nil
	case proto.Message:
		return proto.Marshal(m)
	}
	return nil, fmt.Errorf("edge codec: cannot marshal %T", v)
}

func (codec) Unmarshal(data []byte, v any) error {
	switch m := v.(type) {
	case *frame:
		m.payload = append(m.payload[:0], data...)
		return nil
	case proto.Message:
		return proto.Unmarshal(data, m)
	}
	return fmt.Errorf("edge codec: cannot unmarshal into %T", v)
}

// Name is "proto" so that clients and backends see the ordinary content type.
func (codec) Name() string { return "proto" }

var _ encoding.Codec = codec{}

// RawBytes exposes the undecoded message, for the audit trail.
func (f *frame) RawBytes() []byte { return f.payload }
