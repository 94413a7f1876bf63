package store_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

var errRollback = errors.New("roll back")

func TestIdempotencyClaimStoreReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		const key = "client-key-0001"
		claim := func(hash string) (*store.IdempotentResult, error) {
			var got *store.IdempotentResult
			err := db.InTx(ctx, func(tx *store.Tx) error {
				r, err := tx.ClaimIdempotency(ctx, "test", key, hash, now)
				if err != nil || r != nil {
					got = r
					return err
				}
				return tx.StoreIdempotency(ctx, "test", key, hash, 201, []byte(`{"receipt":"SECRET-RECEIPT"}`))
			})
			return got, err
		}
		// A claim that rolls back leaves the key free.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if r, err := tx.ClaimIdempotency(ctx, "test", key, "h1", now); err != nil || r != nil {
				t.Fatalf("first claim: %v %v", r, err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if r, err := claim("h1"); err != nil || r != nil {
			t.Fatalf("claim after a rollback: %v %v", r, err)
		}
		r, err := claim("h1")
		if err != nil || r == nil || r.Status != 201 || string(r.Response) != `{"receipt":"SECRET-RECEIPT"}` {
			t.Fatalf("replay: %+v %v", r, err)
		}
		_, err = claim("h2")
		if !fault.Is(err, fault.Invalid) || len(fault.FieldsOf(err)) != 1 || fault.FieldsOf(err)[0].Field != "Idempotency-Key" {
			t.Fatalf("same key, different request: %v", err)
		}
		// The same key in another scope is another key.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			r, err := tx.ClaimIdempotency(ctx, "other", key, "h2", now)
			if err == nil && r != nil {
				t.Error("a key claimed in one scope was found in another")
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		// The table holds neither the client's key nor the response.
		rows, err := db.RawIdempotencyRowsForTest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, col := range rows[0] {
			if strings.Contains(col, key) || strings.Contains(col, "SECRET-RECEIPT") {
				t.Fatalf("the table holds a secret in the clear: %q", col)
			}
		}
	})
}

// Sixteen requests with one new key at once: exactly one does the work,
// and every other gets its result.
func TestIdempotencyConcurrentClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		var worked atomic.Int32
		var wg sync.WaitGroup
		results := make([]string, 16)
		errs := make([]error, 16)
		start := make(chan struct{})
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = db.InTx(ctx, func(tx *store.Tx) error {
					r, err := tx.ClaimIdempotency(ctx, "test", "same-key", "h", now)
					if err != nil {
						return err
					}
					if r != nil {
						results[i] = string(r.Response)
						return nil
					}
					tx.OnCommit(func() { worked.Add(1) })
					results[i] = "the answer"
					return tx.StoreIdempotency(ctx, "test", "same-key", "h", 201, []byte("the answer"))
				})
			}()
		}
		close(start)
		wg.Wait()
		for i := range 16 {
			if errs[i] != nil || results[i] != "the answer" {
				t.Errorf("request %d: %q %v", i, results[i], errs[i])
			}
		}
		if n := worked.Load(); n != 1 {
			t.Fatalf("%d requests did the work, want 1", n)
		}
	})
}

func TestReceiptsAndUnitByCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		f, units := seedForce(t, db)
		if _, err := db.UnitByCode(ctx, "PSD-INTAKE"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("missing unit: %v", err)
		}
		// Another force whose code sorts later also has an intake unit.
		later := officers.Force{Code: "ZZZ", Name: "Later Police"}
		mine := officers.Unit{ForceID: f.ID, Code: "PSD-INTAKE", Name: "Complaints intake"}
		c := cases.Case{Kind: cases.Complaint, ForceID: f.ID, UnitID: units[0].ID, Summary: "s", AroseOn: day("2026-05-01"),
			ReceivedAt: now, State: cases.Received, RuleSet: "2020"}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateForce(ctx, &later); err != nil {
				return err
			}
			if err := tx.CreateUnit(ctx, &officers.Unit{ForceID: later.ID, Code: "PSD-INTAKE", Name: "Theirs"}); err != nil {
				return err
			}
			if err := tx.CreateUnit(ctx, &mine); err != nil {
				return err
			}
			ref, err := cases.LoadReference()
			if err != nil {
				return err
			}
			c.RuleSet = ref.RuleSetFor(c.AroseOn).Code
			if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
				return err
			}
			return tx.SaveReceipt(ctx, c.ID, "receipt-hash")
		})
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.UnitByCode(ctx, "PSD-INTAKE")
		if err != nil || u.ID != mine.ID {
			t.Fatalf("UnitByCode: %+v %v, want the unit of force %s", u, err, f.Code)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			u, err := tx.UnitByCode(ctx, "PSD-INTAKE")
			if err == nil && u.ID != mine.ID {
				t.Errorf("UnitByCode in a transaction: %+v", u)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if h, err := db.ReceiptHash(ctx, c.ID); err != nil || h != "receipt-hash" {
			t.Fatalf("ReceiptHash: %q %v", h, err)
		}
		id, h, err := db.ReceiptByReference(ctx, c.Reference)
		if err != nil || id != c.ID || h != "receipt-hash" {
			t.Fatalf("ReceiptByReference: %q %q %v", id, h, err)
		}
		if _, _, err := db.ReceiptByReference(ctx, "CO/2026/999999"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("unknown reference: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.SaveReceipt(ctx, c.ID, "another") })
		if !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second receipt for one case: %v", err)
		}
	})
}
