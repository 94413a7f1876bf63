package disclosure

import "fmt"

// Exposure is a small count the attacker can pin down.
type Exposure struct {
	Table, Row, Col string // Row or Col is "Total" for a margin
	Count           int
	Reason          string
}

func (e Exposure) String() string {
	return fmt.Sprintf("%s, row %q, column %q (true count %d) %s", e.Table, e.Row, e.Col, e.Count, e.Reason)
}

// Attack plays the attacker against what was published. It reads the
// published figures of every table, takes every relation of the set (each
// table's rows and columns against its margins, and every Sum between
// tables), and for each count of 1 to 4 that is not shown (suppressed, or
// in a hidden table or margin) looks for two whole-number tables that
// agree with everything published: one where the count is 0, one where it
// is 5 or more. Where either cannot be found, the attacker has narrowed
// the count to 1 to 4 or to at least 1, and Attack reports an exposure.
// The true counts in set are used only to choose which figures to test
// and to check that pub publishes them faithfully.
//
// All tables are attacked together, which is stronger than attacking each
// table, or each pair of tables that share a margin, on its own: more
// relations can only narrow what a cell may be.
func Attack(set Set, pub []Published) ([]Exposure, error) {
	m, err := build(set)
	if err != nil {
		return nil, err
	}
	byName := map[string]Published{}
	for _, p := range pub {
		byName[p.Name] = p
	}
	for i, t := range set.Tables {
		if t.Hidden {
			continue
		}
		p, ok := byName[t.Name]
		if !ok {
			return nil, fmt.Errorf("disclosure: table %q was not published", t.Name)
		}
		if len(p.Cells) != len(t.Rows)+1 {
			return nil, fmt.Errorf("disclosure: published %q has %d rows, want %d", t.Name, len(p.Cells), len(t.Rows)+1)
		}
		for r, row := range p.Cells {
			if len(row) != len(t.Cols)+1 {
				return nil, fmt.Errorf("disclosure: published %q row %d has %d cells", t.Name, r, len(row))
			}
			for c, s := range row {
				v := m.at(i, r, c)
				switch {
				case s.Suppressed:
					if m.status[v] != hidden {
						m.status[v] = secondaryCell
					}
				case m.status[v] == hidden:
					return nil, fmt.Errorf("disclosure: %s is published but should be omitted", m.describe(v))
				case int64(s.Count) != m.truth[v]:
					return nil, fmt.Errorf("disclosure: %s is published as %d, but is %d", m.describe(v), s.Count, m.truth[v])
				}
			}
		}
	}
	var out []Exposure
	for v := range m.truth {
		if !m.sensitive(v) {
			continue
		}
		reason, ok := "is published", false
		if !m.known(v) {
			reason, ok = m.protected(v, nearFirst...)
		}
		if ok {
			continue
		}
		t, r, c := m.locate(v)
		tb := set.Tables[t]
		e := Exposure{Table: tb.Name, Row: "Total", Col: "Total", Count: int(m.truth[v]), Reason: reason}
		if r < len(tb.Rows) {
			e.Row = tb.Rows[r]
		}
		if c < len(tb.Cols) {
			e.Col = tb.Cols[c]
		}
		out = append(out, e)
	}
	return out, nil
}
