package incidentfile

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/platform/grid"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Incident builds the incident a row describes and the incident id it asks for. Every bad
// cell is reported, by column, so a person fixes a row in one go. The server validates
// again; this catches what cannot even be sent (a date that is not one, a word where a
// number goes) and what is missing.
func (r Row) Incident() (inc *incidentv1.Incident, id string, vs []problem.Violation) {
	if r.Problem != "" {
		return nil, "", []problem.Violation{{Field: r.Unit, Description: r.Problem}}
	}
	p := parser{values: r.Values}
	p.required("kind")
	inc = &incidentv1.Incident{
		Kind:           enumValue(&p, "kind", "INCIDENT_KIND_", incidentv1.IncidentKind_value, incidentv1.IncidentKind(0)),
		Title:          p.required("title"),
		Description:    p.get("description"),
		District:       p.get("district"),
		Governorates:   list(p.get("governorates")),
		ReportingForce: force(p.required("reporting_force")),
		Notes:          p.get("notes"),
	}
	inc.OccurTime, inc.TimePrecision = p.occurTime()
	inc.Place = p.place()
	if en, ar, ckb := p.get("place"), p.get("place_ar"), p.get("place_ckb"); en+ar+ckb != "" {
		inc.Place.Name = &typev1.LocalizedName{English: en, Arabic: ar, Sorani: ckb}
	}
	if claimed, assessed, conf := p.get("claimed_by"), p.get("assessed_by"), p.get("confidence"); claimed+assessed+conf != "" {
		inc.Perpetrator = &incidentv1.Perpetrator{Claimed: claimed, Assessed: assessed,
			Confidence: enumValue(&p, "confidence", "CONFIDENCE_", incidentv1.Confidence_value, incidentv1.Confidence(0))}
	}
	inc.Casualties = p.casualties()
	if name, uri := p.get("source"), p.get("source_uri"); name+uri != "" {
		inc.Sources = []*incidentv1.Source{{Name: name, Uri: uri}}
	}
	return inc, p.get("id"), p.violations
}

type parser struct {
	values     map[string]string
	violations []problem.Violation
}

func (p *parser) get(col string) string { return p.values[col] }

func (p *parser) bad(col, format string, args ...any) {
	p.violations = append(p.violations, problem.Violation{Field: col, Description: fmt.Sprintf(format, args...)})
}

func (p *parser) required(col string) string {
	v := p.get(col)
	if v == "" {
		p.bad(col, "is required")
	}
	return v
}

// Local layouts accepted for occur_time before a zone name ("2021-11-27 00:00 Asia/Baghdad").
// A time must say its offset or zone: the same clock reading is three hours apart in
// Baghdad and in UTC, and guessing would file a night attack under the wrong day.
var localLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"}

const timeHint = "use RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone (2021-11-27 00:00 Asia/Baghdad) or a date (2021-11-27)"

func (p *parser) occurTime() (*timestamppb.Timestamp, typev1.TimePrecision) {
	precision := enumValue(p, "time_precision", "TIME_PRECISION_", typev1.TimePrecision_value, typev1.TimePrecision(0))
	s := p.required("occur_time")
	if s == "" {
		return nil, precision
	}
	t, exact, err := parseOccurTime(s)
	if err != nil {
		p.bad("occur_time", "%q: %v; %s", s, err, timeHint)
		return nil, precision
	}
	if precision == typev1.TimePrecision_TIME_PRECISION_UNSPECIFIED {
		precision = typev1.TimePrecision_TIME_PRECISION_DAY
		if exact {
			precision = typev1.TimePrecision_TIME_PRECISION_EXACT
		}
	}
	return timestamppb.New(t), precision
}

// parseOccurTime reads RFC 3339, a local time followed by an IANA zone name, or a bare
// date (the day, kept at UTC midnight as the server stores days); exact is false for a date.
func parseOccurTime(s string) (t time.Time, exact bool, err error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, false, nil
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if loc, zerr := loadZone(s[i+1:]); zerr == nil {
			for _, l := range localLayouts {
				if t, err := time.ParseInLocation(l, strings.TrimSpace(s[:i]), loc); err == nil {
					return t, true, nil
				}
			}
		}
	}
	for _, l := range localLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return time.Time{}, false, errors.New("no offset or zone")
		}
	}
	return time.Time{}, false, errors.New("not a time")
}

// loadZone accepts IANA names ("Asia/Baghdad") and UTC; "Local" is refused, since the
// importing machine's zone says nothing about where the incident happened.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errors.New("no zone")
	}
	return time.LoadLocation(name)
}

// place reads latitude and longitude, an MGRS grid reference, or both (the server then
// checks that the point lies in the grid square). The reference is checked here with the
// same parser the server uses and sent as place.mgrs: the server converts it.
func (p *parser) place() *typev1.Place {
	place := &typev1.Place{Precision: enumValue(p, "geo_precision", "GEO_PRECISION_", typev1.GeoPrecision_value, typev1.GeoPrecision(0))}
	if ref := p.get("mgrs"); ref != "" {
		if _, err := grid.ParseMGRS(ref); err != nil {
			p.bad("mgrs", "%q is not an MGRS grid reference: %v", ref, err)
		}
		place.Mgrs = ref
		if p.get("latitude")+p.get("longitude") == "" {
			return place
		}
	}
	place.Point = &typev1.LatLng{Latitude: p.degrees("latitude", 90), Longitude: p.degrees("longitude", 180)}
	return place
}

func (p *parser) degrees(col string, limit float64) float64 {
	s := p.required(col)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.bad(col, "%q is not a number of degrees", s)
		return 0
	}
	if f < -limit || f > limit {
		p.bad(col, "%v is outside [-%v, %v]", f, limit, limit)
	}
	return f
}

func (p *parser) count(col string) int32 {
	s := p.get(col)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		p.bad(col, "%q is not a whole number of people", s)
		return 0
	}
	return int32(n)
}

// casualties makes the one count a row carries; sides default to unknown, since a report
// that gives numbers without saying whose they are is still worth recording.
func (p *parser) casualties() *incidentv1.Casualties {
	c := &incidentv1.CasualtyCount{Killed: p.count("killed"), Wounded: p.count("wounded"), KilledOrWounded: p.count("killed_or_wounded")}
	for _, s := range list(p.get("casualty_sides")) {
		side := incidentv1.CasualtySide(parseEnum(s, "CASUALTY_SIDE_", incidentv1.CasualtySide_value))
		if side <= 0 {
			p.bad("casualty_sides", "%q is not a side: use civilian, iraqi_army, peshmerga, assailant or unknown", s)
			continue
		}
		c.Sides = append(c.Sides, side)
	}
	if c.Killed+c.Wounded+c.KilledOrWounded == 0 {
		if len(c.Sides) > 0 {
			p.bad("casualty_sides", "given without killed, wounded or killed_or_wounded")
		}
		return nil
	}
	if len(c.Sides) == 0 {
		c.Sides = []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_UNKNOWN}
	}
	return &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{c}}
}

// enumValue parses an optional enum column: "ied", "IED", "armed attack" and
// "INCIDENT_KIND_ARMED_ATTACK" all name the same value. Empty is the zero value.
func enumValue[E ~int32](p *parser, col, prefix string, values map[string]int32, _ E) E {
	s := p.get(col)
	if s == "" {
		return 0
	}
	v := parseEnum(s, prefix, values)
	if v <= 0 {
		p.bad(col, "%q is not one of %s", s, strings.Join(enumNames(prefix, values), ", "))
		return 0
	}
	return E(v)
}

// parseEnum returns the value of the enum constant s names, or -1.
func parseEnum(s, prefix string, values map[string]int32) int32 {
	key := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(s)))
	if !strings.HasPrefix(key, prefix) {
		key = prefix + key
	}
	v, ok := values[key]
	if !ok || strings.HasSuffix(key, "_UNSPECIFIED") {
		return -1
	}
	return v
}

// enumNames lists the values a person may write, in declaration order.
func enumNames(prefix string, values map[string]int32) []string {
	keys := make([]string, 0, len(values))
	for k, v := range values {
		if v > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return values[keys[i]] < values[keys[j]] })
	for i, k := range keys {
		keys[i] = strings.ToLower(strings.TrimPrefix(k, prefix))
	}
	return keys
}

// list splits a ";"-separated cell, dropping empty parts.
func list(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// force accepts "peshmerga" for "forces/peshmerga".
func force(s string) string {
	if s == "" || strings.HasPrefix(s, "forces/") {
		return s
	}
	return "forces/" + s
}
