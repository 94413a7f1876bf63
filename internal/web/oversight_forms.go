package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// The oversight pages build their forms from a list of fields, so that
// every field is labelled, shows its own error and is linked from the
// error summary the same way, and its name is the field the domain names
// when it refuses it ("attendees[0].name"): the API and the page read
// one set of reasons.

// boardField is one question of a form.
type boardField struct {
	Name, Label, Hint string
	// Kind is "text", "textarea", "date", "select" or "radios".
	Kind             string
	Value            string
	Day, Month, Year string
	Options          []boardOption
	Errors           []string
	// Wide makes a text input full width.
	Wide bool
	// Scope keeps ids apart when a page repeats a form (one per action).
	Scope string
}

type boardOption struct{ Value, Text, Hint string }

// ID is the field's element id: its name with anything but letters and
// digits made a hyphen, so "attendees[0].name" is "f-attendees-0--name".
func (f boardField) ID() string {
	var b strings.Builder
	b.WriteString("f-")
	if f.Scope != "" {
		b.WriteString(f.Scope + "-")
	}
	for _, r := range f.Name {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// Anchor is where the error summary links: a date's day box, a radio
// group's first option, else the field.
func (f boardField) Anchor() string {
	switch f.Kind {
	case "date":
		return f.ID() + "-day"
	case "radios":
		return f.ID() + "-0"
	}
	return f.ID()
}

// Error is the field's reasons joined.
func (f boardField) Error() string { return strings.Join(f.Errors, "; ") }

// form is one form of a page: where it posts, its fields and what went
// wrong with the last attempt.
type boardForm struct {
	ID, Heading, Action, Submit string
	Hidden                      []boardOption // Value is the name's value, Text its name
	Fields                      []boardField
	// Summary lists each refused field's reason and where it links.
	Summary []boardSummary
	// Problem is a refusal not about one field.
	Problem string
}

type boardSummary struct{ Anchor, Text string }

// scoped gives each field of a repeated form the scope of its record.
func scoped(scope string, fields []boardField) []boardField {
	for i := range fields {
		fields[i].Scope = scope
	}
	return fields
}

// fill puts what was sent back into the fields, and each reason of err
// against its field (or the first field whose name it begins, so that
// "consultations" lands on the first consultation).
func (fm *boardForm) fill(sent url.Values, err error) {
	if sent != nil {
		for i := range fm.Fields {
			f := &fm.Fields[i]
			if f.Kind == "date" {
				f.Day, f.Month, f.Year = sent.Get(f.Name+"-day"), sent.Get(f.Name+"-month"), sent.Get(f.Name+"-year")
			} else {
				f.Value = sent.Get(f.Name)
			}
		}
	}
	if err == nil {
		return
	}
	fields := fault.FieldsOf(err)
	if len(fields) == 0 {
		fm.Problem = fault.Message(err)
		if fm.Problem == "" {
			fm.Problem = "Something went wrong on our side; it has been logged."
		}
		return
	}
	for _, fe := range fields {
		i := -1
		for j, f := range fm.Fields {
			if f.Name == fe.Field {
				i = j
				break
			}
		}
		for j, f := range fm.Fields {
			if i < 0 && strings.HasPrefix(f.Name, fe.Field) {
				i = j
			}
		}
		text := boardFieldWords(fe.Field) + " " + fe.Reason
		if i < 0 {
			fm.Summary = append(fm.Summary, boardSummary{Anchor: fm.ID, Text: text})
			continue
		}
		fm.Fields[i].Errors = append(fm.Fields[i].Errors, text)
		fm.Summary = append(fm.Summary, boardSummary{Anchor: fm.Fields[i].Anchor(), Text: text})
	}
}

// boardFieldWords names a field as a person reads it: "attendees[0].name"
// is "Attendee 1: name".
func boardFieldWords(field string) string { return boardUpper(fieldPhrase(field)) }

func fieldPhrase(field string) string {
	if i := strings.IndexByte(field, '['); i > 0 {
		j := strings.IndexByte(field, ']')
		if j > i {
			if n, err := strconv.Atoi(field[i+1 : j]); err == nil {
				out := fmt.Sprintf("%s %d", strings.TrimSuffix(field[:i], "s"), n+1)
				if rest := strings.TrimPrefix(field[j+1:], "."); rest != "" {
					out += ": " + fieldPhrase(rest)
				}
				return out
			}
		}
	}
	words := map[string]string{"held_on": "the day of the meeting", "due_on": "the day it is due", "on": "the day it takes effect",
		"term_ends": "the end of the term", "decided_on": "the day of the decision", "asked_on": "the day asked",
		"responded_on": "the day of the response", "appointing_authority": "the appointing authority", "measure_id": "the measure",
		"requirement_id": "the requirement", "plan_id": "the plan", "required_consultees": "those who must be consulted"}
	if w, ok := words[field]; ok {
		return w
	}
	return strings.ReplaceAll(field, "_", " ")
}

func boardUpper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// boardFormDay reads a date asked for in three boxes as YYYY-MM-DD; "" when
// all are empty, and the boxes as typed when they are not a date, so that
// parsing names the field.
func boardFormDay(pf url.Values, name string) string {
	d, m, y := strings.TrimSpace(pf.Get(name+"-day")), strings.TrimSpace(pf.Get(name+"-month")), strings.TrimSpace(pf.Get(name+"-year"))
	if d == "" && m == "" && y == "" {
		return ""
	}
	dn, e1 := strconv.Atoi(d)
	mn, e2 := strconv.Atoi(m)
	yn, e3 := strconv.Atoi(y)
	if e1 != nil || e2 != nil || e3 != nil || yn < 1900 || yn > 2200 {
		return d + "/" + m + "/" + y
	}
	return fmt.Sprintf("%04d-%02d-%02d", yn, mn, dn)
}

// boardDay parses a required or optional date (YYYY-MM-DD) into f.
func boardDay(f *fault.Fields, field, s string, required bool) *time.Time {
	if s == "" {
		if required {
			f.Add(field, "is required")
		}
		return nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		f.Add(field, "must be a real date, like 27 3 2026 (in the API, 2026-03-27)")
		return nil
	}
	return &t
}

// boardDateParts splits a day for a date field.
func boardDateParts(t *time.Time) (string, string, string) {
	if t == nil || t.IsZero() {
		return "", "", ""
	}
	return strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Year())
}

// boardReadForm parses a posted form within the usual cap.
func boardReadForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "the form could not be read")
	}
	return nil
}

// boardPageFault reports whether a page shows err on the form it came from
// (a refusal the sender can act on) rather than as an error page.
func boardPageFault(err error) bool {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return false
	}
	switch fe.Kind {
	case fault.Invalid, fault.Conflict, fault.Forbidden:
		return true
	}
	return false
}
