// Package changes is the gateway's record that a zone's operational picture changed: an
// incident placed in it, a deployment proposed or acknowledged, the zone itself edited or
// deleted. Each change is a write through the store to the zone's one feed document, so
// it is an entry of the store's change log: watchers follow it with a resume token, the
// operational-picture stream survives restarts and works across replicas, and the store
// prunes the log like any other. A change names the zone and its causes only: the watcher
// computes the zone's whole picture when it delivers it.
package changes
