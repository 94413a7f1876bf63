package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/vetting"
)

// forceZone is the time zone the force works in: every date and time a
// page shows is in it, whatever the server's own zone.
var forceZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// Unreachable: the cases package compiles time/tzdata in.
		panic("web: no time zone data for Europe/London: " + err.Error())
	}
	return loc
}()

// labelFuncs turn the codes of the statutory process into words for
// pages, from the one table in internal/cases (and roles from access).
var labelFuncs = template.FuncMap{
	"roleLabel": func(r access.Role) string { return r.Label().Name },
	"kindName":  func(k any) string { return cases.Kind(codeOf(k)).Label().Name },
	"kindLabel": func(k any) cases.Label { return cases.Kind(codeOf(k)).Label() },
	"stateLabel": func(s any) cases.Label {
		return cases.State(codeOf(s)).Label()
	},
	"forumLabel":    func(f any) cases.Label { return cases.Forum(codeOf(f)).Label() },
	"sanctionLabel": func(s any) cases.Label { return cases.Sanction(codeOf(s)).Label() },
	"severityLabel": func(s any) cases.Label { return cases.SeverityLabel(codeOf(s)) },
	"eventLabel":    func(s any) cases.Label { return cases.EventLabel(codeOf(s)) },
	"cite":          cases.Cite,
	"officerName":   officerName,
	"actionTitle":   actionTitle,
	// ukDate is "2 January 2026" in the force's zone; ukDateTime adds the
	// time on the 24-hour clock.
	"ukDate":     func(t time.Time) string { return ukTime(t, "2 January 2006") },
	"ukDateTime": func(t time.Time) string { return ukTime(t, "2 January 2006, 15:04") },
	// inc numbers from one what ranges number from zero.
	"inc": func(i int) int { return i + 1 },
	// kilobytes is a file's size in words, rounded up.
	"kilobytes": func(n int64) string {
		if n < 1024 {
			return strconv.FormatInt(n, 10) + " bytes"
		}
		return strconv.FormatInt((n+1023)/1024, 10) + " KB"
	},
	// The transfer check form's fields and words (barred_pages.go).
	"field":       barredField,
	"has":         func(list []string, v string) bool { return slicesContains(list, v) },
	"appointment": func(code string) vetting.Appointment { return vetting.Appointment(code) },
}

func ukTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(forceZone).Format(layout)
}

// codeOf reads a code from a template value of any of the string types
// that carry one.
func codeOf(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case cases.State:
		return string(c)
	case cases.Kind:
		return string(c)
	case cases.Forum:
		return string(c)
	case cases.Sanction:
		return string(c)
	case interface{ String() string }:
		return c.String()
	}
	return ""
}

// rankAbbrev is how the ranks are written before a collar number.
var rankAbbrev = map[officers.Rank]string{
	"constable": "PC", "sergeant": "PS", "inspector": "Insp", "chief inspector": "Ch Insp",
	"superintendent": "Supt", "chief superintendent": "Ch Supt", "commander": "Cdr",
	"deputy assistant commissioner": "DAC", "assistant commissioner": "AC",
	"deputy commissioner": "Dep Commr", "commissioner": "Commr",
}

// officerName is how pages name an officer: "PC 1234 Smith"; a member of
// staff has no rank to show.
func officerName(o officers.Officer) string {
	name := strings.TrimSpace(o.CollarNumber + " " + o.FamilyName)
	if r, ok := rankAbbrev[o.Rank]; ok {
		return r + " " + name
	}
	return name
}

// actionTitles are the workflow's actions in words, by name.
var actionTitles = func() map[string]string {
	out := map[string]string{}
	for _, a := range cases.AllActions() {
		out[string(a.Name)] = a.Title
	}
	return out
}()

// actionTitle is an action's title; an unknown name shows as itself.
func actionTitle(name string) string {
	if t, ok := actionTitles[name]; ok {
		return t
	}
	return name
}
