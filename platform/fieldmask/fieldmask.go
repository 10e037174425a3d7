// Package fieldmask checks and applies the update_mask of Update methods (AIP-134) the
// same way in every service: each resource declares the paths it lets clients change, as
// a table from path to the function that copies that field.
package fieldmask

import "github.com/tansiq/tansiq/platform/apperr"

// Check validates an update_mask against the updatable paths and returns its paths as a
// set: an empty mask and an unknown path are field violations.
func Check[F any](v *apperr.Violations, paths []string, updatable map[string]F) map[string]bool {
	if len(paths) == 0 {
		v.Add("update_mask", "name at least one field to change")
		return nil
	}
	set := map[string]bool{}
	for i, p := range paths {
		if _, ok := updatable[p]; !ok {
			v.Add(apperr.Index("update_mask.paths", i), "%q cannot be updated", p)
			continue
		}
		set[p] = true
	}
	return set
}

// Apply copies the fields named in paths from src to dst with the setters.
func Apply[T any](dst *T, src T, paths map[string]bool, setters map[string]func(*T, T)) {
	for p := range paths {
		setters[p](dst, src)
	}
}
