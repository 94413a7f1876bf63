package receipt_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/receipt"
)

var schemes = []struct {
	name   string
	scheme receipt.Scheme
	shown  string // the characters an issued receipt may hold, besides dashes
}{
	{"complaint", receipt.Complaint, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"},
	{"speak-up", receipt.SpeakUp, "abcdefghijklmnopqrstuvwxyz234567"},
}

func TestIssuedReceiptsReadBack(t *testing.T) {
	for _, tc := range schemes {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.scheme
			seen := map[string]bool{}
			for range 200 {
				r, h := s.Issue()
				groups := s.Symbols() / 4
				if len(r) != s.Symbols()+groups-1 || strings.Count(r, "-") != groups-1 {
					t.Fatalf("receipt %q is not %d groups of four", r, groups)
				}
				if strings.Trim(strings.ReplaceAll(r, "-", ""), tc.shown) != "" || !s.Valid(r) {
					t.Fatalf("receipt %q holds a character outside its alphabet or is not valid", r)
				}
				if seen[r] {
					t.Fatalf("receipt %q issued twice", r)
				}
				seen[r] = true
				if h == r || strings.Contains(strings.ToLower(h), strings.ToLower(strings.ReplaceAll(r, "-", ""))) {
					t.Fatal("the hash holds the receipt")
				}
				// Typed back in the other case, without dashes, with spaces:
				// the same receipt.
				for _, typed := range []string{r, strings.ToLower(r), strings.ToUpper(r), strings.ReplaceAll(r, "-", ""),
					strings.ReplaceAll(r, "-", " "), " " + r + "\n"} {
					if !s.Check(h, typed) {
						t.Fatalf("receipt %q typed as %q refused", r, typed)
					}
					if got, ok := s.Hash(typed); !ok || got != h {
						t.Fatalf("receipt %q typed as %q hashes as %q, %v", r, typed, got, ok)
					}
				}
			}
			r, h := s.Issue()
			other, _ := s.Issue()
			for _, wrong := range []string{other, "", r[:len(r)-1], r + "A", r + "a"} {
				if s.Check(h, wrong) {
					t.Errorf("wrong receipt %q accepted", wrong)
				}
			}
			// No stored hash (an unknown reference), or a damaged one.
			for _, stored := range []string{"", "zz", strings.Repeat("0", 63), strings.Repeat("0", 64), strings.Repeat("z", 64)} {
				if s.Check(stored, r) {
					t.Errorf("receipt accepted against stored hash %q", stored)
				}
			}
		})
	}
}

func TestMalformedReceiptsAreRefusedByShape(t *testing.T) {
	for _, tc := range []struct {
		scheme receipt.Scheme
		given  string
	}{
		{receipt.Complaint, ""},
		{receipt.Complaint, "ABCD"},
		{receipt.Complaint, strings.Repeat("U", 28)},
		{receipt.Complaint, strings.Repeat("A", 29)},
		{receipt.Complaint, strings.Repeat(" ", 80) + strings.Repeat("A", 28)},
		{receipt.SpeakUp, ""},
		{receipt.SpeakUp, "abcd"},
		{receipt.SpeakUp, strings.Repeat("a", 31)},
		{receipt.SpeakUp, strings.Repeat("a", 33)},
		{receipt.SpeakUp, strings.Repeat("1", 32)},
		{receipt.SpeakUp, strings.Repeat("a", 31) + "!"},
		{receipt.SpeakUp, strings.Repeat("a", 100)},
	} {
		if tc.scheme.Valid(tc.given) {
			t.Errorf("%q accepted as a receipt", tc.given)
		}
		if _, ok := tc.scheme.Hash(tc.given); ok {
			t.Errorf("%q hashed as a receipt", tc.given)
		}
	}
}

// Complaint receipts are read as they look: O for 0, I and L for 1.
func TestComplaintReceiptMisreadCharacters(t *testing.T) {
	r, h := receipt.Complaint.Issue()
	misread := strings.NewReplacer("0", "O", "1", "l").Replace(r)
	if !receipt.Complaint.Check(h, misread) {
		t.Errorf("%q typed as %q refused", r, misread)
	}
}

// People hold receipts issued before today and Probity holds their hashes:
// the stored form of a receipt must never change.
func TestStoredHashesDoNotChange(t *testing.T) {
	for _, tc := range []struct {
		scheme          receipt.Scheme
		receipt, stored string
	}{
		{receipt.Complaint, "abcd-efgh-jkmn-pqrs-tvwx-yzol-2345",
			"b2a81bab7044c74a4231b56bc251a4703d60e9225dcf81f750fae945514a5d92"},
		{receipt.SpeakUp, "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567",
			"b303e478e62f37389c67cc4e61cbb542ea161d8f68e13c0b3f19b6c426c7cbc4"},
	} {
		if got, ok := tc.scheme.Hash(tc.receipt); !ok || got != tc.stored {
			t.Errorf("%q hashes as %q, %v; want %q", tc.receipt, got, ok, tc.stored)
		}
		if !tc.scheme.Check(tc.stored, tc.receipt) {
			t.Errorf("%q refused against its stored hash", tc.receipt)
		}
	}
	// A receipt of one kind never opens the other kind's record.
	r, h := receipt.SpeakUp.Issue()
	if receipt.Complaint.Check(h, r) {
		t.Error("a speak-up receipt passes as a complaint receipt")
	}
}
