package webserver_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/tansiq/tansiq/gateway/internal/edge"
	"github.com/tansiq/tansiq/gateway/internal/webserver"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/authtest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

const (
	pictureMethod  = "/tansiq.gateway.v1.CoverageService/GetOperationalPicture"
	watchMethod    = "/tansiq.gateway.v1.CoverageService/WatchOperationalPicture"
	incidentMethod = "/tansiq.incident.v1.IncidentService/GetIncident"
)

// coverage is the gateway's own service in these tests: it answers with who called.
type coverage struct {
	gatewayv1.UnimplementedCoverageServiceServer
}

func (coverage) GetOperationalPicture(ctx context.Context, req *gatewayv1.GetOperationalPictureRequest) (*gatewayv1.GetOperationalPictureResponse, error) {
	if req.GetZone() == "" {
		var v apperr.Violations
		v.Required("zone", true)
		return nil, apperr.ToStatus(v.Err(), "tansiq.gateway")
	}
	id, _ := auth.FromContext(ctx)
	return &gatewayv1.GetOperationalPictureResponse{ResumeToken: id.Subject}, nil
}

func (coverage) WatchOperationalPicture(req *gatewayv1.WatchOperationalPictureRequest, s grpc.ServerStreamingServer[gatewayv1.WatchOperationalPictureResponse]) error {
	id, _ := auth.FromContext(s.Context())
	for _, tok := range []string{"1", "2", id.Subject} {
		if err := s.Send(&gatewayv1.WatchOperationalPictureResponse{ResumeToken: tok,
			Change: &gatewayv1.PictureChange{Zone: req.GetZone()}}); err != nil {
			return err
		}
	}
	return nil
}

// incidents is a backend the gateway forwards to: it answers with the token it received.
type incidents struct {
	incidentv1.UnimplementedIncidentServiceServer
}

func (incidents) GetIncident(ctx context.Context, req *incidentv1.GetIncidentRequest) (*incidentv1.GetIncidentResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	return &incidentv1.GetIncidentResponse{Incident: &incidentv1.Incident{Name: req.GetName(),
		Title: strings.Join(md.Get("authorization"), ",")}}, nil
}

type fixture struct {
	url   string
	keys  *authtest.Keys
	token string
}

// start serves, on a real HTTP/1.1 listener as a browser reaches it, a gateway gRPC
// server with real authentication, one service of its own and one forwarded to a backend
// process over gRPC.
func start(t *testing.T, devIdentities string) fixture {
	t.Helper()
	backend := grpc.NewServer()
	incidentv1.RegisterIncidentServiceServer(backend, incidents{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = backend.Serve(lis) }()
	t.Cleanup(backend.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	routes := edge.Routes{incidentv1.IncidentService_ServiceDesc.ServiceName: conn}

	keys := authtest.NewKeys(t)
	a := &auth.Authenticator{Verifier: keys.Verifier}
	opts := append(edge.ServerOptions(routes, 0), grpc.ChainUnaryInterceptor(a.Unary()), grpc.ChainStreamInterceptor(a.Stream()))
	gw := grpc.NewServer(opts...)
	gatewayv1.RegisterCoverageServiceServer(gw, coverage{})

	h, err := webserver.Handler(webserver.Config{GRPC: gw, Services: edge.Services(gw, routes),
		Assets: fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Tansiq</title>")}}, DevIdentitiesFile: devIdentities})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return fixture{url: srv.URL, keys: keys, token: keys.Token(t, authtest.Operator("forces/peshmerga"))}
}

func bearer(token string) connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, r connect.AnyRequest) (connect.AnyResponse, error) {
			r.Header().Set("Authorization", "Bearer "+token)
			return next(ctx, r)
		}
	}))
}

// protocols are the browser protocols: Connect (binary and JSON) and gRPC-Web.
var protocols = map[string][]connect.ClientOption{
	"connect":      nil,
	"connect-json": {connect.WithProtoJSON()},
	"grpc-web":     {connect.WithGRPCWeb()},
}

func TestUnaryCallsCarryTheTokenThroughAuthentication(t *testing.T) {
	f := start(t, "")
	for name, opts := range protocols {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			call := connect.NewClient[gatewayv1.GetOperationalPictureRequest, gatewayv1.GetOperationalPictureResponse](
				http.DefaultClient, f.url+pictureMethod, opts...)
			_, err := call.CallUnary(ctx, connect.NewRequest(&gatewayv1.GetOperationalPictureRequest{Zone: "zones/-"}))
			if connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("without a token: %v, want UNAUTHENTICATED", err)
			}

			withToken := connect.NewClient[gatewayv1.GetOperationalPictureRequest, gatewayv1.GetOperationalPictureResponse](
				http.DefaultClient, f.url+pictureMethod, append(opts, bearer(f.token))...)
			res, err := withToken.CallUnary(ctx, connect.NewRequest(&gatewayv1.GetOperationalPictureRequest{Zone: "zones/-"}))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res.Msg.GetResumeToken(), authtest.Operator("forces/peshmerga").Subject; got != want {
				t.Fatalf("the handler saw caller %q, want %q", got, want)
			}

			_, err = withToken.CallUnary(ctx, connect.NewRequest(&gatewayv1.GetOperationalPictureRequest{}))
			var ce *connect.Error
			if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument {
				t.Fatalf("empty zone: %v, want INVALID_ARGUMENT", err)
			}
			var fields []string
			var reason string
			for _, d := range ce.Details() {
				switch m, _ := d.Value(); v := m.(type) {
				case *errdetails.BadRequest:
					for _, fv := range v.GetFieldViolations() {
						fields = append(fields, fv.GetField())
					}
				case *errdetails.ErrorInfo:
					reason = v.GetReason()
				}
			}
			if strings.Join(fields, ",") != "zone" || reason != "INVALID_ARGUMENT" {
				t.Fatalf("details: field violations %v, reason %q; want [zone] and INVALID_ARGUMENT", fields, reason)
			}
		})
	}
}

func TestServerStreamsReachTheBrowserProtocols(t *testing.T) {
	f := start(t, "")
	for name, opts := range protocols {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			client := connect.NewClient[gatewayv1.WatchOperationalPictureRequest, gatewayv1.WatchOperationalPictureResponse](
				http.DefaultClient, f.url+watchMethod, opts...)
			req := connect.NewRequest(&gatewayv1.WatchOperationalPictureRequest{Zone: "zones/makhmour"})
			req.Header().Set("Authorization", "Bearer "+f.token)
			stream, err := client.CallServerStream(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for stream.Receive() {
				if stream.Msg().GetChange().GetZone() != "zones/makhmour" {
					t.Fatalf("change for %q", stream.Msg().GetChange().GetZone())
				}
				got = append(got, stream.Msg().GetResumeToken())
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			want := "1,2," + authtest.Operator("forces/peshmerga").Subject
			if strings.Join(got, ",") != want {
				t.Fatalf("received %v, want %s", got, want)
			}
		})
	}
}

// browserHeaders are what a browser sends over HTTP/1.1 and HTTP/2 forbids.
func browserHeaders() connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, r connect.AnyRequest) (connect.AnyResponse, error) {
			r.Header().Set("Connection", "keep-alive")
			r.Header().Set("Keep-Alive", "timeout=5")
			return next(ctx, r)
		}
	}))
}

func TestForwardedAPIsGetTheCallersToken(t *testing.T) {
	f := start(t, "")
	client := connect.NewClient[incidentv1.GetIncidentRequest, incidentv1.GetIncidentResponse](
		http.DefaultClient, f.url+incidentMethod, bearer(f.token), browserHeaders())
	res, err := client.CallUnary(context.Background(), connect.NewRequest(&incidentv1.GetIncidentRequest{Name: "incidents/khidr-jija"}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg.GetIncident().GetName() != "incidents/khidr-jija" || res.Msg.GetIncident().GetTitle() != "Bearer "+f.token {
		t.Fatalf("the backend answered %v; want the name echoed and the caller's token forwarded", res.Msg.GetIncident())
	}
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

func TestServesTheAppWithItsOwnOriginOnly(t *testing.T) {
	f := start(t, "")
	code, h, body := get(t, f.url+"/")
	if code != http.StatusOK || !strings.Contains(body, "<title>Tansiq</title>") {
		t.Fatalf("GET /: %d %q", code, body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("Content-Security-Policy %q lets the app load from elsewhere", csp)
	}
	if code, _, _ := get(t, f.url+webserver.DevIdentitiesPath); code != http.StatusNotFound {
		t.Fatalf("development identities without a file: %d, want 404", code)
	}
}

func TestDevIdentitiesComeFromTheStacksFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "identities.json")
	if err := os.WriteFile(path, []byte(`[{"displayName":"dev"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	f := start(t, path)
	code, h, body := get(t, f.url+webserver.DevIdentitiesPath)
	if code != http.StatusOK || body != `[{"displayName":"dev"}]` || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET %s: %d %q %v", webserver.DevIdentitiesPath, code, body, h)
	}
}
