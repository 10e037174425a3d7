// Package domain holds what an incident is and the rules it follows: its fields, how its
// casualties add up when the split by side is unknown, its states and the moves between
// them, and the seed scenario. It knows nothing of gRPC or the store.
package domain
