// Package chart draws Probity's figures as server-side SVG (line, bar and
// stacked-bar charts) and renders the same numbers as a GOV.UK table, which
// every chart is shown beside. It is a mechanism: it knows nothing of cases
// or measures, only of categories (the x axis, usually periods), series and
// values.
//
// The output is deterministic (the same chart gives the same bytes, so it
// can be golden-file tested and cached with an ETag) and every label is
// escaped: labels come from data and are not trusted. Styling is done with
// presentation attributes, never style attributes or elements, so the SVG
// needs nothing from a Content-Security-Policy. Why Probity draws its own
// charts rather than use a plotting library is written in docs/charts.md.
package chart

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"regexp"
	"strings"
)

// Kind is the form of a chart.
type Kind int

const (
	// Line draws each series as a line over the categories, with a marker
	// at each point and the series' name at its end.
	Line Kind = iota
	// Bar draws the series side by side in each category.
	Bar
	// StackedBar stacks the series in each category: positive values
	// upwards from zero, negative values downwards.
	StackedBar
)

// Value is one figure. A value with a Mark is absent: it is not drawn, and
// the table shows the mark (for example "[c]" for a figure withheld to
// protect identities, "[x]" for one not available).
type Value struct {
	N    float64
	Mark string
}

// Num is a present value.
func Num(n float64) Value { return Value{N: n} }

// Absent is a value that is not drawn; the table shows mark in its place.
func Absent(mark string) Value {
	if mark == "" {
		mark = "[x]"
	}
	return Value{Mark: mark}
}

// Present reports whether v is drawn.
func (v Value) Present() bool { return v.Mark == "" }

// Series is a named run of values, one per category.
type Series struct {
	Name   string
	Values []Value
}

// Chart is everything needed to draw a chart and its table.
type Chart struct {
	// ID prefixes the ids of the elements inside the SVG (its title, its
	// description, its patterns), so it must be unique on the page:
	// lower-case letters, digits and hyphens, starting with a letter.
	ID    string
	Kind  Kind
	Title string
	// Desc says in words what the chart shows (the trend, the largest
	// category). Screen readers read it with the title; the table beside
	// the chart gives every number.
	Desc       string
	Categories []string
	Series     []Series
	// XLabel names the categories (for example "Quarter"); YLabel names
	// the values with their unit (for example "Days").
	XLabel, YLabel string
	// Decimals is the number of decimal places the table shows.
	Decimals int
	// Width and Height are the size of the drawing in CSS pixels; zero
	// means 640 by 360.
	Width, Height int
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// ErrInvalid is wrapped by every error about a chart that cannot be drawn.
var ErrInvalid = errors.New("chart: invalid chart")

func (c Chart) validate() error {
	if !idPattern.MatchString(c.ID) {
		return fmt.Errorf("%w: id %q is not lower-case letters, digits and hyphens starting with a letter", ErrInvalid, c.ID)
	}
	if c.Kind < Line || c.Kind > StackedBar {
		return fmt.Errorf("%w: unknown kind %d", ErrInvalid, c.Kind)
	}
	if c.Width < 0 || c.Height < 0 || c.Width > 4000 || c.Height > 4000 {
		return fmt.Errorf("%w: size %dx%d", ErrInvalid, c.Width, c.Height)
	}
	if c.Decimals < 0 || c.Decimals > 6 {
		return fmt.Errorf("%w: %d decimals", ErrInvalid, c.Decimals)
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("%w: series %q has %d values for %d categories", ErrInvalid, s.Name, len(s.Values), len(c.Categories))
		}
		for _, v := range s.Values {
			// Beyond a thousand million million no figure of Probity's
			// lies, and the axis arithmetic stays exact below it.
			if v.Present() && !(math.Abs(v.N) <= 1e15) {
				return fmt.Errorf("%w: series %q has a value that is not a number or is out of range", ErrInvalid, s.Name)
			}
		}
	}
	return nil
}

// empty reports whether the chart has nothing to draw.
func (c Chart) empty() bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v.Present() {
				return false
			}
		}
	}
	return true
}

// absent counts the values that are not drawn.
func (c Chart) absent() int {
	n := 0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !v.Present() {
				n++
			}
		}
	}
	return n
}

// Table renders the chart's numbers as a GOV.UK table: one row per
// category, one column per series, absent values shown by their mark.
func Table(c Chart) (template.HTML, error) {
	if err := c.validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<table class="govuk-table">`)
	fmt.Fprintf(&b, `<caption class="govuk-table__caption govuk-table__caption--s">%s</caption>`, esc(c.Title))
	b.WriteString(`<thead class="govuk-table__head"><tr class="govuk-table__row">`)
	head := c.XLabel
	if head == "" {
		head = "Category"
	}
	fmt.Fprintf(&b, `<th scope="col" class="govuk-table__header">%s</th>`, esc(head))
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<th scope="col" class="govuk-table__header govuk-table__header--numeric">%s</th>`, esc(s.Name))
	}
	b.WriteString(`</tr></thead><tbody class="govuk-table__body">`)
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		fmt.Fprintf(&b, `<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="%d">No figures for this period</td></tr>`, len(c.Series)+1)
	}
	for i, cat := range c.Categories {
		fmt.Fprintf(&b, `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">%s</th>`, esc(cat))
		for _, s := range c.Series {
			v := s.Values[i]
			text := v.Mark
			if v.Present() {
				text = FormatNumber(v.N, c.Decimals)
			}
			fmt.Fprintf(&b, `<td class="govuk-table__cell govuk-table__cell--numeric">%s</td>`, esc(text))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String()), nil // every piece of text above went through esc
}

// FormatNumber writes n with the given decimal places and commas between
// thousands, as GOV.UK style asks ("1,234.5").
func FormatNumber(n float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// esc escapes text for XML and HTML alike (text and attribute values) and
// replaces characters XML 1.0 cannot carry at all, so that a hostile label
// can neither break out of its element nor make the document ill-formed.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r == 0x7F:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
