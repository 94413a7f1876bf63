package store_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/people"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/crashvfs"
	"github.com/probity/probity/internal/store/storetest"
)

// The power-loss test: complaints are stored one after another through a
// VFS that cuts the power at a random write or sync of the database or
// its WAL, keeping what had been synced and keeping, dropping or tearing
// each write since (crashvfs). The disk as it was at the cut is then
// opened as a database: every complaint whose store call had returned
// success must be in it, and the database must pass integrity_check and
// the audit log's verification. PROBITY_POWERLOSS_CRASHES sets the number
// of simulated crashes: 100 by default, 20 under the race detector
// (./scripts/test), 1,000 in ./scripts/soak.
func TestPowerLossKeepsEveryAcknowledgedComplaint(t *testing.T) {
	crashes := 100
	if raceBuild {
		crashes = 20 // ./scripts/test; 100 take a quarter of an hour under the race detector
	}
	if n, err := strconv.Atoi(os.Getenv("PROBITY_POWERLOSS_CRASHES")); err == nil && n > 0 {
		crashes = n
	}
	if testing.Short() {
		crashes = 10
	}
	r := powerLoss(t, crashes, "")
	t.Logf("synchronous=FULL: %d crashes, %d complaints acknowledged, %d lost; unsynced writes at the cuts: %d kept or torn, %d dropped; %v",
		r.crashes, r.acked, r.lost, r.kept, r.dropped, r.took.Round(time.Millisecond))
	if r.lost != 0 || r.broken != 0 {
		t.Fatalf("%d acknowledged complaints lost, %d databases failed their checks", r.lost, r.broken)
	}
}

// The control: the same test with synchronous=NORMAL, under which a WAL
// commit is acknowledged before it is synced, must find a loss. If it
// found none, the test above would prove nothing.
func TestPowerLossControlWithSynchronousNormalLosesComplaints(t *testing.T) {
	crashes := 40
	if raceBuild {
		crashes = 10
	}
	r := powerLoss(t, crashes, "&_pragma=synchronous(NORMAL)")
	t.Logf("synchronous=NORMAL: %d crashes, %d complaints acknowledged, %d lost", r.crashes, r.acked, r.lost)
	if r.lost == 0 {
		t.Fatal("no acknowledged complaint was lost under synchronous=NORMAL: the power-loss test cannot tell durable commits from others")
	}
}

type powerLossResult struct {
	crashes, acked, lost, broken, kept, dropped int
	took                                        time.Duration
}

type ackedComplaint struct {
	ref, email string
}

// checkpointSooner has the writer checkpoint every 1,000 WAL pages, as
// SQLite does by default, instead of Probity's 4,000: a checkpoint does
// the same whatever the interval, and at 1,000 pages a run of 40
// complaints passes one, so the cuts can fall inside it without making
// every run four times as long. (Not a DSN parameter: the driver runs a
// DSN's pragmas sorted by their text, so a second wal_autocheckpoint
// there may not be the one that holds.)
const checkpointSooner = "wal_autocheckpoint = 1000"

func powerLoss(t *testing.T, crashes int, params string) powerLossResult {
	ctx := context.Background()
	vfs, err := crashvfs.Register()
	if err != nil {
		t.Fatal(err)
	}
	keys := storetest.Keys(t)
	signer := auditSigner(t)
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}

	// A migrated database with an intake unit, checkpointed and closed:
	// every run starts from a copy of it.
	root := t.TempDir()
	template := filepath.Join(root, "template.db")
	db, err := store.Open(ctx, store.Location{Dialect: store.SQLite, Path: template}, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var unit officers.Unit
	err = db.InTx(ctx, func(tx *store.Tx) error {
		f := officers.Force{Code: "PL", Name: "Power Loss Police"}
		if err := tx.CreateForce(ctx, &f); err != nil {
			return err
		}
		unit = officers.Unit{ForceID: f.ID, Code: "PSD-INTAKE", Name: "Complaints intake"}
		return tx.CreateUnit(ctx, &unit)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	image, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}

	// complain stores one complaint as the intake does: idempotency key,
	// complainant, case, receipt and audit entry in one transaction.
	complain := func(db *store.DB, n int, tag string) (ackedComplaint, error) {
		now := time.Now().UTC()
		key := fmt.Sprintf("powerloss-%d-%s", n, tag)
		email := "p" + tag + "@example.org"
		var c cases.Case
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.ClaimIdempotency(ctx, "complaint", key, tag, now); err != nil {
				return err
			}
			form := intake.ComplaintForm{WhatHappened: "Power loss complaint " + tag + ": the officer would not take my report.",
				HappenedOn: now.AddDate(0, 0, -3).Format(time.DateOnly), Where: "High Street police station",
				HandlingPreference: "formal", Name: "Power Loss Tester", Email: email, ConsentToContact: true}
			var p people.Person
			c, p = form.ToCase(now)
			c.ForceID, c.UnitID = unit.ForceID, unit.ID
			if err := c.Validate(ref, now); err != nil {
				return err
			}
			if err := tx.CreatePerson(ctx, &p, now); err != nil {
				return err
			}
			c.Parties = append(c.Parties, cases.Party{Role: cases.RoleComplainant, PersonID: p.ID})
			c.Prepare(ref, now)
			if err := tx.CreateCase(ctx, &c, "public", now); err != nil {
				return err
			}
			if err := tx.SaveReceipt(ctx, c.ID, "receipt-"+tag); err != nil {
				return err
			}
			if err := tx.Audit(ctx, &audit.Entry{At: now, Action: audit.Collect, RecordType: "case", RecordID: c.ID,
				Outcome: audit.Success, ActorName: "public", Reason: "public complaint " + c.Reference}); err != nil {
				return err
			}
			return tx.StoreIdempotency(ctx, "complaint", key, tag, 201, []byte(c.Reference))
		})
		return ackedComplaint{ref: c.Reference, email: email}, err
	}

	// run opens a copy of the template through the crash VFS and stores
	// complaints until the power goes (or max have been stored).
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	var calibOps int
	var calibSyncs map[string]int
	run := func(dir string, seed uint64, torn bool, crashAfter, max int) ([]ackedComplaint, error) {
		path := filepath.Join(dir, "probity.db")
		if err := os.WriteFile(path, image, 0o600); err != nil {
			return nil, err
		}
		vfs.Reset(seed, torn)
		db, err := store.OpenSQLiteWithParamsForTest(ctx, path, store.Options{Keys: keys}, "&vfs="+crashvfs.Name+params)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		if err := db.SetWriterPragmaForTest(ctx, checkpointSooner); err != nil {
			return nil, err
		}
		if want := 2; params != "" {
			want = 1
			if got, err := db.SynchronousForTest(ctx); err != nil || got != want {
				return nil, fmt.Errorf("synchronous is %d (%v), want %d", got, err, want)
			}
		}
		db.UseAuditLog(store.NewAuditLog(db, signer, 8))
		if crashAfter > 0 {
			vfs.Arm(crashAfter)
		}
		var acked []ackedComplaint
		for n := range max {
			b := make([]byte, 8)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			a, err := complain(db, n, hex.EncodeToString(b))
			if err != nil {
				if vfs.Dead() {
					break
				}
				return nil, fmt.Errorf("complaint %d before the power went: %w", n, err)
			}
			acked = append(acked, a)
		}
		if crashAfter == 0 {
			// Before Close, which checkpoints.
			calibOps, calibSyncs = vfs.Ops(), vfs.Syncs()
		}
		return acked, nil
	}

	// Calibrate: how many writes and syncs a run of complaints makes. A
	// run of 40 goes past an automatic checkpoint (checkpointSooner), so
	// cuts also fall while the WAL is copied into the database and
	// restarted.
	const perRun = 40
	calib := t.TempDir()
	if _, err := run(calib, 1, false, 0, perRun); err != nil {
		t.Fatal(err)
	}
	window := calibOps
	if window < perRun {
		t.Fatalf("the crash VFS saw %d writes and syncs for %d complaints: is it in the path?", window, perRun)
	}
	syncs := calibSyncs
	t.Logf("%d complaints: %d writes and syncs; syncs by file: %v", perRun, window, syncs)
	if params == "" && (syncs["probity.db"] == 0 || syncs["probity.db-wal"] < perRun) {
		t.Fatalf("%d complaints synced the WAL %d times and the database %d times: want a sync per commit and an automatic checkpoint",
			perRun, syncs["probity.db-wal"], syncs["probity.db"])
	}
	vfs.CutNow()

	var res powerLossResult
	start := time.Now()
	for i := range crashes {
		dir := filepath.Join(root, fmt.Sprintf("run-%d", i))
		img := filepath.Join(dir, "image")
		if err := os.MkdirAll(img, 0o700); err != nil {
			t.Fatal(err)
		}
		at := 1 + rng.IntN(window)
		acked, err := run(dir, rng.Uint64(), i%2 == 1, at, 2*perRun)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		vfs.CutNow() // if the run ended before the armed cut, cut now
		res.kept += vfs.Kept
		res.dropped += vfs.Dropped
		if err := vfs.WriteImage(img); err != nil {
			t.Fatal(err)
		}
		res.crashes++
		res.acked += len(acked)
		lost, broken := checkImage(t, filepath.Join(img, "probity.db"), acked, params == "")
		res.lost += lost
		if broken {
			res.broken++
		}
		if lost > 0 && params == "" {
			t.Errorf("run %d (cut at write or sync %d of %d, torn %v): %d of %d acknowledged complaints lost", i, at, window, i%2 == 1, lost, len(acked))
		}
		_ = os.RemoveAll(dir)
	}
	res.took = time.Since(start)
	return res
}

// checkImage opens the disk as the power left it and counts the
// acknowledged complaints it lacks; it reports whether the database
// failed integrity_check or the audit log's verification.
func checkImage(t *testing.T, path string, acked []ackedComplaint, strict bool) (lost int, broken bool) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Location{Dialect: store.SQLite, Path: path}, store.Options{Keys: storetest.Keys(t)})
	if err != nil {
		t.Errorf("%s does not open after the crash: %v", path, err)
		return len(acked), true
	}
	defer db.Close()
	if res, err := db.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("integrity_check after the crash: %q %v", res, err)
		broken = true
	}
	if rep, err := db.VerifyAudit(ctx, auditKeys(t)); err != nil || !rep.OK {
		if strict {
			t.Errorf("audit log after the crash: %+v %v", rep, err)
		}
		broken = true
	}
	for _, a := range acked {
		c, err := db.CaseByReference(ctx, a.ref)
		if err != nil {
			lost++
			continue
		}
		found := false
		for _, p := range c.Parties {
			if person, err := db.Person(ctx, p.PersonID); err == nil && person.Email == a.email {
				found = true
			}
		}
		if !found {
			lost++
		}
	}
	return lost, broken
}
