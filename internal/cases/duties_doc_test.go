package cases

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The duty table of docs/statutory-process.md (section 8) names, for each
// duty, the test that enforces it and the scenarios ("must refuse X when
// Y") that do. This test keeps the table and the tests together: every
// test the table names exists, every scenario it quotes is one, and every
// duty test in this package (TestDuties*, and each of their scenarios) is
// in the table. A scenario is in the table when it is quoted, or when its
// test is named somewhere without quotes (the whole test enforces the
// duty). A quote may end in "..." to stand for the rest of a name.

const dutyTableHeading = "## 8. Duties and the scenarios that enforce them"

var (
	// dutyCellToken is a package path, a test name or a quoted scenario,
	// in the order the cell gives them.
	dutyCellToken = regexp.MustCompile("`(internal/[a-z/]+)`|`(Test[A-Za-z0-9_]+)`|\"((?:must|Must) [^\"]*)\"")
	testFunc      = regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(`)
	// A scenario is a t.Run named "must ..."; one whose name goes on with
	// a value ("must record "+tc.name) stands for a family of scenarios
	// and is kept with a trailing "+".
	mustRun = regexp.MustCompile(`t\.Run\("(must [^"]*)"(\s*\+)?`)
)

// dutyRef is a test one row of the table names, with the scenarios it
// quotes from it.
type dutyRef struct {
	pkg, test string
	quotes    []string
}

func readDutyTable(t *testing.T) []dutyRef {
	t.Helper()
	b, err := os.ReadFile(wfDocPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, dutyTableHeading)
	if i < 0 {
		t.Fatalf("%s has no section %q", wfDocPath, dutyTableHeading)
	}
	section := doc[i+len(dutyTableHeading):]
	if j := strings.Index(section, "\n## "); j >= 0 {
		section = section[:j]
	}
	var refs []dutyRef
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) < 3 || strings.HasPrefix(line, "| Duty |") || strings.HasPrefix(line, "|---") {
			continue
		}
		rows++
		if strings.TrimSpace(cells[len(cells)-2]) == "" {
			t.Errorf("a duty names no provision: %s", line)
		}
		pkg := "internal/cases"
		var cur *dutyRef
		for _, m := range dutyCellToken.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			switch {
			case m[1] != "":
				pkg = m[1]
			case m[2] != "":
				refs = append(refs, dutyRef{pkg: pkg, test: m[2]})
				cur = &refs[len(refs)-1]
				pkg = "internal/cases"
			case cur != nil:
				cur.quotes = append(cur.quotes, m[3])
			default:
				t.Errorf("the duty table quotes %q before naming its test", m[3])
			}
		}
	}
	if rows < 10 {
		t.Fatalf("the duty table has %d rows: the section could not be read", rows)
	}
	return refs
}

// testSource is every test function of a package, with the scenario names
// its body holds.
func testSource(t *testing.T, pkg string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", pkg, "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tests in %s: %v", pkg, err)
	}
	out := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		locs := testFunc.FindAllStringSubmatchIndex(src, -1)
		for k, l := range locs {
			end := len(src)
			if k+1 < len(locs) {
				end = locs[k+1][0]
			}
			name := src[l[2]:l[3]]
			out[name] = []string{}
			for _, m := range mustRun.FindAllStringSubmatch(src[l[0]:end], -1) {
				if m[2] != "" {
					m[1] += "+"
				}
				out[name] = append(out[name], m[1])
			}
		}
	}
	return out
}

// quoteNames reports whether a quote in the table names scenario s: the
// same words, or a quote ending "..." that begins s, or s a family whose
// fixed start begins the quote.
func quoteNames(q, s string) bool {
	q, s = strings.ToLower(q), strings.ToLower(s)
	if fam, ok := strings.CutSuffix(s, "+"); ok {
		return strings.HasPrefix(q, fam) || strings.HasPrefix(fam, strings.TrimSpace(strings.TrimSuffix(q, "...")))
	}
	if p, ok := strings.CutSuffix(q, "..."); ok {
		return strings.HasPrefix(s, strings.TrimSpace(p))
	}
	return q == s
}

func TestDutyTableNamesEveryDutyTest(t *testing.T) {
	refs := readDutyTable(t)
	sources := map[string]map[string][]string{}
	whole := map[string]bool{}      // tests named with no scenario quoted
	quoted := map[string][]string{} // scenarios quoted, by test
	for _, r := range refs {
		if sources[r.pkg] == nil {
			sources[r.pkg] = testSource(t, r.pkg)
		}
		scenarios, ok := sources[r.pkg][r.test]
		if !ok {
			t.Errorf("the duty table names %s %s, which does not exist", r.pkg, r.test)
			continue
		}
		if len(r.quotes) == 0 {
			whole[r.pkg+" "+r.test] = true
		}
		for _, q := range r.quotes {
			if !slices.ContainsFunc(scenarios, func(s string) bool { return quoteNames(q, s) }) {
				t.Errorf("the duty table quotes %q for %s, which has no such scenario", q, r.test)
			}
			quoted[r.test] = append(quoted[r.test], q)
		}
	}
	own := testSource(t, "internal/cases")
	for name, scenarios := range own {
		if !strings.HasPrefix(name, "TestDuties") {
			continue
		}
		if !whole["internal/cases "+name] && len(quoted[name]) == 0 {
			t.Errorf("duty test %s is not in the duty table of %s", name, wfDocPath)
			continue
		}
		if whole["internal/cases "+name] {
			continue
		}
		for _, s := range scenarios {
			if !slices.ContainsFunc(quoted[name], func(q string) bool { return quoteNames(q, s) }) {
				t.Errorf("scenario %q of %s is not in the duty table", s, name)
			}
		}
	}
}
