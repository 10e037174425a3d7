// Package domain holds what forces, units and people are and the rules they follow: the
// force a unit or person belongs to (the parent of its name), the unit hierarchy (one force,
// no cycles, bounded depth), references to units and people of the same force, when a
// record may be deleted, and how position reports order and age out of a unit's history.
// It knows nothing of gRPC or the store: look-ups come in as functions.
package domain
