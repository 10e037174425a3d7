// Package store is the storage layer every Tansiq service shares. It runs unchanged on
// MongoDB and on FerretDB 1.x (SQLite), which has no transactions and no change streams and
// serves only string _id equality from an index, and it touches the store by _id only,
// apart from loading a collection in full at start when it has no usable snapshot.
//
// # Collections: a log, its materialisation, and a cache per process
//
// A Collection[T] named "things" is three stored collections and one in-memory cache:
//
//   - "things_log", the truth: one entry per committed change, _id = the change's sequence
//     number (1, 2, 3...: zero-padded strings), carrying the document's whole new state (or
//     its deletion);
//   - "things", the materialisation: each live document at its latest state, for loading and
//     for queries still run in the store (Find); "things_gone" keeps the tombstones of
//     deleted ones; "counters" holds the checkpoint: every entry up to it is materialised;
//   - the cache: every live document, decoded once, in this process, with the orders
//     (OrderBy) and equality indexes (IndexBy) List uses, and a ring of the latest changes
//     (Timing.Ring) that every Follow reads.
//
// # Writes: a compare-and-swap on the next sequence number
//
// Create, Update, UpdateAuthorized, Delete and Remove all commit the same way. The change
// is decided on the cache's state at its position p (entries 1..p applied, nothing more):
// the authorization (UpdateAuthorized's authorize, run before anything else is looked at),
// the etag, a request id already applied, the caller's mutate. It is then inserted as log
// entry p+1. The insert succeeds only if p+1 is free, that is if no change was committed
// since the state the decision saw. If p+1 is taken (duplicate _id) the cache reads the log
// forward by _id and the change is decided again on the newer state: an etag the caller gave
// then no longer matches (ABORTED), a create's request id is found (the first result is
// returned), a change without an etag is applied to the newer state. So, across any number
// of processes on one store:
//
//   - the log has no gaps: a writer takes p+1 only after it has seen p;
//   - every entry was decided on all the entries before it (never a lost update);
//   - two writers with one etag: one commits, the other gets ABORTED; two creates with one
//     request id: one record, both callers get it.
//
// A rule over two collections uses Fence: an entry that changes no document, so every
// commit decided before it is decided again after it (the gateway's zone deletion).
//
// A refusal first makes the cache catch up and decides once more, so a replica behind
// another's change (a record just created there) does not answer NOT_FOUND or ABORTED
// from stale memory.
//
// Within a process, commits to one collection are grouped (commit.go): concurrent writes
// queue up, and one committer at a time decides a group of them on the cache at p and
// inserts them as entries p+1, p+2, ... with one ordered insert, so c concurrent writes cost
// about one store round trip instead of c in turn. A group holds writes to distinct
// documents (and creates with distinct request ids), so none of its decisions depends on
// another's: each is the decision it would get after the ones before it. A write that reads
// more than its document (CreateChecked's check, a fence) is a group of its own. If another
// process took p+k, the ordered insert stopped there: the entries before it are committed
// and acknowledged, the rest are decided again after the cache caught up. A write is
// acknowledged only once its own entry is known inserted; if the insert fails otherwise
// (the store away), nothing after what it is known to have committed is acknowledged.
// After a group of g writes, the next one waits (Timing.CommitGather, 6ms at most) until
// g writes are queued: callers that committed together come back a little apart, and
// without the wait the first would commit alone and every group would stay small.
//
// # Read your writes, and convergence
//
// The writer applies its entry to its own cache before the call returns. Every process has
// ONE follower per collection, which reads entry pos+1 by _id until there is none, every
// Timing.Poll (200 ms) while the log changes; each read that finds nothing doubles the wait,
// up to Timing.IdlePoll (500 ms), and a change brings it back to Poll. Other replicas'
// changes reach the cache within IdlePoll (plus one read), and an idle follower costs one
// point read per IdlePoll, whatever the collection's size. Get of a name the
// cache does not hold reads the log forward first, so a record created through another
// replica is found at once. Sync(within) reads the log forward unless the process saw its
// end less than within ago: a collection read seldom (the audit trail) tunes a long IdlePoll
// and calls it before a read, so an idle store is not read for it every 500 ms and its reads
// converge as fast as any. Get and List return copies; List walks a declared order from a
// start point (page cursor, range bound) or sorts the smaller set an index gives.
//
// # Crashes between the steps of a write
//
// A write is: insert the log entry (the commit point), apply it to the cache, answer the
// caller, write the document (materialise). Materialising is off the call's path and
// batched (materialise.go): one materialiser per collection and process gathers changes
// for Timing.Gather (50ms), then writes the current state of every name committed since
// its last write, those it created with one insert and the rest with one bulk write, while
// there is any. Find (a query run in the store) first waits for this process's own. A crash before
// the insert leaves nothing. A crash after it leaves a committed change that the document
// collection may lack; the caller may not have had the answer (a retry with its request id
// is answered from the log). Nothing is lost:
//
//   - a process loading the collection reads the checkpoint C, then the documents, then
//     the log from C+1 (a document materialised at a newer state keeps it);
//   - every process keeps the entries it applied above the checkpoint. Once an entry is
//     older than Timing.Settle (longer than any write may take: its writer has finished or
//     died), the follower checks the document collection for each such entry it did not
//     materialise itself, by _id, and writes the cache's latest state of the document if
//     the stored one is older or missing. Only then does it raise the checkpoint.
//
// Late or reordered materialisations (FerretDB evaluates a replace as a read then a write)
// can leave an older state in the document collection for at most the settle window; the
// check repairs them before the checkpoint passes. The cache is never affected: it applies
// entries in sequence order only.
//
// # Pruning the log
//
// An entry is deleted once no reader needs it: it is materialised (at or below the
// checkpoint), Timing.Keep newer entries exist, it is older than Timing.KeepFor (10,000
// and an hour by default; flags --store-log-keep and --store-log-keep-for), and it is not
// after the newest snapshot (see Snapshots). Every process
// prunes, in blocks of 64 entries by _id, marking each block in "counters" before it
// deletes it. A process that saw the end of the log less than KeepFor/2 ago knows a missing
// entry is not written yet; one that was away longer checks the block's mark and, if it is
// there, reloads its cache from the materialised collection before it decides anything,
// so it never reuses a pruned sequence number (prune.go). Watchers are served from the
// cache, but a resume token older than what the log keeps is refused with OUT_OF_RANGE
// (RESUME_TOKEN_EXPIRED): the client lists again and watches from there, as from the
// Kubernetes watch cache's 410 Gone. Tombstones ("things_gone") are kept.
//
// # Journals
//
// A collection whose documents are only ever created, never updated or deleted (an audit
// trail), may be declared a journal (Journal): the entry that creates a document is then
// also its final state, and the log is its one stored copy. A create commits exactly as
// above (the commit point, group commit, read your writes, a retry answered by its
// request id); nothing is materialised after it, so a create costs the store its log entry
// alone. The checkpoint is never raised (it stays where it was when the collection became
// one, 0 for a new one), and since pruning passes only entries at or below it, every entry
// after it is kept: the log grows with the journal, as its document collection would
// have. Nothing is lost at a crash: an entry is committed or it is not. A load in full
// reads the checkpoint, the documents (those materialised before the collection became a
// journal) and then the log after the checkpoint with one query, as it reads the
// documents; a load from a snapshot reads the log after it by _id, as for any collection.
// A commit that is not a create is refused, and so is Find, whose document collection
// lacks the journal's records.
//
// # Snapshots of the cache
//
// Loading a collection from its materialisation makes the store decode every document (on
// FerretDB's SQLite backend, from its stored JSON): minutes at 100,000 incidents. So the
// cache is also saved as snapshots ("things_snap", snapshot.go): every live document and
// tombstone at one log position S, as BSON records laid end to end in zstd-compressed
// chunks of about 4 MiB of records (far below MongoDB's 16 MiB document limit), each chunk
// one binary value in a document keyed by _id, and a head document naming the chunks,
// their checksums, S, and the writer's checkpoint with the entries above it. A process
// loads the newest snapshot by _id (a few point reads, and the store decodes a few strings),
// then reads the log from S+1 as a follower does. It loads from the materialisation
// instead when there is no snapshot, a chunk is missing or does not match its checksum,
// or the entries after S are pruned (the horizon is past S): slower, never wrong.
//
// Who writes, and when: any process, from its follower, once the log has grown by
// Timing.SnapshotAfter entries (1,000 by default) since the newest snapshot it knows of,
// so a load reads at most about that many log entries after the snapshot (64 reads by _id
// in flight; each costs the store a read and a decode, about a millisecond of its CPU). A
// snapshot is a delta while it can be: the newest snapshot's chunks, then the records
// changed since (those whose sequence is past it), so writing it costs the store about
// the changes since the last one, not the collection's size. When the deltas would reach
// an eighth of the base's records, the snapshot is a new base of every record instead (at
// 100,000 incidents about 21 MB compressed). So the store writes about nine records per
// change whatever the collection's size (a base of n records every n/8 changed records,
// and each change once in a delta), and a load decodes at most an eighth more records
// than there are. Two moments besides: a process that loaded with SnapshotAfter or more
// entries after its snapshot, or in full, writes one at its next poll (the newest it knows
// of is then that far behind), so the next start does not repeat the work; and a process
// that stops (Close; DB.Close closes every collection of its database, and a server calls
// it once it has stopped serving) first waits for its materialiser to write what it
// gathered, then, more than 64 entries (what a start reads in one round) or SnapshotAfter
// after the newest snapshot, settles the
// entries that are due and writes one at its position, its own entries marked
// materialised, so a bulk loader (CreateMany) or a server stopped after writes leaves the
// next start neither its last entries to read nor to read back. It waits out the settle
// window only when more entries are unsettled than a head lists; each step gives up when
// the caller's deadline ends (what is left undone is what a crash leaves, repaired by the
// next start). A snapshot does not wait for settle (it records the checkpoint and the
// entries above it as they are), and settle passes at most 1,024 entries a poll, so a bulk
// load's checks do not hold it up. The writer captures the cache under its lock (pointers
// only: cached documents never change) and writes in the background, one snapshot at a
// time per process. Several replicas may decide at once; no snapshot is lost or torn: the
// writer claims a generation number by inserting "gen/<g>" (a unique _id, the
// compare-and-swap every store has), writes its chunks under it, then takes the next head
// number by inserting "head/<n+1>". Of two writers one gets n+1, the other deletes its own
// chunks (its work is wasted, nothing else). A head is written only after all its chunks,
// so a reader never finds a head naming chunks not yet written. After taking head n, the
// writer deletes the heads before n-1 and their chunks that neither n-1 nor n names; the
// previous head is kept, as a process may be loading it. A process that crashes while
// writing leaves chunks no head names; the next writer deletes them: every generation
// claimed before its own that no kept head names belongs to a writer that lost or died,
// and can never be named by a head (its writer read the heads before this one claimed its
// generation, so the head it aims for is this one's or an older one, taken).
//
// Pruning never passes the newest snapshot the pruning process knows of (one it wrote,
// loaded, or found when it meant to write one): the entries a load from that snapshot
// reads are kept while no newer one can be written (SnapshotAfter is also never more than
// Keep/2, so this rarely holds pruning back); a process that knows only an older snapshot
// prunes less, never more. A load passes a snapshot over, and loads in full, if a chunk is
// missing or spoilt, or the entries after it are pruned anyway (a newer snapshot, which a
// pruner went by, is itself unusable): slower, never wrong. Snapshots take no part in the
// checkpoint: a snapshot at S says nothing about what is materialised, so its head carries
// the writer's checkpoint and the entries above it, each marked if the writer had
// materialised it, and the loading process settles those as the writer would have: it
// checks and repairs the unmarked ones exactly as if it had read them from the log after
// loading in full, and takes the marked ones as materialised (a restart after a thousand
// creates does not read them all back). The ring of recent changes starts empty at S, as after any load: watchers resuming
// from older tokens get the current state of what changed since (see Watching).
//
// # Watching
//
// Follow serves every watcher from the cache: each reads the ring of recent changes with
// its own cursor, woken by the one follower, so watchers cost the store nothing. A resume
// token is a position in the log: resuming sends exactly the changes after it (change by
// change while the ring holds them; beyond the ring, the current state of each document
// changed since, in sequence order). The at-least-once window is therefore only what the
// client received and did not record. A watcher that falls behind the ring is ended with
// WATCHER_TOO_SLOW (RESOURCE_EXHAUSTED) and resumes from its last token; one resuming
// from before the pruned log is ended with ErrResumeTokenExpired.
package store

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Doc is the stored form of one resource: its body, the resource name as _id, and the
// bookkeeping that lets one document change atomically (etag, change sequence and the
// request ids already applied) on a store without transactions.
type Doc[T any] struct {
	Name string `bson:"_id"`
	// Owner is the force that owns the record ("forces/peshmerga"), for authorization.
	Owner string `bson:"owner"`
	Etag  string `bson:"etag"`
	// Seq is the log sequence number of the change that made this state.
	Seq int64 `bson:"seq"`
	// Change names the last change ("created", "updated", a custom method's verb).
	Change string `bson:"change"`
	// RequestID is the request_id of the create (a random one when none was given),
	// unique in the collection; RequestHash fingerprints that request.
	RequestID   string `bson:"request_id"`
	RequestHash string `bson:"request_hash"`
	// Applied remembers the latest state-changing requests, so their retries are answered
	// from here and not applied twice.
	Applied    []Applied `bson:"applied,omitempty"`
	CreateTime time.Time `bson:"create_time"`
	UpdateTime time.Time `bson:"update_time"`
	Body       T         `bson:"body"`
}

// Applied is one remembered state-changing request.
type Applied struct {
	RequestID   string `bson:"id"`
	RequestHash string `bson:"hash"`
}

// maxApplied bounds the remembered requests per document: retries come within minutes,
// not after dozens of other changes.
const maxApplied = 32

func (d *Doc[T]) applied(requestID string) (Applied, bool) {
	for _, a := range d.Applied {
		if a.RequestID == requestID {
			return a, true
		}
	}
	return Applied{}, false
}

func (d *Doc[T]) remember(requestID, hash string) {
	if requestID == "" {
		return
	}
	d.Applied = append(d.Applied, Applied{RequestID: requestID, RequestHash: hash})
	if len(d.Applied) > maxApplied {
		d.Applied = d.Applied[len(d.Applied)-maxApplied:]
	}
}

// NewID returns a random identifier for resources and request ids.
func NewID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
