// Package domain holds what a coordination meeting is and the rules it follows: its states
// and the moves between them, the forces taking part, decisions that bind only once every
// force they name has acknowledged them (rules.go gathers the joint rules), and action items whose overdue status follows the
// clock. It knows nothing of gRPC or the store.
package domain
