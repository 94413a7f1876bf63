package web_test

import (
	"encoding/json"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// TestHandlersRecordIntoTheirOwnUnits: a handler records cases into their
// own units or the intake unit, not another unit; the appropriate
// authority records anywhere.
func TestHandlersRecordIntoTheirOwnUnits(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		in := officers.Unit{ForceID: f.unitA.ForceID, Code: intake.IntakeUnitCode, Name: "Complaints intake"}
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &in) }); err != nil {
			t.Fatal(err)
		}
		body := func(unit string) string {
			return `{"kind":"complaint","unit_id":"` + unit + `","summary":"Rude on the phone","arose_on":"2026-05-20",
				"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["` + f.subject + `"]}]}`
		}
		h, auth := f.login(t, access.Handler), f.login(t, access.Authority)
		for _, tc := range []struct {
			who  string
			c    *client
			unit string
			want int
		}{
			{"handler, own unit", h, f.unitA.ID, 201},
			{"handler, intake unit", h, in.ID, 201},
			{"handler, another unit", h, f.unitB.ID, 403},
			{"authority, another unit", auth, f.unitB.ID, 201},
		} {
			before, _ := f.db.CaseCount(ctx)
			audits := auditCount(t, f)
			rec := tc.c.do(t, "POST", "/api/v1/cases", "application/json", body(tc.unit))
			after, _ := f.db.CaseCount(ctx)
			if rec.Code != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.who, rec.Code, rec.Body, tc.want)
			}
			if tc.want != 403 {
				continue
			}
			var p struct {
				Errors []struct{ Field string } `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Field != "unit_id" {
				t.Errorf("%s: the refusal does not name unit_id: %s", tc.who, rec.Body)
			}
			if after != before || auditCount(t, f)-audits != 1 {
				t.Errorf("%s: refused, yet %d cases recorded and %d audit entries (want 0 and 1)", tc.who, after-before, auditCount(t, f)-audits)
			}
		}
	})
}
