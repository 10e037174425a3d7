// Package seed loads the founding scenario's forces, commands, units and people (see
// docs/scenario.md) so a new system shows real data. Loading is idempotent: each
// record is created under a fixed request id, so a restart finds it already there and
// changes made since are kept.
//
// The source names the Joint Operations Command with its Nineveh and West Nineveh
// Operations Commands, the Ministry of Peshmerga Affairs and its chief of staff, and the
// Peshmerga commander in Makhmour. The brigade under Nineveh Operations and the
// Peshmerga's Makhmour and Garmiyan front units are illustrative: the scenario needs units
// of both sides near the attacks, and the source does not name them. Ranks are left empty
// where the source gives none.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/shape"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// The seed forces.
const (
	IraqiArmy = "forces/iraqi-army"
	Peshmerga = "forces/peshmerga"
)

// hash marks seed records; bump it if the seed's content changes shape.
const hash = "seed-v1"

// Force is one seed force and its id.
type Force struct {
	ID    string
	Force domain.Force
}

// Unit is one seed unit, its force and id; units come parents first.
type Unit struct {
	Force, ID string
	Unit      domain.Unit
}

// Person is one seed person, their force and id.
type Person struct {
	Force, ID string
	Person    domain.Person
}

func name(ar, ckb, en string, aliases ...string) localized.Name {
	return localized.Name{Arabic: ar, Sorani: ckb, English: en, Aliases: aliases}
}

// Places from docs/scenario.md.
var (
	mosul = place.Place{Point: place.LatLng{Lat: 36.34, Lng: 43.13}, Precision: "GEO_PRECISION_NEAR",
		Name: name("الموصل", "مووسڵ", "Mosul", "Mousl")}
	makhmour = place.Place{Point: place.LatLng{Lat: 35.7756, Lng: 43.5794}, Precision: "GEO_PRECISION_NEAR",
		Name: name("مخمور", "مەخموور", "Makhmour", "Makhmur", "Mexmûr")}
	qarachogh = place.Place{Point: place.LatLng{Lat: 35.85, Lng: 43.65}, Precision: "GEO_PRECISION_NEAR",
		Name: name("جبل قرجوخ", "چیای قەرەچووغ", "Qarachogh mountain", "Qarachokh", "Qarachuq")}
	erbil = place.Place{Point: place.LatLng{Lat: 36.19, Lng: 44.01}, Precision: "GEO_PRECISION_NEAR",
		Name: name("أربيل", "هەولێر", "Erbil", "Arbil", "Hewlêr")}
	sinjar = place.Place{Point: place.LatLng{Lat: 36.3225, Lng: 41.8642}, Precision: "GEO_PRECISION_NEAR",
		Name: name("سنجار", "شنگال", "Sinjar", "Shingal")}
	kifri = place.Place{Point: place.LatLng{Lat: 34.69, Lng: 44.96}, Precision: "GEO_PRECISION_NEAR",
		Name: name("كفري", "کفری", "Kifri", "Kifrî")}
)

// Forces are the scenario's forces.
func Forces() []Force {
	return []Force{
		{ID: "iraqi-army", Force: domain.Force{
			DisplayName: name("الجيش العراقي", "سوپای عێراق", "Iraqi Army"),
			Authority:   name("قيادة العمليات المشتركة", "فەرماندەیی ئۆپەراسیۆنە هاوبەشەکان", "Joint Operations Command", "JOC"),
		}},
		{ID: "peshmerga", Force: domain.Force{
			DisplayName: name("البيشمركة", "پێشمەرگە", "Peshmerga", "Peshmarga"),
			Authority:   name("وزارة شؤون البيشمركة", "وەزارەتی کاروباری پێشمەرگە", "Ministry of Peshmerga Affairs", "MoPA"),
		}},
	}
}

// Units are the scenario's units, parents first.
func Units() []Unit {
	ia, pm := IraqiArmy, Peshmerga
	ready := "READINESS_READY"
	return []Unit{
		{ia, "joint-operations-command", domain.Unit{Echelon: "ECHELON_COMMAND", Readiness: ready,
			DisplayName: name("قيادة العمليات المشتركة", "فەرماندەیی ئۆپەراسیۆنە هاوبەشەکان", "Joint Operations Command", "JOC")}},
		{ia, "nineveh-operations-command", domain.Unit{Echelon: "ECHELON_REGION", Readiness: ready,
			ParentUnit: domain.UnitName(ia, "joint-operations-command"), Commander: domain.PersonName(ia, "nineveh-operations-commander"),
			DisplayName: name("قيادة عمليات نينوى", "فەرماندەیی ئۆپەراسیۆنەکانی نەینەوا", "Nineveh Operations Command"),
			HomeBase:    &mosul}},
		{ia, "west-nineveh-operations-command", domain.Unit{Echelon: "ECHELON_REGION", Readiness: ready,
			ParentUnit: domain.UnitName(ia, "joint-operations-command"), Commander: domain.PersonName(ia, "west-nineveh-operations-commander"),
			DisplayName: name("قيادة عمليات غرب نينوى", "فەرماندەیی ئۆپەراسیۆنەکانی ڕۆژئاوای نەینەوا", "West Nineveh Operations Command"),
			HomeBase:    &sinjar}},
		{ia, "makhmour-sector-brigade", domain.Unit{Echelon: "ECHELON_BRIGADE", Readiness: ready,
			ParentUnit:  domain.UnitName(ia, "nineveh-operations-command"),
			DisplayName: name("لواء قاطع مخمور", "تیپی کەرتی مەخموور", "Makhmour Sector Brigade"),
			HomeBase:    &makhmour}},
		{pm, "ministry-of-peshmerga-affairs", domain.Unit{Echelon: "ECHELON_COMMAND", Readiness: ready,
			DisplayName: name("وزارة شؤون البيشمركة", "وەزارەتی کاروباری پێشمەرگە", "Ministry of Peshmerga Affairs", "MoPA"),
			HomeBase:    &erbil}},
		{pm, "general-command", domain.Unit{Echelon: "ECHELON_COMMAND", Readiness: ready,
			ParentUnit: domain.UnitName(pm, "ministry-of-peshmerga-affairs"), Commander: domain.PersonName(pm, "jamal-mohammed-omar"),
			DisplayName: name("رئاسة أركان البيشمركة", "سەرۆکایەتی ئەرکانی پێشمەرگە", "Peshmerga General Command", "Peshmerga General Staff"),
			HomeBase:    &erbil}},
		{pm, "makhmour-front", domain.Unit{Echelon: "ECHELON_DIVISION",
			ParentUnit: domain.UnitName(pm, "general-command"), Commander: domain.PersonName(pm, "sirwan-barzani"),
			DisplayName: name("قاطع مخمور", "بەرەی مەخموور", "Makhmour Front", "Makhmur Front"),
			HomeBase:    &makhmour,
			Readiness:   domain.ReadinessDegraded, ReadinessReason: "losses in the Khidr Jija attack and the ambush that followed, 2-3 December 2021",
			LastPosition: &domain.Position{ID: "seed-qarachogh", Place: qarachogh, Moved: true,
				ReportTime:  time.Date(2021, 12, 3, 8, 0, 0, 0, time.UTC),
				ReceiveTime: time.Date(2021, 12, 3, 8, 0, 0, 0, time.UTC),
				Note:        "follow-up sweep in the Qarachogh foothills after the Khidr Jija attack"}}},
		{pm, "garmiyan-front", domain.Unit{Echelon: "ECHELON_DIVISION", Readiness: ready,
			ParentUnit:  domain.UnitName(pm, "general-command"),
			DisplayName: name("قاطع كرميان", "بەرەی گەرمیان", "Garmiyan Front", "Kifri Front"),
			HomeBase:    &kifri}},
	}
}

// People are the scenario's people; the two operations commanders are known by role only.
func People() []Person {
	ia, pm := IraqiArmy, Peshmerga
	return []Person{
		{pm, "jamal-mohammed-omar", domain.Person{Unit: domain.UnitName(pm, "general-command"),
			DisplayName: name("جمال محمد عمر", "جەمال محەمەد عومەر", "Jamal Mohammed Omar", "Jamal Muhammad Omar"),
			Role:        name("رئيس أركان البيشمركة", "سەرۆکی ئەرکانی پێشمەرگە", "Chief of Staff of the Peshmerga")}},
		{pm, "sirwan-barzani", domain.Person{Unit: domain.UnitName(pm, "makhmour-front"),
			DisplayName: name("سيروان بارزاني", "سیروان بارزانی", "Sirwan Barzani"),
			Role:        name("قائد قاطع مخمور", "فەرماندەی بەرەی مەخموور", "Commander of the Makhmour front")}},
		{ia, "abdul-amir-al-shammari", domain.Person{Unit: domain.UnitName(ia, "joint-operations-command"),
			DisplayName: name("عبد الأمير الشمري", "عەبدولئەمیر شەممەری", "Abdul Amir al-Shammari", "Abd al-Amir al-Shammari", "Abdul Amir al-Shimmari"),
			Role:        name("نائب قائد العمليات المشتركة", "جێگری فەرماندەی ئۆپەراسیۆنە هاوبەشەکان", "Deputy Commander of the Joint Operations Command")}},
		{ia, "nineveh-operations-commander", domain.Person{Unit: domain.UnitName(ia, "nineveh-operations-command"),
			Role: name("قائد عمليات نينوى", "فەرماندەی ئۆپەراسیۆنەکانی نەینەوا", "Nineveh Operations Commander")}},
		{ia, "west-nineveh-operations-commander", domain.Person{Unit: domain.UnitName(ia, "west-nineveh-operations-command"),
			Role: name("قائد عمليات غرب نينوى", "فەرماندەی ئۆپەراسیۆنەکانی ڕۆژئاوای نەینەوا", "West Nineveh Operations Commander")}},
	}
}

// Area is one seed area of responsibility: its unit, id and area (GeoJSON and size are
// filled in by Areas).
type Area struct {
	Unit, ID string
	Area     domain.Area
	Corners  [][2]float64 // (latitude, longitude), the ring left open
}

// areasDrawn is when the seed's areas of responsibility start: the lines as held in
// the weeks of the attacks of late November and early December 2021.
var areasDrawn = time.Date(2021, 11, 1, 0, 0, 0, 0, time.UTC)

// Areas are the areas of responsibility of the Peshmerga's Makhmour front and the Iraqi
// army's Makhmour sector brigade. Between them runs a strip 8 km wide along the
// Qarachogh foothills, north-west to south-east through Makhmour district, that neither
// holds: Khidr Jija (35.83 N, 43.62 E) and Liheban (35.86 N, 43.66 E) lie in it, 2.5 km
// either side of its centre line through Qarachogh (35.845 N, 43.64 E). The Peshmerga
// hold the ground north-east of it towards Gwer and Erbil, the brigade the ground
// south-west of it with Makhmour town. The lines are illustrative: the sources say
// there was a gap between the forces, not where its edges ran.
func Areas() []Area {
	return []Area{
		{Unit: domain.UnitName(Peshmerga, "makhmour-front"), ID: "qarachogh-line",
			Area: domain.Area{Title: "Makhmour front, north-east of the Qarachogh foothills", StartTime: areasDrawn,
				Notes: "Peshmerga lines from the Great Zab to the Qarachogh ridge; illustrative"},
			Corners: [][2]float64{{35.5115, 44.1502}, {36.2315, 43.1902}, {36.6815, 43.7402}, {35.9615, 44.7002}}},
		{Unit: domain.UnitName(IraqiArmy, "makhmour-sector-brigade"), ID: "makhmour-sector",
			Area: domain.Area{Title: "Makhmour sector, south-west of the Qarachogh foothills", StartTime: areasDrawn,
				Notes: "federal sector with Makhmour town, towards the Tigris; illustrative"},
			Corners: [][2]float64{{36.1785, 43.1298}, {35.4585, 44.0898}, {35.0085, 43.5398}, {35.7285, 42.5798}}},
	}
}

// areaDoc returns a seed area as stored.
func areaDoc(a Area) (*forcesstore.AreaDoc, error) {
	ring := &typev1.LinearRing{}
	for _, c := range append(a.Corners, a.Corners[0]) {
		ring.Points = append(ring.Points, &typev1.LatLng{Latitude: c[0], Longitude: c[1]})
	}
	var v apperr.Violations
	g, ok := shape.Read(&v, "area", &typev1.Polygon{Exterior: ring}, nil, "")
	if !ok {
		return nil, v.Err()
	}
	body := a.Area
	body.Unit, body.GeoJSON, body.Km2 = a.Unit, shape.GeoJSON(g), shape.AreaKm2(g)
	n := domain.AreaName(a.Unit, a.ID)
	return &forcesstore.AreaDoc{Name: n, Owner: domain.ForceOf(a.Unit), RequestID: "seed-" + n, RequestHash: hash, Body: body}, nil
}

// Load creates the seed records that are not there yet: forces, then units parents first,
// then people, then the units' areas of responsibility. It writes through the store, so the references between seed records (a
// unit's commander, a person's unit) need no particular order among themselves.
func Load(ctx context.Context, s *forcesstore.Store) error {
	for _, f := range Forces() {
		n := "forces/" + f.ID
		if _, err := s.Forces.Create(ctx, &forcesstore.ForceDoc{Name: n, Owner: n, RequestID: "seed-" + n, RequestHash: hash, Body: f.Force}); err != nil {
			return fmt.Errorf("seed %s: %w", n, err)
		}
	}
	for _, u := range Units() {
		n := domain.UnitName(u.Force, u.ID)
		if _, err := s.Units.Create(ctx, &forcesstore.UnitDoc{Name: n, Owner: u.Force, RequestID: "seed-" + n, RequestHash: hash, Body: u.Unit}); err != nil {
			return fmt.Errorf("seed %s: %w", n, err)
		}
		if p := u.Unit.LastPosition; p != nil {
			report := *p
			report.Unit = n
			pn := forcesstore.PositionName(n, p.ID)
			if _, err := s.Positions.Add(ctx, &forcesstore.PositionDoc{Name: pn, Owner: u.Force, RequestID: "seed-" + pn, RequestHash: hash, Body: report}); err != nil {
				return fmt.Errorf("seed %s: %w", pn, err)
			}
		}
	}
	for _, p := range People() {
		n := domain.PersonName(p.Force, p.ID)
		if _, err := s.People.Create(ctx, &forcesstore.PersonDoc{Name: n, Owner: p.Force, RequestID: "seed-" + n, RequestHash: hash, Body: p.Person}); err != nil {
			return fmt.Errorf("seed %s: %w", n, err)
		}
	}
	for _, a := range Areas() {
		d, err := areaDoc(a)
		if err == nil {
			_, err = s.Areas.Create(ctx, d)
		}
		if err != nil {
			return fmt.Errorf("seed area %s of %s: %w", a.ID, a.Unit, err)
		}
	}
	return nil
}
