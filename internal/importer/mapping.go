// Package importer reads other systems' complaint records into Probity:
// the NYC Civilian Complaint Review Board's MOS records, Philadelphia's
// complaints against police, and any force's CSV export described by a
// mapping (a YAML file naming the columns and how their values map to
// Probity's codes). The CCRB and Philadelphia importers are themselves
// mappings, shipped in mappings/.
//
// An import checks the mapping and reads every file through once before it
// writes anything, so that a wrong mapping, a wrong file or a truncated
// archive stops it with a clear error and an empty database. It then
// streams the rows in batches, one transaction each, keeping a key for
// every record it creates: running it again skips what is there, and an
// import that crashed resumes where it stopped. Rows that cannot be
// imported are written, with their line number and the reason, to a reject
// file (mode 0600: rows can hold personal data) and never printed.
package importer

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
)

// Mapping describes one source: its files, how they join, and where each
// of Probity's fields comes from.
type Mapping struct {
	// Source names the source in import keys, reject files and the audit
	// log; two imports with the same Source share their keys.
	Source      string         `yaml:"source"`
	Force       ForceSpec      `yaml:"force"`
	Files       []FileSpec     `yaml:"files"`
	Joins       []JoinSpec     `yaml:"joins"`
	Officers    OfficerSpec    `yaml:"officers"`
	Cases       CaseSpec       `yaml:"cases"`
	Allegations AllegationSpec `yaml:"allegations"`
}

// ForceSpec is the force the source's records belong to. An existing force
// with the same code is used as it is.
type ForceSpec struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
}

// FileSpec is one input file. Files are given on the command line in the
// order listed, unless they name a zip Member: then the one input is a zip
// archive and each file is its members matching the glob, read in name
// order as one table. Gzip-compressed files and members are recognised by
// their first bytes.
type FileSpec struct {
	Name    string   `yaml:"name"`
	Member  string   `yaml:"member"`
	Header  bool     `yaml:"header"`
	Columns []string `yaml:"columns"` // required without a header; with one, the columns that must be there
	Comma   string   `yaml:"comma"`   // field separator, default ","
}

// JoinSpec joins a file to the allegations file: each allegation row
// finds the row of File whose Key column equals its On column. The joined
// file is held in memory.
type JoinSpec struct {
	File     string `yaml:"file"`
	On       string `yaml:"on"`
	Key      string `yaml:"key"`
	Required bool   `yaml:"required"` // reject allegation rows with no match
}

// OfficerSpec says where officer records come from: a file of their own
// (which gives officers with no allegations too, a true denominator) or
// the allegation rows.
type OfficerSpec struct {
	File       string `yaml:"file"` // default: the allegations file
	ID         Value  `yaml:"id"`   // stable within the source; becomes the collar number
	FamilyName Value  `yaml:"family_name"`
	GivenName  Value  `yaml:"given_name"`
	Unit       Value  `yaml:"unit"`
	Rank       Mapped `yaml:"rank"`
	Sex        Mapped `yaml:"sex"`
	Ethnicity  Mapped `yaml:"ethnicity"`
	// EthnicityGroups are the force's own ethnicity groups, read from the
	// ethnicity column's source values: fairness figures are given by
	// them instead of the ONS groups when a force declares them (an
	// export whose Hispanic officers would otherwise all be "other").
	EthnicityGroups []EthnicityGroup `yaml:"ethnicity_groups"`
	// Joined is the officer's joining or appointment date, when the
	// source has one; without it an officer's first allegation stands in,
	// marked as not a joining date.
	Joined Date `yaml:"joined"`
	// JoinedFallback is the joining date of an officer with no dated
	// allegation (YYYY-MM-DD), e.g. the date of the source's snapshot;
	// without it, the day of the import. See docs/importing.md.
	JoinedFallback string `yaml:"joined_fallback"`
	// Optional keeps allegation rows that name no officer, as allegations
	// with no subject; otherwise they are rejected.
	Optional bool `yaml:"optional"`
	// Unidentified says which rows stand for an officer the source could
	// not identify: exports often file every such officer under one
	// placeholder id or a name of UNKNOWN, and modelled as one officer it
	// would hold thousands of allegations. Their allegations are kept with
	// no subject. One condition or a list; any one holding is enough.
	Unidentified Conditions `yaml:"unidentified"`
}

// EthnicityGroup is one of the force's ethnicity groups: its name, the
// source values that belong to it (compared ignoring case and surrounding
// space) and, optionally, the ONS group its officers are counted in for
// national returns, in place of what officers.ethnicity maps them to.
type EthnicityGroup struct {
	Name   string   `yaml:"name"`
	Values []string `yaml:"values"`
	ONS    string   `yaml:"ons"`
}

// Condition holds for a row whose value is one of Values, compared as
// mapped values are: ignoring case and surrounding space.
type Condition struct {
	Value  Value
	Values []string
}

// Conditions are alternatives: a row meets them when any one holds.
type Conditions []Condition

// CaseSpec builds a case from the first allegation row of each case id.
type CaseSpec struct {
	ID       Value  `yaml:"id"`
	Arose    Date   `yaml:"arose"`    // default: Received
	Received Date   `yaml:"received"` // default: Arose
	Summary  Value  `yaml:"summary"`
	Unit     Value  `yaml:"unit"`
	Kind     string `yaml:"kind"`  // default complaint
	State    string `yaml:"state"` // default Closed: imported cases are history
}

// AllegationSpec reads one allegation against (at most) one officer from
// each row of its file.
type AllegationSpec struct {
	File string `yaml:"file"`
	// ID identifies the row within the source. Rows with the same ID are
	// numbered in file order (the second gets "#2"), since some sources
	// repeat an allegation against one officer for several complainants.
	ID Value `yaml:"id"`
	// Officer is the officer's id in this file, when officers come from
	// another file.
	Officer     Value  `yaml:"officer"`
	Occurred    Date   `yaml:"occurred"`
	Description Value  `yaml:"description"`
	Category    Mapped `yaml:"category"` // to "category/sub-category" of the national taxonomy
	Finding     Mapped `yaml:"finding"`  // to one of Findings
	Sanction    Value  `yaml:"sanction"`
}

// Value says where a text value comes from: exactly one of a column, a
// template ("Imported CCRB complaint {complaint_id}", empty when any column
// it names is empty), a constant, or the first non-empty of several
// values. A plain string in YAML names a column. A column of a joined file
// is written file.column.
type Value struct {
	Column   string  `yaml:"column"`
	Template string  `yaml:"template"`
	Const    string  `yaml:"const"`
	First    []Value `yaml:"first"`
}

// Date is a Value read as a date in Format: a Go layout ("2006-01-02",
// "1/2/06") or strftime ("%Y-%m-%d", "%m/%d/%y").
type Date struct {
	Value  Value // its keys sit beside format: {column: x, format: "%Y"}
	Format string
}

// Mapped is a Value translated to one of Probity's codes: first by Map
// (exact, ignoring case and surrounding space), then by the first Rule
// that matches, then Default. Without a Default, an unmatched value that
// is already a valid code is kept; otherwise it is "".
type Mapped struct {
	Value   Value // its keys sit beside map, rules and default
	Map     map[string]string
	Rules   []Rule
	Default *string
}

// Rule matches a source value when every condition given holds, ignoring
// case: Equals the whole value, Prefix its start, Contains a part of it.
type Rule struct {
	Equals   string `yaml:"equals"`
	Prefix   string `yaml:"prefix"`
	Contains string `yaml:"contains"`
	Value    string `yaml:"value"`
}

// Findings are the normalised findings an imported subject can carry.
// Sources word their findings differently; these let them be counted
// together, and the source's words are kept beside them.
var Findings = []string{
	"upheld",          // the allegation was found proved (CCRB "Substantiated ...", PPD "Sustained Finding")
	"not_upheld",      // examined and not found proved, no finer reason given (PPD "No Sustained Findings")
	"unsubstantiated", // not enough evidence either way
	"unfounded",       // found not to have happened
	"exonerated",      // happened, but was lawful and proper
	"pending",         // no finding yet when the source was published
	"other",           // closed without a finding on the merits (withdrawn, uncooperative, ...)
}

func (v *Value) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v.Column = n.Value
		return nil
	}
	type plain Value
	return strictDecode(n, (*plain)(v))
}

// valueKeys are a Value's keys, flattened into Date and Mapped.
type valueKeys struct {
	Column   string  `yaml:"column"`
	Template string  `yaml:"template"`
	Const    string  `yaml:"const"`
	First    []Value `yaml:"first"`
}

func (k valueKeys) value() Value { return Value(k) }

func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		valueKeys `yaml:",inline"`
		Format    string `yaml:"format"`
	}
	if err := strictDecode(n, &raw); err != nil {
		return err
	}
	d.Value, d.Format = raw.value(), raw.Format
	return nil
}

func (m *Mapped) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		m.Value.Column = n.Value
		return nil
	}
	var raw struct {
		valueKeys `yaml:",inline"`
		Map       map[string]string `yaml:"map"`
		Rules     []Rule            `yaml:"rules"`
		Default   *string           `yaml:"default"`
	}
	if err := strictDecode(n, &raw); err != nil {
		return err
	}
	m.Value, m.Map, m.Rules, m.Default = raw.value(), raw.Map, raw.Rules, raw.Default
	return nil
}

func (c *Condition) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		valueKeys `yaml:",inline"`
		Values    []string `yaml:"values"`
	}
	if err := strictDecode(n, &raw); err != nil {
		return err
	}
	c.Value, c.Values = raw.value(), raw.Values
	return nil
}

func (cs *Conditions) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		var list []Condition
		if err := n.Decode(&list); err != nil {
			return err
		}
		*cs = list
		return nil
	}
	var one Condition
	if err := one.UnmarshalYAML(n); err != nil {
		return err
	}
	*cs = Conditions{one}
	return nil
}

// strictDecode decodes a mapping node, refusing keys the struct does not
// have: yaml's Node.Decode forgets the decoder's KnownFields setting, and
// a misspelt key ("colum:") must not be silently ignored.
func strictDecode(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping", n.Line)
	}
	known := map[string]bool{}
	collectKeys(reflect.TypeOf(v).Elem(), known)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !known[k] {
			return fmt.Errorf("line %d: unknown key %q", n.Content[i].Line, k)
		}
	}
	return n.Decode(v)
}

func collectKeys(t reflect.Type, into map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			collectKeys(f.Type, into)
			continue
		}
		if name != "" && name != "-" {
			into[name] = true
		}
	}
}

//go:embed mappings/*.yaml
var builtin embed.FS

// Builtin returns a mapping shipped with Probity: "ccrb" or "philly".
func Builtin(name string) (*Mapping, error) {
	b, err := builtin.ReadFile("mappings/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no built-in mapping %q", name)
	}
	return ParseMapping(b)
}

// BuiltinText returns the YAML of a shipped mapping, to print or copy.
func BuiltinText(name string) ([]byte, error) { return builtin.ReadFile("mappings/" + name + ".yaml") }

// MaxMappingSize bounds a mapping file; real ones are a few kilobytes.
const MaxMappingSize = 1 << 20

// ParseMapping reads a mapping and checks everything that can be checked
// without the files: names, references between its parts, date formats,
// and that every code it maps to exists (categories in the national
// taxonomy, ranks, sex and ethnicity values, findings). Columns are
// checked when the files are opened.
func ParseMapping(b []byte) (*Mapping, error) {
	if len(b) > MaxMappingSize {
		return nil, errors.New("mapping: larger than 1 MiB")
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("mapping: empty")
		}
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// MappingError lists every problem found in a mapping.
type MappingError struct{ Problems []string }

func (e *MappingError) Error() string {
	return "mapping: " + strings.Join(e.Problems, "; ")
}

func (m *Mapping) check() error {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if !sourceName.MatchString(m.Source) {
		add("source: %q must be 1-32 lower-case letters, digits, '-' or '_'", m.Source)
	}
	if err := (officers.Force{Code: m.Force.Code, Name: m.Force.Name}).Validate(); err != nil {
		add("force: %v", err)
	}
	if len(m.Files) == 0 {
		add("files: at least one file is required")
	}
	names := map[string]bool{}
	members := 0
	for i, f := range m.Files {
		switch {
		case f.Name == "" || strings.ContainsAny(f.Name, ". {}"):
			add("files[%d].name: %q must be a plain name (no dots, spaces or braces)", i, f.Name)
		case names[f.Name]:
			add("files[%d].name: %q is used twice", i, f.Name)
		}
		names[f.Name] = true
		if f.Member != "" {
			members++
			if _, err := matchMember(f.Member, "x"); err != nil {
				add("files[%d].member: %q is not a valid glob", i, f.Member)
			}
		}
		if !f.Header && len(f.Columns) == 0 {
			add("files[%d]: a file without a header row must list its columns", i)
		}
		seen := map[string]bool{}
		for _, c := range f.Columns {
			if strings.TrimSpace(c) == "" || seen[c] {
				add("files[%d].columns: %q is empty or repeated", i, c)
			}
			seen[c] = true
		}
		if f.Comma != "" && len([]rune(f.Comma)) != 1 {
			add("files[%d].comma: must be one character", i)
		}
	}
	if members != 0 && members != len(m.Files) {
		add("files: either every file names a zip member or none does")
	}
	if m.Allegations.File == "" {
		add("allegations.file: is required")
	} else if !names[m.Allegations.File] {
		add("allegations.file: %q is not one of the files", m.Allegations.File)
	}
	if m.Officers.File != "" && !names[m.Officers.File] {
		add("officers.file: %q is not one of the files", m.Officers.File)
	}
	for i, j := range m.Joins {
		switch {
		case !names[j.File]:
			add("joins[%d].file: %q is not one of the files", i, j.File)
		case j.File == m.Allegations.File || j.File == m.Officers.File:
			add("joins[%d].file: %q is read row by row; join another file", i, j.File)
		}
		if j.On == "" {
			add("joins[%d].on: is required", i)
		}
	}
	if m.Officers.ID.empty() {
		add("officers.id: is required")
	}
	if m.Officers.FamilyName.empty() {
		add("officers.family_name: is required (a constant will do)")
	}
	if m.Officers.File != "" && m.Officers.File != m.Allegations.File && m.Allegations.Officer.empty() {
		add("allegations.officer: is required when officers come from their own file")
	}
	if m.Officers.JoinedFallback != "" {
		if _, err := time.Parse(time.DateOnly, m.Officers.JoinedFallback); err != nil {
			add("officers.joined_fallback: %q is not a date YYYY-MM-DD", m.Officers.JoinedFallback)
		}
	}
	for i, c := range m.Officers.Unidentified {
		switch {
		case c.Value.empty():
			add("officers.unidentified[%d]: name the column (or value) to test", i)
		case len(c.Values) == 0:
			add("officers.unidentified[%d].values: list the values that mean an unidentified officer", i)
		}
	}
	if len(m.Officers.EthnicityGroups) > 0 && m.Officers.Ethnicity.Value.empty() {
		add("officers.ethnicity_groups: name the column in officers.ethnicity that the groups' values come from")
	}
	seenGroup, seenValue := map[string]bool{}, map[string]string{}
	for i, g := range m.Officers.EthnicityGroups {
		name := strings.TrimSpace(g.Name)
		switch {
		case name == "" || len([]rune(name)) > 50:
			add("officers.ethnicity_groups[%d].name: is required, at most 50 characters", i)
		case seenGroup[normal(name)]:
			add("officers.ethnicity_groups[%d].name: %q is declared twice", i, name)
		}
		seenGroup[normal(name)] = true
		if len(g.Values) == 0 {
			add("officers.ethnicity_groups[%d].values: list the source values that belong to the group", i)
		}
		for _, v := range g.Values {
			n := normal(v)
			if other, ok := seenValue[n]; ok && other != name {
				add("officers.ethnicity_groups[%d].values: %q is already in the group %q", i, v, other)
			}
			seenValue[n] = name
		}
		if g.ONS != "" && !slices.Contains(officers.Ethnicities, g.ONS) {
			add("officers.ethnicity_groups[%d].ons: %q is not an ONS ethnicity group (one of %s)", i, g.ONS, strings.Join(officers.Ethnicities[1:], ", "))
		}
	}
	if m.Cases.ID.empty() {
		add("cases.id: is required")
	}
	if m.Cases.Arose.Value.empty() && m.Cases.Received.Value.empty() {
		add("cases: arose or received is required")
	}
	for name, d := range map[string]Date{"officers.joined": m.Officers.Joined, "cases.arose": m.Cases.Arose, "cases.received": m.Cases.Received, "allegations.occurred": m.Allegations.Occurred} {
		if d.Value.empty() {
			continue
		}
		if _, err := goLayout(d.Format); err != nil {
			add("%s.format: %v", name, err)
		}
	}
	if m.Cases.Kind != "" && !cases.Kind(m.Cases.Kind).Valid() {
		add("cases.kind: %q is not a case kind", m.Cases.Kind)
	}
	if m.Allegations.ID.empty() {
		add("allegations.id: is required")
	}
	if m.Allegations.Category.Value.empty() {
		add("allegations.category: is required")
	}
	if m.Allegations.Finding.Value.empty() {
		add("allegations.finding: is required")
	}
	for _, v := range m.values() {
		if err := v.v.check(); err != nil {
			add("%s: %v", v.name, err)
		}
	}
	p = append(p, m.checkCodes()...)
	if len(p) > 0 {
		return &MappingError{Problems: p}
	}
	return nil
}

type namedValue struct {
	name string
	v    Value
}

// values lists every Value of the mapping with its path, for checks.
func (m *Mapping) values() []namedValue {
	o, c, a := &m.Officers, &m.Cases, &m.Allegations
	out := []namedValue{
		{"officers.id", o.ID}, {"officers.family_name", o.FamilyName}, {"officers.given_name", o.GivenName},
		{"officers.unit", o.Unit}, {"officers.rank", o.Rank.Value}, {"officers.sex", o.Sex.Value},
		{"officers.ethnicity", o.Ethnicity.Value}, {"officers.joined", o.Joined.Value}, {"cases.id", c.ID}, {"cases.arose", c.Arose.Value},
		{"cases.received", c.Received.Value}, {"cases.summary", c.Summary}, {"cases.unit", c.Unit},
		{"allegations.id", a.ID}, {"allegations.officer", a.Officer}, {"allegations.occurred", a.Occurred.Value},
		{"allegations.description", a.Description}, {"allegations.category", a.Category.Value},
		{"allegations.finding", a.Finding.Value}, {"allegations.sanction", a.Sanction},
	}
	for i, c := range o.Unidentified {
		out = append(out, namedValue{fmt.Sprintf("officers.unidentified[%d]", i), c.Value})
	}
	return out
}

func (v Value) empty() bool {
	return v.Column == "" && v.Template == "" && v.Const == "" && len(v.First) == 0
}

func (v Value) check() error {
	set := 0
	for _, b := range []bool{v.Column != "", v.Template != "", v.Const != "", len(v.First) > 0} {
		if b {
			set++
		}
	}
	if set > 1 {
		return errors.New("give only one of column, template, const or first")
	}
	if v.Template != "" {
		if _, err := templateColumns(v.Template); err != nil {
			return err
		}
	}
	for _, f := range v.First {
		if f.empty() {
			return errors.New("first: an entry is empty")
		}
		if err := f.check(); err != nil {
			return err
		}
	}
	return nil
}

// checkCodes checks every code the mapping can produce exists, so that a
// typo in a category fails before the import rather than on every row.
func (m *Mapping) checkCodes() []string {
	var p []string
	ref, err := cases.LoadReference()
	if err != nil {
		return []string{err.Error()}
	}
	tax := ref.TaxonomyAt(time.Now())
	codes := func(name string, mp Mapped, ok func(string) error) {
		for k, v := range mp.Map {
			if err := ok(v); err != nil {
				p = append(p, fmt.Sprintf("%s.map[%q]: %v", name, k, err))
			}
		}
		for i, r := range mp.Rules {
			if r.Equals == "" && r.Prefix == "" && r.Contains == "" {
				p = append(p, fmt.Sprintf("%s.rules[%d]: needs equals, prefix or contains", name, i))
			}
			if err := ok(r.Value); err != nil {
				p = append(p, fmt.Sprintf("%s.rules[%d]: %v", name, i, err))
			}
		}
		if mp.Default != nil {
			if err := ok(*mp.Default); err != nil {
				p = append(p, fmt.Sprintf("%s.default: %v", name, err))
			}
		}
	}
	codes("allegations.category", m.Allegations.Category, func(s string) error {
		_, _, err := categoryOf(tax, s)
		return err
	})
	if m.Allegations.Category.Default == nil {
		p = append(p, "allegations.category.default: is required, so that every allegation gets a national category")
	}
	codes("allegations.finding", m.Allegations.Finding, oneOf("finding", Findings))
	codes("officers.rank", m.Officers.Rank, func(s string) error {
		if !officers.Rank(s).Valid() {
			return fmt.Errorf("%q is not a rank", s)
		}
		return nil
	})
	codes("officers.sex", m.Officers.Sex, oneOf("sex", officers.Sexes))
	codes("officers.ethnicity", m.Officers.Ethnicity, oneOf("ethnicity", officers.Ethnicities))
	return p
}

func oneOf(what string, allowed []string) func(string) error {
	return func(s string) error {
		if !slices.Contains(allowed, s) {
			return fmt.Errorf("%q is not a %s (one of %s)", s, what, strings.Join(slices.DeleteFunc(slices.Clone(allowed), func(a string) bool { return a == "" }), ", "))
		}
		return nil
	}
}

// domesticAbuseMark ends a mapped category that also flags the allegation
// as domestic abuse ("individual-behaviours/overbearing-harassing+domestic-abuse"):
// domestic abuse is a flag beside the national category, not a category,
// so a source category meaning it maps to both.
const domesticAbuseMark = "+domestic-abuse"

// categoryOf splits "category/sub-category" and checks both exist; a
// trailing domesticAbuseMark is allowed and read by flaggedCategory.
func categoryOf(tax cases.Taxonomy, s string) (cat, sub string, err error) {
	s = strings.TrimSuffix(s, domesticAbuseMark)
	cat, sub, _ = strings.Cut(s, "/")
	c, ok := tax.Category(cat)
	if !ok {
		return "", "", fmt.Errorf("%q is not a category of taxonomy %s", cat, tax.Version)
	}
	if sub == "" {
		if cat == "discriminatory-behaviour" {
			return "", "", fmt.Errorf("%q must name the protected characteristic (e.g. discriminatory-behaviour/race)", s)
		}
		return cat, "", nil
	}
	if _, ok := c.Subcategory(sub); !ok {
		return "", "", fmt.Errorf("%q is not a sub-category of %q", sub, cat)
	}
	return cat, sub, nil
}

// flaggedCategory reports whether a mapped category carries the domestic
// abuse flag.
func flaggedCategory(s string) bool { return strings.HasSuffix(s, domesticAbuseMark) }

var templateField = regexp.MustCompile(`\{([^{}]*)\}`)

// templateColumns lists the columns a template names.
func templateColumns(t string) ([]string, error) {
	var cols []string
	for _, m := range templateField.FindAllStringSubmatch(t, -1) {
		if strings.TrimSpace(m[1]) == "" {
			return nil, fmt.Errorf("template %q has an empty {}", t)
		}
		cols = append(cols, m[1])
	}
	if rest := templateField.ReplaceAllString(t, ""); strings.ContainsAny(rest, "{}") {
		return nil, fmt.Errorf("template %q has an unmatched brace", t)
	}
	return cols, nil
}

// goLayout turns a strftime format into a Go layout (a Go layout passes
// through) and checks that it reads a whole date back, so that
// "YYYY-MM-DD" or "%Q" fails when the mapping is loaded, not on every row.
func goLayout(format string) (string, error) {
	if format == "" {
		return "", errors.New("is required (e.g. %Y-%m-%d or 2006-01-02)")
	}
	layout := format
	if strings.Contains(format, "%") {
		var b strings.Builder
		for i := 0; i < len(format); i++ {
			if format[i] != '%' {
				b.WriteByte(format[i])
				continue
			}
			if i+1 == len(format) {
				return "", fmt.Errorf("%q ends with a lone %%", format)
			}
			i++
			// Single-digit forms ("1", "2") read "7" and "07" alike;
			// sources seldom pad consistently.
			switch format[i] {
			case 'Y':
				b.WriteString("2006")
			case 'y':
				b.WriteString("06")
			case 'm':
				b.WriteString("1")
			case 'd', 'e':
				b.WriteString("2")
			case 'b', 'h':
				b.WriteString("Jan")
			case 'B':
				b.WriteString("January")
			case 'H':
				b.WriteString("15")
			case 'M':
				b.WriteString("4")
			case 'S':
				b.WriteString("5")
			case '%':
				b.WriteByte('%')
			default:
				return "", fmt.Errorf("%q: %%%c is not supported (use %%Y %%y %%m %%d %%b %%B %%H %%M %%S)", format, format[i])
			}
		}
		layout = b.String()
	}
	sample := time.Date(2001, 11, 23, 13, 14, 15, 0, time.UTC)
	got, err := time.Parse(layout, sample.Format(layout))
	if err != nil || got.Year() != 2001 || got.Month() != 11 || got.Day() != 23 {
		return "", fmt.Errorf("%q does not read a year, month and day (use e.g. %%Y-%%m-%%d or 2006-01-02)", format)
	}
	return layout, nil
}
