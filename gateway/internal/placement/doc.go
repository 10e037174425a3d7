// Package placement places incidents in the zones that contain them. A Follower follows
// the incident service's WatchIncidents stream on the gateway's own behalf, resuming
// from a token kept in the gateway's database, so after a restart it backfills what it
// missed, and it retries with backoff while the incident service is away. The Placer
// stores one small placement per incident (what coverage and the operational picture
// need, so they never call the incident service), keeps the recent ones per zone in
// memory (bounded), and re-places stored incidents when a zone's area changes.
package placement
