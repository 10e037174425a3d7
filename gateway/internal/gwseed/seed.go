// Package gwseed loads the gateway's part of the founding scenario (see
// docs/scenario.md): the zones of shared security interest in the disputed
// territories, Makhmour with Qarachogh, Sinjar, Kirkuk, Tuz Khurmatu, Khanaqin and
// Kifri/Garmiyan, with their names in Arabic, Sorani Kurdish and English. Loading is
// idempotent: each zone is created under a fixed request id, so a restart finds it there.
//
// The areas are simplified outlines of the districts (12-16 corners, counter-clockwise,
// drawn around the places of the scenario), not surveyed boundaries: close enough to
// place the scenario's incidents where they happened.
//
// Owners: a zone is owned by the force whose operators may edit it. The districts the
// Kurdistan Region administers or holds the front line of in the scenario (Makhmour, where
// the Peshmerga's Makhmour front faced the Khidr Jija attack, and Kifri/Garmiyan) belong
// to forces/peshmerga; those under federal control since October 2017 (Sinjar, Kirkuk,
// Tuz Khurmatu, Khanaqin) to forces/iraqi-army. Either force reads all of them.
package gwseed

import (
	"context"
	"fmt"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/localized"
)

// The owning forces.
const (
	IraqiArmy = "forces/iraqi-army"
	Peshmerga = "forces/peshmerga"
)

// The seed's zone kinds (the API's ZoneKind names).
const (
	disputed = "ZONE_KIND_DISPUTED_TERRITORY"
	shared   = "ZONE_KIND_SHARED_SECURITY_INTEREST"
)

// Zone is one seed zone: its id, owner, body and area.
type Zone struct {
	ID    string
	Owner string
	Zone  zones.Zone // GeoJSON is filled from Area by Load
	Area  geo.Polygon
}

// ring closes a list of (latitude, longitude) corners into a ring.
func ring(corners ...[2]float64) geo.Ring {
	r := make(geo.Ring, 0, len(corners)+1)
	for _, c := range corners {
		r = append(r, geo.Point{Lat: c[0], Lng: c[1]})
	}
	return append(r, r[0])
}

func name(ar, ckb, en string, aliases ...string) localized.Name {
	return localized.Name{Arabic: ar, Sorani: ckb, English: en, Aliases: aliases}
}

// Zones are the scenario's zones.
func Zones() []Zone {
	return []Zone{
		{ID: "makhmour", Owner: Peshmerga, Zone: zones.Zone{
			DisplayName: name("مخمور", "مەخموور", "Makhmour", "Makhmur", "Mexmûr", "Makhmour and Qarachogh",
				"Qarachogh", "Qarachokh", "Qarachuq", "قرجوخ", "قەرەچووغ"),
			Kind:         shared,
			Governorates: []string{"Erbil", "Nineveh"},
			Description: "Makhmour district with Qarachogh mountain, between the Great Zab and the Tigris: claimed by Erbil and " +
				"Nineveh, held by federal forces in the town and the Peshmerga on the Qarachogh line. ISIS attacked Khidr Jija " +
				"and Liheban here on the night of 2 December 2021; the JOC and the Peshmerga chief of staff met here after it.",
		}, Area: geo.Polygon{Exterior: ring(
			[2]float64{35.45, 43.30}, [2]float64{35.42, 43.45}, [2]float64{35.45, 43.62}, [2]float64{35.52, 43.75},
			[2]float64{35.60, 43.86}, [2]float64{35.72, 43.90}, [2]float64{35.84, 43.85}, [2]float64{35.95, 43.80},
			[2]float64{36.05, 43.72}, [2]float64{36.10, 43.60}, [2]float64{36.08, 43.47}, [2]float64{36.02, 43.38},
			[2]float64{35.93, 43.30}, [2]float64{35.80, 43.24}, [2]float64{35.67, 43.22}, [2]float64{35.55, 43.24},
		)}},
		{ID: "sinjar", Owner: IraqiArmy, Zone: zones.Zone{
			DisplayName:  name("سنجار", "شنگال", "Sinjar", "Shingal", "Shengal", "Şingal"),
			Kind:         disputed,
			Governorates: []string{"Nineveh", "Duhok"},
			Description:  "Sinjar district and Mount Sinjar, west of Mosul on the Syrian border, disputed under article 140.",
		}, Area: geo.Polygon{Exterior: ring(
			[2]float64{36.05, 41.35}, [2]float64{36.00, 41.60}, [2]float64{36.02, 41.90}, [2]float64{36.08, 42.15},
			[2]float64{36.20, 42.30}, [2]float64{36.35, 42.32}, [2]float64{36.50, 42.25}, [2]float64{36.60, 42.05},
			[2]float64{36.62, 41.80}, [2]float64{36.55, 41.50}, [2]float64{36.45, 41.30}, [2]float64{36.30, 41.22},
			[2]float64{36.15, 41.25},
		)}},
		{ID: "kirkuk", Owner: IraqiArmy, Zone: zones.Zone{
			DisplayName:  name("كركوك", "کەرکووک", "Kirkuk", "Karkuk", "Kerkûk"),
			Kind:         disputed,
			Governorates: []string{"Kirkuk"},
			Description:  "Kirkuk district and city, the heart of the territories disputed between Baghdad and Erbil.",
		}, Area: geo.Polygon{Exterior: ring(
			[2]float64{35.22, 44.15}, [2]float64{35.20, 44.35}, [2]float64{35.24, 44.55}, [2]float64{35.32, 44.72},
			[2]float64{35.45, 44.78}, [2]float64{35.60, 44.72}, [2]float64{35.72, 44.60}, [2]float64{35.76, 44.40},
			[2]float64{35.72, 44.20}, [2]float64{35.62, 44.06}, [2]float64{35.48, 44.02}, [2]float64{35.34, 44.05},
		)}},
		{ID: "tuz-khurmatu", Owner: IraqiArmy, Zone: zones.Zone{
			DisplayName:  name("طوز خورماتو", "دووزخورماتوو", "Tuz Khurmatu", "Tuz Khormato", "Tuz Khurmato", "Duz Xurmatu", "Tuz"),
			Kind:         disputed,
			Governorates: []string{"Salah al-Din", "Kirkuk"},
			Description:  "Tuz Khurmatu district, between Kirkuk and the Hamrin hills, disputed under article 140.",
		}, Area: geo.Polygon{Exterior: ring(
			[2]float64{34.62, 44.30}, [2]float64{34.60, 44.50}, [2]float64{34.64, 44.68}, [2]float64{34.74, 44.78},
			[2]float64{34.88, 44.82}, [2]float64{35.02, 44.78}, [2]float64{35.12, 44.65}, [2]float64{35.15, 44.48},
			[2]float64{35.10, 44.32}, [2]float64{35.00, 44.22}, [2]float64{34.86, 44.18}, [2]float64{34.72, 44.22},
		)}},
		{ID: "khanaqin", Owner: IraqiArmy, Zone: zones.Zone{
			DisplayName:  name("خانقين", "خانەقین", "Khanaqin", "Xaneqîn", "Khanakin"),
			Kind:         disputed,
			Governorates: []string{"Diyala"},
			Description:  "Khanaqin district in Diyala, on the Iranian border, disputed under article 140.",
		}, Area: geo.Polygon{Exterior: ring(
			[2]float64{34.02, 45.12}, [2]float64{33.98, 45.32}, [2]float64{34.03, 45.52}, [2]float64{34.14, 45.70},
			[2]float64{34.30, 45.78}, [2]float64{34.46, 45.72}, [2]float64{34.58, 45.58}, [2]float64{34.58, 45.42},
			[2]float64{34.50, 45.30}, [2]float64{34.40, 45.18}, [2]float64{34.30, 45.06}, [2]float64{34.14, 45.04},
		)}},
		{ID: "kifri", Owner: Peshmerga, Zone: zones.Zone{
			DisplayName:  name("كفري", "کفری", "Kifri", "Kifrî", "Garmiyan", "Germiyan", "كرميان", "گەرمیان", "Kifri/Garmiyan"),
			Kind:         disputed,
			Governorates: []string{"Diyala", "Sulaymaniyah"},
			Description: "Kifri district in the Garmiyan area, between Sulaymaniyah and Diyala: ISIS attacked Peshmerga positions " +
				"near Kulajo three times on 27-29 November 2021.",
		}, Area: geo.Polygon{Exterior: ring(
			[2]float64{34.45, 44.86}, [2]float64{34.42, 45.00}, [2]float64{34.47, 45.14}, [2]float64{34.56, 45.24},
			[2]float64{34.70, 45.30}, [2]float64{34.85, 45.26}, [2]float64{34.98, 45.14}, [2]float64{35.04, 44.98},
			[2]float64{34.98, 44.88}, [2]float64{34.86, 44.85}, [2]float64{34.74, 44.84}, [2]float64{34.58, 44.84},
		)}},
	}
}

// Load creates the seed zones that are not there yet.
func Load(ctx context.Context, s *zones.Store) error {
	for _, z := range Zones() {
		body := z.Zone
		gj, err := zones.EncodeArea(z.Area)
		if err != nil {
			return fmt.Errorf("seed zone %s: %w", z.ID, err)
		}
		body.GeoJSON = gj
		n := "zones/" + z.ID
		_, err = s.Create(ctx, &zones.Doc{Name: n, Owner: z.Owner, RequestID: "seed-" + n, RequestHash: "seed-v1", Body: body})
		if err != nil {
			return fmt.Errorf("seed zone %s: %w", z.ID, err)
		}
	}
	return nil
}
