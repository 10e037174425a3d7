// Package seed loads the founding scenario's incidents (late November and early December
// 2021, see docs/scenario.md) so a new system shows real data. Loading is idempotent:
// each incident is created under a fixed request id, so a restart finds it already there.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// iraq is the zone the scenario's local times are in (UTC+3, no daylight saving).
var iraq = time.FixedZone("AST", 3*3600)

const (
	peshmerga = "forces/peshmerga"
	civilian  = "CASUALTY_SIDE_CIVILIAN"
	pesh      = "CASUALTY_SIDE_PESHMERGA"
)

// Incident is one seed record and its id.
type Incident struct {
	ID       string
	Incident domain.Incident
}

// Incidents are the scenario's incidents.
func Incidents() []Incident {
	article := domain.Source{Name: "al-Hal net: Security coordination between the Peshmerga and Baghdad to confront ISIS",
		PublishTime: time.Date(2021, 12, 8, 0, 0, 0, 0, time.UTC)}
	return []Incident{
		{ID: "kulajo-attacks-2021-11-27", Incident: domain.Incident{
			Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: "ISIS attacks on Peshmerga near Kulajo, Kifri",
			Description: "Three attacks on Peshmerga positions near the village of Kulajo in Kifri district (Garmiyan), 27-29 November 2021.",
			OccurTime:   time.Date(2021, 11, 27, 0, 0, 0, 0, iraq).UTC(), TimePrecision: "TIME_PRECISION_WEEK",
			Place: place.Place{Point: place.LatLng{Lat: 34.75, Lng: 44.90}, Precision: "GEO_PRECISION_NEAR",
				Name: localized.Name{Arabic: "كولجو", Sorani: "کولەجۆ", English: "Kulajo", Aliases: []string{"Kolajo", "Qulaju"}}},
			District: "Kifri", Governorates: []string{"Diyala", "Sulaymaniyah"},
			Perpetrator: domain.Perpetrator{Assessed: "ISIS", Confidence: "CONFIDENCE_MEDIUM"},
			Casualties:  []domain.Casualties{{Sides: []string{pesh}, KilledOrWounded: 10}},
			Sources:     []domain.Source{{Name: "BasNews"}, {Name: "KirkukNow"}},
			Notes:       "About 10 Peshmerga killed or wounded over the three attacks; the split is not reported.",
		}},
		{ID: "khidr-jija-attack-2021-12-02", Incident: domain.Incident{
			Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: "ISIS attack on Khidr Jija, Qarachogh foothills",
			Description: "ISIS attacked the village of Khidr Jija at the foot of Qarachogh mountain at about 22:00. " +
				"Three civilian brothers were killed defending their house; a Peshmerga vehicle sent to help hit an ambush during the follow-up sweep.",
			OccurTime: time.Date(2021, 12, 2, 22, 0, 0, 0, iraq).UTC(), TimePrecision: "TIME_PRECISION_EXACT",
			Place: place.Place{Point: place.LatLng{Lat: 35.83, Lng: 43.62}, Precision: "GEO_PRECISION_NEAR",
				Name: localized.Name{Arabic: "خضرجيجة", Sorani: "خدرجیجە", English: "Khidr Jija", Aliases: []string{"Khidirjija", "Khedr Jija"}}},
			District: "Makhmour", Governorates: []string{"Erbil", "Nineveh"},
			Perpetrator: domain.Perpetrator{Claimed: "ISIS", Assessed: "ISIS", Confidence: "CONFIDENCE_HIGH"},
			// As the article reports it: a total, the split unknown.
			Casualties: []domain.Casualties{{Sides: []string{civilian, pesh}, KilledOrWounded: 18}},
			Sources: []domain.Source{article, {Name: "Rudaw", PublishTime: time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC)},
				{Name: "KirkukNow"}, {Name: "North Press"}},
			Notes: "Kurdish officials put the dead at 10 Peshmerga and 3 civilians; more wounded were taken to Erbil hospitals. Claimed by ISIS on Telegram.",
		}},
		{ID: "liheban-attack-2021-12-02", Incident: domain.Incident{
			Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: "ISIS attack on Liheban, Qarachogh area",
			Description: "ISIS also struck the neighbouring village of Liheban on the same night.",
			OccurTime:   time.Date(2021, 12, 2, 22, 0, 0, 0, iraq).UTC(), TimePrecision: "TIME_PRECISION_DAY",
			Place: place.Place{Point: place.LatLng{Lat: 35.86, Lng: 43.66}, Precision: "GEO_PRECISION_NEAR",
				Name: localized.Name{Arabic: "ليهبان", Sorani: "لیهەبان", English: "Liheban", Aliases: []string{"Lheban"}}},
			District: "Makhmour", Governorates: []string{"Erbil", "Nineveh"},
			Perpetrator: domain.Perpetrator{Assessed: "ISIS", Confidence: "CONFIDENCE_HIGH"},
			Sources:     []domain.Source{{Name: "Rudaw"}},
		}},
	}
}

// Load creates the seed incidents that are not there yet.
func Load(ctx context.Context, s *incidentstore.Incidents) error {
	for _, si := range Incidents() {
		in := si.Incident
		in.ReportingForce = peshmerga
		in.State = domain.StateReported
		_, err := s.Create(ctx, &incidentstore.Doc{
			Name: "incidents/" + si.ID, Owner: in.ReportingForce,
			RequestID: "seed-" + si.ID, RequestHash: "seed-v1", Body: in,
		})
		if err != nil {
			return fmt.Errorf("seed %s: %w", si.ID, err)
		}
	}
	return nil
}
