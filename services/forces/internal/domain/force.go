package domain

import "github.com/tansiq/tansiq/platform/localized"

// Force is an armed force taking part in the coordination. Forces are data: the seed has
// the Iraqi army and the Peshmerga, and others may be added.
type Force struct {
	DisplayName localized.Name `bson:"display_name"`
	// Authority is the ministry or command the force answers to.
	Authority localized.Name `bson:"authority"`
}
