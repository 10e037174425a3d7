package suite

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tansiq/tansiq/bench/internal/proc"
	"github.com/tansiq/tansiq/bench/internal/report"
	"github.com/tansiq/tansiq/bench/internal/stats"
	"github.com/tansiq/tansiq/platform/auth"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Results is everything one run measured.
type Results struct {
	Started, Finished time.Time
	Machine           report.Machine
	GoVersion         string
	Modules           [][2]string
	Commit            string
	// Dirty lists the paths that differed from Commit when the run started; Behind is how
	// many commits of main the commit lacked.
	Dirty     []string
	Behind    string
	BuildTime time.Duration
	Commands  []string
	// ReplyBytes and RequestBytes are the sizes of the read's messages, which the
	// baseline's messages match.
	ReplyBytes, RequestBytes int

	GeoCmd, GapsCmd, PictureCmd string
	Geo, Gaps, Picture          map[string]map[string]stats.Summary
	GeoErr, GapsErr, PictureErr string
	// Token is platform/auth's BenchmarkVerify: a token checked in full and from the cache.
	Token              map[string]map[string]stats.Summary
	TokenCmd, TokenErr string
	cotResults

	Startups         []startup
	IdleRSS, LoadRSS map[string]int64

	Sweep                    map[int]series
	Peak, Half               int
	C1, AtPeak, AtHalf       series
	Ingest                   series
	ZoneNote                 string
	WritesPerCreate          map[string]float64
	Profiles                 []profile
	LoadSeconds, GoBenchTime time.Duration
	// Scale is the scale section, one step per size; Import the archive import after it.
	Scale  []scaleStep
	Import importResult
	// Settle is when the scale section counted the processes as settled after a start.
	Settle proc.Quiet
	// ScaleProfiles are the profiles taken where a scale target was missed.
	ScaleProfiles []profile
	// LoadAvgStart and LoadAvgEnd are /proc/loadavg before and after the run.
	LoadAvgStart, LoadAvgEnd string
}

// runner holds the state of one run.
type runner struct {
	o      Options
	log    io.Writer
	work   string
	bins   map[string]string
	pubKey string
	token  string
	// gatewayToken is the file holding the gateway's service token.
	gatewayToken string
	signer       *auth.Signer
	runID        string
	unique       atomic.Int64
	// created counts the successful creates of each create target.
	created   map[string]*atomic.Int64
	createdMu sync.Mutex
	stack     *stack
	base      *proc.Process
	conns     map[string]*grpc.ClientConn
	res       *Results
	// zone is the zone GetZone reads ("" when the gateway serves no zones).
	zone string
}

// Run runs every benchmark and writes the report. Progress goes to log.
func Run(ctx context.Context, o Options, log io.Writer) error {
	if err := o.check(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	work, err := os.MkdirTemp("", "tansiq-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := os.MkdirAll(o.Scratch, 0o755); err != nil {
		return err
	}
	r := &runner{o: o, log: log, work: work, bins: map[string]string{}, conns: map[string]*grpc.ClientConn{},
		runID: randomID()[:8], res: &Results{Started: time.Now()}}
	defer r.close()
	if err := r.run(ctx); err != nil {
		return err
	}
	r.res.Finished = time.Now()
	return r.write()
}

func (r *runner) close() {
	for _, c := range r.conns {
		_ = c.Close()
	}
	if r.base != nil {
		_ = r.base.Stop(5 * time.Second)
	}
	if r.stack != nil {
		r.stack.stop()
	}
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, "bench: "+format+"\n", args...)
}

// command records a command line for the report, with the temporary directory named $WORK.
func (r *runner) command(c string) {
	r.res.Commands = append(r.res.Commands, strings.ReplaceAll(c, r.work, "$WORK"))
}

func (r *runner) procs() []*proc.Process {
	var out []*proc.Process
	if r.stack != nil {
		out = r.stack.procs()
	}
	if r.base != nil {
		out = append(out, r.base)
	}
	return out
}

// callContext carries the bearer token, when authentication is on, on every call.
func (r *runner) callContext(ctx context.Context) context.Context {
	if r.token == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, auth.AuthorizationHeader, "Bearer "+r.token)
}

func (r *runner) run(ctx context.Context) error {
	res := r.res
	res.LoadAvgStart = proc.LoadAvg()
	defer func() { res.LoadAvgEnd = proc.LoadAvg() }()
	res.Machine = report.ThisMachine()
	res.GoVersion, res.Modules, res.Commit, res.Dirty = versions(ctx, r.o.Repo)
	res.Behind = strings.TrimSpace(output(ctx, r.o.Repo, "git", "rev-list", "--count", "HEAD..main"))

	r.logf("building the incident service and the gateway")
	if err := r.build(ctx); err != nil {
		return err
	}
	r.logf("running the Go benchmarks of zone placement, coverage and the picture")
	t0 := time.Now()
	r.goBenchmarks(ctx)
	res.GoBenchTime = time.Since(t0)

	if r.o.Auth {
		if err := r.mintToken(); err != nil {
			return err
		}
	}
	for cycle := range r.o.StartCycles {
		s, st, err := r.startStack(ctx, cycle)
		if err != nil {
			return err
		}
		res.Startups = append(res.Startups, st)
		r.logf("start-up %d: all healthy after %v", cycle+1, st.All.Round(time.Millisecond))
		if cycle < r.o.StartCycles-1 {
			s.stop()
			continue
		}
		r.stack = s
	}
	for _, p := range r.stack.procs()[1:] {
		conn, err := grpc.NewClient(p.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		r.conns[p.Name] = conn
	}
	if err := r.probeRead(ctx); err != nil {
		return err
	}
	var err error
	if r.base, err = r.startBaseline(ctx, max(res.ReplyBytes-3, 0)); err != nil {
		return err
	}
	baseConn, err := grpc.NewClient(r.base.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	r.conns[nameBaseline] = baseConn

	time.Sleep(time.Second) // let start-up garbage be collected before reading idle memory
	res.IdleRSS = map[string]int64{}
	for _, p := range r.procs() {
		if rss, err := proc.RSS(p.Pid()); err == nil {
			res.IdleRSS[p.Name] = rss
		}
	}
	reads := []target{baselineTarget(baseConn), getIncidentTarget(tDirect, r.conns[nameIncident]), getIncidentTarget(tGateway, r.conns[nameGateway])}
	if r.zone = r.probeZone(ctx); r.zone != "" {
		reads = append(reads, getZoneTarget(r.conns[nameGateway], r.zone))
	}

	loadStart := time.Now()
	sampler := proc.StartSampler(100*time.Millisecond, r.procs()...)
	defer func() {
		if res.LoadRSS == nil {
			res.LoadRSS = sampler.Stop()
		}
	}()
	res.Sweep = map[int]series{}
	for _, level := range r.o.Levels {
		r.logf("sweep: concurrency %d", level)
		s, err := r.measure(ctx, level, r.o.SweepRuns, r.o.SweepDuration, reads...)
		if err != nil {
			return err
		}
		res.Sweep[level] = s
	}
	res.Peak = r.peakLevel()
	res.Half = max(res.Peak/2, 1)
	r.logf("gateway throughput peaks at concurrency %d; headline runs at 1, %d and %d", res.Peak, res.Half, res.Peak)
	if res.C1, err = r.measure(ctx, 1, r.o.Runs, r.o.Duration, reads[:3]...); err != nil {
		return err
	}
	if res.AtPeak, err = r.measure(ctx, res.Peak, r.o.Runs, r.o.Duration, reads...); err != nil {
		return err
	}
	res.AtHalf = res.C1
	if res.Half > 1 {
		if res.AtHalf, err = r.measure(ctx, res.Half, r.o.Runs, r.o.Duration, reads[1:3]...); err != nil {
			return err
		}
	}
	r.logf("ingest at concurrency %d", r.o.IngestConcurrency)
	if err := r.ingest(ctx); err != nil {
		return err
	}
	res.LoadRSS = sampler.Stop()
	res.LoadSeconds = time.Since(loadStart)
	if r.o.Profile {
		r.profileMisses(ctx)
	}
	return r.scale(ctx)
}

// mintToken makes a signing key pair, the gateway's service token (without it the
// gateway's follower of the incident feed is refused, and placement, gaps and the picture
// see no incident), and a token for a Peshmerga operator, who may read every incident and
// create the Peshmerga's.
func (r *runner) mintToken() error {
	priv, pub, err := auth.GenerateDevKeys(r.work + "/keys")
	if err != nil {
		return err
	}
	key, err := auth.LoadPrivateKey(priv)
	if err != nil {
		return err
	}
	r.pubKey = pub
	r.signer = auth.NewSigner(key, auth.DefaultIssuer, auth.DefaultAudience)
	svc, err := r.signer.Mint(auth.ServiceIdentity(nameGateway), auth.DefaultMaxServiceLifetime)
	if err != nil {
		return err
	}
	r.gatewayToken = filepath.Join(r.work, "keys", "gateway.token")
	if err := os.WriteFile(r.gatewayToken, []byte(svc), 0o600); err != nil {
		return err
	}
	r.token, err = r.mintFor("bench")
	return err
}

// mintFor mints a Peshmerga operator's token for the person named person, valid for the
// longest a person's token may be: the scale section outlasts an hour.
func (r *runner) mintFor(person string) (string, error) {
	return r.signer.Mint(auth.Identity{
		Subject: "forces/peshmerga/people/" + person, Force: "forces/peshmerga", Role: auth.RoleOperator, DisplayName: person,
	}, auth.DefaultMaxLifetime)
}

// probeRead checks that the read works both ways and measures its message sizes.
func (r *runner) probeRead(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(r.callContext(ctx), 10*time.Second)
	defer cancel()
	req := &incidentv1.GetIncidentRequest{Name: readName}
	direct, err := incidentv1.NewIncidentServiceClient(r.conns[nameIncident]).GetIncident(ctx, req)
	if err != nil {
		return fmt.Errorf("GetIncident %s direct: %w", readName, err)
	}
	if _, err := incidentv1.NewIncidentServiceClient(r.conns[nameGateway]).GetIncident(ctx, req); err != nil {
		return fmt.Errorf("GetIncident %s through the gateway: %w", readName, err)
	}
	r.res.ReplyBytes, r.res.RequestBytes = proto.Size(direct), proto.Size(req)
	return nil
}

// probeZone creates a zone through the gateway's own ZoneService and returns its name, or
// "" with a note when the gateway does not serve zones (yet).
func (r *runner) probeZone(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(r.callContext(ctx), 10*time.Second)
	defer cancel()
	c := gatewayv1.NewZoneServiceClient(r.conns[nameGateway])
	created, err := c.CreateZone(ctx, &gatewayv1.CreateZoneRequest{
		ZoneId: "bench-makhmour-" + r.runID, RequestId: "bench-zone-" + r.runID,
		Zone: &gatewayv1.Zone{
			DisplayName:  &typev1.LocalizedName{English: "Makhmour (benchmark)", Arabic: "مخمور", Sorani: "مەخموور"},
			Kind:         gatewayv1.ZoneKind_ZONE_KIND_SHARED_SECURITY_INTEREST,
			Geometry:     &gatewayv1.Zone_Polygon{Polygon: zonePolygon()},
			Governorates: []string{"Erbil", "Nineveh"},
		},
	})
	switch {
	case status.Code(err) == codes.Unimplemented:
		r.res.ZoneNote = "the gateway does not serve tansiq.gateway.v1.ZoneService yet (UNIMPLEMENTED), so the read it answers from its own memory cannot be measured"
		return ""
	case err != nil:
		r.res.ZoneNote = fmt.Sprintf("CreateZone through the gateway failed (%v), so the zone read could not be measured", status.Code(err))
		r.logf("CreateZone: %v", err)
		return ""
	}
	if _, err := c.GetZone(ctx, &gatewayv1.GetZoneRequest{Name: created.GetZone().GetName()}); err != nil {
		r.res.ZoneNote = fmt.Sprintf("GetZone of the zone just created failed (%v)", status.Code(err))
		return ""
	}
	return created.GetZone().GetName()
}

// peakLevel is the sweep's concurrency with the highest median gateway throughput (the
// direct one's when the gateway failed throughout).
func (r *runner) peakLevel() int {
	best, bestRPS := r.o.Levels[0], -1.0
	for _, name := range []string{tGateway, tDirect} {
		for _, level := range r.o.Levels {
			if v := figure(r.res.Sweep[level][name], rps).Median; v > bestRPS {
				best, bestRPS = level, v
			}
		}
		if bestRPS > 0 {
			break
		}
	}
	return best
}

// ingest compares creates through the gateway with a bare insert loop on the same store.
func (r *runner) ingest(ctx context.Context) error {
	client, err := connectStore(r.stack.storeURI)
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	coll, err := prepareBareCollection(ctx, client.Database("bench_bare"))
	if err != nil {
		return err
	}
	dbs := []string{"tansiq_incident", "tansiq_gateway"}
	before, err := countDocs(ctx, client, dbs)
	if err != nil {
		return err
	}
	made0 := map[string]int64{tCreate: r.createdBy(tCreate).Load(), tCreateDirect: r.createdBy(tCreateDirect).Load()}
	targets := []target{r.createTarget(tCreate, r.conns[nameGateway]), r.insertTarget(coll), r.createTarget(tCreateDirect, r.conns[nameIncident])}
	r.res.Ingest, err = r.measure(ctx, r.o.IngestConcurrency, r.o.Runs, r.o.Duration, targets...)
	if err != nil {
		return err
	}
	after, err := countDocs(ctx, client, dbs)
	if err != nil {
		return err
	}
	// Documents are divided by the creates that succeeded, warm-up included (the
	// warm-up writes too): all of them for the incident service's database, those through
	// the gateway for the gateway's. Only collection sizes are read, not the documents.
	gw := r.createdBy(tCreate).Load() - made0[tCreate]
	all := gw + r.createdBy(tCreateDirect).Load() - made0[tCreateDirect]
	r.res.WritesPerCreate = map[string]float64{}
	for key, n := range after {
		added := n - before[key]
		per := all
		if strings.HasPrefix(key, "tansiq_gateway.") {
			per = gw
		}
		if added > 0 && per > 0 {
			r.res.WritesPerCreate[key] = float64(added) / float64(per)
		}
	}
	return nil
}

// createdBy counts the creates of one target that succeeded.
func (r *runner) createdBy(target string) *atomic.Int64 {
	r.createdMu.Lock()
	defer r.createdMu.Unlock()
	if r.created == nil {
		r.created = map[string]*atomic.Int64{}
	}
	if r.created[target] == nil {
		r.created[target] = &atomic.Int64{}
	}
	return r.created[target]
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
