// Package officers holds the people complaints are made about: officers
// and staff, the forces and units they serve in, and where they have served
// over time. Allegations are judged against an officer's whole history,
// across postings and forces, so postings are kept rather than overwritten.
package officers

import (
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Force is a police force (a "territorial police force" or similar body).
type Force struct {
	ID   string `json:"id"`
	Code string `json:"code"` // short, stable, e.g. "MPS"
	Name string `json:"name"`
}

// Unit is a command, borough or team inside a force. Case visibility is
// decided per unit, so every officer and case points at one.
type Unit struct {
	ID      string `json:"id"`
	ForceID string `json:"force_id"`
	Code    string `json:"code"`
	Name    string `json:"name"`
}

// Validate checks a force record.
func (f Force) Validate() error {
	var fs fault.Fields
	checkCode(&fs, f.Code, f.Name)
	return fs.Err("invalid force")
}

// Validate checks a unit record.
func (u Unit) Validate() error {
	var fs fault.Fields
	if u.ForceID == "" {
		fs.Add("force_id", "is required")
	}
	checkCode(&fs, u.Code, u.Name)
	return fs.Err("invalid unit")
}

func checkCode(fs *fault.Fields, code, name string) {
	if strings.TrimSpace(code) == "" || len(code) > 32 {
		fs.Add("code", "is required, at most 32 characters")
	}
	if strings.TrimSpace(name) == "" || len(name) > 200 {
		fs.Add("name", "is required, at most 200 characters")
	}
}

// Officer is a police officer or member of police staff.
type Officer struct {
	ID           string `json:"id"`
	ForceID      string `json:"force_id"`
	CollarNumber string `json:"collar_number"` // warrant or collar number, unique within a force
	// NationalID joins the records of one person who served in several
	// forces, so that allegations made in an earlier force are seen.
	NationalID string     `json:"national_id,omitempty"`
	GivenName  string     `json:"given_name"`
	FamilyName string     `json:"family_name"`
	Rank       Rank       `json:"rank"`
	UnitID     string     `json:"unit_id,omitempty"`
	JoinedOn   time.Time  `json:"joined_on"`
	LeftOn     *time.Time `json:"left_on,omitempty"`
	// Protected characteristics are optional and held only to measure
	// disproportionality (who faces allegations, who is flagged); they are
	// never used to decide anything about the individual.
	Sex       string `json:"sex,omitempty"`
	Ethnicity string `json:"ethnicity,omitempty"`
}

// Posting is one period an officer spent in a unit at a rank.
type Posting struct {
	ID        string     `json:"id"`
	OfficerID string     `json:"officer_id"`
	UnitID    string     `json:"unit_id"`
	Rank      Rank       `json:"rank"`
	StartedOn time.Time  `json:"started_on"`
	EndedOn   *time.Time `json:"ended_on,omitempty"`
}

// Rank is a rank in the police service of England and Wales, or "staff".
type Rank string

// Ranks in ascending order of seniority. Senior ranks (chief
// superintendent and above here) matter to the complaints process: the
// appropriate authority and review body differ for them.
var Ranks = []Rank{
	"staff", "constable", "sergeant", "inspector", "chief inspector",
	"superintendent", "chief superintendent", "commander",
	"deputy assistant commissioner", "assistant commissioner",
	"deputy commissioner", "commissioner",
}

// Valid reports whether r is a known rank.
func (r Rank) Valid() bool { return slices.Contains(Ranks, r) }

// Seniority orders ranks: higher is more senior; -1 for unknown.
func (r Rank) Seniority() int { return slices.Index(Ranks, r) }

// Senior reports whether the rank is senior for complaint-handling purposes
// (above chief superintendent).
func (r Rank) Senior() bool { return r.Seniority() > Rank("chief superintendent").Seniority() }

// Sex values accepted for disproportionality measures, as recorded by the
// force; "" means not recorded.
var Sexes = []string{"", "female", "male", "other"}

// Ethnicity groups follow the five top-level ONS 2021 census groups, which
// is how national police workforce statistics are published.
var Ethnicities = []string{"", "asian", "black", "mixed", "white", "other"}

// Validate checks an officer record before it is stored, naming every
// refused field.
func (o Officer) Validate(now time.Time) error {
	var f fault.Fields
	if o.ForceID == "" {
		f.Add("force_id", "is required")
	}
	if strings.TrimSpace(o.CollarNumber) == "" {
		f.Add("collar_number", "is required")
	} else if len(o.CollarNumber) > 20 {
		f.Add("collar_number", "must be at most 20 characters")
	}
	if strings.TrimSpace(o.FamilyName) == "" {
		f.Add("family_name", "is required")
	}
	if len(o.GivenName) > 100 || len(o.FamilyName) > 100 {
		f.Add("name", "must be at most 100 characters")
	}
	if !o.Rank.Valid() {
		f.Addf("rank", "%q is not a known rank", o.Rank)
	}
	if o.JoinedOn.IsZero() {
		f.Add("joined_on", "is required")
	} else if o.JoinedOn.After(now) {
		f.Add("joined_on", "is in the future")
	}
	if o.LeftOn != nil && o.LeftOn.Before(o.JoinedOn) {
		f.Add("left_on", "is before joined_on")
	}
	if !slices.Contains(Sexes, o.Sex) {
		f.Addf("sex", "must be one of %s", strings.Join(Sexes[1:], ", "))
	}
	if !slices.Contains(Ethnicities, o.Ethnicity) {
		f.Addf("ethnicity", "must be one of %s", strings.Join(Ethnicities[1:], ", "))
	}
	return f.Err("invalid officer")
}

// Active reports whether the officer was serving on day.
func (o Officer) Active(day time.Time) bool {
	return !day.Before(o.JoinedOn) && (o.LeftOn == nil || day.Before(*o.LeftOn))
}

// DisplayName is how the officer is named on screens: rank, name, number.
func (o Officer) DisplayName() string {
	name := strings.TrimSpace(o.GivenName + " " + o.FamilyName)
	return strings.TrimSpace(string(o.Rank) + " " + name + " (" + o.CollarNumber + ")")
}
