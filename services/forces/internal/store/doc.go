// Package store keeps forces, units, people, areas and TAK bindings in the service's own
// database through platform/store's change log and cache: every list, get and reference
// check is answered from this process's memory, and every write goes by name through the
// log, so several replicas on one store see each other's writes and never lose an update.
// Lists are in name order with a name cursor; a force's records (and a unit's areas) are
// a range of names, and the fields lists filter on for equality are indexed.
package store
