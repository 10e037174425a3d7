// Package audit keeps the trail of every mutating call a server receives, allowed or
// denied: who (person, force, role), the method, the resource, the decision and status,
// the request id, the trace id and the time. Records are only ever created; no API
// changes or deletes them. Service serves them through tansiq.audit.v1.AuditService, and
// listing them for one resource gives that record's change history.
//
// The trail is a platform/store collection ("audit_records"), like every other collection,
// declared a journal (records are only created): a record is committed as a log entry,
// concurrent calls' records with one insert (the collection's group commit), before the
// call is answered, and that entry is its one stored copy (nothing is materialised after
// the call, and the log of a journal is not pruned); each process keeps the trail in
// its cache, loaded from the collection's snapshot at start and followed by _id. So a list,
// newest first or filtered, costs the records it walks in memory (a declared order per
// order_by, equality indexes on the fields that pick out few records, the bound of an
// event_time window), and never a read of the store: on FerretDB's SQLite backend a query
// by anything but _id reads and decodes the whole collection, which at 100,000 records
// took seconds a page. The alternatives were weighed: _ids ordered by time or sequence
// let a newest-first page be read by _id, but a filtered page (a record's history) would
// still walk the trail, by _id reads instead of memory; an index of recent records only
// would leave the rest of the trail slow. The cost is memory (the README gives it per
// 100,000 records) and the store's snapshots of the trail, written behind the call as for
// every other collection.
package audit
