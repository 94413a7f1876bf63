package importer_test

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// ccrbRows is how many rows the NYC file's four CSV members hold.
const ccrbRows = 83036 + 175505

// ccrbMapping is the NYC mapping, for a benchmark that skips itself when
// the NYC file is not present.
func ccrbMapping(b *testing.B) *importer.Mapping {
	if _, err := os.Stat(ccrbZip); err != nil {
		b.Skipf("NYC file not present: %v", err)
	}
	m, err := importer.Builtin("ccrb")
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkImportCCRB imports the whole NYC file into a fresh SQLite
// database each iteration, reporting rows/s. It is skipped when the file
// is not present. scripts/bench sets it beside
// BenchmarkBaselineSQLiteShellImport.
func BenchmarkImportCCRB(b *testing.B) {
	m := ccrbMapping(b)
	ctx := context.Background()
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		db := storetest.Open(b, store.Location{Dialect: store.SQLite, Path: filepath.Join(dir, "bench.db")})
		b.StartTimer()
		start := time.Now()
		sum, err := importer.Import(ctx, db, m, []string{ccrbZip}, importer.Options{Rejects: filepath.Join(dir, "rejects.csv")})
		took += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Read != ccrbRows {
			b.Fatalf("read %d rows, want %d", sum.Read, ccrbRows)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(ccrbRows)*float64(b.N)/took.Seconds(), "rows/s")
}

// BenchmarkBaselineSQLiteShellImport is what the import is measured
// against: the sqlite3 shell's .import of the same four CSV files, each
// into a bare table of text columns, in one durable database (the shell
// wraps each file's import in one transaction). Unzipping is not timed.
// It is skipped when the sqlite3 shell or the file is missing.
func BenchmarkBaselineSQLiteShellImport(b *testing.B) {
	if _, err := os.Stat(ccrbZip); err != nil {
		b.Skipf("NYC file not present: %v", err)
	}
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("no sqlite3 shell on PATH (Debian: apt-get install -y sqlite3)")
	}
	dir := b.TempDir()
	files, cols, err := unzipCSVs(ccrbZip, dir)
	if err != nil {
		b.Fatal(err)
	}
	var script strings.Builder
	script.WriteString(".mode csv\n")
	for i, f := range files {
		defs := make([]string, cols[i])
		for c := range defs {
			defs[c] = fmt.Sprintf("c%d TEXT", c)
		}
		fmt.Fprintf(&script, "CREATE TABLE t%d (%s);\n.import %s t%d\n", i, strings.Join(defs, ", "), f, i)
	}
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("bare%d.db", i))
		b.StartTimer()
		start := time.Now()
		cmd := exec.Command(shell, path)
		cmd.Stdin = strings.NewReader(script.String())
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3: %v: %s", err, out)
		}
		took += time.Since(start)
		b.StopTimer()
		os.Remove(path)
		b.StartTimer()
	}
	b.ReportMetric(float64(ccrbRows)*float64(b.N)/took.Seconds(), "rows/s")
}

// BenchmarkImportRowsCopy is the import's floor on Probity's own engine:
// the rows a whole NYC import wrote (officers, postings, units, cases,
// allegations, subjects, timelines, search text, import keys), copied
// from one database into a freshly migrated one by INSERT ... SELECT, in
// one transaction under a rollback journal as a first import loads, with
// every index and trigger in place. Nothing is read from the file,
// parsed, checked or mapped, so no import of the same records can be
// faster on this engine. rows/s counts the file's rows, as the import
// and the shell's baseline do.
func BenchmarkImportRowsCopy(b *testing.B) {
	m := ccrbMapping(b)
	ctx := context.Background()
	dir := b.TempDir()
	src := filepath.Join(dir, "imported.db")
	db := storetest.Open(b, store.Location{Dialect: store.SQLite, Path: src})
	if _, err := importer.Import(ctx, db, m, []string{ccrbZip}, importer.Options{Rejects: filepath.Join(dir, "rejects.csv")}); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.ResetTimer()
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dst := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		storetest.Open(b, store.Location{Dialect: store.SQLite, Path: dst}).Close()
		conn, err := sql.Open("sqlite", "file:"+dst+"?_pragma=synchronous(FULL)&_pragma=journal_mode(DELETE)&_pragma=cache_size(-262144)&_time_format=sqlite")
		if err != nil {
			b.Fatal(err)
		}
		conn.SetMaxOpenConns(1)
		b.StartTimer()
		start := time.Now()
		if err := copyImportedRows(ctx, conn, src); err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
		b.StopTimer()
		if i == 0 {
			if err := sameRows(ctx, conn); err != nil {
				b.Fatal(err)
			}
		}
		conn.Close()
		os.Remove(dst)
		b.StartTimer()
	}
	b.ReportMetric(float64(ccrbRows)*float64(b.N)/took.Seconds(), "rows/s")
}

// copyImportedRows copies into conn's database every table of the one at
// src that holds rows there and none here (the migrations' own reference
// rows are in both), and the search index through its full-text table.
func copyImportedRows(ctx context.Context, conn *sql.DB, src string) error {
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE $1 AS src", src); err != nil {
		return err
	}
	// The full-text table's own tables are filled through it, below.
	tables, err := sourceTables(ctx, conn, "AND name NOT LIKE 'case_search%'")
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		var theirs, ours bool
		if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM src."%[1]s"), EXISTS (SELECT 1 FROM main."%[1]s")`, t)).Scan(&theirs, &ours); err != nil {
			return err
		}
		if !theirs || ours {
			continue
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO main."%[1]s" SELECT * FROM src."%[1]s"`, t)); err != nil {
			return fmt.Errorf("copying %s: %w", t, err)
		}
	}
	var cols string
	if err := tx.QueryRowContext(ctx, `SELECT group_concat(name, ', ') FROM pragma_table_info('case_search')`).Scan(&cols); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO main.case_search (rowid, `+cols+`) SELECT rowid, `+cols+` FROM src.case_search`); err != nil {
		return fmt.Errorf("copying the search text: %w", err)
	}
	return tx.Commit()
}

// sameRows checks that every table of the attached source holds as many
// rows as its copy: the floor copied all the import wrote.
func sameRows(ctx context.Context, conn *sql.DB) error {
	tables, err := sourceTables(ctx, conn, "")
	if err != nil {
		return err
	}
	for _, t := range tables {
		var theirs, ours int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT (SELECT COUNT(*) FROM src."%[1]s"), (SELECT COUNT(*) FROM main."%[1]s")`, t)).Scan(&theirs, &ours); err != nil {
			return err
		}
		if theirs != ours {
			return fmt.Errorf("table %s: %d rows imported, %d copied", t, theirs, ours)
		}
	}
	return nil
}

// sourceTables names the tables of the attached source database, but
// SQLite's own, with a further condition on their name.
func sourceTables(ctx context.Context, conn *sql.DB, andName string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' `+andName+` ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	return tables, rows.Close()
}

// unzipCSVs writes the zip's members to dir, returning their paths and
// the number of columns of each one's first line.
func unzipCSVs(zipPath, dir string) ([]string, []int, error) {
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var paths []string
	var cols []int
	for _, f := range r.File {
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, nil, err
		}
		p := filepath.Join(dir, filepath.Base(f.Name))
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return nil, nil, err
		}
		first, _, _ := strings.Cut(string(b), "\n")
		paths = append(paths, p)
		cols = append(cols, strings.Count(first, ",")+1)
	}
	return paths, cols, nil
}
