package command

import "strings"

// resourceName accepts a short id where a resource name is wanted: "makhmour" for
// "zones/makhmour", "peshmerga" for "forces/peshmerga".
func resourceName(collection, s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, collection+"/") {
		return s
	}
	return collection + "/" + s
}

// shortName drops the collection from a name for a narrow column: "zones/makhmour" is
// "makhmour", "forces/peshmerga/units/1st-brigade" is "peshmerga/1st-brigade".
func shortName(s string) string {
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 2:
		return parts[1]
	case 4:
		return parts[1] + "/" + parts[3]
	}
	return s
}

// enumLabel shows an enum value without its prefix, in lower case:
// INCIDENT_KIND_ARMED_ATTACK is "armed_attack"; the unspecified value is empty.
func enumLabel(value, prefix string) string {
	v := strings.TrimPrefix(value, prefix)
	if v == "UNSPECIFIED" {
		return ""
	}
	return strings.ToLower(v)
}
