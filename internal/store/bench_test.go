package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// The benchmarks here come in pairs: Probity's operation and a baseline
// measured in the same run on the same machine (the raw engine doing the
// least that operation must do), so that scripts/bench can print a ratio
// rather than an absolute time, which is noise on a shared machine.

// BenchmarkBaselineSQLiteInsert is one durable single-row insert in its
// own transaction through database/sql: the floor for recording anything.
func BenchmarkBaselineSQLiteInsert(b *testing.B) {
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT)`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO t VALUES ($1, $2)`, fmt.Sprint(i), "a complaint summary of ordinary length"); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordCase records a complaint with one allegation against an
// officer: references, allegation, subject, timeline and search index, in
// one durable transaction.
func BenchmarkRecordCase(b *testing.B) {
	db := storetest.Open(b, store.Location{Dialect: store.SQLite, Path: filepath.Join(b.TempDir(), "p.db")})
	f := officers.Force{Code: "B", Name: "Bench"}
	u := officers.Unit{Code: "U", Name: "Unit"}
	o := officers.Officer{CollarNumber: "1", FamilyName: "Bench", Rank: "constable", JoinedOn: day("2010-01-01")}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateForce(ctx, &f); err != nil {
			return err
		}
		u.ForceID, o.ForceID = f.ID, f.ID
		if err := tx.CreateUnit(ctx, &u); err != nil {
			return err
		}
		o.UnitID = u.ID
		return tx.CreateOfficer(ctx, &o, now)
	})
	if err != nil {
		b.Fatal(err)
	}
	ref, _ := cases.LoadReference()
	b.ResetTimer()
	for range b.N {
		c := cases.Case{Kind: cases.Complaint, ForceID: f.ID, UnitID: u.ID, Summary: "a complaint summary of ordinary length",
			AroseOn: day("2026-01-01"), ReceivedAt: now,
			Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language", Subjects: []cases.Subject{{OfficerID: o.ID}}}}}
		c.Prepare(ref, now)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "bench", now) }); err != nil {
			b.Fatal(err)
		}
	}
}
