package cases

import (
	"slices"
	"strings"
	"testing"
)

// wfTableSays is the forum/outcome table of docs/statutory-process.md,
// section 4 [CR 42], written out again independently of ForumOutcomes so
// that the two check each other.
func wfTableSays(forum Forum, severity string, s Sanction, fww, several bool) bool {
	in := func(x ...Sanction) bool { return slices.Contains(x, s) }
	switch severity {
	case SeverityNoMisconduct, SeverityPRI: // "Any, no misconduct found: may direct RPRP"
		return forum.Valid() && in(SanctionNone, SanctionRPRP)
	case SeverityMisconduct:
		switch forum {
		case ForumMeeting:
			return in(SanctionWrittenWarning, SanctionFinalWrittenWarning)
		case ForumHearing:
			return in(SanctionWrittenWarning, SanctionFinalWrittenWarning) ||
				(fww || several) && in(SanctionReductionInRank, SanctionDismissal)
		}
	case SeverityGrossMisconduct:
		switch forum {
		case ForumHearing, ForumAccelerated:
			return in(SanctionFinalWrittenWarning, SanctionReductionInRank, SanctionDismissal)
		}
	}
	return false
}

func TestSanctionAllowedFollowsTheForumTable(t *testing.T) {
	forums := append(slices.Clone(Forums), "tribunal", "")
	severities := append(slices.Clone(Severities), "bad_day", "")
	sanctions := append(slices.Clone(Sanctions), "management_advice", "")
	n := 0
	for _, fo := range forums {
		for _, sev := range severities {
			for _, s := range sanctions {
				for _, fww := range []bool{false, true} {
					for _, several := range []bool{false, true} {
						n++
						ok, why := SanctionAllowed(fo, sev, s, fww, several)
						want := wfTableSays(fo, sev, s, fww, several)
						if ok != want {
							t.Errorf("SanctionAllowed(%q, %q, %q, fww=%v, several=%v) = %v (%s), want %v", fo, sev, s, fww, several, ok, why, want)
						}
						if ok != (why == "") {
							t.Errorf("SanctionAllowed(%q, %q, %q) = %v with reason %q", fo, sev, s, ok, why)
						}
					}
				}
			}
		}
	}
	if n != 5*6*8*4 {
		t.Fatalf("checked %d combinations", n)
	}
}

// TestForumTableRows reads like the document's table, row by row.
func TestForumTableRows(t *testing.T) {
	for _, tc := range []struct {
		forum    Forum
		severity string
		sanction Sanction
		fww, sev bool
		ok       bool
		why      string
	}{
		{ForumMeeting, SeverityNoMisconduct, SanctionRPRP, false, false, true, ""},
		{ForumHearing, SeverityPRI, SanctionRPRP, false, false, true, ""},
		{ForumAccelerated, SeverityNoMisconduct, SanctionNone, false, false, true, ""},
		{ForumHearing, SeverityNoMisconduct, SanctionWrittenWarning, false, false, false, "RPRP"},
		{ForumMeeting, SeverityMisconduct, SanctionWrittenWarning, false, false, true, ""},
		{ForumMeeting, SeverityMisconduct, SanctionFinalWrittenWarning, false, false, true, ""},
		{ForumMeeting, SeverityMisconduct, SanctionReductionInRank, true, true, false, "written warning or final written warning"},
		{ForumMeeting, SeverityMisconduct, SanctionDismissal, true, false, false, "not dismissal without notice"},
		{ForumMeeting, SeverityMisconduct, SanctionRPRP, false, false, false, "not rprp"},
		{ForumMeeting, SeverityMisconduct, SanctionNone, false, false, false, "may impose only"},
		{ForumMeeting, SeverityGrossMisconduct, SanctionFinalWrittenWarning, false, false, false, "cannot find gross misconduct"},
		{ForumHearing, SeverityMisconduct, SanctionWrittenWarning, false, false, true, ""},
		{ForumHearing, SeverityMisconduct, SanctionFinalWrittenWarning, false, false, true, ""},
		{ForumHearing, SeverityMisconduct, SanctionReductionInRank, false, false, false, "final written warning was in force"},
		{ForumHearing, SeverityMisconduct, SanctionDismissal, false, false, false, "several unconnected incidents"},
		{ForumHearing, SeverityMisconduct, SanctionReductionInRank, true, false, true, ""},
		{ForumHearing, SeverityMisconduct, SanctionDismissal, false, true, true, ""},
		{ForumHearing, SeverityGrossMisconduct, SanctionWrittenWarning, false, false, false, "final written warning, reduction in rank or dismissal without notice"},
		{ForumHearing, SeverityGrossMisconduct, SanctionFinalWrittenWarning, false, false, true, ""},
		{ForumHearing, SeverityGrossMisconduct, SanctionReductionInRank, false, false, true, ""},
		{ForumHearing, SeverityGrossMisconduct, SanctionDismissal, false, false, true, ""},
		{ForumAccelerated, SeverityGrossMisconduct, SanctionDismissal, false, false, true, ""},
		{ForumAccelerated, SeverityMisconduct, SanctionWrittenWarning, false, false, false, "returns it to the appropriate authority"},
		{"panel", SeverityMisconduct, SanctionWrittenWarning, false, false, false, "not a forum"},
		{ForumHearing, "serious", SanctionWrittenWarning, false, false, false, "not a severity"},
		{ForumHearing, SeverityMisconduct, "management_advice", false, false, false, "not a sanction"},
	} {
		ok, why := SanctionAllowed(tc.forum, tc.severity, tc.sanction, tc.fww, tc.sev)
		if ok != tc.ok || !strings.Contains(why, tc.why) {
			t.Errorf("SanctionAllowed(%s, %s, %s, %v, %v) = %v %q, want %v containing %q",
				tc.forum, tc.severity, tc.sanction, tc.fww, tc.sev, ok, why, tc.ok, tc.why)
		}
	}
}

func TestForumOutcomesAreWellFormed(t *testing.T) {
	for _, o := range ForumOutcomes {
		if (o.Forum != "" && !o.Forum.Valid()) || wfSeverityRank(o.Finding) < 0 || !o.Sanction.Valid() || o.Source == "" {
			t.Errorf("malformed row %+v", o)
		}
		// Only the accelerated hearing rows go beyond CR 42 itself.
		if o.Confirmed == (o.Forum == ForumAccelerated) {
			t.Errorf("row %+v: confirmed = %v", o, o.Confirmed)
		}
	}
}
