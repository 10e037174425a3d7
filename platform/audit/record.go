package audit

import (
	"time"

	"github.com/tansiq/tansiq/platform/store"
)

// Doc is a stored record: its name ("auditRecords/{audit_record}") is the Doc's.
type Doc = store.Doc[Record]

// Record is one audited call as stored.
type Record struct {
	Actor         string    `bson:"actor"`
	ActorForce    string    `bson:"actor_force,omitempty"`
	ActorRole     string    `bson:"actor_role,omitempty"`
	Method        string    `bson:"method"`
	Resource      string    `bson:"resource,omitempty"`
	Allowed       bool      `bson:"allowed"`
	Reason        string    `bson:"reason,omitempty"`
	StatusCode    string    `bson:"status_code"`
	RequestID     string    `bson:"request_id,omitempty"`
	TraceID       string    `bson:"trace_id,omitempty"`
	ChangedFields []string  `bson:"changed_fields,omitempty"`
	ResourceEtag  string    `bson:"resource_etag,omitempty"`
	RecordedBy    string    `bson:"recorded_by"`
	EventTime     time.Time `bson:"event_time"`
}
