package suite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/bench/internal/baseline"
	"github.com/tansiq/tansiq/bench/internal/load"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Target names, as they appear in the report.
const (
	tBaseline     = "baseline"      // bare grpc-go, trivial method
	tDirect       = "direct"        // GetIncident straight to the incident service
	tGateway      = "gateway"       // GetIncident through the gateway
	tZone         = "zone"          // GetZone answered by the gateway itself
	tCreate       = "create"        // CreateIncident through the gateway
	tCreateDirect = "create-direct" // CreateIncident straight to the service
	tInsert       = "insert"        // bare mongo-driver InsertOne
)

// readName is the seed incident every read asks for: the largest of the scenario.
const readName = "incidents/khidr-jija-attack-2021-12-02"

// target is one thing to drive.
type target struct {
	name string
	call load.Call
}

func baselineTarget(conn grpc.ClientConnInterface) target {
	return target{tBaseline, func(ctx context.Context, _ int64) error {
		_, err := baseline.Get(ctx, conn, readName)
		return err
	}}
}

func getIncidentTarget(name string, conn grpc.ClientConnInterface) target {
	c := incidentv1.NewIncidentServiceClient(conn)
	return target{name, func(ctx context.Context, _ int64) error {
		_, err := c.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: readName})
		return err
	}}
}

func getZoneTarget(conn grpc.ClientConnInterface, zone string) target {
	c := gatewayv1.NewZoneServiceClient(conn)
	return target{tZone, func(ctx context.Context, _ int64) error {
		_, err := c.GetZone(ctx, &gatewayv1.GetZoneRequest{Name: zone})
		return err
	}}
}

// createTarget creates a new incident per call, each under a request id never used before.
func (r *runner) createTarget(name string, conn grpc.ClientConnInterface) target {
	c := incidentv1.NewIncidentServiceClient(conn)
	in := benchIncident()
	created := r.createdBy(name)
	return target{name, func(ctx context.Context, _ int64) error {
		_, err := c.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{
			Incident: in, RequestId: fmt.Sprintf("%s%d", r.requestPrefix(name), r.unique.Add(1)),
		})
		if err == nil {
			created.Add(1)
		}
		return err
	}}
}

// requestPrefix starts the request ids of one create target in this run, so the
// incidents created through the gateway can be counted apart.
func (r *runner) requestPrefix(target string) string {
	return fmt.Sprintf("bench-%s-%s-", r.runID, target)
}

// insertTarget inserts, per call, a document holding the incident every create sends (its
// protobuf encoding, under a new _id and request id): what a bare driver loop on the same
// store costs. It mirrors no service's stored format, which is the service's own business.
func (r *runner) insertTarget(coll *mongo.Collection) target {
	body, err := proto.Marshal(benchIncident())
	if err != nil {
		panic(err) // a fixed, valid message
	}
	return target{tInsert, func(ctx context.Context, _ int64) error {
		n := r.unique.Add(1)
		_, err := coll.InsertOne(ctx, bson.D{
			{Key: "_id", Value: fmt.Sprintf("incidents/bench-%s-%d", r.runID, n)},
			{Key: "request_id", Value: fmt.Sprintf("%s%d", r.requestPrefix(tInsert), n)},
			{Key: "create_time", Value: time.Now().UTC()},
			{Key: "incident", Value: body},
		})
		return err
	}}
}

// prepareBareCollection creates the bare loop's collection with a unique request_id index,
// as a create path that deduplicates requests needs.
func prepareBareCollection(ctx context.Context, db *mongo.Database) (*mongo.Collection, error) {
	coll := db.Collection("incidents")
	_, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "request_id", Value: 1}}, Options: options.Index().SetName("request_id_unique").SetUnique(true),
	})
	return coll, err
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// The incident every create sends: a realistic report, of the size of the seed's.
var (
	benchOccur  = time.Date(2021, 12, 5, 3, 30, 0, 0, time.UTC)
	benchSource = time.Date(2021, 12, 5, 0, 0, 0, 0, time.UTC)
)

const (
	benchTitle = "IED on the Makhmour road"
	benchDesc  = "A roadside bomb hit a Peshmerga patrol on the road between Makhmour and Qarachogh at dawn; " +
		"the patrol was returning from a joint checkpoint."
	benchNotes = "Reported by the patrol's commander; no claim yet."
)

func benchIncident() *incidentv1.Incident {
	return &incidentv1.Incident{
		Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: benchTitle, Description: benchDesc,
		OccurTime: timestamppb.New(benchOccur), TimePrecision: typev1.TimePrecision_TIME_PRECISION_EXACT,
		Place: &typev1.Place{
			Point:     &typev1.LatLng{Latitude: 35.80, Longitude: 43.60},
			Name:      &typev1.LocalizedName{Arabic: "مخمور", Sorani: "مەخموور", English: "Makhmour", Aliases: []string{"Makhmur", "Mexmûr"}},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR,
		},
		District: "Makhmour", Governorates: []string{"Erbil", "Nineveh"},
		Perpetrator:    &incidentv1.Perpetrator{Assessed: "ISIS", Confidence: incidentv1.Confidence_CONFIDENCE_MEDIUM},
		Casualties:     &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: 2}}},
		ReportingForce: "forces/peshmerga",
		Sources:        []*incidentv1.Source{{Name: "Rudaw", PublishTime: timestamppb.New(benchSource)}},
		Notes:          benchNotes,
	}
}

// zonePolygon is a small square around Makhmour for the zone the gateway is asked to hold.
func zonePolygon() *typev1.Polygon {
	ring := &typev1.LinearRing{}
	for _, p := range [][2]float64{{35.70, 43.50}, {35.70, 43.75}, {35.90, 43.75}, {35.90, 43.50}, {35.70, 43.50}} {
		ring.Points = append(ring.Points, &typev1.LatLng{Latitude: p[0], Longitude: p[1]})
	}
	return &typev1.Polygon{Exterior: ring}
}
