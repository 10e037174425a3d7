// Package store keeps forces, units and people in the service's own database: one
// document per record, written atomically (a unit's position history included), with the
// indexes its queries, references and idempotency need. Lists are in name order with a
// name cursor; batch reads are one $in query.
package store
