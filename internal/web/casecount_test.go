package web

import "testing"

// TestCasesPageCountWords says how many cases match in words, with a
// count that stopped at its cap said as "more than".
func TestCasesPageCountWords(t *testing.T) {
	for _, tc := range []struct {
		count int
		more  bool
		want  string
	}{
		{0, false, "0 cases match"},
		{1, false, "1 case matches"},
		{999, false, "999 cases match"},
		{1000, false, "1,000 cases match"},
		{caseCountCap, true, "More than 1,000 cases match"},
		{1234567, false, "1,234,567 cases match"},
	} {
		if got := (casesPage{Count: tc.count, CountMore: tc.more}).CountWords(); got != tc.want {
			t.Errorf("%d (more %v): %q, want %q", tc.count, tc.more, got, tc.want)
		}
	}
	if got := thousands(-50000); got != "-50,000" {
		t.Errorf("thousands(-50000) = %q", got)
	}
}
