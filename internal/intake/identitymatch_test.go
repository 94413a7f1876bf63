package intake

import "testing"

func TestIdentityMentionedIn(t *testing.T) {
	id := SpeakUpIdentity{Name: "Jane  Smith-Oduya", Email: "jso.work7@example.org", Phone: "07700 900 417"}
	single := SpeakUpIdentity{Name: "Zoë Ng", Phone: "+44 7700 900123"}
	tests := []struct {
		name string
		id   SpeakUpIdentity
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
