package speakup

import (
	"slices"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

func TestIdentityMentionedIn(t *testing.T) {
	id := Identity{Name: "Jane  Smith-Oduya", Email: "jso.work7@example.org", Phone: "07700 900 417"}
	single := Identity{Name: "Zoë Ng", Phone: "+44 7700 900123"}
	tests := []struct {
		name string
		id   Identity
		text string
		want string
	}{
		{"plain full name", id, "Raised by Jane Smith-Oduya of custody.", "name"},
		{"upper case", id, "RAISED BY JANE SMITH-ODUYA", "name"},
		{"double space", id, "Raised by Jane  Smith  Oduya.", "name"},
		{"line break and tab", id, "Raised by Jane\n\tSmith Oduya", "name"},
		{"surname alone", id, "Smith says the sergeant took cash.", "name"},
		{"second part of the surname alone", id, "as Oduya said", "name"},
		{"zero-width space inside the surname", id, "ask Od\u200buya", "name"},
		{"soft hyphen and joiner", id, "ask Sm\u00adi\u200dth", "name"},
		{"bidi override around the name", id, "ask \u202eOduya\u202c today", "name"},
		{"full-width letters", id, "ask \uff33\uff4d\uff49\uff54\uff48", "name"},
		{"accent dropped", single, "Zoe Ng saw it", "name"},
		{"accent kept", single, "ZOË NG saw it", "name"},
		{"email", id, "write to JSO.Work7@Example.org", "email"},
		{"email with a zero-width space", id, "write to jso.work7@exam\u200bple.org", "email"},
		{"email with spaces", id, "write to jso work7 example org", "email"},
		{"phone spaced differently", id, "call 077 009 004 17", "phone"},
		{"phone in full-width digits", id, "call \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff14\uff11\uff17", "phone"},
		{"phone with country code", id, "call +44 7700 900417", "phone"},
		{"national form of an international number", single, "call 07700 900123", "phone"},
		{"forename alone is allowed", id, "Jane Doe, the sergeant, took cash.", ""},
		{"surname inside another word is allowed", id, "the blacksmiths' yard", ""},
		{"short surname alone is allowed", single, "ng", ""},
		{"nothing of the identity", id, "A sergeant bullies probationers during refreshment breaks.", ""},
		{"other digits", id, "Seen on 12/03/2026 at 0200 in cell 7.", ""},
	}
	for _, tc := range tests {
		if got := tc.id.MentionedIn(tc.text); got != tc.want {
			t.Errorf("%s: %q gives %q, want %q", tc.name, tc.text, got, tc.want)
		}
	}
}

func TestCheckCaseNamesEveryFieldThatIdentifies(t *testing.T) {
	id := Identity{Name: "Jane Smith", Email: "jane@example.org"}
	c := &cases.Case{Summary: "Cash taken from the custody suite.", Allegations: []cases.Allegation{
		{Description: "Seen by J. Smith on the night shift."}, {Description: "Nothing about the reporter."},
		{Description: "Write to jane@example.org."}}}
	var got []string
	for _, fe := range fault.FieldsOf(id.CheckCase(c)) {
		got = append(got, fe.Field)
	}
	if want := []string{"allegations[0].description", "allegations[2].description"}; !slices.Equal(got, want) {
		t.Fatalf("refused fields %v, want %v", got, want)
	}
	c.Allegations = c.Allegations[1:2]
	if err := id.CheckCase(c); err != nil {
		t.Fatalf("a case that does not identify the reporter refused: %v", err)
	}
}
