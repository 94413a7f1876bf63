package store_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/vetting"
)

// TestBarredListSearchAndReferrals: the force's referral and an imported
// extract are stored sealed and found through the blind index by any two
// identifying fields, never by one; a removal is kept; the officers a
// case's outcome calls for are proposed until referred.
func TestBarredListSearchAndReferrals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		bobCase := w.cases[2]
		// Bob's case records his dismissal; Alice left while hers ran.
		if err := db.SetSubjectForTest(ctx, bobCase.ID, w.bob.ID, "dismissal_without_notice", false); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSubjectForTest(ctx, w.cases[1].ID, w.alice.ID, "", true); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueReferrals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bases := map[string]vetting.Basis{}
		for _, d := range due {
			bases[d.OfficerID+" "+d.CaseReference] = d.Basis
		}
		if len(due) != 2 || bases[w.bob.ID+" "+bobCase.Reference] != vetting.Dismissed ||
			bases[w.alice.ID+" "+w.cases[1].Reference] != vetting.LeftUnderInvestigation {
			t.Fatalf("due referrals = %+v", due)
		}

		bob := vetting.Listing{OfficerID: w.bob.ID, CaseID: bobCase.ID, Name: "Robert Bob", BirthDate: day("1979-06-30"),
			CollarNumber: "B1", Force: "Test Constabulary", Basis: vetting.Dismissed, Ground: vetting.GrossMisconduct,
			Outcome: "Dismissed without notice for theft", DecidedOn: day("2026-03-01"), RecordedBy: "vetting1"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordListing(ctx, &bob, now) }); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueReferrals(ctx); len(due) != 1 || due[0].OfficerID != w.alice.ID {
			t.Errorf("after Bob's referral, due = %+v", due)
		}
		again := bob
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordListing(ctx, &again, now) })
		if fault.KindOf(err) != fault.Conflict {
			t.Errorf("referring Bob twice on one case: %v", err)
		}

		m := vetting.DefaultExtractMapping()
		rows, rejects, err := vetting.ReadExtract(strings.NewReader("list,name,date_of_birth,collar_number,force,basis,decided_on,removed_on\n"+
			"barred,Carol Dee,1985-01-02,C77,Westshire Police,dismissed,2024-05-05,\n"+
			"advisory,Dan Eve,1990-03-04,,Eastshire Police,left_under_investigation,2025-01-01,2025-06-01\n"+
			"barred,Bad Date,1985-13-02,,Westshire Police,dismissed,2024-05-05,\n"), m, now)
		if err != nil || len(rows) != 2 || len(rejects) != 1 {
			t.Fatalf("extract: %d rows, %+v, %v", len(rows), rejects, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ImportListings(ctx, rows, len(rejects), "vetting1", now)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// Sealed at rest: neither the name nor the date is in the row, nor
		// in the index.
		name, dob, digests, err := db.RawListingForTest(ctx, bob.ID)
		if err != nil || !strings.HasPrefix(name, "v1.") || !strings.HasPrefix(dob, "v1.") || len(digests) != 3 {
			t.Fatalf("raw listing: %q %q %v %v", name, dob, digests, err)
		}
		for _, d := range digests {
			if strings.Contains(strings.ToLower(d), "bob") || strings.Contains(d, "1979") {
				t.Errorf("digest %q shows the data", d)
			}
		}

		for _, tc := range []struct {
			name  string
			q     vetting.Query
			found []string
		}{
			{"name and date of birth, spelt otherwise", vetting.Query{Name: "ROBERT  bob", BirthDate: day("1979-06-30")}, []string{"Robert Bob"}},
			{"name and collar, wrong date of birth", vetting.Query{Name: "Robert Bob", BirthDate: day("1979-07-01"), CollarNumber: "b 1"}, []string{"Robert Bob"}},
			{"date of birth and collar", vetting.Query{BirthDate: day("1985-01-02"), CollarNumber: "C77"}, []string{"Carol Dee"}},
			{"a removed advisory listing is still found", vetting.Query{Name: "Dan Eve", BirthDate: day("1990-03-04")}, []string{"Dan Eve"}},
			{"a stranger", vetting.Query{Name: "Robert Bob", BirthDate: day("1980-06-30")}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.SearchListings(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, l := range got {
					names = append(names, l.Name)
				}
				if strings.Join(names, ",") != strings.Join(tc.found, ",") {
					t.Errorf("found %v, want %v", names, tc.found)
				}
			})
		}
		if _, err := db.SearchListings(ctx, vetting.Query{Name: "Robert Bob"}); len(fault.FieldsOf(err)) != 2 {
			t.Errorf("a search by name alone: %v", err)
		}
		all, err := db.Listings(ctx, store.ListingFilter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("listings = %d, %v", len(all), err)
		}
		if barred, _ := db.Listings(ctx, store.ListingFilter{List: vetting.Barred}); len(barred) != 2 {
			t.Errorf("barred listings = %d, want 2", len(barred))
		}

		// Removal: kept with its reason; a stale removal is refused.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			l, v, err := tx.Listing(ctx, bob.ID)
			if err != nil {
				return err
			}
			if err := l.Remove(vetting.AppealAllowed, day("2026-03-10"), "Appeal allowed by the tribunal", now); err != nil {
				return err
			}
			if err := tx.RemoveListing(ctx, l, v); err != nil {
				return err
			}
			return tx.RemoveListing(ctx, l, v)
		})
		if fault.KindOf(err) != fault.Conflict {
			t.Errorf("removing with a stale version: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			l, v, err := tx.Listing(ctx, bob.ID)
			if err != nil {
				return err
			}
			if err := l.Remove(vetting.AppealAllowed, day("2026-03-10"), "Appeal allowed by the tribunal", now); err != nil {
				return err
			}
			return tx.RemoveListing(ctx, l, v)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			l, _, err := tx.Listing(ctx, bob.ID)
			if err == nil && (l.Current(now) || l.RemovedReason != vetting.AppealAllowed || l.Name != "Robert Bob") {
				t.Errorf("after removal: %+v", l)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestTransferCheckJoinsTheRecords: a check recorded for a transferee
// whose previous force's records are in Probity joins the two records, so
// that the allegation recorded by the other force is Bob's too; its
// matches are kept with it.
func TestTransferCheckJoinsTheRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		other, err := db.ForceByCode(ctx, "OTH")
		if err != nil {
			t.Fatal(err)
		}
		before, err := db.AllegationsAgainst(ctx, w.bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		earlier := officers.Officer{ForceID: other.ID, CollarNumber: "X7", FamilyName: "Bob", Rank: "constable", JoinedOn: day("2005-01-01")}
		advisory := vetting.Listing{Name: "Robert Bob", BirthDate: day("1979-06-30"), Force: "Other Constabulary", Basis: vetting.AllegationAfterLeaving,
			Outcome: "Allegation of dishonesty after leaving", DecidedOn: day("2015-01-01"), RecordedBy: "vetting1"}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOfficer(ctx, &earlier, now); err != nil {
				return err
			}
			return tx.RecordListing(ctx, &advisory, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		// One case against him in the other force, recorded there.
		recordCase(t, db, other.ID, earlier.ID)

		matches, err := db.SearchListings(ctx, vetting.Query{Name: "Robert Bob", BirthDate: day("1979-06-30"), CollarNumber: "X7"})
		if err != nil || len(matches) != 1 {
			t.Fatalf("matches = %+v, %v", matches, err)
		}
		c := vetting.TransferCheck{Kind: vetting.Transferee, Name: "Robert Bob", BirthDate: day("1979-06-30"), CollarNumber: "X7",
			PreviousForce: "Other Constabulary", RecordSource: vetting.RecordImported, PreviousOfficerID: earlier.ID, OfficerID: w.bob.ID,
			Complaints: "One complaint, 2014, not upheld", Conduct: "None", Vetting: "Recruitment vetting granted 2005",
			Matches: matches, Seen: []string{matches[0].ID}, Decision: vetting.AppointWithConditions,
			Reasons:   "The advisory list entry concerns a matter closed with no case to answer; no lone working for a year",
			DecidedBy: "vetting1", SearchedAt: now}
		if err := c.Decide(now); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordTransferCheck(ctx, &c) }); err != nil {
			t.Fatal(err)
		}
		after, err := db.AllegationsAgainst(ctx, w.bob.ID)
		if err != nil || len(after) != len(before)+1 {
			t.Fatalf("allegations against Bob: %d before, %d after (%v)", len(before), len(after), err)
		}
		var fromOther int
		for _, a := range after {
			if a.ForceCode == "OTH" {
				fromOther++
			}
		}
		if fromOther != 1 {
			t.Errorf("%d allegations recorded by the other force, want 1", fromOther)
		}
		list, err := db.TransferChecks(ctx, 10)
		if err != nil || len(list) != 1 || list[0].Name != "Robert Bob" || list[0].Matches != 1 || list[0].Decision != vetting.AppointWithConditions {
			t.Errorf("transfer checks = %+v, %v", list, err)
		}
	})
}

// TestListIndexSurvivesRotation: after the data key is rotated and the
// old one retired, a listed person is still found.
func TestListIndexSurvivesRotation(t *testing.T) {
	oldKey := []byte("old-key-old-key-old-key-old-key!")
	newKey := []byte("new-key-new-key-new-key-new-key!")
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			loc := e.New(t)
			before, _ := keyring.New(oldKey)
			db := openWith(t, loc, before)
			l := vetting.Listing{Name: "Carol Dee", BirthDate: day("1985-01-02"), Force: "Westshire Police", Basis: vetting.Dismissed,
				Ground: vetting.GrossIncompetence, Outcome: "Dismissed for gross incompetence", DecidedOn: day("2024-05-05"), RecordedBy: "v"}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordListing(ctx, &l, now) }); err != nil {
				t.Fatal(err)
			}
			both, _ := keyring.New(newKey, oldKey)
			if _, err := openWith(t, loc, both).RotateKeys(ctx, 2); err != nil {
				t.Fatal(err)
			}
			onlyNew, _ := keyring.New(newKey)
			got, err := openWith(t, loc, onlyNew).SearchListings(ctx, vetting.Query{Name: "carol dee", BirthDate: day("1985-01-02")})
			if err != nil || len(got) != 1 || got[0].Name != "Carol Dee" {
				t.Errorf("after rotation: %+v, %v", got, err)
			}
		})
	}
}

// recordCase records a complaint against one officer in a force.
func recordCase(t *testing.T, db *store.DB, forceID, officerID string) cases.Case {
	t.Helper()
	ref, _ := cases.LoadReference()
	c := cases.Case{Kind: cases.Complaint, ForceID: forceID, Summary: "Rude to a driver", AroseOn: day("2014-03-01"), ReceivedAt: day("2014-03-02"),
		Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language", Subjects: []cases.Subject{{OfficerID: officerID}}}}}
	if err := c.Validate(ref, now); err != nil {
		t.Fatal(err)
	}
	c.Prepare(ref, now)
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) }); err != nil {
		t.Fatal(err)
	}
	return c
}
