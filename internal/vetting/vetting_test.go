package vetting

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

func TestRulesCall(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		a    Allegation
		want bool
	}{
		{Allegation{Category: "sexual-conduct", Subcategory: "sexual-assault", Concern: "sexual misconduct"}, true},
		{Allegation{Category: "abuse-of-position", Subcategory: "corruption-other"}, true},
		{Allegation{Category: "discriminatory-behaviour", Subcategory: "race", Concern: "discrimination"}, true},
		// Domestic abuse is a flag: it calls whatever the category, or none.
		{Allegation{DomesticAbuse: true}, true},
		{Allegation{Category: "delivery-of-duties", Subcategory: "decisions", DomesticAbuse: true}, true},
		{Allegation{Category: "individual-behaviours", Subcategory: "impolite-language"}, false},
		{Allegation{Category: "delivery-of-duties", Subcategory: "decisions"}, false},
		// A concern alone is enough, whatever category carries it.
		{Allegation{Category: "individual-behaviours", Subcategory: "overbearing-harassing", Concern: "sexual misconduct"}, true},
	} {
		if got := r.Calls(tc.a); got != tc.want {
			t.Errorf("Calls(%+v) = %v, want %v", tc.a, got, tc.want)
		}
	}
	narrow := Rules{Categories: []string{"powers-policies-procedures/use-of-force"}, VolumeCount: 3, VolumeMonths: 24}
	if !narrow.Calls(Allegation{Category: "powers-policies-procedures", Subcategory: "use-of-force"}) ||
		narrow.Calls(Allegation{Category: "powers-policies-procedures", Subcategory: "arrest"}) {
		t.Error("a category/subcategory rule matched the wrong sub-category")
	}
	if err := (Rules{VolumeCount: 1, VolumeMonths: 0}).Validate(); len(fault.FieldsOf(err)) != 2 {
		t.Errorf("bad rules: %v", err)
	}
}

func TestDecideNamesEachField(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                string
		d                   Decision
		reasons, conditions string
		fields              []string
	}{
		{"no reasons", Maintain, " ", "", []string{"reasons"}},
		{"unknown decision", "ignore", "Because", "", []string{"decision"}},
		{"conditions without a conditional decision", Suspend, "Because", "No firearms", []string{"conditions"}},
		{"conditional decision without conditions", MaintainWithConditions, "Because", "", []string{"conditions"}},
		{"fine", MaintainWithConditions, "Because", "No lone working with victims", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReview("o1", Trigger{Kind: ByCategory}, now)
			err := r.Decide(tc.d, tc.reasons, tc.conditions, "v1", now)
			var got []string
			for _, f := range fault.FieldsOf(err) {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Fatalf("fields %v, want %v (err %v)", got, tc.fields, err)
			}
			if err == nil {
				if r.Open() || r.Version != 2 {
					t.Errorf("decided review = %+v", r)
				}
				if err := r.Decide(Maintain, "Again", "", "v1", now); fault.KindOf(err) != fault.Conflict {
					t.Errorf("deciding twice: %v", err)
				}
			}
		})
	}
	if r := NewReview("o1", Trigger{}, now); !r.DueBy.Equal(time.Date(2026, 12, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("due by %v, want 28 days on", r.DueBy)
	}
}

func TestClearanceValidate(t *testing.T) {
	granted := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	before := granted.AddDate(0, 0, -1)
	later := granted.AddDate(5, 0, 0)
	for _, tc := range []struct {
		name   string
		c      Clearance
		fields string
	}{
		{"granted with a review date", Clearance{OfficerID: "o", Level: Management, Status: Granted, GrantedOn: granted, ReviewDue: &later, Reasons: "Checks clear"}, ""},
		{"review due before the grant", Clearance{OfficerID: "o", Level: Management, Status: Granted, GrantedOn: granted, ReviewDue: &before, Reasons: "Checks clear"}, "review_due"},
		{"granted with no review date", Clearance{OfficerID: "o", Level: Recruitment, Status: Granted, GrantedOn: granted, Reasons: "Checks clear"}, "review_due"},
		{"refused needs no review date", Clearance{OfficerID: "o", Level: Recruitment, Status: Refused, GrantedOn: granted, Reasons: "Undisclosed conviction"}, ""},
		{"no reasons", Clearance{OfficerID: "o", Level: SC, Status: Refused, GrantedOn: granted}, "reasons"},
		{"unknown level", Clearance{OfficerID: "o", Level: "top", Status: Refused, GrantedOn: granted, Reasons: "x"}, "level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range fault.FieldsOf(tc.c.Validate()) {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != tc.fields {
				t.Errorf("fields %v, want %q", got, tc.fields)
			}
		})
	}
}

func TestStatusAfter(t *testing.T) {
	for d, want := range map[Decision]Status{Maintain: Granted, MaintainWithConditions: Granted, Suspend: Suspended, Withdraw: Withdrawn} {
		if got := StatusAfter(d); got != want {
			t.Errorf("StatusAfter(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestEveryCodeHasWords(t *testing.T) {
	for _, l := range Levels {
		if l.Label().Means == "" {
			t.Errorf("level %s has no words", l)
		}
	}
	for _, s := range Statuses {
		if s.Label().Means == "" {
			t.Errorf("status %s has no words", s)
		}
	}
	for _, d := range Decisions {
		if d.Label().Means == "" {
			t.Errorf("decision %s has no words", d)
		}
	}
	for _, k := range []TriggerKind{ByCategory, ByVolume, ByTransfer} {
		if k.Label().Means == "" {
			t.Errorf("trigger %s has no words", k)
		}
	}
}

func TestCurrentIsTheLatestAtEachLevel(t *testing.T) {
	history := []Clearance{ // newest first
		{ID: "4", Level: SC, Status: Granted},
		{ID: "3", Level: Management, Status: Suspended},
		{ID: "2", Level: SC, Status: Refused},
		{ID: "1", Level: Management, Status: Granted},
	}
	got := Current(history)
	if len(got) != 2 || got[0].ID != "4" || got[1].ID != "3" {
		t.Fatalf("current: %+v", got)
	}
	if Current(nil) != nil {
		t.Error("no decisions, no standing")
	}
}
