package oversight

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

// Requirement is something the oversight body requires of the chief
// officer by a date, and the published measures by which it will judge
// whether it was done.
type Requirement struct {
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Text   string    `json:"text"`
	Reason string    `json:"reason"`
	DueOn  time.Time `json:"due_on"`
	// Measures are ids from the measures catalogue.
	Measures []string  `json:"measures"`
	SetBy    string    `json:"set_by"`
	SetAt    time.Time `json:"set_at"`
	Version  int       `json:"version"`
}

// Limits on what people type, so that one field cannot fill a page.
const (
	maxTitle = 200
	maxText  = 5000
)

// Validate checks a requirement as set, naming every refused field. now is
// when it is set: a due date must lie after it.
func (r *Requirement) Validate(now time.Time) error {
	var f fault.Fields
	f.Text("title", r.Title, maxTitle, true, false)
	f.Text("text", r.Text, maxText, true, true)
	f.Text("reason", r.Reason, maxText, true, true)
	switch {
	case r.DueOn.IsZero():
		f.Add("due_on", "is required")
	case !day(r.DueOn).After(day(now)):
		f.Add("due_on", "must be after today")
	}
	checkMeasureIDs(&f, "measures", r.Measures, true)
	return f.Err("invalid requirement")
}

// checkMeasureIDs refuses an unknown or repeated measure id, naming the
// measures there are.
func checkMeasureIDs(f *fault.Fields, field string, ids []string, required bool) {
	if required && len(ids) == 0 {
		f.Add(field, "name at least one measure")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := measures.Lookup(id); !ok {
			f.Addf(field, "%q is not a measure; the measures are %s", id, strings.Join(measures.IDs(), ", "))
			continue
		}
		if seen[id] {
			f.Addf(field, "%q is named twice", id)
		}
		seen[id] = true
	}
}

// RequirementRef is what another record (a meeting's agenda item) keeps of
// a requirement it links to: enough to name it in words.
type RequirementRef struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	DueOn time.Time `json:"due_on"`
}

// Ref is the requirement as another record links to it.
func (r Requirement) Ref() RequirementRef {
	return RequirementRef{ID: r.ID, Title: r.Title, DueOn: r.DueOn}
}

// RequirementLookup finds requirements by id for records that link to
// them (the body's meetings). The store implements it; an id it does not
// hold is left out of the answer rather than refused, so a caller can name
// the ones missing.
type RequirementLookup interface {
	RequirementRefs(ctx context.Context, ids []string) (map[string]RequirementRef, error)
}

// MissingRequirements lists the ids of want that found does not hold, in
// the order given: the links to refuse.
func MissingRequirements(want []string, found map[string]RequirementRef) []string {
	var out []string
	for _, id := range want {
		if _, ok := found[id]; !ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// day is midnight UTC of t's day: the dates here are days.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
