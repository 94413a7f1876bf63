package people

import (
	"testing"

	"github.com/probity/probity/internal/fault"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      Person
		fields []string
	}{
		{"full", Person{Name: "Ada Lovelace", Email: "ada@example.org", Phone: "+44 20 7946 0000", Address: "1 High St"}, nil},
		{"empty is allowed (anonymous)", Person{}, nil},
		{"bad email", Person{Email: "not-an-email"}, []string{"email"}},
		{"display-name email refused", Person{Email: "Ada <ada@example.org>"}, []string{"email"}},
		{"short phone", Person{Phone: "12345"}, []string{"phone"}},
		{"letters in phone", Person{Phone: "0207 ABC 0000"}, []string{"phone"}},
		{"control chars", Person{Name: "Ada\x00"}, []string{"name"}},
		{"two bad", Person{Email: "x", Phone: "y"}, []string{"email", "phone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			got := fault.FieldsOf(err)
			if len(got) != len(tc.fields) {
				t.Fatalf("Validate() = %v, want fields %v", err, tc.fields)
			}
			for i, f := range got {
				if f.Field != tc.fields[i] {
					t.Errorf("field %d = %q, want %q", i, f.Field, tc.fields[i])
				}
			}
			if err != nil && !fault.Is(err, fault.Invalid) {
				t.Errorf("kind = %v, want invalid", fault.KindOf(err))
			}
		})
	}
}
