package store_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/store/storetest"
)

// TestMigration13BackfillsTheDutyFacts: cases stored before migration
// 00013 get the grounds their timelines recorded (the latest recording
// under Schedule 3 and the latest referral), and a rule set chosen by when
// they were received, not when the matter arose [C&M 2(2)].
func TestMigration13BackfillsTheDutyFacts(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db, exec := openAtMigration(t, e, 12)
			exec(`INSERT INTO rule_sets (code, effective_from, title) VALUES ('2012', '2012-11-22', 'a'), ('2020', '2020-02-01', 'b'), ('2025', '2025-05-28', 'c')`)
			exec(`INSERT INTO forces (id, code, name) VALUES ('f1', 'F1', 'Force')`)
			at := func(s string) time.Time {
				v, err := time.Parse(time.DateOnly, s)
				if err != nil {
					t.Fatal(err)
				}
				return v.Add(10 * time.Hour)
			}
			addCase := func(id, ref, rule, arose, received string) {
				exec(`INSERT INTO cases (id, reference, kind, force_id, state, rule_set, summary, arose_on, received_at, created_at, updated_at)
					VALUES ($1, $2, 'complaint', 'f1', 'ReferredIOPC', $3, 's', $4, $5, $5, $5)`, id, ref, rule, at(arose), at(received))
			}
			event := func(caseID string, seq int, detail string) {
				exec(`INSERT INTO case_events (id, case_id, seq, at, actor, type, detail) VALUES ($1, $2, $3, $4, 'u', 'state_changed', $5)`,
					caseID+"-"+string(rune('0'+seq)), caseID, seq, at("2025-07-01").Add(time.Duration(seq)*time.Hour), detail)
			}
			// Arose in 2019, complained of in 2025: stored under 2020 by the
			// old rule; recorded on a ground that must be referred, then
			// referred twice (the latest counts).
			addCase("c1", "CO/2025/000001", "2020", "2019-06-01", "2025-06-02")
			event("c1", 1, `{"action":"record_under_schedule3","from":"InitialContact","to":"RecordedSch3","mandatory_ground":"must_be_referred"}`)
			event("c1", 2, `{"action":"refer_to_iopc","from":"RecordedSch3","to":"ReferredIOPC","referral_ground":"voluntary"}`)
			event("c1", 3, `{"action":"iopc_refers_back","from":"ReferredIOPC","to":"ReferredBack"}`)
			event("c1", 4, `{"action":"refer_to_iopc","from":"ReferredBack","to":"ReferredIOPC","referral_ground":"serious_assault"}`)
			// Received before 2020: the 2012 rules, with nothing to backfill.
			addCase("c2", "CO/2019/000001", "2020", "2019-10-01", "2019-11-04")
			// Recorded with no ground: none is backfilled.
			addCase("c3", "CO/2022/000001", "2020", "2022-01-01", "2022-01-03")
			event("c3", 1, `{"action":"record_under_schedule3","from":"InitialContact","to":"RecordedSch3"}`)

			if err := db.MigrateToForTest(ctx, 13); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct{ id, rule, handling, referral string }{
				{"c1", "2025", "must_be_referred", "serious_assault"},
				{"c2", "2012", "", ""},
				{"c3", "2020", "", ""},
			} {
				rule, handling, referral, err := db.CaseDutyColumnsForTest(ctx, tc.id)
				if err != nil {
					t.Fatal(err)
				}
				if rule != tc.rule || handling != tc.handling || referral != tc.referral {
					t.Errorf("%s: rule set %q, handling ground %q, referral ground %q; want %q, %q, %q",
						tc.id, rule, handling, referral, tc.rule, tc.handling, tc.referral)
				}
			}
		})
	}
}

// TestMigration14MovesConductStageDSIMattersToConduct: a DSI matter stored
// while DSI matters followed the conduct machine, and standing in a state
// only the conduct machine has, becomes the recordable conduct matter it
// was handled as; one in a state of the DSI machine stays a DSI matter.
func TestMigration14MovesConductStageDSIMattersToConduct(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db, exec := openAtMigration(t, e, 13)
			exec(`INSERT INTO rule_sets (code, effective_from, title) VALUES ('2025', '2025-05-28', 'c')`)
			exec(`INSERT INTO forces (id, code, name) VALUES ('f1', 'F1', 'Force')`)
			now := time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
			want := map[string]string{}
			for i, tc := range []struct{ state, kind string }{
				{"SeverityAssessed", "recordable_conduct_matter"},
				{"NFA", "recordable_conduct_matter"},
				{"Reg17Served", "recordable_conduct_matter"},
				{"AllegationReceived", "dsi_matter"},
				{"Investigation", "dsi_matter"},
			} {
				id := "d" + string(rune('0'+i))
				exec(`INSERT INTO cases (id, reference, kind, force_id, state, rule_set, summary, arose_on, received_at, created_at, updated_at)
					VALUES ($1, $2, 'dsi_matter', 'f1', $3, '2025', 's', $4, $5, $5, $5)`, id, "DS/2025/00000"+string(rune('1'+i)), tc.state, now, now)
				want[id] = tc.kind
			}
			if err := db.MigrateToForTest(ctx, 14); err != nil {
				t.Fatal(err)
			}
			for id, kind := range want {
				got, err := db.CaseKindForTest(ctx, id)
				if err != nil || got != kind {
					t.Errorf("%s: kind %q (%v), want %q", id, got, err, kind)
				}
			}
		})
	}
}
