package intake

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
	named := SpeakUpForm{What: "The sergeant takes cash from the custody suite.", Category: "corruption",
		Name: "Sam Reporter", Email: "sam@example.org", Role: "staff", Unit: "Custody, North"}
	anon := SpeakUpForm{What: "Racist remarks in the briefing room.", Category: "discrimination", Anonymous: true}
	tests := []struct {
		name   string
		form   func() SpeakUpForm
		fields []string // refused fields; nil for valid
	}{
		{"named", func() SpeakUpForm { return named }, nil},
		{"named with phone only", func() SpeakUpForm { f := named; f.Email, f.Phone = "", "07700 900123"; return f }, nil},
		{"anonymous", func() SpeakUpForm { return anon }, nil},
		{"empty", func() SpeakUpForm { return SpeakUpForm{} }, []string{"category", "email", "name", "what"}},
		{"blank what", func() SpeakUpForm { f := anon; f.What = " \n\t "; return f }, []string{"what"}},
		{"what too long", func() SpeakUpForm { f := anon; f.What = strings.Repeat("é", MaxSpeakUpWhat+1); return f }, []string{"what"}},
		{"what at the limit", func() SpeakUpForm { f := anon; f.What = strings.Repeat("é", MaxSpeakUpWhat); return f }, nil},
		{"what with NUL", func() SpeakUpForm { f := anon; f.What = "a\x00b"; return f }, []string{"what"}},
		{"what not UTF-8", func() SpeakUpForm { f := anon; f.What = "a\xffb"; return f }, []string{"what"}},
		{"unknown category", func() SpeakUpForm { f := anon; f.Category = "Corruption"; return f }, []string{"category"}},
		{"named without name", func() SpeakUpForm { f := named; f.Name = " "; return f }, []string{"name"}},
		{"named without contact", func() SpeakUpForm { f := named; f.Email = ""; return f }, []string{"email"}},
		{"named with bad email", func() SpeakUpForm { f := named; f.Email = "sam at example"; return f }, []string{"email"}},
		{"named with bad phone", func() SpeakUpForm { f := named; f.Phone = "call me"; return f }, []string{"phone"}},
		{"named with unknown role", func() SpeakUpForm { f := named; f.Role = "chief"; return f }, []string{"role"}},
		{"unit on two lines", func() SpeakUpForm { f := named; f.Unit = "A\nB"; return f }, []string{"unit"}},
		{"unit too long", func() SpeakUpForm { f := named; f.Unit = strings.Repeat("u", MaxSpeakUpUnit+1); return f }, []string{"unit"}},
		{"anonymous with name and contact", func() SpeakUpForm {
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
	err := SpeakUpForm{What: "x", Category: "other", Anonymous: true, Name: "Sam"}.Validate()
	fe := fault.FieldsOf(err)
	if len(fe) != 1 || !strings.Contains(fe[0].Reason, "identify you") {
		t.Fatalf("refusal %v does not say why", fe)
	}
}

func TestIdentityOfAnonymousFormIsEmpty(t *testing.T) {
	f := SpeakUpForm{Anonymous: true, Name: "Sam", Email: "s@example.org"}
	if !f.Identity().Empty() {
		t.Fatalf("anonymous form yields identity %+v", f.Identity())
	}
	f.Anonymous = false
	if got := f.Identity(); got.Name != "Sam" || got.Email != "s@example.org" {
		t.Fatalf("named identity %+v", got)
	}
}

func TestReceipts(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		r, h := IssueSpeakUpReceipt()
		if len(r) != 39 || strings.Count(r, "-") != 7 {
			t.Fatalf("receipt %q is not eight groups of four", r)
		}
		if seen[r] {
			t.Fatalf("receipt %q issued twice", r)
		}
		seen[r] = true
		if strings.Contains(h, strings.ReplaceAll(r, "-", "")) {
			t.Fatal("the hash holds the receipt")
		}
		// Typed back in capitals, without dashes or with spaces: the same.
		for _, typed := range []string{strings.ToUpper(r), strings.ReplaceAll(r, "-", ""), strings.ReplaceAll(r, "-", " "), " " + r + "\n"} {
			got, ok := SpeakUpReceiptHash(typed)
			if !ok || !SpeakUpReceiptMatches(got, h) {
				t.Fatalf("receipt typed as %q does not match", typed)
			}
		}
		if SpeakUpReceiptMatches(h, DummySpeakUpReceiptHash) {
			t.Fatal("a receipt matches the dummy hash")
		}
	}
	other, _ := IssueSpeakUpReceipt()
	for r := range seen {
		h1, _ := SpeakUpReceiptHash(r)
		h2, _ := SpeakUpReceiptHash(other)
		if SpeakUpReceiptMatches(h1, h2) {
			t.Fatal("two receipts match")
		}
		break
	}
	for _, bad := range []string{"", "abcd", strings.Repeat("a", 31), strings.Repeat("a", 33), strings.Repeat("1", 32),
		strings.Repeat("a", 31) + "!", strings.Repeat("a", 100)} {
		if _, ok := SpeakUpReceiptHash(bad); ok {
			t.Errorf("%q accepted as a receipt", bad)
		}
	}
	if SpeakUpReceiptMatches("", "") {
		t.Error("empty hashes match")
	}
	if len(DummySpeakUpReceiptHash) != 64 {
		t.Errorf("dummy hash has length %d", len(DummySpeakUpReceiptHash))
	}
}

func TestSpeakUpReference(t *testing.T) {
	for s, want := range map[string]bool{"SU/2026/000123": true, "SU/2026/1234567": true, "SU/2026/123": false,
		"su/2026/000123": false, "CO/2026/000123": false, "SU/2026/000123 ": false, "SU/26/000123": false} {
		if ValidSpeakUpReference(s) != want {
			t.Errorf("ValidSpeakUpReference(%q) = %v", s, !want)
		}
	}
}

func TestSpeakUpDay(t *testing.T) {
	at := time.Date(2026, 6, 1, 23, 30, 5, 7, time.FixedZone("BST", 3600))
	if got := SpeakUpDay(at); !got.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("SpeakUpDay = %v", got)
	}
}

func TestValidateSpeakUpMessage(t *testing.T) {
	if err := ValidateSpeakUpMessage("More detail:\n\tit happened again."); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "  ", "\x07", strings.Repeat("x", MaxSpeakUpMessage+1)} {
		if got := fieldsOf(ValidateSpeakUpMessage(bad)); !slices.Equal(got, []string{"text"}) {
			t.Errorf("%.20q: fields %v", bad, got)
		}
	}
}
