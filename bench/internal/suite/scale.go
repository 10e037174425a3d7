package suite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/bench/internal/proc"
	"github.com/tansiq/tansiq/platform/auth"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Target names of the scale section.
const (
	tGetLoaded = "get"      // GetIncident of loaded incidents, through the gateway
	tGetOne    = "get-c1"   // the same at concurrency 1, for its latency
	tList      = "list"     // ListIncidents, first page of 50
	tFiltered  = "filtered" // ListIncidents, governorate and time window, first page of 50
	tGaps      = "gaps"     // ListCoverageGaps over a half-year window
)

// The filtered page: two years of one governorate, which hold about one loaded incident
// in 15 at every size; the coverage window is the second of them (a year is the longest
// window the gateway takes).
const (
	scaleGovernorate = "Nineveh"
	scaleFrom        = "2018-01-01T00:00:00Z"
	scaleGapsFrom    = "2019-01-01T00:00:00Z"
	scaleTo          = "2020-01-01T00:00:00Z"
)

var scaleFilter = fmt.Sprintf(`governorate = %q AND occur_time >= %q AND occur_time < %q`, scaleGovernorate, scaleFrom, scaleTo)

// scaleStep is what was measured with Size incidents loaded.
type scaleStep struct {
	Size int
	// Load is the part of this step's incidents created through the gateway; Bulk the rest,
	// stored by the incident service's batch loader (BulkOutput is its summary line).
	Load, Bulk loadPhase
	BulkOutput string
	// Write is CreateIncident through the gateway against a bare insert into the same
	// store, at WriteConcurrency.
	Write            series
	WriteConcurrency int
	// Get holds GetIncident through the gateway and the baseline at concurrency 64;
	// Reads the list, filtered list and gaps calls at concurrency 1.
	Get, Reads series
	// Idle and Watched are each process's CPU, in cores, over a window with nobody calling
	// and with the idle watches open.
	Idle, Watched map[string]float64
	// Watches is how many of the WatchesAsked streams were still open at the window's end.
	Watches, WatchesAsked int
	WatchErr              string
	Window                time.Duration
	RSS                   map[string]int64
	Restart               startup
	RestartErr            string
	// Settle is the wait, after all were healthy, until the processes were quiet
	// (Options.Settle); everything above but the load and the start was measured after it.
	Settle         proc.Settled
	IncidentsTotal int
}

// loadPhase is one run of creates through the API.
type loadPhase struct {
	Created, Failed, Retried int64
	FirstError               string
	Elapsed                  time.Duration
	Concurrency, Conns       int
}

func (l loadPhase) rate() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Created) / l.Elapsed.Seconds()
}

// scaleRun is the state of the scale section: its stack, connections and the names of
// some loaded incidents to read.
type scaleRun struct {
	data  string
	conns []*grpc.ClientConn
	names []string
	// loaded is how many incidents the load has asked for; created how many it stored.
	loaded, created int
	mu              sync.Mutex
}

// scale loads incidents through the gateway up to each size and measures the reads, the
// idle cost of watches, memory and a restart at each.
func (r *runner) scale(ctx context.Context) error {
	if len(r.o.ScaleSizes) == 0 {
		return nil
	}
	if r.stack != nil { // the headline stack is done with: its CPU must not blur the idle figures
		r.stack.stop()
		r.stack = nil
	}
	sr := &scaleRun{data: filepath.Join(r.work, "data-scale")}
	r.res.Settle = r.o.Settle
	defer sr.close()
	if err := r.scaleStart(ctx, sr, "scale", true); err != nil {
		return err
	}
	for _, size := range r.o.ScaleSizes {
		step := scaleStep{Size: size}
		if api := min(size, r.o.APILoad); api > sr.loaded {
			r.logf("scale: loading %d incidents through the gateway (%d there)", api, sr.loaded)
			var err error
			if step.Load, err = r.loadTo(ctx, sr, api); err != nil {
				return err
			}
			r.logf("scale: %d loaded (%.0f creates/s)", sr.loaded, step.Load.rate())
		}
		// Restart on the loaded data, after storing the rest with the batch loader: start to
		// healthy is the time to load them into the service's cache (its newest snapshot, then the
		// log entries after it: see platform/store/snapshot.go).
		r.stack.stop()
		r.stack = nil
		if size > sr.loaded {
			r.logf("scale: storing incidents %d to %d with the incident service's batch loader", sr.loaded, size)
			var err error
			if step.Bulk, step.BulkOutput, err = r.bulkLoad(ctx, sr, size); err != nil {
				return err
			}
		}
		s, st, err := r.startStackOn(ctx, sr.data, fmt.Sprintf("scale-%d", size), false)
		if err != nil {
			step.RestartErr = err.Error()
			return fmt.Errorf("restart at %d incidents: %w", size, err)
		}
		r.stack, step.Restart = s, st
		if err := r.scaleConnect(sr); err != nil {
			return err
		}
		r.logf("scale: %d stored, all healthy after %v; waiting for the processes to settle", sr.loaded, st.All.Round(time.Millisecond))
		if step.Settle, err = proc.WaitQuiet(ctx, r.o.Settle, r.stack.procs()...); err != nil {
			return fmt.Errorf("settling at %d incidents: %w", size, err)
		}
		r.logf("scale: %s; measuring", settleText(step.Settle, r.res.Settle))
		if err := r.scaleMeasure(ctx, sr, &step); err != nil {
			return err
		}
		r.res.Scale = append(r.res.Scale, step)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if r.o.ImportRows > 0 {
		if err := r.importArchive(ctx, sr); err != nil {
			r.res.Import.Err = err.Error()
			r.logf("import: %v", err)
		}
	}
	r.scaleProfiles(ctx, sr)
	return nil
}

func (sr *scaleRun) close() {
	for _, c := range sr.conns {
		_ = c.Close()
	}
	sr.conns = nil
}

// scaleStart starts the stack on the scale data and opens the clients' connections.
func (r *runner) scaleStart(ctx context.Context, sr *scaleRun, tag string, record bool) error {
	s, _, err := r.startStackOn(ctx, sr.data, tag, record)
	if err != nil {
		return err
	}
	r.stack = s
	return r.scaleConnect(sr)
}

// scaleConnect opens LoadConns connections to the gateway: many clients, not one.
func (r *runner) scaleConnect(sr *scaleRun) error {
	sr.close()
	for range max(r.o.LoadConns, 1) {
		c, err := grpc.NewClient(r.stack.gateway.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		sr.conns = append(sr.conns, c)
	}
	return nil
}

// loadTo creates incidents through the gateway's CreateIncident until size have been
// loaded, with LoadConcurrency callers spread over the connections. Every create has its
// own request id, so a retry after UNAVAILABLE or a deadline stores nothing twice.
func (r *runner) loadTo(ctx context.Context, sr *scaleRun, size int) (loadPhase, error) {
	lp := loadPhase{Concurrency: r.o.LoadConcurrency, Conns: len(sr.conns)}
	if size <= sr.loaded {
		return lp, nil
	}
	next := atomic.Int64{}
	next.Store(int64(sr.loaded))
	var created, failed, retried atomic.Int64
	var firstErr atomic.Value
	ctx = r.callContext(ctx)
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range r.o.LoadConcurrency {
		c := incidentv1.NewIncidentServiceClient(sr.conns[w%len(sr.conns)])
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= size {
					return
				}
				req := &incidentv1.CreateIncidentRequest{Incident: scaleIncident(i), RequestId: fmt.Sprintf("scale-%s-%d", r.runID, i)}
				var resp *incidentv1.CreateIncidentResponse
				var err error
				for attempt := range 4 {
					cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					resp, err = c.CreateIncident(cctx, req)
					cancel()
					if code := status.Code(err); code != codes.Unavailable && code != codes.DeadlineExceeded && code != codes.Aborted || attempt == 3 {
						break
					}
					retried.Add(1)
					time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, errText(err))
					continue
				}
				created.Add(1)
				if i%97 == 0 {
					sr.mu.Lock()
					sr.names = append(sr.names, resp.GetIncident().GetName())
					sr.mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	lp.Elapsed = time.Since(t0)
	lp.Created, lp.Failed, lp.Retried = created.Load(), failed.Load(), retried.Load()
	if v, ok := firstErr.Load().(string); ok {
		lp.FirstError = v
	}
	sr.loaded = size
	sr.created += int(lp.Created)
	if err := ctx.Err(); err != nil {
		return lp, err
	}
	if lp.Created == 0 {
		return lp, fmt.Errorf("loading: every create failed: %s", lp.FirstError)
	}
	return lp, nil
}

// scaleIncidentKinds, scaleGovernorates and scaleDistricts vary the loaded incidents, so
// filters select a share of them rather than all or none.
var (
	scaleKinds = []incidentv1.IncidentKind{
		incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, incidentv1.IncidentKind_INCIDENT_KIND_IED,
		incidentv1.IncidentKind_INCIDENT_KIND_INDIRECT_FIRE, incidentv1.IncidentKind_INCIDENT_KIND_AMBUSH,
		incidentv1.IncidentKind_INCIDENT_KIND_SNIPER,
	}
	scalePlaces = []struct {
		district, governorate string
		lat, lng              float64
	}{
		{"Makhmour", "Nineveh", 35.78, 43.58}, {"Sinjar", "Nineveh", 36.32, 41.87}, {"Kirkuk", "Kirkuk", 35.47, 44.39},
		{"Tuz Khurmatu", "Saladin", 34.88, 44.63}, {"Khanaqin", "Diyala", 34.35, 45.38}, {"Daquq", "Kirkuk", 35.14, 44.45},
	}
	scaleEpoch = time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
)

// scaleSpan is the ten years the loaded incidents' times cover, in minutes, and
// scaleStride the step between consecutive ones: the span times the golden ratio's
// fraction, so the first n times spread evenly over the span for every n.
const (
	scaleSpan   = 10 * 365 * 24 * 60
	scaleStride = 3_248_387
)

// scaleIncident is the i-th incident of the load: kinds, places and times vary with i, so
// a window of one governorate holds the same share of any size.
func scaleIncident(i int) *incidentv1.Incident {
	pl := scalePlaces[i%len(scalePlaces)]
	occur := scaleEpoch.Add(time.Duration(i*scaleStride%scaleSpan) * time.Minute)
	var casualties *incidentv1.Casualties
	if w := int32(i % 4); w > 0 { // a count of zero is no count: the service refuses sides without one
		casualties = &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: w}}}
	}
	return &incidentv1.Incident{
		Kind:  scaleKinds[i%len(scaleKinds)],
		Title: fmt.Sprintf("Attack %d near %s", i, pl.district), Description: benchDesc,
		OccurTime: timestamppb.New(occur), TimePrecision: typev1.TimePrecision_TIME_PRECISION_EXACT,
		Place: &typev1.Place{
			Point:     &typev1.LatLng{Latitude: pl.lat + float64(i%100)/1000, Longitude: pl.lng + float64(i%37)/1000},
			Name:      &typev1.LocalizedName{English: pl.district},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR,
		},
		District: pl.district, Governorates: []string{pl.governorate},
		Perpetrator:    &incidentv1.Perpetrator{Assessed: "ISIS", Confidence: incidentv1.Confidence_CONFIDENCE_MEDIUM},
		Casualties:     casualties,
		ReportingForce: "forces/peshmerga",
	}
}

// scaleMeasure measures one step on the loaded stack, then restarts it on the same data.
func (r *runner) scaleMeasure(ctx context.Context, sr *scaleRun, step *scaleStep) error {
	gw := sr.conns[0]
	reads := []target{listTarget(tList, gw, ""), listTarget(tFiltered, gw, scaleFilter), gapsTarget(gw)}
	if len(sr.names) > 0 {
		reads = append(reads, getLoadedTarget(sr.conns[:1], sr.names, tGetOne))
	}
	var err error
	if step.Reads, err = r.measure(ctx, 1, r.o.ScaleRuns, r.o.ScaleDuration, reads...); err != nil {
		return err
	}
	if len(sr.names) > 0 && r.base != nil {
		get := getLoadedTarget(sr.conns, sr.names, tGetLoaded)
		if step.Get, err = r.measure(ctx, 64, r.o.ScaleRuns, r.o.ScaleDuration, baselineTarget(r.conns[nameBaseline]), get); err != nil {
			return err
		}
	}
	step.Window, step.WatchesAsked = r.o.IdleWindow, r.o.Watches
	step.Idle = r.idleCPU(ctx, step.Window)
	step.Watched, step.Watches, step.WatchErr = r.watchedCPU(ctx, sr, r.o.Watches, step.Window)
	step.RSS = map[string]int64{}
	for _, p := range r.stack.procs() {
		if rss, err := proc.RSS(p.Pid()); err == nil {
			step.RSS[p.Name] = rss
		}
	}
	step.IncidentsTotal = sr.created
	// Creates last: they add incidents, which the next size counts in.
	step.WriteConcurrency = r.o.IngestConcurrency
	if step.Write, err = r.scaleWrites(ctx, gw); err != nil {
		return err
	}
	return nil
}

// scaleWrites measures CreateIncident through the gateway against a bare insert loop on
// the same store, at the ingest concurrency.
func (r *runner) scaleWrites(ctx context.Context, gw grpc.ClientConnInterface) (series, error) {
	client, err := connectStore(r.stack.storeURI)
	if err != nil {
		return nil, err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	coll, err := prepareBareCollection(ctx, client.Database("bench_bare"))
	if err != nil {
		return nil, err
	}
	return r.measure(ctx, r.o.IngestConcurrency, r.o.ScaleRuns, r.o.ScaleDuration, r.createTarget(tCreate, gw), r.insertTarget(coll))
}

// bulkLoad stores incidents sr.loaded to size with the incident service's batch loader
// (cmd/incident-load: CreateIncident's validation and authorization, then the service's
// store in batches), on the scale data with only the store running. It returns the
// loader's summary line.
func (r *runner) bulkLoad(ctx context.Context, sr *scaleRun, size int) (loadPhase, string, error) {
	lp := loadPhase{}
	archive := filepath.Join(r.work, fmt.Sprintf("archive-%d.jsonl", size))
	var b bytes.Buffer
	for i := sr.loaded; i < size; i++ {
		id := fmt.Sprintf("bench-%d", i)
		line, err := protojson.Marshal(&incidentv1.CreateIncidentRequest{Incident: scaleIncident(i), IncidentId: id, RequestId: fmt.Sprintf("scale-%s-%d", r.runID, i)})
		if err != nil {
			return lp, "", err
		}
		b.Write(line)
		b.WriteByte('\n')
		if i%97 == 0 {
			sr.names = append(sr.names, "incidents/"+id)
		}
	}
	if err := os.WriteFile(archive, b.Bytes(), 0o644); err != nil {
		return lp, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return lp, "", err
	}
	uri := "mongodb://" + addr + "/"
	store, err := r.startStore(ctx, []string{"serve-store", "--listen", addr, "--data-dir", filepath.Join(sr.data, "store")}, uri, filepath.Join(r.work, fmt.Sprintf("store-bulk-%d.log", size)))
	if err != nil {
		return lp, "", err
	}
	defer func() { _ = store.Stop(10 * time.Second) }()
	args := []string{"--mongo-uri", uri, "--as", "forces/peshmerga/people/bench-loader", archive}
	r.command("incident-load " + strings.ReplaceAll(strings.Join(args, " "), addr, "$STORE"))
	t0 := time.Now()
	out, err := exec.CommandContext(ctx, r.bins[nameLoader], args...).CombinedOutput()
	lp.Elapsed = time.Since(t0)
	summary := oneLine(string(out), 300)
	if err != nil {
		return lp, summary, fmt.Errorf("incident-load: %w: %s", err, summary)
	}
	lp.Created = int64(size - sr.loaded)
	sr.created += size - sr.loaded
	sr.loaded = size
	return lp, summary, nil
}

// idleCPU is each process's CPU, in cores, over window with nobody calling.
func (r *runner) idleCPU(ctx context.Context, window time.Duration) map[string]float64 {
	procs := r.stack.procs()
	c0 := proc.SnapshotCPU(procs...)
	t0 := time.Now()
	sleep(ctx, window)
	return cores(proc.SnapshotCPU(procs...).Since(c0), time.Since(t0))
}

// watchedCPU opens n WatchIncidents streams through the gateway that start at now, so they
// only wait, each for another person (token), and returns each process's CPU in cores over window while they are open, the
// number still open at its end, and the first stream error.
func (r *runner) watchedCPU(ctx context.Context, sr *scaleRun, n int, window time.Duration) (map[string]float64, int, string) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var open atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for i := range n {
		c := incidentv1.NewIncidentServiceClient(sr.conns[i%len(sr.conns)])
		sctx := wctx
		if r.signer != nil {
			// Each watcher is another person: the gateway caps the streams of one caller.
			tok, err := r.mintFor(fmt.Sprintf("watcher-%d", i))
			if err != nil {
				firstErr.CompareAndSwap(nil, err.Error())
				continue
			}
			sctx = metadata.AppendToOutgoingContext(wctx, auth.AuthorizationHeader, "Bearer "+tok)
		}
		stream, err := c.WatchIncidents(sctx, &incidentv1.WatchIncidentsRequest{StartAtNow: true})
		if err != nil {
			firstErr.CompareAndSwap(nil, err.Error())
			continue
		}
		open.Add(1)
		wg.Go(func() {
			for {
				if _, err := stream.Recv(); err != nil {
					if wctx.Err() == nil {
						firstErr.CompareAndSwap(nil, err.Error())
						open.Add(-1)
					}
					return
				}
			}
		})
	}
	sleep(ctx, time.Second) // the streams reach the service and settle
	procs := r.stack.procs()
	c0 := proc.SnapshotCPU(procs...)
	t0 := time.Now()
	sleep(ctx, window)
	out := cores(proc.SnapshotCPU(procs...).Since(c0), time.Since(t0))
	stillOpen := int(open.Load())
	cancel()
	wg.Wait()
	msg, _ := firstErr.Load().(string)
	return out, stillOpen, msg
}

func cores(cpu proc.CPUSnapshot, elapsed time.Duration) map[string]float64 {
	out := map[string]float64{}
	for name, d := range cpu {
		out[name] = d.Seconds() / elapsed.Seconds()
	}
	return out
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func listTarget(name string, conn grpc.ClientConnInterface, filter string) target {
	c := incidentv1.NewIncidentServiceClient(conn)
	return target{name, func(ctx context.Context, _ int64) error {
		resp, err := c.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{PageSize: 50, Filter: filter})
		if err == nil && len(resp.GetIncidents()) == 0 {
			return errors.New("empty page")
		}
		return err
	}}
}

func gapsTarget(conn grpc.ClientConnInterface) target {
	c := gatewayv1.NewCoverageServiceClient(conn)
	from, _ := time.Parse(time.RFC3339, scaleGapsFrom)
	to, _ := time.Parse(time.RFC3339, scaleTo)
	return target{tGaps, func(ctx context.Context, _ int64) error {
		_, err := c.ListCoverageGaps(ctx, &gatewayv1.ListCoverageGapsRequest{StartTime: timestamppb.New(from), EndTime: timestamppb.New(to)})
		return err
	}}
}

// getLoadedTarget reads loaded incidents in turn, each call on the next connection.
func getLoadedTarget(conns []*grpc.ClientConn, names []string, name string) target {
	clients := make([]incidentv1.IncidentServiceClient, len(conns))
	for i, c := range conns {
		clients[i] = incidentv1.NewIncidentServiceClient(c)
	}
	return target{name, func(ctx context.Context, seq int64) error {
		_, err := clients[seq%int64(len(clients))].GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: names[seq%int64(len(names))]})
		return err
	}}
}

// errText is a call's error on one line, with the fields a BadRequest names.
func errText(err error) string {
	st := status.Convert(err)
	out := st.Code().String() + ": " + st.Message()
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out += fmt.Sprintf("; %s: %s", v.GetField(), v.GetDescription())
			}
		}
	}
	return oneLine(out, 300)
}

// oneLine keeps text on one line of a table, cut to at most n bytes.
func oneLine(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) > n {
		text = text[:n] + "…"
	}
	return text
}
