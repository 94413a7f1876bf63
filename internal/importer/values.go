package importer

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// row is one row of a streamed file with the rows joined to it.
type row struct {
	fields []string
	joined [][]string // by join; nil where nothing matched
}

// getter reads a value from a row. Values are trimmed: the Philadelphia
// files, for one, put a space before some categories.
type getter func(r *row) string

// scope resolves column names for one file and the files joined to it.
type scope struct {
	main  *table
	joins []*joined
}

type joined struct {
	spec  JoinSpec
	table *table
	rows  map[string][]string
}

func (s scope) column(ref string) (getter, error) {
	if i, ok := s.main.cols[ref]; ok {
		return func(r *row) string { return strings.TrimSpace(r.fields[i]) }, nil
	}
	file, col, qualified := strings.Cut(ref, ".")
	if qualified && file == s.main.spec.Name {
		if i, ok := s.main.cols[col]; ok {
			return func(r *row) string { return strings.TrimSpace(r.fields[i]) }, nil
		}
	}
	if qualified {
		for k, j := range s.joins {
			if j.table.spec.Name != file {
				continue
			}
			i, ok := j.table.cols[col]
			if !ok {
				return nil, fmt.Errorf("file %s has no column %q", file, col)
			}
			return func(r *row) string {
				if r.joined[k] == nil {
					return ""
				}
				return strings.TrimSpace(r.joined[k][i])
			}, nil
		}
		return nil, fmt.Errorf("%q: %s is not a file joined to %s", ref, file, s.main.spec.Name)
	}
	return nil, fmt.Errorf("file %s has no column %q", s.main.spec.Name, ref)
}

// value compiles a Value; an empty Value reads "".
func (s scope) value(v Value) (getter, error) {
	switch {
	case v.Column != "":
		return s.column(v.Column)
	case v.Const != "":
		c := v.Const
		return func(*row) string { return c }, nil
	case v.Template != "":
		return s.template(v.Template)
	case len(v.First) > 0:
		var gs []getter
		for _, f := range v.First {
			g, err := s.value(f)
			if err != nil {
				return nil, err
			}
			gs = append(gs, g)
		}
		return func(r *row) string {
			for _, g := range gs {
				if v := g(r); v != "" {
					return v
				}
			}
			return ""
		}, nil
	}
	return func(*row) string { return "" }, nil
}

func (s scope) template(t string) (getter, error) {
	type piece struct {
		lit string
		get getter
	}
	var pieces []piece
	rest := t
	for {
		loc := templateField.FindStringSubmatchIndex(rest)
		if loc == nil {
			pieces = append(pieces, piece{lit: rest})
			break
		}
		g, err := s.column(rest[loc[2]:loc[3]])
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, piece{lit: rest[:loc[0]]}, piece{get: g})
		rest = rest[loc[1]:]
	}
	return func(r *row) string {
		var b strings.Builder
		for _, p := range pieces {
			if p.get == nil {
				b.WriteString(p.lit)
				continue
			}
			v := p.get(r)
			if v == "" {
				return "" // a template over a missing value would read as a real one
			}
			b.WriteString(v)
		}
		return b.String()
	}, nil
}

// dateReader reads a Date.
type dateReader struct {
	get    getter
	layout string
	desc   string // "incident_date (%Y-%m-%d)", for reasons
}

// date reads the mapping's field (like "cases.arose") as a date; a date
// built from several columns is named by its field in reasons.
func (s scope) date(field string, d Date) (*dateReader, error) {
	if d.Value.empty() {
		return nil, nil
	}
	g, err := s.value(d.Value)
	if err != nil {
		return nil, err
	}
	layout, err := goLayout(d.Format)
	if err != nil {
		return nil, err
	}
	desc := d.Value.Column
	if desc == "" {
		desc = field
	}
	return &dateReader{get: g, layout: layout, desc: desc + " (" + d.Format + ")"}, nil
}

// earliest is the first date an imported record may carry; anything
// before it is a mistake in the source (a year 0019, a 1/1/1900 filler).
var earliest = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// read returns the date, zero when the value is empty, or why it cannot
// be used.
func (d *dateReader) read(r *row, today time.Time) (time.Time, string, string) {
	if d == nil {
		return time.Time{}, "", ""
	}
	raw := d.get(r)
	if raw == "" {
		return time.Time{}, "", ""
	}
	t, err := time.Parse(d.layout, raw)
	switch {
	case err != nil:
		return time.Time{}, raw, fmt.Sprintf("%s: %q is not a date", d.desc, raw)
	case t.Before(earliest):
		return time.Time{}, raw, fmt.Sprintf("%s: %q is before 1900", d.desc, raw)
	case t.After(today):
		return time.Time{}, raw, fmt.Sprintf("%s: %q is in the future", d.desc, raw)
	}
	return t.UTC(), raw, ""
}

// mapper translates a source value to a code.
type mapper struct {
	get   getter
	exact map[string]string
	rules []Rule
	def   *string
	valid func(string) error
}

// conditions compiles alternatives into one test of a row.
func (s scope) conditions(name string, cs Conditions) (func(r *row) bool, error) {
	type test struct {
		get    getter
		values map[string]bool
	}
	var tests []test
	for i, c := range cs {
		g, err := s.value(c.Value)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", name, i, err)
		}
		t := test{get: g, values: map[string]bool{}}
		for _, v := range c.Values {
			t.values[normal(v)] = true
		}
		tests = append(tests, t)
	}
	return func(r *row) bool {
		for _, t := range tests {
			if t.values[normal(t.get(r))] {
				return true
			}
		}
		return false
	}, nil
}

func (s scope) mapped(m Mapped, valid func(string) error) (*mapper, error) {
	g, err := s.value(m.Value)
	if err != nil {
		return nil, err
	}
	mp := &mapper{get: g, exact: map[string]string{}, def: m.Default, valid: valid}
	for k, v := range m.Map {
		mp.exact[normal(k)] = v
	}
	for _, r := range m.Rules {
		mp.rules = append(mp.rules, Rule{Equals: normal(r.Equals), Prefix: normal(r.Prefix), Contains: normal(r.Contains), Value: r.Value})
	}
	return mp, nil
}

// normal folds case and runs of white space, so that " Physical  Abuse"
// and "physical abuse" map alike.
func normal(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// apply returns the source text, its code and whether the map or a rule
// (rather than the default) gave the code.
func (m *mapper) apply(r *row) (src, code string, matched bool) {
	src = m.get(r)
	code, matched = m.lookup(src)
	return src, code, matched
}

func (m *mapper) lookup(src string) (string, bool) {
	n := normal(src)
	if v, ok := m.exact[n]; ok {
		return v, true
	}
	for _, r := range m.rules {
		if (r.Equals == "" || n == r.Equals) && (r.Prefix == "" || strings.HasPrefix(n, r.Prefix)) &&
			(r.Contains == "" || strings.Contains(n, r.Contains)) {
			return r.Value, true
		}
	}
	if m.def != nil {
		return *m.def, false
	}
	if src != "" && m.valid(src) == nil {
		return src, true
	}
	if src != "" && m.valid(n) == nil {
		return n, true
	}
	return "", false
}

// clean makes source text safe to store and show: valid UTF-8, no control
// characters (line breaks and tabs kept only where paragraphs make sense).
func clean(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			if multiline {
				return r
			}
			return ' '
		}
		if r == '\r' {
			if multiline {
				return -1
			}
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
