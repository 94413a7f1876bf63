package hearings

import (
	"testing"
	"unicode/utf8"
)

// FuzzNew drafts notices from whatever an author might send: a draft is
// either refused or holds to the rules, never both, and never panics.
func FuzzNew(f *testing.F) {
	f.Add("outcome", "o1", -5, "", "", "Found proved.", 0, 27)
	f.Add("hearing", "o2", 10, "09:30", "Hall 2", "It is alleged...", 0, 10)
	f.Add("hearing", "o2", 10, "24:00", "", "\u202e", -1, 40)
	f.Add("rumour", "", 0, "9", "x", "", 400, -3)
	f.Fuzz(func(t *testing.T, kind, officer string, hearingIn int, clock, venue, text string, fromIn, untilIn int) {
		today := Day(now)
		clamp := func(d int) int { return max(-3000, min(3000, d)) }
		in := DraftInput{Kind: Kind(kind), OfficerID: officer, HearingOn: today.AddDate(0, 0, clamp(hearingIn)), HearingTime: clock,
			Venue: venue, Text: text, PublishFrom: today.AddDate(0, 0, clamp(fromIn)), PublishUntil: today.AddDate(0, 0, clamp(untilIn))}
		n, err := New(in, atHearing, "A Name", "constable", "author", now)
		if err != nil {
			return
		}
		days := int(n.PublishUntil.Sub(n.PublishFrom).Hours()/24) + 1
		switch {
		case n.PublishFrom.Before(today):
			t.Fatalf("accepted a period starting in the past: %+v", n)
		case n.Kind == Outcome && (days < OutcomeMinDays || days > OutcomeMaxDays):
			t.Fatalf("accepted an outcome public for %d days", days)
		case n.Kind == OfHearing && (n.PublishUntil.Before(n.HearingOn) || n.PublishFrom.After(n.HearingOn) || !validClock(n.HearingTime)):
			t.Fatalf("accepted a notice of hearing outside its rule: %+v", n)
		case !utf8.ValidString(n.Text) || utf8.RuneCountInString(n.Text) > MaxText:
			t.Fatalf("accepted text %q", n.Text)
		case n.Public(now):
			t.Fatal("a draft is public")
		}
	})
}
