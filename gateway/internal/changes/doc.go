// Package changes is the gateway's record that a zone's operational picture changed: an
// incident placed in it, a deployment proposed or acknowledged, the zone itself edited or
// deleted. Writers append one small document per change; watchers follow them from the
// store with a resume token, so the operational-picture stream survives restarts and
// works across replicas. A change names the zone and its causes only: the watcher computes
// the zone's whole picture when it delivers it.
package changes
