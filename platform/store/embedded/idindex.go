package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses, registered as "sqlite"
)

// FerretDB 1.24 indexes every collection's _id on the expression _ferretdb_sjson->"_id",
// but reads by _id with _ferretdb_sjson->'$._id'. SQLite uses an expression index only
// for the same expression, so every _id read (a follower's poll of the change log, a
// materialisation, a Get) scanned and parsed the whole table: its cost grew with what is
// stored (creating 5,000 incidents cost the store 68 ms of CPU each, almost all in those
// scans). The indexer gives each collection's table an index on the expression the reads use.
const (
	// idIndexSuffix names the added index after its table.
	idIndexSuffix = "__id_path"
	// idIndexEvery is how often new collections are looked for: until its index is made, a
	// new (so small) collection is read by scanning.
	idIndexEvery = 500 * time.Millisecond
)

// idIndexer adds the _id index to the collections of every database file under dir.
type idIndexer struct {
	dir string
	log *slog.Logger
	// done holds, by file, its version when a pass last found all its collections
	// indexed: a file not written since is skipped, so an idle store opens no database
	// (opening one and reading its schema every pass was a sixth of an idle store's CPU).
	done map[string]fileVersion
}

// fileVersion tells whether a database was written: the sizes and modification times of
// its file and of its write-ahead log, where every write (a new table too) goes first.
type fileVersion [4]int64

func versionOf(f string) (fileVersion, error) {
	fi, err := os.Stat(f)
	if err != nil {
		return fileVersion{}, err
	}
	v := fileVersion{fi.Size(), fi.ModTime().UnixNano()}
	if wal, err := os.Stat(f + "-wal"); err == nil {
		v[2], v[3] = wal.Size(), wal.ModTime().UnixNano()
	}
	return v, nil
}

func newIDIndexer(dir string, log *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, log: log, done: map[string]fileVersion{}}
}

// run indexes new collections every idIndexEvery until ctx is done.
func (x *idIndexer) run(ctx context.Context) {
	tick := time.NewTicker(idIndexEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := x.pass(ctx); err != nil && ctx.Err() == nil {
			x.log.Error("embedded store: index _id", "error", err)
		}
	}
}

// pass adds the missing indexes of every database file, each through a connection of its
// own that it closes before it returns. A connection kept open past a dropped database
// keeps the deleted file's write-ahead log and shared memory alive (SQLite removes them
// with the last connection), and a database created again under the name then opens
// them: SQLite calls it malformed, and FerretDB's writes to it fail or wait.
func (x *idIndexer) pass(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f] = true
		v, err := versionOf(f)
		// A file shorter than SQLite's header is one FerretDB is still creating.
		if err != nil || v[0] < 100 || x.done[f] == v {
			continue
		}
		if err := indexPath(ctx, f); err != nil {
			if _, serr := os.Stat(f); serr != nil {
				continue // dropped meanwhile
			}
			return fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		x.done[f] = v // as read before the pass: a write during it is seen next time
	}
	for f := range x.done {
		if !seen[f] {
			delete(x.done, f)
		}
	}
	return nil
}

// indexPath indexes one database file. It waits for FerretDB's writers; the journal mode
// is FerretDB's to set (it is kept in the file), so a second opener never races its creation.
func indexPath(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return indexFile(ctx, db)
}

// indexFile adds the index to each collection of one database that lacks it.
func indexFile(ctx context.Context, db *sql.DB) error {
	var exists int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_ferretdb_collections'`).Scan(&exists)
	if err != nil || exists == 0 {
		return err // a database FerretDB is still creating
	}
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = c.table_name || ?)`, idIndexSuffix)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`, quoteIdent(t+idIndexSuffix), quoteIdent(t))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index %s: %w", t, err)
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
