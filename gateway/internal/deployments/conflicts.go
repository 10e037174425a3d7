package deployments

import (
	"cmp"
	"slices"
	"time"
)

// Window is a deployment's time span [Start, End); a zero End is open.
type Window struct {
	Start, End time.Time
}

// WindowOf returns d's window.
func WindowOf(d *Deployment) Window { return Window{d.StartTime, d.EndTime} }

// Overlap returns where w and o overlap, if they do. The overlap's End is zero when
// both are open-ended.
func (w Window) Overlap(o Window) (Window, bool) {
	start := w.Start
	if o.Start.After(start) {
		start = o.Start
	}
	end := w.End
	if end.IsZero() || (!o.End.IsZero() && o.End.Before(end)) {
		end = o.End
	}
	if !end.IsZero() && !start.Before(end) {
		return Window{}, false
	}
	return Window{start, end}, true
}

// Books reports whether a stored deployment holds its units: PROPOSED or ACTIVE as
// stored. An ACTIVE one past its end_time still holds them over its window, so a
// deployment recorded after the fact cannot double-book a unit that was elsewhere then.
func Books(d *Deployment) bool {
	return d.State == StateProposed || d.State == StateActive
}

// UnitConflict is a unit the prospective deployment shares with another one whose
// window overlaps.
type UnitConflict struct {
	Unit       string
	Deployment string
	State      string // the other deployment's state as read
	Overlap    Window
}

// ZoneOverlap is another deployment in the same zone whose window overlaps.
type ZoneOverlap struct {
	Deployment string
	State      string
	Overlap    Window
}

// Conflicts compares a prospective deployment (zone, units, window) with the stored
// ones, leaving out the one named skip: every unit it would double-book, by unit then
// deployment, and every deployment in its zone whose window overlaps, by overlap start
// then name. Only deployments that Books counts are compared.
func Conflicts(zone string, units []string, w Window, others []*Doc, skip string, now time.Time) ([]UnitConflict, []ZoneOverlap) {
	var uc []UnitConflict
	var zo []ZoneOverlap
	for _, o := range others {
		if o.Name == skip || !Books(&o.Body) {
			continue
		}
		ov, ok := w.Overlap(WindowOf(&o.Body))
		if !ok {
			continue
		}
		st := o.Body.StateAt(now)
		for _, u := range units {
			if slices.Contains(o.Body.Units, u) {
				uc = append(uc, UnitConflict{Unit: u, Deployment: o.Name, State: st, Overlap: ov})
			}
		}
		if zone != "" && o.Body.Zone == zone {
			zo = append(zo, ZoneOverlap{Deployment: o.Name, State: st, Overlap: ov})
		}
	}
	slices.SortFunc(uc, func(a, b UnitConflict) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Deployment, b.Deployment))
	})
	slices.SortFunc(zo, func(a, b ZoneOverlap) int {
		return cmp.Or(a.Overlap.Start.Compare(b.Overlap.Start), cmp.Compare(a.Deployment, b.Deployment))
	})
	return uc, zo
}
