package cases

import (
	"strings"
	"testing"
)

// TestLabelsCoverEveryCode: every state, kind, forum, sanction, severity
// and timeline entry has a name and an explanation, no two of a vocabulary
// share a name, and each source cites something Cite can spell out.
func TestLabelsCoverEveryCode(t *testing.T) {
	type entry struct {
		code  string
		label Label
		ok    bool
	}
	var states []entry
	seen := map[State]bool{}
	for _, a := range AllActions() {
		for _, s := range append(append([]State{}, a.From...), a.To) {
			if s != "" && !seen[s] {
				seen[s] = true
				l, ok := stateLabels[s]
				states = append(states, entry{string(s), l, ok})
			}
		}
	}
	vocab := map[string][]entry{"state": states}
	for _, k := range Kinds {
		l, ok := kindLabels[k]
		vocab["kind"] = append(vocab["kind"], entry{string(k), l, ok})
	}
	for _, f := range Forums {
		l, ok := forumLabels[f]
		vocab["forum"] = append(vocab["forum"], entry{string(f), l, ok})
	}
	for _, s := range Sanctions {
		l, ok := sanctionLabels[s]
		vocab["sanction"] = append(vocab["sanction"], entry{string(s), l, ok})
	}
	for _, s := range Severities {
		l, ok := severityLabels[s]
		vocab["severity"] = append(vocab["severity"], entry{s, l, ok})
	}
	for _, e := range []string{timelineAction, timelineStateChanged, timelineRecorded} {
		l, ok := eventLabels[e]
		vocab["event"] = append(vocab["event"], entry{e, l, ok})
	}
	for name, entries := range vocab {
		names := map[string]string{}
		for _, e := range entries {
			if !e.ok || e.label.Name == "" || e.label.Explanation == "" {
				t.Errorf("%s %q has no full label: %+v", name, e.code, e.label)
				continue
			}
			if other, dup := names[e.label.Name]; dup {
				t.Errorf("%ss %q and %q share the name %q", name, e.code, other, e.label.Name)
			}
			names[e.label.Name] = e.code
			// Closing a case, and an outcome standing, follow from the
			// steps before them; the statutory process cites no provision.
			noSource := name == "event" || (name == "state" && (e.code == string(Closed) || e.code == string(Final)))
			if !noSource && Cite(e.label.Source) == "" {
				t.Errorf("%s %q cites nothing", name, e.code)
			}
		}
	}
	if len(states) < 40 {
		t.Errorf("only %d states reached from the workflow", len(states))
	}
}

func TestCite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"C&M 34; CR 19", "Police (Complaints and Misconduct) Regulations 2020, regulation 34; Police (Conduct) Regulations 2020, regulation 19"},
		{"Sch3 2(6A)", "Police Reform Act 2002, Schedule 3, paragraph 2(6A)"},
		{"CR 14, 23, 42", "Police (Conduct) Regulations 2020, regulations 14, 23 and 42"},
		{"CR Part 6", "Police (Conduct) Regulations 2020, Part 6"},
		{"CR 45; PAT", "Police (Conduct) Regulations 2020, regulation 45; Police Appeals Tribunals Rules 2020"},
		{"Police Act 1996 s 88A; SI 2017/1135 reg 3", "Police Act 1996, section 88A; Police Barred List and Police Advisory List Regulations 2017, regulation 3"},
		{"UNCONFIRMED", ""},
		{"", ""},
	} {
		if got := Cite(tc.in); got != tc.want {
			t.Errorf("Cite(%q) =\n %q, want\n %q", tc.in, got, tc.want)
		}
	}
	// No action's source keeps a short form once spelled out.
	for _, a := range AllActions() {
		got := Cite(a.Source)
		for _, short := range []string{"C&M ", "CR ", "Sch3 ", "PAT "} {
			if strings.Contains(" "+got, " "+short) {
				t.Errorf("action %s: Cite(%q) = %q keeps %q", a.Name, a.Source, got, short)
			}
		}
	}
}
