// Package disclosure decides which counts Probity may publish. A count of 1
// to 4 could point at a person (the one Black woman officer dismissed in a
// unit this year), so it is suppressed ("[c]"); and because published
// tables carry totals, and tables overlap (quarters add up to the year, a
// unit is part of the force), other cells are suppressed too so that no
// suppressed cell can be worked back out. The rules, and what the attacker
// in this package proves, are written in docs/disclosure.md.
//
// The package is plain Go over counts: it knows nothing of cases or of
// where the counts come from.
package disclosure

import (
	"errors"
	"fmt"
	"strconv"
)

// MinShown is the smallest count shown: counts from 1 to MinShown-1 are
// suppressed. Zero is shown: it points at no one.
const MinShown = 5

// Mark is what a table shows in place of a suppressed figure, the
// Government Statistical Service's symbol for "confidential".
const Mark = "[c]"

// Table is a two-way table of true counts. Its margins (the total of each
// row and column, and the grand total) are part of it and are published
// unless omitted.
type Table struct {
	Name       string
	Rows, Cols []string
	Counts     [][]int // Counts[r][c], for every row and column
	// Hidden marks a table that is never published but completes a
	// relation: the rest of the force beside the one unit published. Its
	// counts are the attacker's unknowns, and the small ones are protected
	// like any suppressed cell.
	Hidden bool
	// OmitRowTotals and OmitColTotals leave out the total column (the
	// total of each row) or the total row (the total of each column): a
	// one-column table needs no row totals. The grand total is published
	// only with both.
	OmitRowTotals, OmitColTotals bool
}

// Sum says that table Whole is, cell by cell and margin by margin, the sum
// of the tables Parts: the year is the sum of its quarters, a force the sum
// of its units. Whole and every part have the same row and column keys.
type Sum struct {
	Whole string
	Parts []string
}

// Set is everything published together, with the relations between its
// tables that an attacker can use.
type Set struct {
	Tables []Table
	Sums   []Sum
}

// Shown is one published figure.
type Shown struct {
	Count      int
	Suppressed bool
}

// String is the figure as a table shows it: the count with commas between
// thousands, or the mark.
func (s Shown) String() string {
	if s.Suppressed {
		return Mark
	}
	d := strconv.Itoa(s.Count)
	out := make([]byte, 0, len(d)+len(d)/3)
	for i := range len(d) {
		if i > 0 && (len(d)-i)%3 == 0 && d[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, d[i])
	}
	return string(out)
}

// Published is a table as the public may see it. Cells has one more row
// and one more column than the table: the last row holds the column
// totals, the last column the row totals, their corner the grand total.
// An omitted margin is marked suppressed.
type Published struct {
	Name       string
	Rows, Cols []string
	Cells      [][]Shown
}

// Cell is the figure in row r and column c (len(Rows) or len(Cols) for
// the totals).
func (p Published) Cell(r, c int) Shown { return p.Cells[r][c] }

// Total is the grand total.
func (p Published) Total() Shown { return p.Cells[len(p.Rows)][len(p.Cols)] }

// Result is a protected set: the published tables in the order given
// (hidden tables left out) and how many figures were suppressed and why.
type Result struct {
	Tables    []Published
	Primary   int // counts of 1 to MinShown-1
	Secondary int // suppressed so that no primary cell can be worked out
}

// Table returns the published table of that name.
func (r Result) Table(name string) (Published, bool) {
	for _, t := range r.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Published{}, false
}

// ErrInvalid is wrapped by every error about a set that cannot be
// protected as given.
var ErrInvalid = errors.New("disclosure: invalid tables")

// Protect decides what of set may be published: every count of 1 to 4
// suppressed (primary), then, one at a time, further cells (secondary)
// until the attacker cannot show any small count to be at least 1 or at
// most 4.
func Protect(set Set) (Result, error) {
	m, err := build(set)
	if err != nil {
		return Result{}, err
	}
	primary := 0
	for v := range m.truth {
		if m.status[v] == published && m.sensitive(v) {
			m.status[v] = primaryCell
			primary++
		}
	}
	secondary := 0
	depths := nearFirst
	if len(m.truth) > ThoroughUpTo {
		depths = nearOnly
	}
	// Suppressing a cell only widens what the attacker must consider, so a
	// cell once shown protected stays protected: each is checked until it
	// is, in order, and never again.
	for v := range m.truth {
		if m.status[v] == published || !m.sensitive(v) {
			continue
		}
		for {
			if _, ok := m.protected(v, depths...); ok {
				break
			}
			next := m.choose(v)
			if next < 0 {
				if _, ok := m.protected(v, nearFirst...); ok {
					break // nothing left to hide nearby, and the far unknowns suffice
				}
				return Result{}, fmt.Errorf("disclosure: no cell left to suppress to protect %s", m.describe(v))
			}
			m.status[next] = secondaryCell
			secondary++
		}
	}
	return Result{Tables: m.published(), Primary: primary, Secondary: secondary}, nil
}

// nearFirst and nearOnly are the depths at which witnesses are sought:
// near a cell (within two relations), then among all the unknowns linked
// to it; or near it only. Attack always uses nearFirst. Protect does too on
// sets of up to ThoroughUpTo figures; on larger ones it looks near only,
// which is many times quicker and stays safe (a witness near is a witness),
// but suppresses more: see docs/disclosure.md for the figures.
var (
	nearFirst = []int{2, -1}
	nearOnly  = []int{2}
)

// ThoroughUpTo is the largest set (in figures, margins included) that
// Protect searches thoroughly.
const ThoroughUpTo = 800

// Rate is a rate (per cent, per thousand officers) published only when
// both its numerator and its denominator are: a rate over a suppressed
// count would give the count back.
func Rate(num, den Shown, per float64) (float64, bool) {
	if num.Suppressed || den.Suppressed || den.Count == 0 {
		return 0, false
	}
	return float64(num.Count) / float64(den.Count) * per, true
}
