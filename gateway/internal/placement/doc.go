// Package placement places incidents in the zones that contain them, for coverage and the
// operational picture (so they never call the incident service).
//
// A Follower follows the incident service's WatchIncidents stream on the gateway's own
// behalf and places its events in batches: what arrived while the last batch was placed,
// and at least Gather (50 ms) after it began (at most Batch events). The Placer keeps every placement in Memory, also those in no
// zone: an incident's previous placement (to notify the zones it leaves), the incidents a
// zone change may move, and the incidents of a zone and window all come from memory,
// never from a store query (on the embedded store every query but one by _id reads the
// whole collection). Each zone a batch changes is notified once, with up to MaxCauses
// causes, through the picture feed (all zones of a batch at once, so the store commits
// them together).
//
// Placements are not stored one by one (on the embedded store a placement upsert cost
// 0.9 ms of the store's CPU and a scan of them 0.25 ms per placement, measured at 20,000):
// the Store keeps snapshots of memory with the stream's resume token, written once
// SaveEvery events were placed since the last (and at least a quarter of memory, so the
// cost stays O(events)), or SaveAfter after the first unsaved one. Memory is never saved
// ahead of what it holds: the token is moved only after its batch is placed. At start the
// gateway loads the snapshot (a few reads by _id), places the incidents again against the
// zones as they are now (a crash between a zone write and its re-placement is repaired),
// and resumes the stream at the snapshot's token. A crash loses only the work since the
// last snapshot: the stream replays it, memory holds each incident's placement as of the
// snapshot, so the zones it left or entered since are notified again (at least once), and
// changes made while every gateway was down are notified the same way. An expired or
// refused token replays every incident, compared with memory as it stands.
//
// Several gateway replicas each follow the stream into their own memory and notify the
// zones their own batches change (a watcher of any replica then sees a change after its
// replica placed it; with several replicas a zone may be notified once per replica), and
// any of them writes the shared snapshot: the head is replaced whole and names chunks of
// its writer's own generation.
package placement
