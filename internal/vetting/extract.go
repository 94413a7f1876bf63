package vetting

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/probity/probity/internal/fault"
)

// The format of the College of Policing's lists, as given to forces, is
// not published. Probity defines its own extract (docs/vetting.md): a CSV
// file with a header row, one listing a row, and a mapping that names,
// for each of Probity's fields, the header of the column that holds it,
// the layout of its dates, and how its values for the list and the basis
// read as Probity's codes. With no mapping the file is read in Probity's
// own layout (DefaultExtractMapping).

// ExtractMapping says how to read one extract.
type ExtractMapping struct {
	// Columns maps each of Probity's fields (list, name, date_of_birth,
	// collar_number, force, rank, basis, ground, decided_on, removed_on,
	// outcome) to the header of the column holding it.
	Columns map[string]string `yaml:"columns"`
	// DateLayout is a Go time layout ("02/01/2006"); default 2006-01-02.
	DateLayout string `yaml:"date_layout"`
	// Lists, Bases and Grounds map the extract's values (compared without
	// regard to case or surrounding spaces) to Probity's codes.
	Lists   map[string]List   `yaml:"lists"`
	Bases   map[string]Basis  `yaml:"bases"`
	Grounds map[string]Ground `yaml:"grounds"`
	Comma   string            `yaml:"comma"`
}

// extractFields are the fields a mapping may name; the first five are
// required.
var extractFields = []string{"list", "name", "date_of_birth", "force", "decided_on",
	"collar_number", "rank", "basis", "ground", "removed_on", "outcome"}

// MaxExtractRows bounds one import, so that a wrong file is refused
// rather than filling the database: the national lists hold a few
// thousand people.
const MaxExtractRows = 100000

// DefaultExtractMapping reads Probity's own layout: the headers are the
// field names, dates are 2006-01-02, and values are Probity's codes.
func DefaultExtractMapping() ExtractMapping {
	m := ExtractMapping{Columns: map[string]string{}, DateLayout: time.DateOnly,
		Lists: map[string]List{}, Bases: map[string]Basis{}, Grounds: map[string]Ground{}}
	for _, f := range extractFields {
		m.Columns[f] = f
	}
	for _, l := range Lists {
		m.Lists[string(l)] = l
	}
	for _, b := range Bases {
		m.Bases[string(b)] = b
	}
	for _, g := range Grounds {
		m.Grounds[string(g)] = g
	}
	return m
}

// ParseExtractMapping reads a mapping (YAML) and checks it, naming what
// is wrong.
func ParseExtractMapping(b []byte) (ExtractMapping, error) {
	var m ExtractMapping
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return m, &fault.Error{Kind: fault.Invalid, Message: "the mapping cannot be read",
			Fields: []fault.FieldError{{Field: "mapping", Reason: "is not a mapping in YAML: " + firstLine(err.Error())}}}
	}
	return m, m.Check()
}

// Check names each fault of a mapping.
func (m *ExtractMapping) Check() error {
	var f fault.Fields
	for _, name := range extractFields[:5] {
		if strings.TrimSpace(m.Columns[name]) == "" {
			f.Addf("mapping", "names no column for %s", name)
		}
	}
	for name := range m.Columns {
		if !slices.Contains(extractFields, name) {
			f.Addf("mapping", "names a column for %q, which is not a field of a listing", name)
		}
	}
	if m.DateLayout == "" {
		m.DateLayout = time.DateOnly
	}
	if ref := time.Date(2006, 1, 2, 0, 0, 0, 0, time.UTC); !strings.Contains(ref.Format(m.DateLayout), "2006") ||
		!strings.Contains(ref.Format(m.DateLayout), "2") {
		f.Add("mapping", "date_layout must hold a day, month and four-digit year in Go's layout, such as 02/01/2006")
	}
	for v, l := range m.Lists {
		if !slices.Contains(Lists, l) {
			f.Addf("mapping", "lists maps %q to %q, which is not barred or advisory", v, l)
		}
	}
	for v, b := range m.Bases {
		if !slices.Contains(Bases, b) {
			f.Addf("mapping", "bases maps %q to %q, which is not a basis", v, b)
		}
	}
	for v, g := range m.Grounds {
		if !slices.Contains(Grounds, g) {
			f.Addf("mapping", "grounds maps %q to %q, which is not a ground", v, g)
		}
	}
	if len(m.Lists) == 0 {
		f.Add("mapping", "lists must map the extract's values to barred and advisory")
	}
	if m.Comma != "" && utf8.RuneCountInString(m.Comma) != 1 || m.Comma == "\"" || m.Comma == "\n" || m.Comma == "\r" {
		f.Add("mapping", "comma must be one character, not a quote or a line break")
	}
	return f.Err("the mapping cannot be used")
}

// Reject is a row that could not be read, with its line and the reason;
// it never holds the row's content, which is personal data.
type Reject struct {
	Line   int
	Reason string
}

// ReadExtract reads an extract with a checked mapping: the listings it
// holds, as Source National, and the rows it could not read. A file
// that is not CSV, lacks a mapped column or holds too many rows is
// refused as a whole.
func ReadExtract(r io.Reader, m ExtractMapping, now time.Time) ([]Listing, []Reject, error) {
	if err := m.Check(); err != nil {
		return nil, nil, err
	}
	refuse := func(reason string) error {
		return &fault.Error{Kind: fault.Invalid, Message: "the extract cannot be read", Fields: []fault.FieldError{{Field: "file", Reason: reason}}}
	}
	cr := csv.NewReader(r)
	if m.Comma != "" {
		cr.Comma, _ = utf8.DecodeRuneInString(m.Comma)
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, refuse("has no header row a CSV reader can read")
	}
	at := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := at[h]; !dup {
			at[h] = i
		}
	}
	col := map[string]int{}
	for field, h := range m.Columns {
		i, ok := at[strings.TrimSpace(h)]
		if !ok && slices.Contains(extractFields[:5], field) {
			return nil, nil, refuse(fmt.Sprintf("has no column %q, which the mapping names for %s", h, field))
		}
		if ok {
			col[field] = i
		}
	}
	var out []Listing
	var rejects []Reject
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return out, rejects, refuse(fmt.Sprintf("is not CSV at line %d", perr.Line))
		}
		if err != nil {
			return out, rejects, refuse("could not be read to its end")
		}
		if len(out)+len(rejects) >= MaxExtractRows {
			return nil, nil, refuse(fmt.Sprintf("holds more than %d rows", MaxExtractRows))
		}
		l, reason := m.row(rec, col, now)
		if reason != "" {
			rejects = append(rejects, Reject{Line: line, Reason: reason})
			continue
		}
		out = append(out, l)
	}
	return out, rejects, nil
}

// row reads one record; a reason is returned when it cannot.
func (m ExtractMapping) row(rec []string, col map[string]int, now time.Time) (Listing, string) {
	get := func(field string) string {
		i, ok := col[field]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	l := Listing{Source: National, Name: get("name"), CollarNumber: get("collar_number"), Force: get("force"), Rank: get("rank"),
		Outcome: get("outcome")}
	list, ok := lookup(m.Lists, get("list"))
	if !ok {
		return l, "list: not a value the mapping names"
	}
	l.List = list
	if v := get("basis"); v != "" {
		if l.Basis, ok = lookup(m.Bases, v); !ok {
			return l, "basis: not a value the mapping names"
		}
		if l.Basis.List() != list {
			return l, "basis: does not belong on the list the row names"
		}
	}
	if v := get("ground"); v != "" && list == Barred {
		if l.Ground, ok = lookup(m.Grounds, v); !ok {
			return l, "ground: not a value the mapping names"
		}
	}
	var f fault.Fields
	f.Text("name", l.Name, 200, true, false)
	f.Text("force", l.Force, 100, true, false)
	f.Text("collar_number", l.CollarNumber, 20, false, false)
	f.Text("rank", l.Rank, 60, false, false)
	f.Text("outcome", l.Outcome, 4000, false, true)
	var err error
	if l.BirthDate, err = time.Parse(m.DateLayout, get("date_of_birth")); err != nil {
		f.Add("date_of_birth", "is not a date in the mapping's layout")
	} else {
		checkBirthDate(&f, "date_of_birth", l.BirthDate, now)
	}
	if l.DecidedOn, err = time.Parse(m.DateLayout, get("decided_on")); err != nil {
		f.Add("decided_on", "is not a date in the mapping's layout")
	} else if l.DecidedOn.After(now) {
		f.Add("decided_on", "is in the future")
	}
	if v := get("removed_on"); v != "" {
		d, err := time.Parse(m.DateLayout, v)
		if err != nil {
			f.Add("removed_on", "is not a date in the mapping's layout")
		} else {
			d = dayOf(d)
			l.RemovedOn = &d
		}
	}
	if fs := fault.FieldsOf(f.Err("")); len(fs) > 0 {
		return l, fs[0].Field + ": " + fs[0].Reason
	}
	l.BirthDate, l.DecidedOn = dayOf(l.BirthDate), dayOf(l.DecidedOn)
	if l.RemovedOn != nil && l.RemovedOn.Before(l.DecidedOn) {
		return l, "removed_on: is before decided_on"
	}
	l.ReviewFrom = l.DecidedOn.AddDate(ReviewYears(l.List, l.Ground), 0, 0)
	l.ReferredOn = l.DecidedOn
	return l, ""
}

func lookup[V any](m map[string]V, v string) (V, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	for k, x := range m {
		if strings.ToLower(strings.TrimSpace(k)) == v {
			return x, true
		}
	}
	var zero V
	return zero, false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
