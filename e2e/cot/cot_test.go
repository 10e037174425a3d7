// Package cot drives the CoT bridge as TAK devices do: over streaming TCP and TLS, in XML
// and in TAK protocol version 1, against the whole system started as real processes.
package cot

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/tlsconfig"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

var env *harness.Env

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tansiq-e2e-cot-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	env, err = harness.Start(ctx, dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the system:", err)
		return 1
	}
	defer env.Close()
	return m.Run()
}

// arrival bounds how long a change takes from the API call that made it to a TAK client.
const arrival = time.Second

// The seed scenario's records the picture must show.
const (
	makhmourUID  = "tansiq.zones.makhmour"
	vacuumUID    = "tansiq.zones.makhmour.vacuum"
	khidrJijaUID = "tansiq.incidents.khidr-jija-attack-2021-12-02"
)

func dialTCP(t *testing.T) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", env.Addr(stack.CoTTCP), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return newClient(conn)
}

func dialTLS(t *testing.T, device string) (*client, error) {
	t.Helper()
	certs := env.CoTCerts()
	files := tlsconfig.Files{CA: certs.CACert()}
	if device != "" {
		files = certs.ClientFiles(device)
	}
	tc, err := tlsconfig.Client(files)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", env.Addr(stack.CoTTLS), tc)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = conn.Close() })
	return newClient(conn), nil
}

// seedPicture waits for the seed picture: Makhmour as a closed shape with its names and
// threat, and the Khidr Jija attack as a hostile event with its casualties.
func seedPicture(t *testing.T, c *client) {
	t.Helper()
	got := c.waitAll(t, time.Minute, "the seed picture", makhmourUID, khidrJijaUID, vacuumUID)
	zone := got[makhmourUID]
	links := zone.Detail.Links
	if zone.Type != "u-d-f" || len(links) < 4 || links[0].Point != links[len(links)-1].Point {
		t.Errorf("Makhmour = %s with %d links, want a closed u-d-f shape", zone, len(links))
	}
	// The security vacuum (the Qarachogh strip between the two forces' areas) is a shape
	// of its own: closed, in a colour no threat level uses, saying what it is.
	vacuum := got[vacuumUID]
	links = vacuum.Detail.Links
	if vacuum.Type != "u-d-f" || len(links) < 4 || links[0].Point != links[len(links)-1].Point {
		t.Errorf("Makhmour's vacuum = %s with %d links, want a closed u-d-f shape", vacuum, len(links))
	}
	if vacuum.Detail.StrokeColor.Value == "" || vacuum.Detail.StrokeColor.Value == zone.Detail.StrokeColor.Value {
		t.Errorf("vacuum colour %q, zone colour %q: want a colour of its own", vacuum.Detail.StrokeColor.Value, zone.Detail.StrokeColor.Value)
	}
	if !strings.Contains(vacuum.Detail.Remarks, "Security vacuum of Makhmour") || !strings.Contains(vacuum.Detail.Contact.Callsign, "vacuum") {
		t.Errorf("vacuum callsign %q, remarks %q: want them to say what it is", vacuum.Detail.Contact.Callsign, vacuum.Detail.Remarks)
	}
	assertFresh(t, vacuum)
	for _, want := range []string{"Makhmour", "مخمور", "Threat:"} {
		if !strings.Contains(zone.Detail.Remarks, want) {
			t.Errorf("Makhmour's remarks %q lack %q", zone.Detail.Remarks, want)
		}
	}
	assertFresh(t, zone)
	attack := got[khidrJijaUID]
	if !hasPrefix(attack.Type, "a-h-") || !strings.Contains(attack.Detail.Remarks, "18 killed or wounded (civilian, peshmerga)") {
		t.Errorf("Khidr Jija = %s, remarks %q: want a hostile event with its 18 casualties", attack, attack.Detail.Remarks)
	}
	if attack.Point.CE <= 0 || attack.Point.CE >= 9999999 {
		t.Errorf("Khidr Jija ce = %v, want the radius of its place's precision", attack.Point.CE)
	}
	assertFresh(t, attack)
}

// assertFresh checks that an event goes stale after it was sent, not before or never.
func assertFresh(t *testing.T, e event) {
	t.Helper()
	sent, err1 := time.Parse(time.RFC3339, e.Time)
	stale, err2 := time.Parse(time.RFC3339, e.Stale)
	if err1 != nil || err2 != nil || !stale.After(sent) || stale.Sub(sent) > 24*time.Hour {
		t.Errorf("%s: time %q stale %q: want stale after time, within a day", e, e.Time, e.Stale)
	}
}

func TestPictureOverTCPAndChangesAsTheyHappen(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := dialTCP(t)
	offer := c.waitFor(t, 5*time.Second, "the protocol offer", func(e event) bool { return true })
	if offer.Type != "t-x-takp-v" || len(offer.Detail.TakControl.Support) == 0 || offer.Detail.TakControl.Support[0].Version != 1 {
		t.Errorf("first event = %s, want the t-x-takp-v offer of version 1", offer)
	}
	seedPicture(t, c)

	pesh := env.Conn("gateway", env.Token("cot-operator", harness.Peshmerga, auth.RoleOperator))
	iraq := env.Conn("gateway", env.Token("cot-operator", harness.IraqiArmy, auth.RoleOperator))
	defer pesh.Close()
	defer iraq.Close()

	// A new incident arrives within a second of its report.
	created, err := incidentv1.NewIncidentServiceClient(pesh).CreateIncident(ctx, &incidentv1.CreateIncidentRequest{
		RequestId: "cot-ied-1", Incident: &incidentv1.Incident{
			Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: "IED on the Makhmour road",
			OccurTime: timestamppb.Now(),
			Place:     &typev1.Place{Point: &typev1.LatLng{Latitude: 35.80, Longitude: 43.60}, Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR},
			District:  "Makhmour", Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: harness.Peshmerga,
			Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{
				{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: 2}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	ied := c.waitFor(t, arrival, "the new incident", func(e event) bool {
		return e.UID == "tansiq."+strings.ReplaceAll(created.GetIncident().GetName(), "/", ".")
	})
	t.Logf("new incident arrived %v after its report", time.Since(began))
	if !strings.Contains(ied.Detail.Remarks, "2 wounded (peshmerga)") {
		t.Errorf("new incident's remarks = %q, want its casualties", ied.Detail.Remarks)
	}

	// A joint deployment arrives as a friendly task force when proposed, and again as
	// active within a second of the other force's acknowledgement.
	const depUID = "tansiq.deployments.cot-joint-task-force"
	_, err = gatewayv1.NewDeploymentServiceClient(pesh).ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{
		DeploymentId: "cot-joint-task-force", RequestId: "cot-propose-1",
		Deployment: &gatewayv1.Deployment{
			Title: "Joint task force Qarachogh", Zone: "zones/makhmour", LeadForce: harness.Peshmerga,
			Units:     []string{"forces/peshmerga/units/makhmour-front", "forces/iraqi-army/units/makhmour-sector-brigade"},
			StartTime: timestamppb.New(time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)),
			// At Khidr Jija, 5 km around: it would close most of the vacuum.
			CommandPost: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.83, Longitude: 43.62}, Precision: typev1.GeoPrecision_GEO_PRECISION_EXACT},
			Area:        &gatewayv1.DeploymentArea{Shape: &gatewayv1.DeploymentArea_RadiusMeters{RadiusMeters: 5000}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	proposed := c.waitFor(t, arrival, "the proposed deployment", func(e event) bool { return e.UID == depUID })
	// The vacuum follows the proposal: it names the task force as what would close it.
	const wouldClose = "deployments/cot-joint-task-force, once acknowledged, would close"
	c.waitFor(t, 30*time.Second, "the vacuum with the proposal", func(e event) bool {
		return e.UID == vacuumUID && strings.Contains(e.Detail.Remarks, wouldClose)
	})
	if !hasPrefix(proposed.Type, "a-f-G") || !strings.Contains(proposed.Detail.Remarks, "proposed") {
		t.Errorf("proposed deployment = %s, remarks %q", proposed, proposed.Detail.Remarks)
	}
	units, err := forcesv1.NewForcesServiceClient(pesh).BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{
		Names: []string{"forces/peshmerga/units/makhmour-front", "forces/iraqi-army/units/makhmour-sector-brigade"}})
	if err != nil {
		t.Fatal(err)
	}
	var largest forcesv1.Echelon
	for _, u := range units.GetUnits() {
		largest = max(largest, u.GetEchelon())
	}
	// MIL-STD-2525C: position 2 the affiliation, 11 the task-force modifier, 12 the
	// echelon (A team ... N command, in the order of the Echelon enum).
	wantEchelon := "ABCDEFGHIJKLMN"[largest-1]
	if id := proposed.Detail.Milsym.ID; len(id) != 15 || id[1] != 'F' || id[10] != 'E' || id[11] != wantEchelon {
		t.Errorf("deployment symbol = %q, want a friendly task force sized %c (%v, its largest unit)", id, wantEchelon, largest)
	}
	_, err = gatewayv1.NewDeploymentServiceClient(iraq).AcknowledgeDeployment(ctx, &gatewayv1.AcknowledgeDeploymentRequest{
		Name: "deployments/cot-joint-task-force", RequestId: "cot-ack-1"})
	if err != nil {
		t.Fatal(err)
	}
	began = time.Now()
	c.waitFor(t, arrival, "the acknowledgement", func(e event) bool {
		return e.UID == depUID && strings.Contains(e.Detail.Remarks, "active")
	})
	t.Logf("acknowledgement arrived %v after the call", time.Since(began))

	// Acknowledged, the task force is in force: the vacuum is drawn again without its
	// area, or removed if nothing is left.
	c.waitFor(t, 30*time.Second, "the vacuum after the acknowledgement", func(e event) bool {
		return (e.UID == vacuumUID && !strings.Contains(e.Detail.Remarks, wouldClose)) ||
			(e.Type == "t-x-d-d" && len(e.Detail.Links) > 0 && e.Detail.Links[0].UID == vacuumUID)
	})
}

func TestPictureOverTLSNeedsADeviceCertificate(t *testing.T) {
	c, err := dialTLS(t, stack.CoTDevices[0])
	if err != nil {
		t.Fatal(err)
	}
	seedPicture(t, c)

	// Without a client certificate the handshake fails and nothing is sent.
	anon, err := dialTLS(t, "")
	if err == nil {
		select {
		case e, ok := <-anon.events:
			if ok {
				t.Fatalf("a client without a certificate received %s", e)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a client without a certificate is still connected")
		}
	}
}

func TestProtocolVersion1(t *testing.T) {
	c, err := dialTLS(t, stack.CoTDevices[1])
	if err != nil {
		t.Fatal(err)
	}
	offer := c.waitFor(t, 5*time.Second, "the protocol offer", func(e event) bool { return e.Type == "t-x-takp-v" })
	c.send(t, "t-x-takp-q", offer.UID, `<point lat="0" lon="0" hae="0" ce="999999" le="999999"/>`+
		`<detail><TakControl><TakRequest version="1"/></TakControl></detail>`)
	c.waitFor(t, 10*time.Second, "the protocol response", func(e event) bool {
		if e.Type != "t-x-takp-r" {
			return false
		}
		if e.Detail.TakControl.Response == nil || !e.Detail.TakControl.Response.Status {
			t.Fatalf("protocol response = %+v, want status true", e.Detail.TakControl.Response)
		}
		return true
	})
	zone := c.waitFor(t, time.Minute, "Makhmour in protocol version 1", func(e event) bool { return e.UID == makhmourUID })
	if !zone.Proto || zone.Type != "u-d-f" || len(zone.Detail.Links) < 4 || !strings.Contains(zone.Detail.Remarks, "Makhmour") {
		t.Errorf("Makhmour over protocol v1 = %s (proto %v) with %d links, remarks %q", zone, zone.Proto, len(zone.Detail.Links), zone.Detail.Remarks)
	}
}
