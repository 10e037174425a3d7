package changes

import "time"

// Kinds of change.
const (
	KindUpdated = "updated" // the zone's picture changed
	KindRemoved = "removed" // the zone was deleted
)

// Change is one stored change to a zone's picture.
type Change struct {
	Zone   string    `bson:"zone"`
	Kind   string    `bson:"kind"`
	Causes []string  `bson:"causes,omitempty"`
	Time   time.Time `bson:"time"`
}
