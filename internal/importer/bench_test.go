package importer_test

import (
	"archive/zip"
	"context"
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

// BenchmarkImportCCRB imports the whole NYC file into a fresh SQLite
// database each iteration, reporting rows/s. It is skipped when the file
// is not present. scripts/bench sets it beside
// BenchmarkBaselineSQLiteShellImport.
func BenchmarkImportCCRB(b *testing.B) {
	if _, err := os.Stat(ccrbZip); err != nil {
		b.Skipf("NYC file not present: %v", err)
	}
	m, err := importer.Builtin("ccrb")
	if err != nil {
		b.Fatal(err)
	}
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
