package speakup

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

func fieldsOf(err error) []string {
	var out []string
	for _, fe := range fault.FieldsOf(err) {
		out = append(out, fe.Field)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestSpeakUpFormValidate(t *testing.T) {
	named := Form{What: "The sergeant takes cash from the custody suite.", Category: "corruption",
		Name: "Sam Reporter", Email: "sam@example.org", Role: "staff", Unit: "Custody, North"}
	anon := Form{What: "Racist remarks in the briefing room.", Category: "discrimination", Anonymous: true}
	tests := []struct {
		name   string
		form   func() Form
		fields []string // refused fields; nil for valid
	}{
		{"named", func() Form { return named }, nil},
		{"named with phone only", func() Form { f := named; f.Email, f.Phone = "", "07700 900123"; return f }, nil},
		{"anonymous", func() Form { return anon }, nil},
		{"empty", func() Form { return Form{} }, []string{"category", "email", "name", "what"}},
		{"blank what", func() Form { f := anon; f.What = " \n\t "; return f }, []string{"what"}},
		{"what too long", func() Form { f := anon; f.What = strings.Repeat("é", MaxWhat+1); return f }, []string{"what"}},
		{"what at the limit", func() Form { f := anon; f.What = strings.Repeat("é", MaxWhat); return f }, nil},
		{"what with NUL", func() Form { f := anon; f.What = "a\x00b"; return f }, []string{"what"}},
		{"what not UTF-8", func() Form { f := anon; f.What = "a\xffb"; return f }, []string{"what"}},
		{"unknown category", func() Form { f := anon; f.Category = "Corruption"; return f }, []string{"category"}},
		{"named without name", func() Form { f := named; f.Name = " "; return f }, []string{"name"}},
		{"named without contact", func() Form { f := named; f.Email = ""; return f }, []string{"email"}},
		{"named with bad email", func() Form { f := named; f.Email = "sam at example"; return f }, []string{"email"}},
		{"named with bad phone", func() Form { f := named; f.Phone = "call me"; return f }, []string{"phone"}},
		{"named with unknown role", func() Form { f := named; f.Role = "chief"; return f }, []string{"role"}},
		{"unit on two lines", func() Form { f := named; f.Unit = "A\nB"; return f }, []string{"unit"}},
		{"unit too long", func() Form { f := named; f.Unit = strings.Repeat("u", MaxUnit+1); return f }, []string{"unit"}},
		{"anonymous with name and contact", func() Form {
			f := anon
			f.Name, f.Email, f.Phone, f.Role, f.Unit = "Sam", "sam@example.org", "07700 900123", "officer", "Response"
			return f
		}, []string{"email", "name", "phone", "role", "unit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.form().Validate()
			got := fieldsOf(err)
			if tc.fields == nil && err != nil {
				t.Fatalf("refused a valid form: %v", err)
			}
			if !slices.Equal(got, tc.fields) {
				t.Fatalf("refused fields %v, want %v (%v)", got, tc.fields, err)
			}
			if err != nil && !fault.Is(err, fault.Invalid) {
				t.Fatalf("error kind %s, want invalid", fault.KindOf(err))
			}
		})
	}
}

func TestAnonymousRefusalExplains(t *testing.T) {
	err := Form{What: "x", Category: "other", Anonymous: true, Name: "Sam"}.Validate()
	fe := fault.FieldsOf(err)
	if len(fe) != 1 || !strings.Contains(fe[0].Reason, "identify you") {
		t.Fatalf("refusal %v does not say why", fe)
	}
}

func TestIdentityOfAnonymousFormIsEmpty(t *testing.T) {
	f := Form{Anonymous: true, Name: "Sam", Email: "s@example.org"}
	if !f.Identity().Empty() {
		t.Fatalf("anonymous form yields identity %+v", f.Identity())
	}
	f.Anonymous = false
	if got := f.Identity(); got.Name != "Sam" || got.Email != "s@example.org" {
		t.Fatalf("named identity %+v", got)
	}
}

func TestSpeakUpReference(t *testing.T) {
	for s, want := range map[string]bool{"SU/2026/000123": true, "SU/2026/1234567": true, "SU/2026/123": false,
		"su/2026/000123": false, "CO/2026/000123": false, "SU/2026/000123 ": false, "SU/26/000123": false} {
		if ValidReference(s) != want {
			t.Errorf("ValidReference(%q) = %v", s, !want)
		}
	}
}

func TestSpeakUpDay(t *testing.T) {
	at := time.Date(2026, 6, 1, 23, 30, 5, 7, time.FixedZone("BST", 3600))
	if got := Day(at); !got.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("Day = %v", got)
	}
}

func TestValidateSpeakUpMessage(t *testing.T) {
	if err := ValidateMessage("More detail:\n\tit happened again."); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "  ", "\x07", strings.Repeat("x", MaxMessage+1)} {
		if got := fieldsOf(ValidateMessage(bad)); !slices.Equal(got, []string{"text"}) {
			t.Errorf("%.20q: fields %v", bad, got)
		}
	}
}

func TestNewReferenceIsRandomAndValid(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		r := NewReference(2026)
		if !ValidReference(r) || !strings.HasPrefix(r, "SU/2026/") || len(r) != len("SU/2026/")+9 {
			t.Fatalf("reference %q", r)
		}
		seen[r] = true
	}
	if len(seen) < 49 {
		t.Fatalf("%d distinct references in 50", len(seen))
	}
}
