package incidentfile

import "strings"

// columns are the columns an import file may have, and whether each is required.
var columns = map[string]bool{
	"id": false, "kind": true, "title": true, "description": false,
	"occur_time": true, "time_precision": false,
	"latitude": false, "longitude": false, "mgrs": false, "geo_precision": false, // lat/lng or mgrs: checkHeader
	"place": false, "place_ar": false, "place_ckb": false,
	"district": false, "governorates": false, "reporting_force": true,
	"claimed_by": false, "assessed_by": false, "confidence": false,
	"casualty_sides": false, "killed": false, "wounded": false, "killed_or_wounded": false,
	"source": false, "source_uri": false, "notes": false,
}

// fieldColumns maps the fields the server names in its violations to the column a person
// edits. Longest prefix wins, so "incident.casualties.counts[0].killed" finds "killed".
var fieldColumns = []struct{ prefix, column string }{
	{"incident_id", "id"},
	{"incident.kind", "kind"},
	{"incident.title", "title"},
	{"incident.description", "description"},
	{"incident.occur_time", "occur_time"},
	{"incident.time_precision", "time_precision"},
	{"incident.place.point.latitude", "latitude"},
	{"incident.place.point.longitude", "longitude"},
	{"incident.place.point", "latitude/longitude"},
	{"incident.place.mgrs", "mgrs"},
	{"incident.place.precision", "geo_precision"},
	{"incident.place.name", "place"},
	{"incident.place", "latitude/longitude"},
	{"incident.district", "district"},
	{"incident.governorates", "governorates"},
	{"incident.reporting_force", "reporting_force"},
	{"incident.perpetrator.claimed", "claimed_by"},
	{"incident.perpetrator.assessed", "assessed_by"},
	{"incident.perpetrator.confidence", "confidence"},
	{"incident.casualties.counts[0].sides", "casualty_sides"},
	{"incident.casualties.counts[0].killed_or_wounded", "killed_or_wounded"},
	{"incident.casualties.counts[0].killed", "killed"},
	{"incident.casualties.counts[0].wounded", "wounded"},
	{"incident.sources[0].name", "source"},
	{"incident.sources[0].uri", "source_uri"},
	{"incident.notes", "notes"},
}

// Column returns the import column a server-side field path refers to, or "" when the
// field has no column of its own.
func Column(field string) string {
	best, bestLen := "", -1
	for _, fc := range fieldColumns {
		if (field == fc.prefix || strings.HasPrefix(field, fc.prefix+".") || strings.HasPrefix(field, fc.prefix+"[")) && len(fc.prefix) > bestLen {
			best, bestLen = fc.column, len(fc.prefix)
		}
	}
	return best
}

// normalizeColumn makes header cells match however a spreadsheet spelt them:
// "Occur Time" and "occur-time" are occur_time.
func normalizeColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}
