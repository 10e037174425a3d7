package store_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// dump is everything a reader of c can see: each live document with its bookkeeping, the
// position, and how the names and request ids of deleted documents answer.
func dump(t *testing.T, c *store.Collection[note], deleted ...string) string {
	t.Helper()
	ctx := context.Background()
	seq, err := c.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := c.List(ctx, store.Selector[note]{Order: "by_name"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "at %d\n", seq)
	for _, d := range docs {
		fmt.Fprintf(&b, "%s %s seq=%d %s %q req=%s applied=%v\n", d.Name, d.Etag, d.Seq, d.Change, d.Body.Text, d.RequestID, d.Applied)
	}
	for _, name := range deleted {
		_, err := c.Get(ctx, name)
		// A retried create of a deleted document is answered from its request id.
		_, retry := c.Create(ctx, &store.Doc[note]{Name: name, RequestID: "req-" + name})
		fmt.Fprintf(&b, "%s: get %v, retried create %v\n", name, apperr.IsKind(err, apperr.KindNotFound), apperr.IsKind(retry, apperr.KindNotFound))
	}
	return b.String()
}

// watched follows c from token until it has sent the change at until (when that is after
// the token: however slowly the watch starts), then until it has been quiet for a moment,
// and folds what it got: each document's last state (or deletion) and the last token.
// Replicas may send several changes to one document as one (a position older than their
// ring, which differs with their history), so that is what they must agree on.
func watched(t *testing.T, c *store.Collection[note], token string, until int64) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	last := map[string]string{}
	lastToken := token
	got := make(chan struct{}, 1)
	atUntil := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(ctx, token, false, func(d *store.Doc[note], tok string) error {
			if d.Seq == until {
				once.Do(func() { close(atUntil) })
			}
			mu.Lock()
			last[d.Name] = fmt.Sprintf("%s seq=%d %s %q", d.Etag, d.Seq, d.Change, d.Body.Text)
			switch {
			case d.Change == "deleted" && token == "":
				// A watch without a token starts from the live documents; a replica whose
				// ring still holds the whole log replays it, deletions included.
				delete(last, d.Name)
			case d.Change == "deleted":
				last[d.Name] = fmt.Sprintf("%s seq=%d deleted", d.Etag, d.Seq)
			}
			lastToken = tok
			mu.Unlock()
			select {
			case got <- struct{}{}:
			default:
			}
			return nil
		})
	}()
	if until > 0 {
		select {
		case <-atUntil:
		case err := <-done:
			t.Fatalf("follow ended: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatalf("watch from %q: the change at %d did not come", token, until)
		}
	}
	for quiet := false; !quiet; {
		select {
		case <-got:
		case err := <-done:
			t.Fatalf("follow ended: %v", err)
		case <-time.After(300 * time.Millisecond):
			quiet = true
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var lines []string
	for name, s := range last {
		lines = append(lines, name+" "+s)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\nlast token " + lastToken
}

func mustCreate(t *testing.T, c *store.Collection[note], name, text string) {
	t.Helper()
	if _, err := c.Create(context.Background(), &store.Doc[note]{Name: name, RequestID: "req-" + name, Body: note{text}}); err != nil {
		t.Fatal(err)
	}
}

func mustUpdate(t *testing.T, c *store.Collection[note], name, text string) {
	t.Helper()
	ch := store.Change{Name: name, Verb: "updated", RequestID: "edit-" + name + "-" + text, RequestHash: text}
	if _, err := c.Update(context.Background(), ch, setText(text)); err != nil {
		t.Fatal(err)
	}
}

func mustDelete(t *testing.T, c *store.Collection[note], name string) {
	t.Helper()
	if err := c.Delete(context.Background(), name, ""); err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotLoadsTheSameState: a process started from a snapshot holds exactly what one
// that loaded in full holds, creates, updates and deletions made after the snapshot
// included, and its watchers get the same changes from any resume token.
func TestSnapshotLoadsTheSameState(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	timing := fast
	timing.SnapshotAfter = 10
	writer := replicasOn(t, db, 1, timing)[0]
	for i := range 20 {
		mustCreate(t, writer, fmt.Sprintf("notes/%02d", i), "v0")
	}
	for i := range 5 {
		mustUpdate(t, writer, fmt.Sprintf("notes/%02d", i), "v1")
	}
	for i := 5; i < 8; i++ {
		mustDelete(t, writer, fmt.Sprintf("notes/%02d", i))
	}
	// The follower writes snapshots on its own as the log grows...
	waitFor(t, func() bool { at, err := store.SnapshotAt(ctx, writer); return err == nil && at >= 10 })
	// ...and store.Snapshot pins one at the current position, so what follows is all after it.
	if err := store.Snapshot(ctx, writer); err != nil {
		t.Fatal(err)
	}
	at, err := store.SnapshotAt(ctx, writer)
	if err != nil || at != 28 {
		t.Fatalf("snapshot at %d (%v), want 28", at, err)
	}
	mustCreate(t, writer, "notes/20", "new")
	mustCreate(t, writer, "notes/21", "new")
	mustUpdate(t, writer, "notes/01", "v2")
	mustUpdate(t, writer, "notes/10", "v1")
	mustDelete(t, writer, "notes/02")
	mustDelete(t, writer, "notes/21")
	mustCreate(t, writer, "notes/22", "new")

	fromSnap := replicasOn(t, db, 1, timing)[0]
	if got := store.LoadedFrom(fromSnap); got != 28 {
		t.Fatalf("the second process loaded from %d, want the snapshot at 28", got)
	}
	if err := db.Collection("notes_snap").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	full := replicasOn(t, db, 1, timing)[0]
	if got := store.LoadedFrom(full); got != 0 {
		t.Fatalf("the third process loaded from a snapshot at %d, want a full load", got)
	}
	deleted := []string{"notes/02", "notes/05", "notes/21"}
	want := dump(t, writer, deleted...)
	if got := dump(t, fromSnap, deleted...); got != want {
		t.Errorf("loaded from the snapshot:\n%s\nwant (the writer's):\n%s", got, want)
	}
	if got := dump(t, full, deleted...); got != want {
		t.Errorf("loaded in full:\n%s\nwant (the writer's):\n%s", got, want)
	}
	// Every watch from before 35 ends with its last change, the creation of notes/22.
	for _, from := range []int64{-1, 3, 27, 28, 30, 35} {
		token, last := "", int64(35)
		if from >= 0 {
			token = store.Token(from)
		}
		if from == 35 {
			last = 0 // nothing after it
		}
		if got, want := watched(t, fromSnap, token, last), watched(t, full, token, last); got != want {
			t.Errorf("watch from %q, loaded from the snapshot:\n%s\nloaded in full:\n%s", token, got, want)
		}
	}
	// Both go on following the log alike.
	mustUpdate(t, writer, "notes/03", "v9")
	mustDelete(t, writer, "notes/04")
	waitFor(t, func() bool { return dump(t, fromSnap) == dump(t, writer) && dump(t, full) == dump(t, writer) })
}

// snapDocs returns the snapshot collection's documents by _id.
func snapDocs(t *testing.T, db *mongo.Database) map[string]bson.Raw {
	t.Helper()
	cur, err := db.Collection("notes_snap").Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []bson.Raw
	if err := cur.All(context.Background(), &all); err != nil {
		t.Fatal(err)
	}
	out := map[string]bson.Raw{}
	for _, d := range all {
		out[d.Lookup("_id").StringValue()] = d
	}
	return out
}

// heads returns the snapshot heads, newest last, and fails if a head names a chunk that
// is missing or a chunk belongs to no head.
func heads(t *testing.T, db *mongo.Database) []bson.Raw {
	t.Helper()
	hs, orphans := headsAndOrphans(t, db)
	if len(orphans) > 0 {
		t.Fatalf("chunks %v belong to no head", orphans)
	}
	return hs
}

// headsAndOrphans returns the snapshot heads, newest last, and the chunks no head names;
// it fails if a head names a chunk that is missing.
func headsAndOrphans(t *testing.T, db *mongo.Database) (hs []bson.Raw, orphans []string) {
	t.Helper()
	docs := snapDocs(t, db)
	named := map[string]bool{}
	for id, d := range docs {
		if !strings.HasPrefix(id, "head/") {
			continue
		}
		hs = append(hs, d)
		gen := d.Lookup("gen").StringValue()
		chunks, _ := d.Lookup("chunks").Array().Values()
		for i, ch := range chunks {
			cid, ok := ch.Document().Lookup("id").StringValueOK()
			if !ok {
				cid = fmt.Sprintf("%s/%06d", gen, i)
			}
			if _, ok := docs[cid]; !ok {
				t.Fatalf("%s names chunk %s, which is missing", id, cid)
			}
			named[cid] = true
		}
	}
	for id := range docs {
		if id != "hint" && !strings.HasPrefix(id, "head/") && !strings.HasPrefix(id, "gen/") && !named[id] {
			orphans = append(orphans, id)
		}
	}
	slices.SortFunc(hs, func(a, b bson.Raw) int {
		return strings.Compare(a.Lookup("_id").StringValue(), b.Lookup("_id").StringValue())
	})
	slices.Sort(orphans)
	return hs, orphans
}

// TestSnapshotFallsBackToFullLoad: a snapshot that cannot be used (a chunk missing, a
// chunk corrupt, or the log entries after it pruned) is passed over: the process loads in
// full, to the same state.
func TestSnapshotFallsBackToFullLoad(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, db *mongo.Database, chunk string)
	}{
		{"chunk missing", func(t *testing.T, db *mongo.Database, chunk string) {
			if _, err := db.Collection("notes_snap").DeleteOne(ctx, bson.D{{Key: "_id", Value: chunk}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"chunk corrupt", func(t *testing.T, db *mongo.Database, chunk string) {
			var ch struct {
				Data []byte `bson:"data"`
			}
			if err := db.Collection("notes_snap").FindOne(ctx, bson.D{{Key: "_id", Value: chunk}}).Decode(&ch); err != nil {
				t.Fatal(err)
			}
			// Well-formed but wrong: one record's text changed, recompressed (so only the
			// head's checksum tells).
			dec, _ := zstd.NewReader(nil)
			raw, err := dec.DecodeAll(ch.Data, nil)
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(raw, []byte("xxxx"))
			if i < 0 {
				t.Fatal("no text to corrupt")
			}
			raw[i] = 'y'
			enc, _ := zstd.NewWriter(nil)
			ch.Data = enc.EncodeAll(raw, nil)
			if _, err := db.Collection("notes_snap").UpdateOne(ctx, bson.D{{Key: "_id", Value: chunk}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "data", Value: ch.Data}}}}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.DB(t)
			writer := replicasOn(t, db, 1, fast)[0]
			for i := range 30 {
				mustCreate(t, writer, fmt.Sprintf("notes/%02d", i), strings.Repeat("x", i))
			}
			mustDelete(t, writer, "notes/07")
			if err := store.Snapshot(ctx, writer); err != nil {
				t.Fatal(err)
			}
			mustUpdate(t, writer, "notes/01", "after")
			hs := heads(t, db)
			if len(hs) != 1 {
				t.Fatalf("%d snapshots, want 1", len(hs))
			}
			tc.spoil(t, db, hs[0].Lookup("gen").StringValue()+"/000000")
			loaded := replicasOn(t, db, 1, fast)[0]
			if got := store.LoadedFrom(loaded); got != 0 {
				t.Fatalf("loaded from the spoilt snapshot at %d", got)
			}
			if got, want := dump(t, loaded, "notes/07"), dump(t, writer, "notes/07"); got != want {
				t.Fatalf("loaded in full:\n%s\nwant:\n%s", got, want)
			}
		})
	}

	t.Run("log pruned after it", func(t *testing.T) {
		db := storetest.DB(t)
		timing := fast
		timing.Keep, timing.KeepFor, timing.PruneEvery = 10, time.Nanosecond, 100*time.Millisecond // KeepFor: 2 x Settle
		// The log is pruned up to the newest snapshot, which the follower writes every
		// Keep/2 changes: a write of one timed out on a loaded machine (fast's 2 s) held
		// them all back for a minute (snapRetry), past the wait below.
		timing.WriteTimeout = sturdy.WriteTimeout
		writer := replicasOn(t, db, 1, timing)[0]
		for i := range 20 {
			mustCreate(t, writer, fmt.Sprintf("notes/%02d", i), "v0")
		}
		if err := store.Snapshot(ctx, writer); err != nil {
			t.Fatal(err)
		}
		// Keep this snapshot as it is now.
		old := snapDocs(t, db)
		for i := range 150 { // more than two blocks of the log
			mustUpdate(t, writer, "notes/03", fmt.Sprint(i))
		}
		log := db.Collection("notes_log")
		deadline := time.Now().Add(2 * time.Minute) // a failed snapshot is retried after a minute
		for {
			n, err := log.CountDocuments(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%020d", 21)}})
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break // the entry after the snapshot is pruned
			}
			if time.Now().After(deadline) {
				t.Fatal("the log was not pruned within 2 minutes")
			}
			time.Sleep(100 * time.Millisecond)
		}
		// The snapshot is the newest again: as if nobody had written one since.
		writer.Close(context.Background())
		if err := db.Collection("notes_snap").Drop(ctx); err != nil {
			t.Fatal(err)
		}
		for _, d := range old {
			if _, err := db.Collection("notes_snap").InsertOne(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if at, err := store.SnapshotAt(ctx, writer); err != nil || at != 20 {
			t.Fatalf("newest snapshot at %d (%v), want the old one at 20", at, err)
		}
		loaded := replicasOn(t, db, 1, timing)[0]
		if got := store.LoadedFrom(loaded); got != 0 {
			t.Fatalf("loaded from the snapshot at %d, whose following entries are pruned", got)
		}
		got, err := loaded.Get(ctx, "notes/03")
		if err != nil || got.Body.Text != "149" {
			t.Fatalf("notes/03 = %+v, %v; want the last update", got, err)
		}
		if got, want := dump(t, loaded), dump(t, writer); got != want {
			t.Fatalf("loaded in full:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestReplicasSnapshotAtOnce: two replicas writing a snapshot at the same moment leave one
// complete snapshot (the other's chunks are deleted), which a new process loads.
func TestReplicasSnapshotAtOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	rs := replicasOn(t, db, 2, fast)
	for round := range 6 {
		for i := range 5 {
			mustCreate(t, rs[round%2], fmt.Sprintf("notes/%d-%d", round, i), "v0")
		}
		pos, err := rs[round%2].CurrentSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { p, err := rs[(round+1)%2].CurrentSeq(ctx); return err == nil && p == pos })
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, r := range rs {
			wg.Go(func() { errs[i] = store.Snapshot(ctx, r) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		hs := heads(t, db) // every head complete, no chunk left over
		newest := hs[len(hs)-1]
		if got := newest.Lookup("seq").Int64(); got != pos {
			t.Fatalf("round %d: newest snapshot at %d, want %d", round, got, pos)
		}
		if n := newest.Lookup("n").Int64(); n != int64(round+1) {
			t.Fatalf("round %d: newest snapshot is head %d, want one per round (%d)", round, n, round+1)
		}
		loaded := replicasOn(t, db, 1, fast)[0]
		if got := store.LoadedFrom(loaded); got != pos {
			t.Fatalf("round %d: loaded from %d, want the snapshot at %d", round, got, pos)
		}
		if got, want := dump(t, loaded), dump(t, rs[0]); got != want {
			t.Fatalf("round %d: loaded:\n%s\nwant:\n%s", round, got, want)
		}
		loaded.Close(context.Background())
	}
}

// TestSnapshotCarriesUnsettledChanges: a change in a snapshot whose writer died before
// materialising it (simulated by putting the older state back) is repaired by a process
// loaded from that snapshot, as by one that read the change from the log.
func TestSnapshotCarriesUnsettledChanges(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	// The writer gathers for longer than the snapshot takes, so that the snapshot is taken
	// before it materialises anything (the head marks no entry materialised), and settles
	// nothing before it stops.
	unhurried := fast
	unhurried.Gather = 3 * time.Second
	unhurried.Settle = time.Minute
	writer := replicasOn(t, db, 1, unhurried)[0]
	v1, err := writer.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, writer, "notes/a", "v2")
	if err := store.Snapshot(ctx, writer); err != nil { // before the settle window passed
		t.Fatal(err)
	}
	writer.Close(context.Background())
	if _, err := writer.Mongo().ReplaceOne(ctx, bson.D{{Key: "_id", Value: "notes/a"}}, v1); err != nil {
		t.Fatal(err)
	}
	restarted := replicasOn(t, db, 1, fast)[0]
	if got := store.LoadedFrom(restarted); got != 2 {
		t.Fatalf("loaded from %d, want the snapshot at 2", got)
	}
	if pending, unchecked := store.Unsettled(restarted); pending != 2 || unchecked != 2 {
		t.Fatalf("%d entries to settle, %d to check; want 2 and 2 (taken before the writer materialised them)", pending, unchecked)
	}
	deadline := time.Now().Add(fast.Settle + 10*time.Second)
	for {
		docs, err := restarted.Find(ctx, bson.D{{Key: "_id", Value: "notes/a"}}, nil, 0)
		if err != nil || len(docs) != 1 {
			t.Fatalf("find: %v, %v", docs, err)
		}
		if docs[0].Body.Text == "v2" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the document collection was not repaired")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSnapshotWritersMaterialisationIsNotReadBack: the entries a snapshot's writer had
// materialised when it took the snapshot, above its checkpoint, are settled by a process
// loaded from it without reading each back from the document collection (a restart after
// a thousand creates read a thousand documents back), and the checkpoint still passes them.
func TestSnapshotWritersMaterialisationIsNotReadBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := storetest.DB(t)
	slow := fast
	slow.Settle = time.Minute // nothing settles before the snapshot is taken
	writer := replicasOn(t, db, 1, slow)[0]
	for _, n := range []string{"notes/a", "notes/b", "notes/c"} {
		if _, err := writer.Create(ctx, &store.Doc[note]{Name: n, Body: note{"v1"}}); err != nil {
			t.Fatal(err)
		}
	}
	mustUpdate(t, writer, "notes/b", "v2")
	if _, err := writer.Find(ctx, bson.D{}, nil, 0); err != nil { // waits for the writer's materialisation
		t.Fatal(err)
	}
	if err := store.Snapshot(ctx, writer); err != nil {
		t.Fatal(err)
	}
	writer.Close(context.Background())
	quick := fast
	quick.Settle = 0 // the shortest the gather and write timeout allow
	restarted := replicasOn(t, db, 1, quick)[0]
	if got := store.LoadedFrom(restarted); got != 4 {
		t.Fatalf("loaded from %d, want the snapshot at 4", got)
	}
	if pending, unchecked := store.Unsettled(restarted); pending != 4 || unchecked != 0 {
		t.Fatalf("%d entries to settle, %d to read back; want 4 and none", pending, unchecked)
	}
	for {
		if pending, _ := store.Unsettled(restarted); pending == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var cp struct {
		Seq int64 `bson:"seq"`
	}
	if err := db.Collection("counters").FindOne(ctx, bson.D{{Key: "_id", Value: "notes/log"}}).Decode(&cp); err != nil || cp.Seq != 4 {
		t.Fatalf("checkpoint %d (%v), want 4", cp.Seq, err)
	}
}

// sturdy is fast with writes given a timeout no working store exceeds (a loaded CI
// machine under -race took more than fast's 2 s for a batch): what these tests check does
// not depend on the machine's speed.
var sturdy = store.Timing{Poll: 20 * time.Millisecond, IdlePoll: 20 * time.Millisecond, WriteTimeout: 10 * time.Second, Settle: 11 * time.Second, Ring: 64}

// loadedWith returns a collection with records notes stored by batches of 100 and a
// snapshot at their position (records), on a new database.
func loadedWith(t *testing.T, records int, timing store.Timing) (*mongo.Database, *store.Collection[note]) {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	c := replicasOn(t, db, 1, timing)[0]
	docs := batchOf("n", records)
	for i := 0; i < records; i += 100 {
		if _, err := c.CreateMany(ctx, docs[i:min(i+100, records)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Snapshot(ctx, c); err != nil {
		t.Fatal(err)
	}
	if at, err := store.SnapshotAt(ctx, c); err != nil || at != int64(records) {
		t.Fatalf("snapshot at %d (%v), want %d", at, err, records)
	}
	return db, c
}

// updates makes n updates of one note.
func updates(t *testing.T, c *store.Collection[note], n int) {
	t.Helper()
	for i := range n {
		mustUpdate(t, c, "notes/n-0", fmt.Sprint(i))
	}
}

// TestSnapshotDeltasThenANewBase: a snapshot is a delta on the newest one (that one's
// chunks, then the records changed since) until the deltas would reach an eighth of the
// base's records (here 400 / 8 = 50): then it is a new base. So the store writes a few
// records per change whatever the collection's size, and a process loaded from a delta
// holds exactly what the writer holds, updates, deletions and re-creations included.
func TestSnapshotDeltasThenANewBase(t *testing.T) {
	ctx := context.Background()
	db, c := loadedWith(t, 400, sturdy) // SnapshotAfter 1,000: only store.Snapshot writes one
	var written []int
	for round := range 6 {
		for i := range 10 { // ten records changed in each round
			name := fmt.Sprintf("notes/n-%d", round*10+i)
			switch i {
			case 0:
				mustDelete(t, c, name)
			case 1:
				mustDelete(t, c, name)
				if _, err := c.Create(ctx, &store.Doc[note]{Name: name, RequestID: "again-" + name, Body: note{"again"}}); err != nil {
					t.Fatal(err)
				}
			default:
				mustUpdate(t, c, name, fmt.Sprint(round))
				mustUpdate(t, c, name, fmt.Sprint(round, "b"))
			}
		}
		if err := store.Snapshot(ctx, c); err != nil {
			t.Fatal(err)
		}
		hs := heads(t, db)
		newest := hs[len(hs)-1]
		gen := newest.Lookup("gen").StringValue()
		records := 0
		chunks, _ := newest.Lookup("chunks").Array().Values()
		for _, ch := range chunks {
			if strings.HasPrefix(ch.Document().Lookup("id").StringValue(), gen+"/") {
				records += int(ch.Document().Lookup("docs").AsInt64() + ch.Document().Lookup("gone").AsInt64())
			}
		}
		written = append(written, records)
		loaded := replicasOn(t, db, 1, sturdy)[0]
		if got, want := store.LoadedFrom(loaded), newest.Lookup("seq").Int64(); got != want {
			t.Fatalf("round %d: loaded from %d, want the snapshot at %d", round, got, want)
		}
		if got, want := dump(t, loaded), dump(t, c); got != want {
			t.Fatalf("round %d: loaded:\n%s\nwant:\n%s", round, got, want)
		}
		if _, err := loaded.Get(ctx, fmt.Sprintf("notes/n-%d", round*10)); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Fatalf("round %d: the deleted document: %v, want NOT_FOUND", round, err)
		}
		loaded.Close(context.Background())
	}
	// Rounds 1-4 are deltas (10, 20, 30, 40 records on a base of 400); round 5 would make
	// them 50: a new base of the 395 live documents and 5 tombstones; round 6 a delta.
	if want := []int{10, 10, 10, 10, 400, 10}; !slices.Equal(written, want) {
		t.Fatalf("records written by each snapshot %v, want %v", written, want)
	}
}

// TestPruneKeepsTheLogAfterTheSnapshot: the log is pruned up to the newest snapshot and
// never past it, however many newer entries exist, so that snapshot can always be loaded
// with the entries after it while no newer one could be written.
func TestPruneKeepsTheLogAfterTheSnapshot(t *testing.T) {
	ctx := context.Background()
	timing := sturdy
	timing.Keep, timing.KeepFor, timing.PruneEvery = 10, time.Nanosecond, 100*time.Millisecond // KeepFor: 2 x Settle
	db, c := loadedWith(t, 800, timing)
	store.HoldSnapshots(c, time.Minute) // as if writing one failed
	updates(t, c, 90)
	log := db.Collection("notes_log")
	exists := func(seq int) bool {
		n, err := log.CountDocuments(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%020d", seq)}})
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	deadline := time.Now().Add(c.Timing().KeepFor + time.Minute)
	for exists(768) { // the last block (of 64) up to the snapshot
		if time.Now().After(deadline) {
			t.Fatal("the log before the snapshot was not pruned within KeepFor and a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Once the updates are older than KeepFor, pruning by Keep and age alone would take
	// the block 769-832 too.
	time.Sleep(c.Timing().KeepFor + 5*timing.PruneEvery)
	if !exists(801) {
		t.Fatal("the entry after the snapshot was pruned")
	}
	if at, err := store.SnapshotAt(ctx, c); err != nil || at != 800 {
		t.Fatalf("snapshot at %d (%v), want the one at 800", at, err)
	}
	loaded := replicasOn(t, db, 1, timing)[0]
	if got := store.LoadedFrom(loaded); got != 800 {
		t.Fatalf("loaded from %d, want the snapshot at 800", got)
	}
	if got, want := dump(t, loaded), dump(t, c); got != want {
		t.Fatalf("loaded:\n%s\nwant:\n%s", got, want)
	}
}

// TestCloseLeavesASnapshot: a process that stops SnapshotAfter or more changes after the
// newest snapshot (a bulk loader after its last batch, a server at SIGTERM) writes one at
// its position once its materialiser has flushed, without waiting for its entries to
// settle: the head marks them materialised, so the next start reads no log after it and
// reads none of them back. It lists them as a run of sequence numbers, not one by one with
// their names, so the head stays small however many there are; the next start still
// settles each.
func TestCloseLeavesASnapshot(t *testing.T) {
	ctx := context.Background()
	timing := sturdy
	timing.SnapshotAfter = 10
	db, loader := loadedWith(t, 400, timing)
	store.HoldSnapshots(loader, time.Minute) // its follower has not written one yet
	if _, err := loader.CreateMany(ctx, batchOf("more", 40)); err != nil {
		t.Fatal(err)
	}
	loader.Close(ctx)
	if at, err := store.SnapshotAt(ctx, loader); err != nil || at != 440 {
		t.Fatalf("snapshot at %d (%v) after close, want 440", at, err)
	}
	started := replicasOn(t, db, 1, timing)[0]
	if got := store.LoadedFrom(started); got != 440 {
		t.Fatalf("loaded from %d, want the snapshot at 440", got)
	}
	pending, unchecked := store.Unsettled(started)
	if unchecked != 0 {
		t.Fatalf("the next start reads %d entries back, want none", unchecked)
	}
	named, runs, checkpoint, seq, err := store.HeadLists(ctx, started)
	if err != nil {
		t.Fatal(err)
	}
	if seq == checkpoint {
		t.Fatalf("the head's writer had settled every entry (checkpoint %d): nothing to list", checkpoint)
	}
	if named != 0 || runs != 1 {
		t.Fatalf("the head lists %d entries by name and %d runs, want none and one run of the loader's own entries %d-%d", named, runs, checkpoint+1, seq)
	}
	if want := int(seq - checkpoint); pending != want {
		t.Fatalf("the next start keeps %d entries to settle, want the %d above the head's checkpoint", pending, want)
	}
}

// TestCloseAfterAShortTailLeavesASnapshot: a process that stops fewer than SnapshotAfter
// changes after the newest snapshot, but more than a start reads in one round, writes one,
// so the next start reads no log after it.
func TestCloseAfterAShortTailLeavesASnapshot(t *testing.T) {
	ctx := context.Background()
	timing := sturdy // SnapshotAfter: the default, 1,000
	db, writer := loadedWith(t, 400, timing)
	store.HoldSnapshots(writer, time.Minute)
	if _, err := writer.CreateMany(ctx, batchOf("more", 100)); err != nil {
		t.Fatal(err)
	}
	writer.Close(ctx)
	if at, err := store.SnapshotAt(ctx, writer); err != nil || at != 500 {
		t.Fatalf("snapshot at %d (%v) after close, want 500", at, err)
	}
	if got := store.LoadedFrom(replicasOn(t, db, 1, timing)[0]); got != 500 {
		t.Fatalf("loaded from %d, want the snapshot at 500", got)
	}
}

// TestLongTailIsSnapshotSoon: a process that loads a snapshot followed by SnapshotAfter or
// more entries (their writer could not write the next one) writes a snapshot at once.
func TestLongTailIsSnapshotSoon(t *testing.T) {
	ctx := context.Background()
	timing := sturdy
	timing.SnapshotAfter = 10
	db, writer := loadedWith(t, 400, timing)
	store.HoldSnapshots(writer, time.Minute)
	updates(t, writer, 40)
	started := replicasOn(t, db, 1, timing)[0]
	if got := store.LoadedFrom(started); got != 400 {
		t.Fatalf("loaded from %d, want the snapshot at 400", got)
	}
	waitFor(t, func() bool { at, err := store.SnapshotAt(ctx, started); return err == nil && at == 440 })
}

// TestOrphanedChunksAreDeleted: the chunks a writer left when it died before taking its
// head are deleted by the next writer of a snapshot.
func TestOrphanedChunksAreDeleted(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	writer := replicasOn(t, db, 1, sturdy)[0]
	for i := range 30 {
		mustCreate(t, writer, fmt.Sprintf("notes/%02d", i), "v0")
	}
	if err := store.Snapshot(ctx, writer); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := store.WriteOrphanChunks(ctx, writer); err != nil {
			t.Fatal(err)
		}
	}
	if _, orphans := headsAndOrphans(t, db); len(orphans) != 2 {
		t.Fatalf("orphaned chunks %v, want the two written", orphans)
	}
	mustUpdate(t, writer, "notes/01", "v1")
	if err := store.Snapshot(ctx, writer); err != nil {
		t.Fatal(err)
	}
	if hs := heads(t, db); len(hs) != 2 {
		t.Fatalf("%d snapshots, want 2", len(hs))
	}
}
