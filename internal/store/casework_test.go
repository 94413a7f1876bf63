package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// world is a force with two units, two officers (one of whom also served
// in a second force) and a few cases.
type world struct {
	force          officers.Force
	units          []officers.Unit
	alice, bob     officers.Officer
	aliceElsewhere officers.Officer
	cases          []cases.Case
}

func buildWorld(t *testing.T, db *store.DB) world {
	t.Helper()
	var w world
	w.force, w.units = seedForce(t, db)
	other := officers.Force{Code: "OTH", Name: "Other Constabulary"}
	w.alice = officers.Officer{ForceID: w.force.ID, CollarNumber: "A1", FamilyName: "Alice", Rank: "constable", UnitID: w.units[0].ID,
		JoinedOn: day("2015-01-01"), NationalID: "NPID-42"}
	w.bob = officers.Officer{ForceID: w.force.ID, CollarNumber: "B1", FamilyName: "Bob", Rank: "constable", UnitID: w.units[1].ID, JoinedOn: day("2016-01-01")}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateForce(ctx, &other); err != nil {
			return err
		}
		w.aliceElsewhere = officers.Officer{ForceID: other.ID, CollarNumber: "X9", FamilyName: "Alice", Rank: "constable",
			JoinedOn: day("2008-01-01"), NationalID: "NPID-42"}
		for _, o := range []*officers.Officer{&w.alice, &w.bob, &w.aliceElsewhere} {
			if err := tx.CreateOfficer(ctx, o, now); err != nil {
				return err
			}
		}
		specs := []struct {
			force, unit, subject, category, sub, summary string
			received                                     time.Time
		}{
			{other.ID, "", w.aliceElsewhere.ID, "sexual-conduct", "sexual-harassment", "Indecent exposure reported in 2014", day("2014-05-01")},
			{w.force.ID, w.units[0].ID, w.alice.ID, "individual-behaviours", "impolite-language", "Rude at the front counter", day("2026-01-10")},
			{w.force.ID, w.units[1].ID, w.bob.ID, "delivery-of-duties", "decisions", "No action taken over burglary", day("2026-02-10")},
			{w.force.ID, w.units[0].ID, w.alice.ID, "powers-policies-procedures", "stop-and-search", "Searched twice in one week", day("2026-03-01")},
		}
		ref, _ := cases.LoadReference()
		for _, s := range specs {
			c := cases.Case{Kind: cases.Complaint, ForceID: s.force, UnitID: s.unit, Summary: s.summary,
				AroseOn: s.received.AddDate(0, 0, -3), ReceivedAt: s.received,
				Allegations: []cases.Allegation{{Category: s.category, Subcategory: s.sub, Subjects: []cases.Subject{{OfficerID: s.subject}}}}}
			if err := c.Validate(ref, now); err != nil {
				return err
			}
			c.Prepare(ref, now)
			if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
				return err
			}
			w.cases = append(w.cases, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestTransitionsUseOptimisticVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		c, err := db.Case(ctx, w.cases[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]error, 6)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := c
				mine.State = cases.InitialContact
				results[i] = db.InTx(ctx, func(tx *store.Tx) error {
					return tx.SaveTransition(ctx, &mine, c.Version, &cases.Event{At: now, Actor: "u", Type: "action"}, now)
				})
			}()
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case fault.Is(err, fault.Conflict):
				lost++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 || lost != 5 {
			t.Fatalf("%d won, %d got conflict; want exactly one winner", won, lost)
		}
		after, _ := db.Case(ctx, c.ID)
		tl, _ := db.Timeline(ctx, c.ID)
		if after.Version != c.Version+1 || after.State != cases.InitialContact || len(tl) != 2 {
			t.Errorf("after: version %d state %s, %d events", after.Version, after.State, len(tl))
		}
	})
}

func TestFindingsAreSavedPerSubject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		c, _ := db.Case(ctx, w.cases[1].ID)
		c.Allegations[0].Subjects[0].Finding = "upheld"
		c.Allegations[0].Subjects[0].Outcome = "written warning"
		c.State = cases.OutcomeNotified
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveTransition(ctx, &c, c.Version, &cases.Event{At: now, Actor: "u", Type: "action"}, now)
		}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Case(ctx, c.ID)
		if s := got.Allegations[0].Subjects[0]; s.Finding != "upheld" || s.Outcome != "written warning" {
			t.Errorf("subject = %+v", s)
		}
	})
}

func TestListCasesFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		due := day("2026-03-10")
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.SetNextDue(ctx, w.cases[2].ID, &due, "progress_update") }); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AddNote(ctx, &store.Note{CaseID: w.cases[1].ID, AuthorID: "u", At: now, Text: "Complainant mentioned a dashcam recording"})
		}); err != nil {
			t.Fatal(err)
		}
		list := func(f store.CaseFilter) []string {
			t.Helper()
			f.Now = now
			page, err := db.ListCases(ctx, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			var refs []string
			for _, c := range page.Items {
				refs = append(refs, c.Reference)
			}
			return refs
		}
		ref := func(i int) string { return w.cases[i].Reference }
		for _, tc := range []struct {
			name string
			f    store.CaseFilter
			want []string
		}{
			{"all, newest first", store.CaseFilter{}, []string{ref(3), ref(2), ref(1), ref(0)}},
			{"by officer", store.CaseFilter{OfficerID: w.alice.ID}, []string{ref(3), ref(1)}},
			{"by unit", store.CaseFilter{UnitID: w.units[1].ID}, []string{ref(2)}},
			{"by category", store.CaseFilter{Category: "powers-policies-procedures"}, []string{ref(3)}},
			{"by state and kind", store.CaseFilter{State: "Received", Kind: "complaint", UnitID: w.units[0].ID}, []string{ref(3), ref(1)}},
			{"overdue", store.CaseFilter{Overdue: true}, []string{ref(2)}},
			{"text in summary", store.CaseFilter{Text: "burglary"}, []string{ref(2)}},
			{"text in a note, stemmed", store.CaseFilter{Text: "recordings"}, []string{ref(1)}},
			{"text with operators is taken literally", store.CaseFilter{Text: `front" OR "x`}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := list(tc.f)
				if len(got) != len(tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("got %v, want %v", got, tc.want)
					}
				}
			})
		}
		var paged []string
		var after *store.Position
		for {
			page, err := db.ListCases(ctx, store.CaseFilter{Limit: 1, After: after, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Items {
				paged = append(paged, c.Reference)
			}
			if !page.More {
				break
			}
			last := page.Items[len(page.Items)-1].Position()
			after = &last
		}
		if len(paged) != 4 || paged[0] != ref(3) || paged[3] != ref(0) {
			t.Errorf("paged = %v", paged)
		}
		if _, err := db.ListCases(ctx, store.CaseFilter{Text: "!!!"}); db.Dialect() == store.SQLite && !fault.Is(err, fault.Invalid) {
			t.Errorf("a search of no words: %v", err)
		}
	})
}

func TestAllegationsAgainstFollowAnOfficerAcrossForces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		got, err := db.AllegationsAgainst(ctx, w.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("%d allegations against Alice, want 3 (two here, one in her earlier force): %+v", len(got), got)
		}
		last := got[2]
		if last.ForceCode != "OTH" || last.Category != "sexual-conduct" || last.Concern != "sexual misconduct" {
			t.Errorf("earlier-force allegation = %+v", last)
		}
		bob, _ := db.AllegationsAgainst(ctx, w.bob.ID)
		if len(bob) != 1 || bob[0].Concern != "" {
			t.Errorf("Bob's = %+v", bob)
		}
	})
}

// TestAllegationsAgainstEitherRecord: an officer who moved force has two
// records with one national id; either record lists the allegations
// against both, in the same order, while officers with no national id
// each see only their own.
func TestAllegationsAgainstEitherRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		dan := officers.Officer{ForceID: w.force.ID, CollarNumber: "D1", FamilyName: "Dan", Rank: "sergeant", UnitID: w.units[1].ID,
			JoinedOn: day("2017-01-01")}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOfficer(ctx, &dan, now); err != nil {
				return err
			}
			ref, err := cases.LoadReference()
			if err != nil {
				return err
			}
			c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[1].ID, Summary: "Shouted at a witness",
				AroseOn: day("2026-02-01"), ReceivedAt: day("2026-02-03"),
				Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
					Subjects: []cases.Subject{{OfficerID: dan.ID}}}}}
			if err := c.Validate(ref, now); err != nil {
				return err
			}
			c.Prepare(ref, now)
			return tx.CreateCase(ctx, &c, "test", now)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			officer string
			want    []string // officer of each allegation, newest first
		}{
			{"the current record", w.alice.ID, []string{w.alice.ID, w.alice.ID, w.aliceElsewhere.ID}},
			{"the earlier force's record", w.aliceElsewhere.ID, []string{w.alice.ID, w.alice.ID, w.aliceElsewhere.ID}},
			{"no national id", w.bob.ID, []string{w.bob.ID}},
			{"another with no national id", dan.ID, []string{dan.ID}},
			{"no such officer", "nobody", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.AllegationsAgainst(ctx, tc.officer)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, p := range got {
					ids = append(ids, p.OfficerID)
				}
				if !slices.Equal(ids, tc.want) {
					t.Errorf("allegations against the officers %v, want %v", ids, tc.want)
				}
			})
		}
	})
}

func TestDocumentsAreStoredOncePerContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		content := []byte("%PDF-1.4 statement")
		sum := sha256.Sum256(content)
		for i := range 2 {
			d := store.Document{CaseID: w.cases[i+1].ID, SHA256: hex.EncodeToString(sum[:]), Filename: "statement.pdf",
				MediaType: "application/pdf", Size: int64(len(content)), UploadedBy: "u", UploadedAt: now}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AddDocument(ctx, &d, content) }); err != nil {
				t.Fatal(err)
			}
		}
		docs, _ := db.Documents(ctx, w.cases[1].ID)
		if len(docs) != 1 {
			t.Fatalf("%d documents", len(docs))
		}
		d, got, err := db.DocumentContent(ctx, w.cases[1].ID, docs[0].ID)
		if err != nil || string(got) != string(content) || d.Filename != "statement.pdf" {
			t.Fatalf("content %q, %v", got, err)
		}
		if _, _, err := db.DocumentContent(ctx, w.cases[2].ID, docs[0].ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("a document read through another case: %v", err)
		}
	})
}

// TestCasesFactsMatchOneByOne checks the batched need-to-know facts equal
// those read case by case, and leave out cases that do not exist.
func TestCasesFactsMatchOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		var ids []string
		for _, c := range w.cases {
			ids = append(ids, c.ID)
		}
		ids = append(ids, "aaaaaaaaaaaaaaaaaaaaaaaaaa", ids[0]) // unknown, and a repeat
		all, err := db.CasesFacts(ctx, ids, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(w.cases) {
			t.Fatalf("%d cases' facts, want %d", len(all), len(w.cases))
		}
		for _, c := range w.cases {
			one, err := db.CaseFacts(ctx, c.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one, all[c.ID]) {
				t.Errorf("case %s: one by one %+v, batched %+v", c.Reference, one, all[c.ID])
			}
			if len(one.OfficerIDs) != 1 {
				t.Errorf("case %s: officers %v, want its one subject", c.Reference, one.OfficerIDs)
			}
		}
		if _, err := db.CaseFacts(ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaa", now); !fault.Is(err, fault.NotFound) {
			t.Errorf("unknown case: %v", err)
		}
	})
}

// TestCaseFactsNameEachPersonOnce checks a case's need-to-know lists hold
// each officer and user once, however many rows name them: an officer the
// subject of two allegations and a witness too, a user given break-glass
// twice.
func TestCaseFactsNameEachPersonOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		ref, _ := cases.LoadReference()
		u := access.User{Username: "kim", DisplayName: "Kim", Roles: []access.Role{access.Handler}}
		c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Two allegations, one officer",
			AroseOn: now.AddDate(0, 0, -9), ReceivedAt: now.AddDate(0, 0, -7),
			Allegations: []cases.Allegation{
				{Category: "individual-behaviours", Subcategory: "impolite-language", Subjects: []cases.Subject{{OfficerID: w.alice.ID}}},
				{Category: "delivery-of-duties", Subcategory: "decisions", Subjects: []cases.Subject{{OfficerID: w.alice.ID}, {OfficerID: w.bob.ID}}},
			},
			Parties: []cases.Party{{Role: cases.RoleWitness, OfficerID: w.alice.ID}}}
		if err := c.Validate(ref, now); err != nil {
			t.Fatal(err)
		}
		c.Prepare(ref, now)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &u, "x", now); err != nil {
				return err
			}
			if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
				return err
			}
			for range 2 {
				b := store.BreakGlass{UserID: u.ID, CaseID: c.ID, Reason: "urgent safeguarding", OpenedAt: now, ExpiresAt: now.Add(time.Hour)}
				if err := tx.OpenBreakGlass(ctx, &b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f, err := db.CaseFacts(ctx, c.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		named := slices.Sorted(slices.Values(f.OfficerIDs))
		want := slices.Sorted(slices.Values([]string{w.alice.ID, w.bob.ID}))
		if !slices.Equal(named, want) {
			t.Errorf("officers %v, want %v once each", f.OfficerIDs, want)
		}
		if !slices.Equal(f.BreakGlass, []string{u.ID}) {
			t.Errorf("break-glass %v, want %s once", f.BreakGlass, u.ID)
		}
	})
}

// The duty facts Apply writes on a case (the ground it was recorded on,
// the C&M 6 exception, the referral ground) survive a save and a read, so
// the workflow reads them from Probity on the next action.
func TestDutyFactsAreKeptWithTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		c, _ := db.Case(ctx, w.cases[1].ID)
		c.State = cases.RecordedSch3
		c.HandlingGround, c.InvestigationException, c.ReferralGround = "crime_or_disciplinary", "repeat_complaint", "serious_assault"
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveTransition(ctx, &c, c.Version, &cases.Event{At: now, Actor: "u", Type: "action"}, now)
		}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Case(ctx, c.ID)
		if got.HandlingGround != "crime_or_disciplinary" || got.InvestigationException != "repeat_complaint" || got.ReferralGround != "serious_assault" {
			t.Errorf("facts after save: %q, %q, %q", got.HandlingGround, got.InvestigationException, got.ReferralGround)
		}
	})
}

// A matter related to an earlier case still being handled follows the
// earlier case's rule set, read from the store, whatever its own date
// says [C&M 2(2)]; one naming no case is refused by field.
func TestRelatedCaseFollowsTheEarlierRuleSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		ref, _ := cases.LoadReference()
		mk := func(received, related string) (cases.Case, error) {
			c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Same incident, another complainant",
				AroseOn: day("2021-05-01"), ReceivedAt: day(received), RelatedCaseID: related,
				Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language", Subjects: []cases.Subject{{OfficerID: w.alice.ID}}}}}
			c.Prepare(ref, now)
			err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) })
			return c, err
		}
		earlier, err := mk("2021-06-01", "") // rule set 2020, still open
		if err != nil {
			t.Fatal(err)
		}
		c, err := mk("2026-03-02", earlier.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := db.Case(ctx, c.ID)
		if got.RuleSet != "2020" || got.RelatedCaseID != earlier.ID {
			t.Errorf("related case: rule set %s, related %q; want 2020, %s", got.RuleSet, got.RelatedCaseID, earlier.ID)
		}
		if _, err := mk("2026-03-02", "no-such-case"); !fault.Is(err, fault.Invalid) {
			t.Errorf("unknown related case: err = %v, want invalid", err)
		}
	})
}
