// Package seed loads the founding scenario's meeting (see docs/scenario.md): the
// high-level security meeting held in Makhmour in December 2021, after the ISIS attack on
// Khidr Jija, with a decision on joint deployment in the disputed areas that both forces
// acknowledged, and its action items. Loading is idempotent: each record is created under
// a fixed request id, so a restart finds it already there. It writes to the store directly
// and calls no other service: the seed is trusted data, so start-up order does not matter.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// iraq is the zone the scenario's local times are in (UTC+3, no daylight saving).
var iraq = time.FixedZone("AST", 3*3600)

// The scenario's forces and people, as the forces service seeds them.
const (
	IraqiArmy     = "forces/iraqi-army"
	Peshmerga     = "forces/peshmerga"
	ChiefOfStaff  = "forces/peshmerga/people/jamal-mohammed-omar"
	JOCDeputy     = "forces/iraqi-army/people/abdul-amir-al-shammari"
	NinevehOps    = "forces/iraqi-army/people/nineveh-operations-commander"
	WestNinevehOp = "forces/iraqi-army/people/west-nineveh-operations-commander"
)

// Names of the seed records.
const (
	Meeting  = "meetings/makhmour-security-meeting-2021-12"
	Decision = Meeting + "/decisions/joint-deployment-disputed-areas"
)

// held is when the meeting is recorded as starting. The article (published 8 December
// 2021) reports the meeting after the attack of 2-3 December without giving its day; the
// scenario puts it on the morning of 6 December.
var held = time.Date(2021, 12, 6, 10, 0, 0, 0, iraq).UTC()

// MakhmourMeeting is the meeting as the JOC statement reports it.
func MakhmourMeeting() domain.Meeting {
	m := domain.Meeting{
		Title: "High-level security meeting on the areas of shared security interest",
		Purpose: "Discussion and security coordination in the areas of shared security interest, " +
			"and mutual cooperation to confront ISIS.",
		Place: place.Place{Point: place.LatLng{Lat: 35.7756, Lng: 43.5794}, Precision: "GEO_PRECISION_NEAR",
			Name: localized.Name{Arabic: "مخمور", Sorani: "مەخموور", English: "Makhmour", Aliases: []string{"Makhmur", "Mexmûr"}}},
		StartTime: held,
		Level:     domain.LevelHighLevel,
		// The Joint Operations Command called it and issued the statement.
		HostForce: IraqiArmy,
		Attendees: []domain.Attendee{
			{Person: ChiefOfStaff, Force: Peshmerga, Role: "Peshmerga chief of staff", DisplayName: "Jamal Mohammed Omar"},
			{Person: JOCDeputy, Force: IraqiArmy, Role: "JOC deputy commander", DisplayName: "Abdul Amir al-Shammari"},
			{Person: NinevehOps, Force: IraqiArmy, Role: "Nineveh Operations commander"},
			{Person: WestNinevehOp, Force: IraqiArmy, Role: "West Nineveh Operations commander"},
		},
		AgendaItems: []domain.AgendaItem{
			{Title: "The ISIS attack on Khidr Jija and Liheban, Qarachogh area (2-3 December 2021)"},
			{Title: "Security coordination in the areas of shared security interest"},
			{Title: "Mutual cooperation to confront ISIS"},
		},
		Outcome: "The Joint Operations Command described the meeting as high-level. It discussed security " +
			"coordination in the areas of shared security interest and mutual cooperation to confront ISIS, " +
			"after the attacks since the end of November in the areas disputed between Baghdad and Erbil.",
		State: domain.StateHeld,
	}
	m.Normalize()
	return m
}

// JointDeployment is the scenario's decision: the joint forces the security expert in the
// article calls for, deployed in the disputed areas to close the gap ISIS exploits.
func JointDeployment(m *domain.Meeting) domain.Decision {
	d := domain.NewDecision(Meeting, m, domain.Decision{
		Text: "Deploy joint forces of the Iraqi army and the Peshmerga in the disputed areas, starting with " +
			"Makhmour and the Qarachogh area, under a joint security plan, to close the security gaps ISIS exploits.",
		Kind: domain.KindJointDeployment,
		Zones: []string{"zones/makhmour", "zones/sinjar", "zones/kirkuk", "zones/tuz-khurmatu",
			"zones/khanaqin", "zones/kifri"},
		Units:     []string{"forces/iraqi-army/units/makhmour-sector-brigade", "forces/peshmerga/units/makhmour-front"},
		Incidents: []string{"incidents/khidr-jija-attack-2021-12-02", "incidents/liheban-attack-2021-12-02"},
	})
	at := held.Add(3 * time.Hour)
	for _, by := range []domain.Actor{{Force: IraqiArmy, Person: JOCDeputy}, {Force: Peshmerga, Person: ChiefOfStaff}} {
		if _, err := d.Acknowledge(by, "", at); err != nil {
			panic(err) // both forces attend the seed meeting: a failure here is a bug
		}
	}
	return d
}

// ActionItem is one seed action item and its id.
type ActionItem struct {
	ID   string
	Item domain.ActionItem
}

// ActionItems are the decision's follow-up tasks, one owed by each force.
func ActionItems(d *domain.Decision) []ActionItem {
	plan := mustItem(d, domain.ActionItem{
		Title:       "Draft the joint security plan for the deployment in the disputed areas",
		Description: "Which units of each side deploy where, under whose command, and how the two commands coordinate.",
		Owner:       JOCDeputy,
		DueTime:     time.Date(2021, 12, 20, 0, 0, 0, 0, iraq).UTC(),
	})
	liaison := mustItem(d, domain.ActionItem{
		Title:   "Name liaison officers to a joint coordination centre in Makhmour",
		Owner:   "forces/peshmerga/units/makhmour-front",
		DueTime: time.Date(2021, 12, 13, 0, 0, 0, 0, iraq).UTC(),
	})
	liaison.AddUpdate("Liaison officers named.", ChiefOfStaff, true, false, time.Date(2021, 12, 10, 12, 0, 0, 0, iraq).UTC())
	return []ActionItem{{ID: "joint-security-plan", Item: plan}, {ID: "makhmour-liaison-officers", Item: liaison}}
}

func mustItem(d *domain.Decision, a domain.ActionItem) domain.ActionItem {
	item, err := domain.NewActionItem(Decision, d, a)
	if err != nil {
		panic(err) // owners of the seed items belong to the decision's forces: a failure here is a bug
	}
	return item
}

// Load creates the seed records that are not there yet. Their request ids hold a "/",
// which the API refuses in a client's request_id, so they never collide with one.
func Load(ctx context.Context, s *meetingstore.Store) error {
	m := MakhmourMeeting()
	if _, err := s.Meetings.Create(ctx, &meetingstore.MeetingDoc{Name: Meeting, Owner: m.HostForce,
		RequestID: "seed-" + Meeting, RequestHash: "seed-v1", Body: m}); err != nil {
		return fmt.Errorf("seed %s: %w", Meeting, err)
	}
	d := JointDeployment(&m)
	if _, err := s.Decisions.Create(ctx, &meetingstore.DecisionDoc{Name: Decision, Owner: m.HostForce,
		RequestID: "seed-" + Decision, RequestHash: "seed-v1", Body: d}); err != nil {
		return fmt.Errorf("seed %s: %w", Decision, err)
	}
	for _, a := range ActionItems(&d) {
		name := Decision + "/actionItems/" + a.ID
		if _, err := s.ActionItems.Create(ctx, &meetingstore.ActionItemDoc{Name: name, Owner: m.HostForce,
			RequestID: "seed-" + name, RequestHash: "seed-v1", Body: a.Item}); err != nil {
			return fmt.Errorf("seed %s: %w", name, err)
		}
	}
	return nil
}
