package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
)

// Recorder writes audit records to its server's own database.
type Recorder struct {
	coll    *mongo.Collection
	service string
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	queue   []*queued // records waiting for the next insert
	writing bool      // a writer is inserting
}

// queued is a record waiting to be inserted, and its outcome.
type queued struct {
	rec  Record
	done chan error
}

// maxRecords bounds the records one insert writes.
const maxRecords = 256

// NewRecorder returns a recorder over the "audit" collection of db, creating its indexes.
func NewRecorder(ctx context.Context, db *mongo.Database, service string, log *slog.Logger) (*Recorder, error) {
	coll := db.Collection("audit")
	if err := store.EnsureIndexes(ctx, coll,
		store.Index{Name: "event_time", Keys: bson.D{{Key: "event_time", Value: -1}}},
		store.Index{Name: "resource", Keys: bson.D{{Key: "resource", Value: 1}, {Key: "event_time", Value: -1}}},
	); err != nil {
		return nil, err
	}
	return &Recorder{coll: coll, service: service, log: log, now: time.Now}, nil
}

type holderKey struct{}

// holder carries the identity established inside the chain out to the recorder.
type holder struct{ id auth.Identity }

// Unary records every mutating unary call. Install it before the authenticator, and
// Capture after it, so that calls refused for lack of credentials are recorded too.
func (r *Recorder) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if !Mutating(info.FullMethod) {
			return h(ctx, req)
		}
		hd := &holder{}
		resp, err := h(context.WithValue(ctx, holderKey{}, hd), req)
		reqMsg, _ := req.(proto.Message)
		respMsg, _ := resp.(proto.Message)
		r.write(ctx, info.FullMethod, hd.id, reqMsg, respMsg, err)
		return resp, err
	}
}

// Stream records mutating calls that arrive as streams: the gateway forwards every call
// as one. The first request and response are decoded with the method's descriptors.
func (r *Recorder) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		if !Mutating(info.FullMethod) {
			return h(srv, ss)
		}
		hd := &holder{}
		w := &watchStream{ServerStream: ss, ctx: context.WithValue(ss.Context(), holderKey{}, hd)}
		err := h(srv, w)
		if err != nil && w.firstIn == nil {
			// Refused before the handler read it (no token, no permission): read the request
			// now, so that the record still says which resource and request id it was for.
			w.firstIn = unreadRequest(ss, info.FullMethod)
		}
		in, out := decode(info.FullMethod, w.firstIn, w.firstOut)
		r.write(ss.Context(), info.FullMethod, hd.id, in, out, err)
		return err
	}
}

// Capture copies the authenticated identity to the recorder; install it after the
// authenticator.
func Capture() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		capture(ctx)
		return h(ctx, req)
	}
}

// CaptureStream is Capture for streams.
func CaptureStream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		capture(ss.Context())
		return h(srv, ss)
	}
}

func capture(ctx context.Context) {
	if hd, ok := ctx.Value(holderKey{}).(*holder); ok {
		if id, ok := auth.FromContext(ctx); ok {
			hd.id = id
		}
	}
}

func (r *Recorder) write(ctx context.Context, method string, id auth.Identity, req, resp proto.Message, callErr error) {
	st := status.Convert(callErr)
	rec := Record{
		Name: "auditRecords/" + newID(r.now()), Actor: id.Subject, ActorForce: id.Force, ActorRole: string(id.Role),
		Method: method, StatusCode: st.Code().String(),
		Allowed:    st.Code() != codes.PermissionDenied && st.Code() != codes.Unauthenticated,
		RecordedBy: r.service, EventTime: r.now().UTC(),
	}
	if rec.Actor == "" {
		rec.Actor = "anonymous"
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		rec.TraceID = sc.TraceID().String()
	}
	fromRequest(&rec, req)
	if callErr == nil {
		fromResponse(&rec, resp)
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			rec.Reason = ei.GetReason()
		}
	}
	if err := r.insert(rec); err != nil {
		r.log.ErrorContext(ctx, "audit record not written", "method", method, "error", err)
	}
}

// insert writes rec and returns once it is stored (or failed): the call is answered only
// after its record is written. Records of calls ending at the same time are written
// together, with one insert: whoever finds no insert running starts one, which writes
// every record queued by then and goes on while more wait. Written even when the caller
// has gone (the trail must not depend on the client), each insert within 5 s.
func (r *Recorder) insert(rec Record) error {
	q := &queued{rec: rec, done: make(chan error, 1)}
	r.mu.Lock()
	r.queue = append(r.queue, q)
	start := !r.writing
	r.writing = true
	r.mu.Unlock()
	if start {
		go r.writer()
	}
	return <-q.done
}

// writer inserts the queued records until none is left.
func (r *Recorder) writer() {
	for {
		r.mu.Lock()
		n := min(len(r.queue), maxRecords)
		batch := r.queue[:n:n]
		r.queue = r.queue[n:]
		if n == 0 {
			r.writing = false
		}
		r.mu.Unlock()
		if n == 0 {
			return
		}
		docs := make([]any, n)
		for i, q := range batch {
			docs[i] = q.rec
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := r.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		cancel()
		failed := map[int]error{}
		var bwe mongo.BulkWriteException
		switch {
		case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
			for _, we := range bwe.WriteErrors {
				failed[we.Index] = we
			}
		case err != nil:
			for i := range batch {
				failed[i] = err
			}
		}
		for i, q := range batch {
			q.done <- failed[i]
		}
	}
}

// newID orders records by time and keeps them unique across replicas.
func newID(t time.Time) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%016x%s", t.UnixNano(), hex.EncodeToString(b[:]))
}

// Raw is implemented by forwarded messages that the gateway passes through undecoded.
type Raw interface{ RawBytes() []byte }

type watchStream struct {
	grpc.ServerStream
	ctx               context.Context
	firstIn, firstOut any
}

func (w *watchStream) Context() context.Context { return w.ctx }

func (w *watchStream) RecvMsg(m any) error {
	err := w.ServerStream.RecvMsg(m)
	if err == nil && w.firstIn == nil {
		w.firstIn = snapshot(m)
	}
	return err
}

func (w *watchStream) SendMsg(m any) error {
	if w.firstOut == nil {
		w.firstOut = snapshot(m)
	}
	return w.ServerStream.SendMsg(m)
}

func snapshot(m any) any {
	if r, ok := m.(Raw); ok {
		return append([]byte(nil), r.RawBytes()...)
	}
	return m
}

// unreadRequest reads the request of a call whose client sends one message, or returns
// nil; a client-streaming call is not waited for.
func unreadRequest(ss grpc.ServerStream, method string) any {
	md := methodDescriptor(method)
	if md == nil || md.IsStreamingClient() {
		return nil
	}
	msg := newMessage(md.Input())
	if ss.RecvMsg(msg) != nil {
		return nil
	}
	return msg
}

// decode turns the captured messages into protos, decoding raw bytes with the method's
// input and output types from the registry.
func decode(method string, in, out any) (proto.Message, proto.Message) {
	var inDesc, outDesc protoreflect.MessageDescriptor
	if md := methodDescriptor(method); md != nil {
		inDesc, outDesc = md.Input(), md.Output()
	}
	return asProto(in, inDesc), asProto(out, outDesc)
}

func asProto(v any, d protoreflect.MessageDescriptor) proto.Message {
	switch m := v.(type) {
	case proto.Message:
		return m
	case []byte:
		if d == nil {
			return nil
		}
		msg := newMessage(d)
		if proto.Unmarshal(m, msg) != nil {
			return nil
		}
		return msg
	}
	return nil
}

// newMessage is an empty message of type d: of its generated Go type when this program
// links it (decoding into that is several times cheaper, and the gateway decodes every
// forwarded mutating call's request and response for its record), else built from d.
func newMessage(d protoreflect.MessageDescriptor) proto.Message {
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(d.FullName()); err == nil && mt.Descriptor() == d {
		return mt.New().Interface()
	}
	return dynamicpb.NewMessage(d)
}

func methodDescriptor(full string) protoreflect.MethodDescriptor {
	if len(full) < 2 {
		return nil
	}
	s := full[1:]
	i := len(s) - 1
	for i >= 0 && s[i] != '/' {
		i--
	}
	if i < 0 {
		return nil
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(s[:i]))
	if err != nil {
		return nil
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil
	}
	return sd.Methods().ByName(protoreflect.Name(s[i+1:]))
}
