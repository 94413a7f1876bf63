package chart

import (
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.svg from the charts drawn now")

func nums(vs ...float64) []Value {
	out := make([]Value, len(vs))
	for i, v := range vs {
		out[i] = Num(v)
	}
	return out
}

var quarters = []string{"Jan to Mar 2026", "Apr to Jun 2026", "Jul to Sep 2026", "Oct to Dec 2026"}

// examples are the charts kept as golden files: each kind, and each hard
// case the issue names (empty, one point, zero range, negatives, gaps, long
// and hostile labels).
var examples = map[string]Chart{
	"line": {ID: "line", Kind: Line, Title: "Days to finalise", XLabel: "Quarter", YLabel: "Days",
		Categories: quarters, Series: []Series{
			{Name: "Median", Values: nums(41, 38, 45, 40)},
			{Name: "90th percentile", Values: nums(120, 131, 118, 150)},
		}},
	"bar": {ID: "bar", Kind: Bar, Title: "Complaints received", XLabel: "Quarter", YLabel: "Complaints",
		Categories: quarters, Series: []Series{
			{Name: "North", Values: nums(12, 15, 9, 20)},
			{Name: "South", Values: nums(7, 11, 13, 8)},
			{Name: "Central", Values: nums(22, 18, 25, 30)},
		}},
	"stacked": {ID: "stacked", Kind: StackedBar, Title: "Open cases by age", XLabel: "Quarter", YLabel: "Cases",
		Categories: quarters, Series: []Series{
			{Name: "Under 3 months", Values: nums(30, 28, 35, 31)},
			{Name: "3 to 12 months", Values: nums(20, 25, 19, 22)},
			{Name: "Over 12 months", Values: []Value{Num(6), Absent("[c]"), Num(8), Num(7)}},
		}},
	"empty": {ID: "empty", Kind: Bar, Title: "Nothing yet", Categories: nil, Series: nil},
	"single": {ID: "single", Kind: Line, Title: "One quarter", Categories: quarters[:1],
		Series: []Series{{Name: "Median", Values: nums(12.5)}}, Decimals: 1},
	"zeros": {ID: "zeros", Kind: Bar, Title: "All zero", Categories: quarters[:2],
		Series: []Series{{Name: "Count", Values: nums(0, 0)}}},
	"negative": {ID: "negative", Kind: Bar, Title: "Change on last year", YLabel: "Change (percentage points)",
		Categories: quarters, Series: []Series{{Name: "Change", Values: nums(-3.5, 2.25, 0, -0.75)}}, Decimals: 2},
	"gaps": {ID: "gaps", Kind: Line, Title: "Share upheld", YLabel: "Per cent", Categories: quarters,
		Series: []Series{
			{Name: "Upheld", Values: []Value{Num(12), Absent("[c]"), Num(15), Num(14)}},
			{Name: "Case to answer", Values: []Value{Absent("[c]"), Num(30), Absent("[x]"), Num(28)}},
		}},
	"hostile": {ID: "hostile", Kind: StackedBar, Title: `<script>alert("x")</script> & co`,
		XLabel: "Unit </text><text>", YLabel: "a\x00b\x1fc",
		Categories: []string{"A very long unit name that goes on and on and does not stop anywhere soon", "O'Brien & \"Sons\"", "]]>", "\xff\xfe"},
		Series: []Series{
			{Name: `Series "one" <b>`, Values: nums(1, 2, 3, 4)},
			{Name: strings.Repeat("Long series name ", 20), Values: nums(4, -3, 2, 1)},
		}},
}

func TestGoldenSVG(t *testing.T) {
	for name, c := range examples {
		t.Run(name, func(t *testing.T) {
			got, err := SVG(c)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/chart -update to write it)", err)
			}
			if string(got)+"\n" != string(want) {
				t.Errorf("%s differs from the chart drawn now; look at both and run with -update if the change is meant", path)
			}
			again, _ := SVG(c)
			if again != got {
				t.Error("drawing the same chart twice gave different output")
			}
		})
	}
}

// node is a parsed XML element, enough to check structure.
type node struct {
	name     string
	attr     map[string]string
	text     string
	children []*node
}

func parse(t testing.TB, doc string) *node {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(tok)
		}
	}
	if len(root.children) != 1 {
		t.Fatalf("want one root element, got %d", len(root.children))
	}
	return root.children[0]
}

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

func (n *node) allText() string {
	s := n.text
	for _, c := range n.children {
		s += c.allText()
	}
	return s
}

func TestSVGStructure(t *testing.T) {
	for name, c := range examples {
		t.Run(name, func(t *testing.T) {
			out, err := SVG(c)
			if err != nil {
				t.Fatal(err)
			}
			svg := parse(t, string(out))
			if svg.name != "svg" || svg.attr["role"] != "img" {
				t.Fatalf("root is <%s role=%q>, want <svg role=img>", svg.name, svg.attr["role"])
			}
			if got, want := svg.attr["aria-labelledby"], c.ID+"-title "+c.ID+"-desc"; got != want {
				t.Errorf("aria-labelledby = %q, want %q", got, want)
			}
			if len(svg.children) < 2 || svg.children[0].name != "title" || svg.children[1].name != "desc" {
				t.Fatal("the first children must be <title> then <desc>")
			}
			if got := svg.children[0].text; got != strings.ReplaceAll(c.Title, "\"", "\"") && name != "hostile" {
				t.Errorf("title = %q, want %q", got, c.Title)
			}
			if !strings.Contains(svg.children[1].text, "table beside the chart") {
				t.Errorf("desc %q does not point to the table", svg.children[1].text)
			}
			for _, el := range []string{"script", "style", "foreignObject"} {
				if len(svg.all(el)) > 0 {
					t.Errorf("output has a <%s> element", el)
				}
			}
			for _, n := range append(svg.all("rect"), svg.all("text")...) {
				if _, ok := n.attr["style"]; ok {
					t.Errorf("a <%s> has a style attribute, which a strict CSP refuses", n.name)
				}
			}
		})
	}
}

func TestHostileLabelsStayText(t *testing.T) {
	c := examples["hostile"]
	out, _ := SVG(c)
	svg := parse(t, string(out))
	if got := svg.children[0].text; got != c.Title {
		t.Errorf("title read back as %q, want %q", got, c.Title)
	}
	if strings.Contains(string(out), "<script") || strings.Contains(string(out), "<b>") {
		t.Error("a label's markup reached the output unescaped")
	}
	tbl, _ := Table(c)
	if strings.Contains(string(tbl), "<script") || strings.Contains(string(tbl), "<b>") {
		t.Error("a label's markup reached the table unescaped")
	}
	parse(t, string(tbl))
}

func TestBarsAndPointsAreDrawnForPresentValuesOnly(t *testing.T) {
	for _, tc := range []struct {
		name        string
		want        int
		elements    func(*node) int
		marksInText string
	}{
		{"bar", 12, func(n *node) int { return len(n.all("rect")) - 3*1 - 3 /* pattern tiles and legend swatches */ }, ""},
		{"stacked", 11, func(n *node) int { return len(n.all("rect")) - 3 - 3 }, "[c]"},
		{"gaps", 5, func(n *node) int {
			return len(n.all("circle")) + len(n.all("rect")) - 2 /* legend markers */
		}, "3 figures are not drawn"},
		{"empty", 0, func(n *node) int { return len(n.all("rect")) + len(n.all("circle")) }, "No figures to show"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := SVG(examples[tc.name])
			svg := parse(t, string(out))
			if got := tc.elements(svg); got != tc.want {
				t.Errorf("drew %d bars or points, want %d", got, tc.want)
			}
			if !strings.Contains(svg.allText(), tc.marksInText) {
				t.Errorf("text %q does not say %q", svg.allText(), tc.marksInText)
			}
		})
	}
}

func TestLinesBreakAtGaps(t *testing.T) {
	out, _ := SVG(examples["gaps"])
	svg := parse(t, string(out))
	var ds []string
	for _, p := range svg.all("path") {
		if strings.Contains(p.attr["d"], " L") || strings.Count(p.attr["d"], "M") > 1 {
			ds = append(ds, p.attr["d"])
		}
	}
	// Upheld: 12, gap, 15, 14 is a lone point then a segment: two moves.
	// Case to answer: gap, 30, gap, 28 is two lone points.
	if len(ds) != 2 || strings.Count(ds[0], "M") != 2 || strings.Count(ds[1], "M") != 2 || strings.Count(ds[1], "L") != 0 {
		t.Errorf("line paths %q do not break at the absent values", ds)
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi           float64
		start, end, step float64
		decimals         int
	}{
		{0, 0, 0, 1, 0.2, 1},
		{0, 150, 0, 150, 50, 0},
		{0, 7, 0, 8, 2, 0},
		{-3.5, 2.25, -4, 4, 2, 0},
		{3, 3, 0, 3, 1, 0},
		{0, 0.03, 0, 0.03, 0.01, 2},
		{0, 123456, 0, 150000, 50000, 0},
		{-10, -2, -10, 0, 2, 0},
	} {
		start, end, step, dec := ticks(tc.lo, tc.hi, 5)
		if start != tc.start || end != tc.end || step != tc.step || dec != tc.decimals {
			t.Errorf("ticks(%v, %v) = %v..%v by %v (%d dp), want %v..%v by %v (%d dp)",
				tc.lo, tc.hi, start, end, step, dec, tc.start, tc.end, tc.step, tc.decimals)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		n    float64
		dec  int
		want string
	}{
		{0, 0, "0"}, {1234, 0, "1,234"}, {1234567.891, 2, "1,234,567.89"}, {-1234.5, 1, "-1,234.5"},
		{-0.001, 1, "0.0"}, {999, 0, "999"}, {100000, 0, "100,000"},
	} {
		if got := FormatNumber(tc.n, tc.dec); got != tc.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", tc.n, tc.dec, got, tc.want)
		}
	}
}

func TestTable(t *testing.T) {
	got, err := Table(examples["stacked"])
	if err != nil {
		t.Fatal(err)
	}
	tbl := parse(t, string(got))
	if tbl.attr["class"] != "govuk-table" {
		t.Errorf("table class %q", tbl.attr["class"])
	}
	heads := tbl.all("th")
	if len(heads) != 4+4 || heads[0].text != "Quarter" || heads[1].attr["scope"] != "col" || heads[4].attr["scope"] != "row" {
		t.Errorf("headers are not a column header row and row headers")
	}
	var cells []string
	for _, td := range tbl.all("td") {
		cells = append(cells, td.text)
		if td.attr["class"] != "govuk-table__cell govuk-table__cell--numeric" {
			t.Errorf("cell class %q", td.attr["class"])
		}
	}
	if want := "30 20 6 28 25 [c] 35 19 8 31 22 7"; strings.Join(cells, " ") != want {
		t.Errorf("cells %q, want %q", strings.Join(cells, " "), want)
	}
	empty, _ := Table(examples["empty"])
	if !strings.Contains(string(empty), "No figures for this period") {
		t.Errorf("empty table %q does not say so", empty)
	}
}

func TestInvalidCharts(t *testing.T) {
	ok := examples["bar"]
	for name, mutate := range map[string]func(*Chart){
		"bad id":          func(c *Chart) { c.ID = `x" onload="y` },
		"short series":    func(c *Chart) { c.Series = []Series{{Name: "a", Values: nums(1)}} },
		"not a number":    func(c *Chart) { c.Series = []Series{{Name: "a", Values: nums(1, 2, 3, math.Inf(1))}} },
		"too many series": func(c *Chart) { c.Series = append(c.Series, c.Series...); c.Series = append(c.Series, c.Series[0]) },
		"unknown kind":    func(c *Chart) { c.Kind = 9 },
	} {
		c := ok
		mutate(&c)
		if _, err := SVG(c); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// FuzzSVG draws charts from arbitrary labels and values: the output must
// always be well-formed XML whose title reads back as given (less the
// characters XML cannot carry).
func FuzzSVG(f *testing.F) {
	f.Add("Title", "Q1", "Series", 1.0, -2.0, uint8(0))
	f.Add("<a>&'\"", "]]>", "\x00\x01", 0.0, 0.0, uint8(1))
	f.Add("", "", "", 1e9, 1e-9, uint8(2))
	f.Fuzz(func(t *testing.T, title, cat, name string, a, b float64, kind uint8) {
		c := Chart{ID: "f", Kind: Kind(kind % 3), Title: title, XLabel: cat, YLabel: name,
			Categories: []string{cat, cat + cat},
			Series:     []Series{{Name: name, Values: []Value{Num(a), Num(b)}}, {Name: title, Values: []Value{Absent(cat), Num(a)}}}}
		out, err := SVG(c)
		if err != nil {
			if errors.Is(err, ErrInvalid) {
				return
			}
			t.Fatal(err)
		}
		parse(t, string(out))
		tbl, err := Table(c)
		if err != nil {
			t.Fatal(err)
		}
		parse(t, string(tbl))
	})
}
