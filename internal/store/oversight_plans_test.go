package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestOversightPlansKeepTheirHistory: a requirement, a notice and a plan
// rejected, revised, resubmitted and accepted read back as the domain left
// them, every revision kept; a stale write is refused; a notice naming no
// requirement is refused.
func TestOversightPlansKeepTheirHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		chief, body := []access.Role{access.ChiefOffice}, []access.Role{access.Oversight}
		r := oversight.Requirement{Title: "Misconduct timeliness", Text: "Bring old cases down", Reason: "Too many old cases",
			DueOn: day("2027-03-31"), Measures: []string{"open-by-age", "disproportionality"}, SetBy: "oversight", SetAt: now}
		tx := func(fn func(tx *store.Tx) error) error { return db.InTx(ctx, fn) }
		if err := tx(func(tx *store.Tx) error { return tx.CreateRequirement(ctx, &r) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.Requirement(ctx, r.ID)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("requirement read back %+v, %v; want %+v", got, err, r)
		}
		refs, err := db.RequirementRefs(ctx, []string{r.ID, "missing"})
		if err != nil || len(refs) != 1 || refs[r.ID].Title != r.Title {
			t.Fatalf("refs %+v %v", refs, err)
		}
		bad := oversight.Notice{Reasons: "x", RequirementIDs: []string{"missing"}, State: oversight.InForce, IssuedAt: now, Version: 1}
		if err := tx(func(tx *store.Tx) error { return tx.CreateNotice(ctx, &bad) }); !fault.Is(err, fault.Invalid) && !fault.Is(err, fault.NotFound) {
			t.Fatalf("a notice on no requirement: %v", err)
		}
		n, _ := oversight.NewNotice("Backlog growing", []string{r.ID}, func(string) bool { return true }, "oversight", now)
		if err := tx(func(tx *store.Tx) error { return tx.CreateNotice(ctx, &n) }); err != nil {
			t.Fatal(err)
		}
		read := n.Version
		if err := n.End(oversight.ActLift, "Improved", body, "oversight", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := tx(func(tx *store.Tx) error { return tx.EndNotice(ctx, n, read) }); err != nil {
			t.Fatal(err)
		}
		if err := tx(func(tx *store.Tx) error { return tx.EndNotice(ctx, n, read) }); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale notice write: %v", err)
		}
		ns, err := db.Notices(ctx)
		if err != nil || len(ns) != 1 || !reflect.DeepEqual(ns[0], n) {
			t.Fatalf("notices %+v %v, want %+v", ns, err, n)
		}

		p, _ := oversight.NewPlan(r.ID, "Timeliness plan", chief, "chief-office", now)
		if err := tx(func(tx *store.Tx) error { return tx.CreatePlan(ctx, &p) }); err != nil {
			t.Fatal(err)
		}
		c := oversight.Commitment{Text: "Fewer old cases", Measure: "open-by-age", Group: []string{"Share open over 12 months"},
			Stat: measures.Share, Baseline: 0.18, Target: 0.1, TargetOn: day("2027-03-31")}
		d := oversight.Commitment{Text: "Fair entry", Measure: "disproportionality", Group: []string{"Black", "Male", "Entered the misconduct system"},
			Stat: measures.Ratio, Baseline: 1.8, Target: 1.2, TargetOn: day("2027-03-31")}
		change := func(fn func(p *oversight.Plan) error) {
			t.Helper()
			err := tx(func(tx *store.Tx) error {
				cur, err := tx.Plan(ctx, p.ID)
				if err != nil {
					return err
				}
				read := cur.Version
				if err := fn(&cur); err != nil {
					return err
				}
				p = cur
				return tx.SavePlan(ctx, cur, read)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		resubmit := day("2026-05-01")
		change(func(p *oversight.Plan) error { return p.SetCommitments([]oversight.Commitment{c, d}, chief, now) })
		change(func(p *oversight.Plan) error { return p.Submit(oversight.ActSubmit, chief, "chief-office", now) })
		change(func(p *oversight.Plan) error {
			return p.Assess(oversight.Assessment{Outcome: oversight.Rejected, Reasons: "Not enough", ResubmitBy: &resubmit,
				Commitments: []oversight.CommitmentDecision{{Verdict: oversight.CommitmentAccepted}, {Verdict: oversight.CommitmentRejected, Reasons: "Too slow"}}},
				body, "oversight", now)
		})
		d.Target = 1.1
		change(func(p *oversight.Plan) error { return p.SetCommitments([]oversight.Commitment{c, d}, chief, now) })
		change(func(p *oversight.Plan) error { return p.Submit(oversight.ActResubmit, chief, "chief-office", now) })
		change(func(p *oversight.Plan) error {
			return p.Assess(oversight.Assessment{Outcome: oversight.AcceptedWithConditions, Reasons: "Better", Conditions: "Quarterly reports",
				Commitments: []oversight.CommitmentDecision{{Verdict: oversight.CommitmentAccepted}, {Verdict: oversight.CommitmentAccepted}}},
				body, "oversight", now)
		})
		back, err := db.Plan(ctx, p.ID)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("plan read back\n%+v\nwant\n%+v (%v)", back, p, err)
		}
		if len(back.Revisions) != 2 || back.Revisions[0].Commitments[1].Target != 1.2 || back.Revisions[0].Assessment.Outcome != oversight.Rejected {
			t.Fatalf("the first revision was not kept: %+v", back.Revisions[0])
		}
		stale := back
		stale.Version++
		if err := tx(func(tx *store.Tx) error { return tx.SavePlan(ctx, stale, back.Version-1) }); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale plan write: %v", err)
		}
		cm := oversight.Comment{PlanID: p.ID, Text: "Agreed", By: "psd-head", At: now}
		if err := tx(func(tx *store.Tx) error { return tx.AddComment(ctx, cm) }); err != nil {
			t.Fatal(err)
		}
		if cs, err := db.Comments(ctx, r.ID); err != nil || len(cs) != 1 || cs[0] != cm {
			t.Fatalf("comments %+v %v", cs, err)
		}
		if ps, err := db.Plans(ctx, r.ID); err != nil || len(ps) != 1 {
			t.Fatalf("plans %d %v", len(ps), err)
		}
	})
}
