package web_test

import (
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
)

// caseWithHistory gives the fixture's same-unit case the notes and
// documents a worked case has, so that the page reads what it would.
func caseWithHistory(b *testing.B, f *fixture) string {
	caseID := f.cases[relSameUnit]
	c := f.login(b, access.Handler)
	for range 10 {
		if rec := c.do(b, "POST", "/cases/"+caseID+"/notes", "application/x-www-form-urlencoded", "text=Called+the+complainant+back."); rec.Code != 303 {
			b.Fatal(rec.Code)
		}
	}
	return caseID
}

// BenchmarkCasePage renders the case page as a handler: session,
// need-to-know, the audited read, everything caseDetail gathers, the
// names of the people on it, and the template.
func BenchmarkCasePage(b *testing.B) {
	f := benchFixture(b)
	caseID := caseWithHistory(b, f)
	c := f.login(b, access.Authority)
	b.ResetTimer()
	for range b.N {
		if rec := c.do(b, "GET", "/cases/"+caseID, "", ""); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkBaselineCaseQueries runs the case page's reads and its one
// audit entry straight against the store: what the page must cost at
// least, whatever the web adapter does around it.
func BenchmarkBaselineCaseQueries(b *testing.B) {
	f := benchFixture(b)
	caseID := caseWithHistory(b, f)
	b.ResetTimer()
	for range b.N {
		if _, err := f.db.CasesFacts(ctx, []string{caseID}, f.now); err != nil {
			b.Fatal(err)
		}
		c, err := f.db.Case(ctx, caseID)
		if err != nil {
			b.Fatal(err)
		}
		e := &audit.Entry{At: f.now, ActorID: f.users[access.Authority].ID, ActorName: "authority", Action: audit.Consult,
			RecordType: "case", RecordID: caseID, Outcome: audit.Success, Reason: "access by unit"}
		if err := f.db.Audit(ctx, e); err != nil {
			b.Fatal(err)
		}
		if _, err := f.db.Timeline(ctx, caseID); err != nil {
			b.Fatal(err)
		}
		for _, al := range c.Allegations {
			for _, sj := range al.Subjects {
				if _, err := f.db.Officer(ctx, sj.OfficerID); err != nil {
					b.Fatal(err)
				}
				if _, err := f.db.AllegationsAgainst(ctx, sj.OfficerID); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := f.db.Notes(ctx, caseID); err != nil {
			b.Fatal(err)
		}
		if _, err := f.db.Documents(ctx, caseID); err != nil {
			b.Fatal(err)
		}
		if _, err := f.db.Users(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
