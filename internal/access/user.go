// Package access decides who may do what to which record: users, roles,
// sessions and the policy. Every staff request passes through it.
package access

import (
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Role is a set of duties; a user may hold several.
type Role string

const (
	Handler      Role = "handler"      // records and handles complaints
	Investigator Role = "investigator" // investigates assigned cases
	Authority    Role = "authority"    // the appropriate authority's decision maker
	PSDHead      Role = "psd-head"     // head of professional standards
	Supervisor   Role = "supervisor"   // acts on early-intervention flags for own units
	Guardian     Role = "guardian"     // the only role that may see speak-up reporters' identities
	Oversight    Role = "oversight"    // the oversight body
	Auditor      Role = "auditor"      // reads the audit log, no case content
	Admin        Role = "admin"        // users and configuration, no case content
	Vetting      Role = "vetting"      // the vetting unit: clearances and the reviews allegations open, no case content
	ChiefOffice  Role = "chief-office" // the chief officer's office: answers the oversight body's requirements with plans, no case content
)

// Roles lists every role.
var Roles = []Role{Handler, Investigator, Authority, PSDHead, Supervisor, Guardian, Oversight, Auditor, Admin, Vetting, ChiefOffice}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// User is a member of staff (or of the oversight body) who signs in.
type User struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	OfficerID   string    `json:"officer_id,omitempty"` // set when the user is also an officer: drives conflict-of-interest checks
	Roles       []Role    `json:"roles"`
	UnitIDs     []string  `json:"unit_ids,omitempty"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
}

// Has reports whether the user holds role r.
func (u User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// Validate checks a user record, naming every refused field.
func (u User) Validate() error {
	var f fault.Fields
	switch {
	case u.Username == "":
		f.Add("username", "is required")
	case len(u.Username) > 64:
		f.Add("username", "must be at most 64 characters")
	case strings.Trim(u.Username, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != "":
		f.Add("username", "may hold only lower-case letters, digits, '.', '-' and '_'")
	}
	if len(u.DisplayName) > 200 {
		f.Add("display_name", "must be at most 200 characters")
	}
	if len(u.Roles) == 0 {
		f.Add("roles", "at least one role is required")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			f.Addf("roles", "%q is not a role", r)
		}
	}
	return f.Err("invalid user")
}
