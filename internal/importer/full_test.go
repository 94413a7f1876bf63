package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// The real file, byte for byte (see ../../../shared/data/SOURCES.md).
var ccrbZip = filepath.Join("..", "..", "..", "shared", "data", "nyc-ccrb-mos-records_2021-03-20.zip")

// TestFullCCRB imports the whole NYC file on SQLite. It takes tens of
// seconds (more under -race), so it runs only with PROBITY_FULL_IMPORT=1;
// docs/importing.md has the timings.
func TestFullCCRB(t *testing.T) {
	if os.Getenv("PROBITY_FULL_IMPORT") != "1" {
		t.Skip("set PROBITY_FULL_IMPORT=1 to import the full NYC file")
	}
	if _, err := os.Stat(ccrbZip); err != nil {
		t.Skipf("NYC file not present: %v", err)
	}
	ctx := context.Background()
	db := storetest.Open(t, store.Location{Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "full.db")})
	m, err := importer.Builtin("ccrb")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := importer.Import(ctx, db, m, []string{ccrbZip}, importer.Options{Rejects: filepath.Join(t.TempDir(), "rejects.csv")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full NYC import: %s; read %d, imported %d, rejected %d, duplicates %d; %d officers, %d cases, %d allegations",
		time.Since(start).Round(time.Millisecond), sum.Read, sum.Imported, sum.Rejected, sum.Duplicates, sum.Officers, sum.Cases, sum.Allegations)
	if sum.Read != 83036+175505 {
		t.Errorf("read %d rows, want %d", sum.Read, 83036+175505)
	}
	if sum.Allegations+sum.Rejected != 175505 {
		t.Errorf("allegations %d + rejected %d != 175505", sum.Allegations, sum.Rejected)
	}
	again, err := importer.Import(ctx, db, m, []string{ccrbZip}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 0 || again.Duplicates != sum.Imported+sum.Duplicates {
		t.Errorf("re-import imported %d, duplicates %d; want 0 and %d", again.Imported, again.Duplicates, sum.Imported+sum.Duplicates)
	}
	t.Logf("re-import: %s", again.Took.Round(time.Millisecond))
}
