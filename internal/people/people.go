// Package people holds members of the public who take part in cases:
// complainants, witnesses and people affected. Their names and contact
// details are personal data: the store keeps them encrypted and every read
// of them is audited.
package people

import (
	"net/mail"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Person is a member of the public known to a case.
type Person struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	Address   string    `json:"address,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a person's details, naming every refused field.
func (p Person) Validate() error {
	var f fault.Fields

	f.Text("name", p.Name, 200, false, false)
	f.Text("address", p.Address, 500, false, true)
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 {
			f.Add("email", "is not a valid email address")
		}
	}
	if p.Phone != "" && !ValidPhone(p.Phone) {
		f.Add("phone", "must be a phone number of 7 to 15 digits, optionally starting with +")
	}
	return f.Err("invalid person")
}

// ValidPhone accepts what people type for a phone number: digits with
// spaces, dashes, dots or brackets, optionally a leading +, and 7 to 15
// digits in all (the E.164 maximum).
func ValidPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}
