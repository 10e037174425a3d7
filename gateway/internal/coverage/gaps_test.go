package coverage_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// TestScenarioGapOpensAndCloses is the seed scenario: asked for December 2021, Makhmour is
// exposed by the Khidr Jija attack; a joint deployment proposed by the Peshmerga covers
// nothing until the Iraqi army acknowledges it, and then the gap is closed.
func TestScenarioGapOpensAndCloses(t *testing.T) {
	e := newEnv(t, 0, 0)
	e.place(t, khidrJija, liheban, kulajo)

	gaps := e.gaps(t, decStart, decEnd)
	if got := zoneNames(gaps); !slices.Equal(got, []string{makhmour}) {
		t.Fatalf("gaps of December 2021 = %v, want Makhmour alone (Kulajo was in November)", got)
	}
	g := gaps[0]
	if g.GetIncidentCount() != 2 || g.GetCasualties() != 18 || g.GetLastIncident() != khidrJija ||
		!slices.Equal(g.GetIncidents(), []string{khidrJija, liheban}) || g.GetZoneDisplayName().GetEnglish() != "Makhmour" ||
		g.GetLastIncidentTitle() != "attack "+khidrJija {
		t.Errorf("Makhmour gap = %v", g)
	}
	// (1+18) and (1+0), each halved per week between 2 December 19:00 and 1 January.
	age := decEnd.Sub(time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC)).Hours() / (7 * 24)
	if want := 20 * math.Pow(0.5, age); math.Abs(g.GetScore()-want) > 1e-9 {
		t.Errorf("score = %v, want %v", g.GetScore(), want)
	}

	// Over late November and early December both zones are exposed: Makhmour first, its
	// attack more recent and with more casualties.
	both := e.gaps(t, time.Date(2021, 11, 15, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 15, 0, 0, 0, 0, time.UTC))
	if got := zoneNames(both); !slices.Equal(got, []string{makhmour, kifri}) {
		t.Errorf("gaps of 15 Nov - 15 Dec = %v, want Makhmour then Kifri", got)
	}
	// By default the window is the last 30 days, long after the scenario.
	if got := e.gaps(t, time.Time{}, time.Time{}); len(got) != 0 {
		t.Errorf("gaps of the last 30 days = %v, want none", zoneNames(got))
	}

	d := e.propose(t, "qarachogh", time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	if got := zoneNames(e.gaps(t, decStart, decEnd)); !slices.Equal(got, []string{makhmour}) {
		t.Errorf("after the proposal alone: gaps %v, want Makhmour still exposed", got)
	}
	if a := e.acknowledge(t, d.GetName()); a.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_ACTIVE {
		t.Fatalf("acknowledged deployment is %v, want ACTIVE", a.GetState())
	}
	if got := e.gaps(t, decStart, decEnd); len(got) != 0 {
		t.Errorf("after the acknowledgement: gaps %v, want none", zoneNames(got))
	}
}

func TestGapsLapsedDeploymentAndPages(t *testing.T) {
	e := newEnv(t, 0, 0)
	e.place(t, khidrJija, kulajo)
	// Acknowledged, but over before the attack: it lapsed.
	d := e.propose(t, "before", time.Date(2021, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 2, 0, 0, 0, 0, time.UTC))
	e.acknowledge(t, d.GetName())
	window := []time.Time{time.Date(2021, 11, 15, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 15, 0, 0, 0, 0, time.UTC)}
	gaps := e.gaps(t, window[0], window[1])
	if got := zoneNames(gaps); !slices.Equal(got, []string{makhmour, kifri}) {
		t.Fatalf("gaps = %v", got)
	}
	if got := gaps[0].GetLapsedDeployments(); !slices.Equal(got, []string{d.GetName()}) {
		t.Errorf("lapsed = %v, want %s", got, d.GetName())
	}
	var paged []string
	tok := ""
	for range 4 {
		resp, err := e.coverage.ListCoverageGaps(gwtest.Context(t), &gatewayv1.ListCoverageGapsRequest{
			StartTime: timestamppb.New(window[0]), EndTime: timestamppb.New(window[1]), PageSize: 1, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, zoneNames(resp.GetCoverageGaps())...)
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	if !slices.Equal(paged, []string{makhmour, kifri}) {
		t.Errorf("paged = %v", paged)
	}
	_, err := e.coverage.ListCoverageGaps(gwtest.Context(t), &gatewayv1.ListCoverageGapsRequest{
		StartTime: timestamppb.New(window[1]), EndTime: timestamppb.New(window[0])})
	gwtest.WantFailure(t, "window backwards", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"end_time"}})
}
