package figures

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/probity/probity/internal/disclosure"
	"github.com/probity/probity/internal/measures"
)

// link says how a block of counts in the widest period (the year) follows
// from the same block in the periods that tile it (its quarters). Every
// link is checked against the true counts before the attacker is given
// it: a relation that does not hold is one no reader can use, and the
// disclosure model refuses a false one.
type link int

const (
	none     link = iota
	flow          // events in a period: the year is the sum of its quarters
	atEnd         // a stock at the period's end: the year's is the last quarter's
	atStart       // a stock at the period's start: the year's is the first quarter's
	distinct      // things counted once however often they occur (officers): the year is at most the sum
)

// ref names one count: a cell of a block, or (row "") the block's total
// of a column.
type ref struct{ block, row, col string }

// grid is one block of counts of one period.
type grid struct {
	rows, cols []string
	total      bool // the column totals are published figures
	hidden     bool // never published: completes a relation
	link       link
	vals       map[[2]string]int
}

// rel says that within a period, block whole is the sum of blocks parts
// (they have the same keys: scalars all do).
type rel struct {
	whole string
	parts []string
}

// counts gathers the counts behind one measure's result for one period.
type counts struct {
	grids map[string]*grid
	order []string
	rels  []rel
}

func newCounts() *counts { return &counts{grids: map[string]*grid{}} }

// put records count n in row and column of block and returns its ref.
func (c *counts) put(block string, l link, total bool, row, col string, n int) ref {
	g := c.declare(block, l, total)
	if !slices.Contains(g.rows, row) {
		g.rows = append(g.rows, row)
	}
	if !slices.Contains(g.cols, col) {
		g.cols = append(g.cols, col)
	}
	g.vals[[2]string{row, col}] = n
	return ref{block, row, col}
}

func (c *counts) declare(block string, l link, total bool) *grid {
	g, ok := c.grids[block]
	if !ok {
		g = &grid{total: total, link: l, vals: map[[2]string]int{}}
		c.grids[block] = g
		c.order = append(c.order, block)
	}
	return g
}

// scalar records a single count, a block of its own; scalars share their
// keys, so any can be related to any other.
func (c *counts) scalar(block string, l link, n int) ref { return c.put(block, l, false, "n", "n", n) }

// margin is the total of col over block's rows.
func margin(block, col string) ref { return ref{block, "", col} }

// A shaper records in c the counts res is made from, and returns for each
// of res.Rows the counts that figure is made from: a count itself, the
// number behind a percentile, the numerator and denominator of a share or
// rate, and for a ratio also the reference group's.
type shaper func(res measures.Result, c *counts) [][]ref

var shapers = map[string]shaper{
	"days-to-log":           shapeDurations,
	"days-to-first-contact": shapeDurations,
	"days-to-finalise":      shapeDurations,
	"open-by-age":           shapeOpenByAge,
	"backlog":               shapeBacklog,
	"allegation-outcomes":   shapeOutcomes,
	"repeat-subjects":       shapeRepeat,
	"disproportionality":    shapeDisproportionality,
	"speakup":               shapeSpeakUp,
	"eis-flags":             shapeEIS,
}

// chains are relations between consecutive periods: a stock at the end
// of one quarter is the stock at the start of the next.
var chains = map[string][][2]string{"backlog": {{"end", "start"}}}

// joint are figures two measures share within a period; such measures are
// protected together. The cases open at a period's end are the backlog's
// last figure and the total of open cases by age.
var joint = []struct{ a, b ref }{
	{ref{"backlog/end", "n", "n"}, ref{"open-by-age/all", "n", "n"}},
}

func shapeDurations(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = []ref{c.put("n", flow, false, r.Group[0], "Cases", r.N)}
	}
	return out
}

func shapeOpenByAge(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	var bands []string
	for i, r := range res.Rows {
		if r.Stat == measures.Count && r.Group[0] != "All open cases" {
			out[i] = []ref{c.scalar("age:"+r.Group[0], atEnd, r.N)}
			bands = append(bands, "age:"+r.Group[0])
		}
	}
	for i, r := range res.Rows {
		switch {
		case r.Stat == measures.Count && r.Group[0] == "All open cases":
			out[i] = []ref{c.scalar("all", atEnd, r.N)}
		case r.Stat == measures.Share:
			out[i] = []ref{c.scalar("age:"+measures.AgeBands[len(measures.AgeBands)-1], atEnd, r.Num), c.scalar("all", atEnd, r.Den)}
		}
	}
	c.rels = append(c.rels, rel{"all", bands})
	return out
}

func shapeBacklog(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	var b [4]int
	for i, r := range res.Rows {
		name, l, k := "", none, 0
		switch r.Group[0] {
		case "Open at the start":
			name, l, k = "start", atStart, 0
		case "Received":
			name, l, k = "received", flow, 1
		case "Finalised":
			name, l, k = "finalised", flow, 2
		case "Open at the end":
			name, l, k = "end", atEnd, 3
		default:
			out[i] = []ref{c.scalar("other:"+r.Group[0], flow, r.N)}
			continue
		}
		out[i] = []ref{c.scalar(name, l, r.N)}
		b[k] = r.N
	}
	// What was open at the start and came in is what was finalised and
	// is still open: a hidden figure joins the two sides.
	c.scalar("inflow", none, b[0]+b[1])
	c.grids["inflow"].hidden = true
	c.rels = append(c.rels, rel{"inflow", []string{"start", "received"}}, rel{"inflow", []string{"finalised", "end"}})
	return out
}

func shapeOutcomes(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	const all, decided = "All categories", "Allegations decided"
	c.declare("outcomes", flow, true)
	at := func(cat, col string, n int) ref {
		if cat == all {
			return margin("outcomes", col)
		}
		return c.put("outcomes", flow, true, cat, col, n)
	}
	for i, r := range res.Rows {
		cat, fig := r.Group[0], r.Group[1]
		if r.Stat == measures.Count {
			out[i] = []ref{at(cat, decided, r.N)}
			continue
		}
		out[i] = []ref{at(cat, fig, r.Num), at(cat, decided, r.Den)}
	}
	return out
}

func shapeRepeat(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	c.declare("sanctions", atEnd, true)
	for i, r := range res.Rows {
		band, what := r.Group[0], r.Group[1]
		switch {
		case band == "1 or more":
			out[i] = []ref{c.scalar("one", atEnd, r.N)}
		case what == "Any":
			out[i] = []ref{margin("sanctions", band), c.scalar("one", atEnd, r.Den)}
		default:
			out[i] = []ref{c.put("sanctions", atEnd, true, what, band, r.N)}
		}
	}
	return out
}

func shapeDisproportionality(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	const inPost = "Officers in post"
	refGroup := measures.RefEthnicity // the labels are the recorded words with a capital
	refLabel := upperFirst(refGroup) + ", " + upperFirst(measures.RefSex)
	cell := func(group, what string, n int) ref {
		if what == "Dismissed" {
			return c.put("dismissed", flow, false, group, what, n)
		}
		return c.put("officers", distinct, false, group, what, n)
	}
	// The reference group's counts, for its ratios.
	refs := map[string]ref{}
	for _, r := range res.Rows {
		g := r.Group[0] + ", " + r.Group[1]
		if g != refLabel {
			continue
		}
		if r.Stat == measures.Count {
			refs[inPost] = cell(g, inPost, r.N)
		} else {
			refs[r.Group[2]] = cell(g, r.Group[2], r.Num)
		}
	}
	for i, r := range res.Rows {
		g, what := r.Group[0]+", "+r.Group[1], r.Group[2]
		switch r.Stat {
		case measures.Count:
			out[i] = []ref{cell(g, inPost, r.N)}
		case measures.Rate:
			out[i] = []ref{cell(g, what, r.Num), cell(g, inPost, r.Den)}
		default:
			out[i] = []ref{cell(g, what, r.Num), cell(g, inPost, r.Den)}
			if g != refLabel {
				if a, ok := refs[what]; ok {
					out[i] = append(out[i], a, refs[inPost])
				}
			}
		}
	}
	return out
}

func shapeSpeakUp(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	const all, received = "All reports", "Received"
	c.declare("received", flow, true)
	replied, days := -1, -1
	for i, r := range res.Rows {
		cat, fig := r.Group[0], r.Group[1]
		switch {
		case fig == received && cat == all:
			out[i] = []ref{margin("received", received)}
		case fig == received:
			out[i] = []ref{c.put("received", flow, true, cat, received, r.N)}
		case r.Stat == measures.Share:
			replied = r.Num
			out[i] = []ref{c.scalar("replied", flow, r.Num), margin("received", received)}
		default:
			days = r.N
			out[i] = []ref{c.scalar("replydays", flow, r.N)}
		}
	}
	if replied >= 0 && days >= 0 {
		c.rels = append(c.rels, rel{"replydays", []string{"replied"}})
	}
	return out
}

func shapeEIS(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	c.declare("raised", flow, true)
	for i, r := range res.Rows {
		what, detail := r.Group[0], r.Group[1]
		switch what {
		case "Raised":
			if detail == "All" {
				out[i] = []ref{margin("raised", "Flags")}
			} else {
				out[i] = []ref{c.put("raised", flow, true, detail, "Flags", r.N)}
			}
		case "Reviewed for the first time":
			out[i] = []ref{c.scalar("reviewed", flow, r.N)}
		case "Review decision":
			out[i] = []ref{c.put("decisions", flow, false, detail, "Decisions", r.N)}
		case "Intervention":
			// Counted by flag, by the intervention it now carries: a flag
			// given one in two quarters counts in both and once in the year.
			out[i] = []ref{c.put("interventions", distinct, false, detail, "Flags", r.N)}
		default:
			out[i] = []ref{c.put("other", flow, false, what+", "+detail, "n", r.N)}
		}
	}
	return out
}

// shapeAny protects a measure this package has no shape for: each figure's
// counts on their own, linked across periods as events.
func shapeAny(res measures.Result, c *counts) [][]ref {
	out := make([][]ref, len(res.Rows))
	for i, r := range res.Rows {
		label := fmt.Sprint(r.Group, " ", r.Stat)
		out[i] = []ref{c.put("rows", flow, false, label, "n", r.N)}
		if r.Den > 0 {
			out[i] = append(out[i], c.put("rows", flow, false, label+" of", "n", r.Den))
		}
	}
	return out
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// verdict says which figures of one measure's results are withheld.
type verdict struct{ w [][]bool } // [period][row]

func (v *verdict) withheld(p, r int) bool {
	return v != nil && p < len(v.w) && r < len(v.w[p]) && v.w[p][r]
}

// tiling finds the period the others tile (the year of its quarters):
// whole is its index and parts the others in order; ok is false when no
// period is tiled by the rest.
func tiling(ps []measures.Period) (whole int, parts []int, ok bool) {
	for w := range ps {
		var rest []int
		for i := range ps {
			if i != w {
				rest = append(rest, i)
			}
		}
		if len(rest) == 0 {
			return 0, nil, false
		}
		slices.SortFunc(rest, func(a, b int) int { return ps[a].Start.Compare(ps[b].Start) })
		at := ps[w].Start
		fits := true
		for _, i := range rest {
			if !ps[i].Start.Equal(at) {
				fits = false
				break
			}
			at = ps[i].End
		}
		if fits && at.Equal(ps[w].End) {
			return w, rest, true
		}
	}
	return 0, nil, false
}

// protect runs disclosure control over every input and says, for each
// measure, which of its figures are withheld.
func protect(periods []measures.Period, in []Input) (map[string]*verdict, error) {
	out := map[string]*verdict{}
	// Measures that share a figure are protected together; the others
	// each on their own, which keeps each attacker's problem small.
	var groups [][]Input
	together := map[string]int{}
	for _, j := range joint {
		together[blockMeasure(j.a.block)] = 1
		together[blockMeasure(j.b.block)] = 1
	}
	var shared []Input
	for _, x := range in {
		if together[x.Measure.ID] == 1 {
			shared = append(shared, x)
		} else {
			groups = append(groups, []Input{x})
		}
	}
	if len(shared) > 0 {
		groups = append(groups, shared)
	}
	for _, g := range groups {
		vs, err := protectGroup(periods, g)
		if err != nil {
			// Withholding everything is always safe; say so in the log and
			// publish nothing of these measures rather than nothing at all.
			slog.Warn("figures: disclosure control failed; withholding every figure of the measures", "measures", ids(g), "error", err)
			vs = map[string]*verdict{}
			for _, x := range g {
				v := &verdict{}
				for _, r := range x.Results {
					row := make([]bool, len(r.Rows))
					for i := range row {
						row[i] = true
					}
					v.w = append(v.w, row)
				}
				vs[x.Measure.ID] = v
			}
		}
		for id, v := range vs {
			out[id] = v
		}
	}
	return out, nil
}

func ids(g []Input) []string {
	var s []string
	for _, x := range g {
		s = append(s, x.Measure.ID)
	}
	return s
}

func blockMeasure(qualified string) string {
	for i := range len(qualified) {
		if qualified[i] == '/' {
			return qualified[:i]
		}
	}
	return qualified
}

// A net is the disclosure set of one group of measures, with the way back
// from each figure to its published table.
type net struct {
	set   disclosure.Set
	index map[string]int // table name to its place in set.Tables
}

func tableName(qualified string, period int) string { return fmt.Sprintf("%s@%d", qualified, period) }

func (n *net) add(t disclosure.Table) {
	n.index[t.Name] = len(n.set.Tables)
	n.set.Tables = append(n.set.Tables, t)
}

func (n *net) table(name string) (disclosure.Table, bool) {
	i, ok := n.index[name]
	if !ok {
		return disclosure.Table{}, false
	}
	return n.set.Tables[i], true
}

// relate adds whole = sum of parts when the true counts agree with it.
func (n *net) relate(whole string, parts ...string) bool {
	w, ok := n.table(whole)
	if !ok || len(parts) == 0 {
		return false
	}
	var ps []disclosure.Table
	for _, p := range parts {
		t, ok := n.table(p)
		if !ok || !sameKeys(w, t) {
			return false
		}
		ps = append(ps, t)
	}
	for r := range w.Rows {
		for c := range w.Cols {
			sum := 0
			for _, p := range ps {
				sum += p.Counts[r][c]
			}
			if sum != w.Counts[r][c] {
				return false
			}
		}
	}
	n.set.Sums = append(n.set.Sums, disclosure.Sum{Whole: whole, Parts: parts})
	return true
}

// atMost adds whole <= sum of parts, as two hidden tables: the sum, and
// what the parts count twice.
func (n *net) atMost(whole string, parts ...string) {
	w, ok := n.table(whole)
	if !ok {
		return
	}
	sum := disclosure.Table{Name: whole + "+sum", Rows: w.Rows, Cols: w.Cols, Hidden: true, OmitRowTotals: true}
	twice := disclosure.Table{Name: whole + "+twice", Rows: w.Rows, Cols: w.Cols, Hidden: true, OmitRowTotals: true}
	for range w.Rows {
		sum.Counts = append(sum.Counts, make([]int, len(w.Cols)))
		twice.Counts = append(twice.Counts, make([]int, len(w.Cols)))
	}
	for _, p := range parts {
		t, ok := n.table(p)
		if !ok || !sameKeys(w, t) {
			return
		}
		for r := range w.Rows {
			for c := range w.Cols {
				sum.Counts[r][c] += t.Counts[r][c]
			}
		}
	}
	for r := range w.Rows {
		for c := range w.Cols {
			twice.Counts[r][c] = sum.Counts[r][c] - w.Counts[r][c]
			if twice.Counts[r][c] < 0 {
				return // not a relation these counts keep
			}
		}
	}
	n.add(sum)
	n.add(twice)
	n.set.Sums = append(n.set.Sums, disclosure.Sum{Whole: sum.Name, Parts: parts}, disclosure.Sum{Whole: sum.Name, Parts: []string{whole, twice.Name}})
}

func sameKeys(a, b disclosure.Table) bool {
	return slices.Equal(a.Rows, b.Rows) && slices.Equal(a.Cols, b.Cols)
}

// shaped is one measure's counts for one period and, for each row of its
// result, the counts the row is made from.
type shaped struct {
	counts *counts
	refs   [][]ref
}

func protectGroup(periods []measures.Period, g []Input) (map[string]*verdict, error) {
	n, all := buildNet(periods, g)
	start := time.Now()
	res, err := disclosure.Protect(n.set)
	if err != nil {
		return nil, fmt.Errorf("protecting %v: %w", ids(g), err)
	}
	slog.Debug("figures: disclosure control", "measures", ids(g), "tables", len(n.set.Tables),
		"primary", res.Primary, "secondary", res.Secondary, "took", time.Since(start))
	pub := map[string]disclosure.Published{}
	for _, t := range res.Tables {
		pub[t.Name] = t
	}
	suppressed := func(q string, pi int, r ref) bool {
		p, ok := pub[tableName(q, pi)]
		if !ok {
			// A block with no rows in any period: its totals are zero.
			return false
		}
		ri := len(p.Rows)
		if r.row != "" {
			ri = slices.Index(p.Rows, r.row)
		}
		ci := slices.Index(p.Cols, r.col)
		if ri < 0 || ci < 0 {
			return true // not a figure the set holds: withhold rather than guess
		}
		return p.Cell(ri, ci).Suppressed
	}
	out := map[string]*verdict{}
	for mi, x := range g {
		v := &verdict{w: make([][]bool, len(periods))}
		for pi, s := range all[mi] {
			v.w[pi] = make([]bool, len(x.Results[pi].Rows))
			for ri, rs := range s.refs {
				for _, r := range rs {
					if suppressed(x.Measure.ID+"/"+r.block, pi, r) {
						v.w[pi][ri] = true
					}
				}
			}
		}
		out[x.Measure.ID] = v
	}
	return out, nil
}

// buildNet shapes the counts of a group of measures over periods into one
// disclosure set, with every relation between its tables that holds.
func buildNet(periods []measures.Period, g []Input) (*net, [][]shaped) {
	n := &net{index: map[string]int{}}
	all := make([][]shaped, len(g)) // [measure][period]
	// The keys of each block, the union over periods, so that a block has
	// the same rows and columns in every period and can be related.
	type keys struct {
		rows, cols []string
		g          *grid
	}
	blocks := map[string]*keys{}
	var blockOrder []string
	for mi, x := range g {
		shape := shapers[x.Measure.ID]
		if shape == nil {
			shape = shapeAny
		}
		all[mi] = make([]shaped, len(periods))
		for _, pi := range periodOrder(x.Results) {
			res := x.Results[pi]
			if res.Empty {
				continue
			}
			c := newCounts()
			all[mi][pi] = shaped{c, shape(res, c)}
			for _, b := range c.order {
				q := x.Measure.ID + "/" + b
				k, ok := blocks[q]
				if !ok {
					k = &keys{g: c.grids[b]}
					blocks[q] = k
					blockOrder = append(blockOrder, q)
				}
				for _, r := range c.grids[b].rows {
					if !slices.Contains(k.rows, r) {
						k.rows = append(k.rows, r)
					}
				}
				for _, col := range c.grids[b].cols {
					if !slices.Contains(k.cols, col) {
						k.cols = append(k.cols, col)
					}
				}
			}
		}
	}
	for mi, x := range g {
		for pi, s := range all[mi] {
			if s.counts == nil {
				continue
			}
			for _, b := range s.counts.order {
				q := x.Measure.ID + "/" + b
				k := blocks[q]
				if len(k.rows) == 0 || len(k.cols) == 0 {
					continue
				}
				gr := s.counts.grids[b]
				t := disclosure.Table{Name: tableName(q, pi), Rows: k.rows, Cols: k.cols,
					Hidden: gr.hidden, OmitRowTotals: true, OmitColTotals: !gr.total}
				for _, r := range k.rows {
					row := make([]int, len(k.cols))
					for ci, col := range k.cols {
						row[ci] = gr.vals[[2]string{r, col}]
					}
					t.Counts = append(t.Counts, row)
				}
				n.add(t)
			}
			for _, r := range s.counts.rels {
				parts := make([]string, len(r.parts))
				for i, p := range r.parts {
					parts[i] = tableName(x.Measure.ID+"/"+p, pi)
				}
				n.relate(tableName(x.Measure.ID+"/"+r.whole, pi), parts...)
			}
		}
	}
	for pi := range periods {
		for _, j := range joint {
			n.relate(tableName(j.a.block, pi), tableName(j.b.block, pi))
		}
	}
	if w, parts, ok := tiling(periods); ok {
		for _, q := range blockOrder {
			whole := tableName(q, w)
			var ps []string
			for _, p := range parts {
				if _, ok := n.table(tableName(q, p)); ok {
					ps = append(ps, tableName(q, p))
				}
			}
			if len(ps) == 0 {
				continue
			}
			switch blocks[q].g.link {
			case flow:
				if !n.relate(whole, ps...) {
					n.atMost(whole, ps...)
				}
			case distinct:
				n.atMost(whole, ps...)
			case atEnd:
				n.relate(whole, tableName(q, parts[len(parts)-1]))
			case atStart:
				n.relate(whole, tableName(q, parts[0]))
			}
		}
		for _, x := range g {
			for _, ch := range chains[x.Measure.ID] {
				for i := 1; i < len(parts); i++ {
					n.relate(tableName(x.Measure.ID+"/"+ch[1], parts[i]), tableName(x.Measure.ID+"/"+ch[0], parts[i-1]))
				}
			}
		}
	}
	return n, all
}
