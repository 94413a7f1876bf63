package web

import (
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// The case list's filters for the dashboard's links to the cases behind a
// figure. The measures count by UTC day, so these take UTC days, where
// the form's own dates are days in the force's time zone: a figure and
// the list it links to then agree to the case.

// figureFilters reads received_from, received_before, open_at, and the
// from and before of finalised, logged and contacted into f.
// They narrow alongside the form's dates; each must be a day written
// YYYY-MM-DD.
func figureFilters(fields *fault.Fields, fm caseListForm, f *store.CaseFilter) {
	utcDay := func(name, v string) *time.Time {
		if v == "" {
			return nil
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			fields.Add(name, "Enter a day as 2026-03-27")
			return nil
		}
		return &d
	}
	if d := utcDay("received_from", fm.ReceivedFrom); d != nil && (f.ReceivedFrom == nil || d.After(*f.ReceivedFrom)) {
		f.ReceivedFrom = d
	}
	if d := utcDay("received_before", fm.ReceivedBefore); d != nil && (f.ReceivedBefore == nil || d.Before(*f.ReceivedBefore)) {
		f.ReceivedBefore = d
	}
	f.OpenAt = utcDay("open_at", fm.OpenAt)
	f.FinalisedFrom = utcDay("finalised_from", fm.FinalisedFrom)
	f.FinalisedBefore = utcDay("finalised_before", fm.FinalisedBefore)
	f.LoggedFrom = utcDay("logged_from", fm.LoggedFrom)
	f.LoggedBefore = utcDay("logged_before", fm.LoggedBefore)
	f.ContactedFrom = utcDay("contacted_from", fm.ContactedFrom)
	f.ContactedBefore = utcDay("contacted_before", fm.ContactedBefore)
}

// instant writes a moment for a cursor's binding and the audit entry.
func instant(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// FigureFilters describes the dashboard's filters in words, for the
// cases page; "" when there are none.
func (p casesPage) FigureFilters() string {
	fm := p.Form
	day := func(v string) string {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return v
		}
		return d.Format("2 January 2006")
	}
	var parts []string
	for _, w := range []struct{ value, words string }{
		{fm.ReceivedFrom, "received on or after "}, {fm.ReceivedBefore, "received before "},
		{fm.OpenAt, "open at the start of "},
		{fm.FinalisedFrom, "finalised on or after "}, {fm.FinalisedBefore, "finalised before "},
		{fm.LoggedFrom, "first logged on or after "}, {fm.LoggedBefore, "first logged before "},
		{fm.ContactedFrom, "first contacted on or after "}, {fm.ContactedBefore, "first contacted before "},
	} {
		if w.value != "" {
			parts = append(parts, w.words+day(w.value)+" ")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Showing cases " + strings.Join(parts, "and ") + "(days in UTC, as the figures count them)."
}
