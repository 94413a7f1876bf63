package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// TestDSIMatterBecomesALinkedConductMatter: recording a DSI matter as a
// recordable conduct matter opens that matter, linked and already
// referred, in the same step [Sch3 21A].
func TestDSIMatterBecomesALinkedConductMatter(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		psd := f.login(t, access.PSDHead)
		rec := psd.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"dsi_matter","unit_id":"`+f.unitA.ID+`",
			"summary":"Serious injury after a restraint in custody","arose_on":"2026-04-01",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["`+f.subject+`"]}]}`)
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		id := decode(t, rec)["id"].(string)
		psd.act(t, id, 409, `{"action":"assess_severity","reasons":"x"}`)
		psd.act(t, id, 200, `{"action":"refer_to_iopc","referral_ground":"death_or_serious_injury"}`)
		psd.act(t, id, 200, `{"action":"iopc_decides_dsi_investigation","reasons":"the IOPC will investigate","mode":"independent"}`)
		body := psd.act(t, id, 200, `{"action":"record_as_conduct_matter","reasons":"the footage indicates excessive force"}`)
		ev := body["event"].(map[string]any)["detail"].(map[string]any)
		ref, _ := ev["conduct_case"].(string)
		if !strings.HasPrefix(ref, "RC/") || ev["on_behalf_of"] != "iopc" {
			t.Fatalf("event detail %v: want the new case's reference and the IOPC's decision", ev)
		}
		rc, err := f.db.CaseByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Kind != cases.RecordableConduct || rc.RelatedCaseID != id || rc.State != cases.ReferredIOPC ||
			rc.ReferralGround != "death_or_serious_injury" || len(rc.Allegations) != 1 ||
			rc.Allegations[0].Subjects[0].OfficerID != f.subject {
			t.Errorf("conduct matter %+v", rc)
		}
		if v := psd.getCase(t, id); v["state"] != string(cases.RecordedAsConduct) {
			t.Errorf("DSI matter state %v", v["state"])
		}
	})
}

// TestReviewBodyFollowsTheOfficersRank: whether the complaint is about a
// senior officer is read from the officers' ranks on record, not from the
// client [C&M 32].
func TestReviewBodyFollowsTheOfficersRank(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		senior := officers.Officer{ForceID: f.unitA.ForceID, CollarNumber: "C1", FamilyName: "Commander", Rank: "commander",
			UnitID: f.unitA.ID, JoinedOn: f.now.AddDate(-20, 0, 0)}
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &senior, f.now) }); err != nil {
			t.Fatal(err)
		}
		handler := f.login(t, access.Handler)
		authority := f.login(t, access.Authority)
		open := func(subject string) (string, string, string) {
			rec := handler.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`",
				"summary":"Rude at a public meeting","arose_on":"2026-05-28",
				"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["`+subject+`"]}]}`)
			if rec.Code != 201 {
				t.Fatalf("record: %d %s", rec.Code, rec.Body)
			}
			id := decode(t, rec)["id"].(string)
			handler.act(t, id, 200, `{"action":"make_initial_contact"}`)
			handler.act(t, id, 200, `{"action":"record_under_schedule3","reasons":"asked for"}`)
			authority.act(t, id, 200, `{"action":"handle_otherwise","reasons":"an explanation will do"}`)
			aid, oid := firstAllegation(t, authority.getCase(t, id))
			authority.act(t, id, 200, fmt.Sprintf(`{"action":"notify_outcome","reasons":"explained",
				"findings":[{"allegation_id":%q,"officer_id":%q,"finding":"service_acceptable"}]}`, aid, oid))
			return id, aid, oid
		}
		id, _, _ := open(senior.ID)
		body := handler.act(t, id, 422, `{"action":"request_review","review_body":"lpb","review_facts":{"senior_officer":false}}`)
		if !strings.Contains(fmt.Sprint(body["errors"]), "senior officer") {
			t.Errorf("refusal %v does not name the senior officer", body["errors"])
		}
		body = handler.act(t, id, 200, `{"action":"request_review"}`)
		if d := body["event"].(map[string]any)["detail"].(map[string]any); d["review_body"] != "iopc" {
			t.Errorf("review body %v, want iopc", d["review_body"])
		}
		// A constable's complaint goes to the local policing body, whatever
		// the client claims about rank.
		id, _, _ = open(f.subject)
		body = handler.act(t, id, 200, `{"action":"request_review","review_facts":{"senior_officer":true}}`)
		if d := body["event"].(map[string]any)["detail"].(map[string]any); d["review_body"] != "lpb" {
			t.Errorf("review body %v, want lpb", d["review_body"])
		}
	})
}

// TestWithdrawnComplaintTreatedAsConductMatter: the IOPC's public-interest
// decision on a withdrawn complaint that was referred opens the linked
// recordable conduct matter, with the complainant as an affected person
// [C&M 38(5)].
func TestWithdrawnComplaintTreatedAsConductMatter(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		authority := f.login(t, access.Authority)
		rec := handler.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`",
			"summary":"Pushed to the ground during an arrest","arose_on":"2026-05-28",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["`+f.subject+`"]}],
			"complainants":[{"name":"Jo Public","email":"jo@example.org"}]}`)
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		id := decode(t, rec)["id"].(string)
		handler.act(t, id, 200, `{"action":"make_initial_contact"}`)
		handler.act(t, id, 200, `{"action":"record_under_schedule3","reasons":"serious","mandatory_ground":"must_be_referred"}`)
		authority.act(t, id, 200, `{"action":"refer_to_iopc","referral_ground":"serious_assault"}`)
		handler.act(t, id, 200, `{"action":"withdraw","signed_withdrawal":true}`)
		authority.act(t, id, 422, `{"action":"treat_as_conduct_matter","reasons":"public interest","on_behalf_of":"appropriate_authority"}`)
		body := authority.act(t, id, 200, `{"action":"treat_as_conduct_matter","reasons":"the force used is in the public interest to examine"}`)
		ev := body["event"].(map[string]any)["detail"].(map[string]any)
		ref, _ := ev["conduct_case"].(string)
		if !strings.HasPrefix(ref, "RC/") || ev["on_behalf_of"] != "iopc" {
			t.Fatalf("event detail %v", ev)
		}
		rc, err := f.db.CaseByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if rc.RelatedCaseID != id || rc.State != cases.ReferredIOPC || len(rc.Parties) != 1 || rc.Parties[0].Role != cases.RoleAffectedPerson {
			t.Errorf("conduct matter %+v", rc)
		}
	})
}
