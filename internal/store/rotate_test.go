package store_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/people"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func TestKeyRotationResealsEverythingWhileReadable(t *testing.T) {
	oldKey := []byte("old-key-old-key-old-key-old-key!")
	newKey := []byte("new-key-new-key-new-key-new-key!")
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			loc := e.New(t)
			before, _ := keyring.New(oldKey)
			db := openWith(t, loc, before)
			var ids []string
			for i := range 7 {
				p := people.Person{Name: "Person " + string(rune('A'+i)), Email: "p@example.org"}
				if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePerson(ctx, &p, now) }); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, p.ID)
			}
			// The server and the rotation both hold new+old while it runs.
			both, _ := keyring.New(newKey, oldKey)
			rotating := openWith(t, loc, both)
			rep, err := rotating.RotateKeys(ctx, 3) // small batches: several transactions
			if err != nil {
				t.Fatal(err)
			}
			if rep.Resealed != 7*2 { // name and email of each; phone and address are empty
				t.Errorf("resealed %d values, want 14: %+v", rep.Resealed, rep.PerColumn)
			}
			again, err := rotating.RotateKeys(ctx, 3)
			if err != nil || again.Resealed != 0 {
				t.Errorf("a second rotation resealed %d (%v)", again.Resealed, err)
			}
			// Once done, the old key can be dropped.
			onlyNew, _ := keyring.New(newKey)
			after := openWith(t, loc, onlyNew)
			for _, id := range ids {
				p, err := after.Person(ctx, id)
				if err != nil || !strings.HasPrefix(p.Name, "Person ") {
					t.Fatalf("person %s after rotation: %+v %v", id, p, err)
				}
				raw, _ := after.RawPersonColumnsForTest(ctx, id)
				if !strings.HasPrefix(raw[0], "v1."+onlyNew.CurrentID()+".") {
					t.Errorf("name still sealed as %.12s", raw[0])
				}
			}
		})
	}
}

func openWith(t *testing.T, loc store.Location, keys *keyring.Keyring) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, loc, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestEverySealedColumnRotates finds every column named *_sealed in the
// schema and checks that key rotation knows it.
func TestEverySealedColumnRotates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inSchema, err := db.SealedColumnsInSchemaForTest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		known := store.SealedColumnsForTest()
		sort.Strings(inSchema)
		sort.Strings(known)
		if strings.Join(inSchema, ",") != strings.Join(known, ",") {
			t.Errorf("sealed columns in the schema %v, known to rotation %v", inSchema, known)
		}
	})
}
