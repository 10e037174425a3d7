// Package audit keeps the trail of every mutating call a server receives, allowed or
// denied: who (person, force, role), the method, the resource, the decision and status,
// the request id, the trace id and the time. Records are only ever inserted; no API
// changes or deletes them. Service serves them through tansiq.audit.v1.AuditService, and
// listing them for one resource gives that record's change history.
package audit
