package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
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

// Recorder writes audit records to its server's own database, as a platform/store
// collection: records are created and never changed, and this process's cache of them
// answers the AuditService.
type Recorder struct {
	records *store.Collection[Record]
	service string
	log     *slog.Logger
	now     func() time.Time
}

// The trail is read seldom and written on every mutating call. Its follower reads the log
// every 10 s while it is quiet (every Timing.Poll while it changes), not every 500 ms like
// a collection that is watched or read all the time (at 500 ms the trails of the gateway
// and the incident service were a third of an idle store's commands). A list reads the log
// forward first when this process has not seen its end within listFresh, so it shows
// another replica's records as soon as a list of any other collection would.
const listFresh = 500 * time.Millisecond

// trailTiming is the trail's follower's timing (a variable for the tests).
var trailTiming = store.Timing{IdlePoll: 10 * time.Second}

// NewRecorder returns a recorder over the "audit_records" collection of db, with its cache
// loaded (the AuditService lists from it).
func NewRecorder(ctx context.Context, db *mongo.Database, service string, log *slog.Logger) (*Recorder, error) {
	c := store.NewCollection[Record](db, "audit_records")
	c.Journal() // records are only created: each is stored once, as its log entry
	c.Tune(trailTiming)
	sorts.Declare(c)
	for name, key := range indexed {
		c.IndexBy(name, func(d *Doc) []string {
			if k := key(&d.Body); k != "" {
				return []string{k}
			}
			return nil
		})
	}
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	if err := c.Load(ctx); err != nil {
		return nil, err
	}
	if err := migrate(ctx, db.Collection("audit"), c); err != nil {
		return nil, fmt.Errorf("move the audit records of the \"audit\" collection: %w", err)
	}
	return &Recorder{records: c, service: service, log: log, now: time.Now}, nil
}

// migrate moves the records of old, the collection that held them before they were a
// platform/store collection, into c, and drops old: a full read of old, once. Each record
// keeps its name, and its name is its create request id, so a move cut short (or made by
// two replicas at once) is finished by the next start and stores nothing twice.
func migrate(ctx context.Context, old *mongo.Collection, c *store.Collection[Record]) error {
	cur, err := old.Find(ctx, bson.D{})
	if err != nil {
		return err
	}
	defer func() { _ = cur.Close(ctx) }()
	var batch []*Doc
	read := 0
	flush := func() error {
		_, err := c.CreateMany(ctx, batch)
		batch = batch[:0]
		return err
	}
	for cur.Next(ctx) {
		var rec struct {
			Name   string `bson:"_id"`
			Record `bson:",inline"`
		}
		if err := cur.Decode(&rec); err != nil {
			return err
		}
		read++
		batch = append(batch, &Doc{Name: rec.Name, Owner: rec.ActorForce, RequestID: rec.Name, Body: rec.Record})
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return err
	}
	if read == 0 {
		return nil
	}
	if err := flush(); err != nil {
		return err
	}
	return old.Drop(ctx)
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
		Actor: id.Subject, ActorForce: id.Force, ActorRole: string(id.Role),
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
	if err := r.insert(ctx, "auditRecords/"+newID(r.now()), rec); err != nil {
		r.log.ErrorContext(ctx, "audit record not written", "method", method, "error", err)
	}
}

// insert stores rec as the record named name and returns once it is committed: the call
// is answered only after its record is written. The records of calls ending at the same
// time are committed together, with one insert (the collection's group commit). Written
// even when the caller has gone (the trail must not depend on the client), within 5 s.
func (r *Recorder) insert(ctx context.Context, name string, rec Record) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, err := r.records.Create(ctx, &Doc{Name: name, Owner: rec.ActorForce, Body: rec})
	return err
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
