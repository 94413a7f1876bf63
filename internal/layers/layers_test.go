// Package layers holds the test that pins Probity's layering: which package
// may import which. The table below is the one statement of the layers;
// docs/architecture.md draws it and TestArchitectureDocDrawsTheLayers keeps
// the drawing true to it.
package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A layer is a set of packages with one rule: they import packages of the
// layers below, never above, and packages of their own layer only when peers
// is set. Forbid names import paths (and everything under them) the layer
// may not use at all.
type layer struct {
	name   string
	peers  bool
	forbid []string
	// testsMay are forbidden imports the layer's tests may still use.
	testsMay []string
	packages []string
}

// These imports make code an adapter: a database driver or the web. The
// domain reasons about cases without either, so that its rules can be read
// and tested without a server or a database.
var (
	sqlImports  = []string{"database/sql", "github.com/jackc/pgx", "modernc.org/sqlite", "github.com/pressly/goose"}
	httpImports = []string{"net/http", "github.com/coreos/go-oidc", "golang.org/x/oauth2"}
	sqlAndHTTP  = slices.Concat(sqlImports, httpImports)
)

// layers lists Probity's layers, lowest first. Every package in the module
// has exactly one row; a new package fails the test until it is given one
// here and drawn in docs/architecture.md.
var layers = []layer{
	{
		// Mechanisms every layer uses that know nothing of complaints or
		// officers. Keyring is here, not in the domain: it seals whatever
		// bytes it is given under rotating keys, and the store decides which
		// columns are sealed and what each is bound to. Imagemeta likewise
		// strips whatever image it is given; speak-up decides whose images.
		// Chart draws whatever series it is given; measures decide which.
		name:   "foundation",
		peers:  true,
		forbid: sqlAndHTTP,
		packages: []string{"internal/fault", "internal/id", "internal/secret", "internal/keyring", "internal/imagemeta", "internal/imagemeta/imagemetatest",
			"internal/chart"},
	},
	{
		// Probity's rules in plain Go: the workflow and its law (cases), who
		// may see and do what (access), the tamper-evident record of it
		// (audit), the complaints the public send (intake), officers' and
		// staff's speak-up reports (speakup), the receipts that let either
		// come back (receipt), early intervention (eis), vetting, the
		// published figures (measures) and how they are shown (figures). Audit is domain, not
		// foundation: what an entry records and how the chain is verified is
		// a rule the oversight body relies on.
		name:   "domain",
		peers:  true,
		forbid: sqlAndHTTP,
		packages: []string{
			"internal/officers", "internal/people", "internal/cases", "internal/access",
			"internal/audit", "internal/intake", "internal/speakup", "internal/receipt", "internal/eis",
			"internal/vetting", "internal/measures", "internal/disclosure",
			"internal/figures",
			"internal/oversight",
			"internal/boards",
			"internal/hearings",
		},
	},
	{
		// The one adapter that speaks SQL, and the harness that runs its
		// tests on both engines. Every edge uses it, so it knows none.
		name:   "storage",
		peers:  true,
		forbid: httpImports,
		// The national-scale benchmarks drive the store at a fixed request
		// rate with an HTTP load generator, through a bare handler of the
		// benchmark's own; no storage code serves or calls HTTP.
		testsMay: []string{"net/http", "net/http/httptest"},
		// crashvfs is the power-loss test's file layer under SQLite.
		packages: []string{"internal/store", "internal/store/storetest", "internal/store/crashvfs"},
	},
	{
		// The ways in: HTTP (web), files (importer), the synthetic force
		// (demo), flags and variables (config; it parses a database location,
		// so it sits above storage). Each stands alone: only the binary puts
		// them together, so one can change without reading the others.
		name:     "edge",
		packages: []string{"internal/config", "internal/web", "internal/importer", "internal/demo"},
	},
	{
		// The binary that wires the edges, and the tests of the whole
		// (end-to-end in a browser, and this one). Nothing imports these.
		name:     "top",
		packages: []string{"cmd/probity", "e2e", "internal/layers"},
	},
}

// pkg is one package of the import graph, as go list describes it. Paths of
// the module's own packages are relative to the module ("internal/cases").
type pkg struct {
	path                               string
	imports, testImports, xtestImports []string
}

// check returns every way graph breaks the layering in table, sorted.
func check(table []layer, graph []pkg) []string {
	type place struct {
		rank int
		l    *layer
	}
	where := map[string]place{}
	var problems []string
	for i := range table {
		for _, p := range table[i].packages {
			if prev, ok := where[p]; ok {
				problems = append(problems, fmt.Sprintf("%s is in two layers: %s and %s", p, prev.l.name, table[i].name))
			}
			where[p] = place{i, &table[i]}
		}
	}
	own := map[string]bool{}
	for _, g := range graph {
		own[g.path] = true
		if _, ok := where[g.path]; !ok {
			problems = append(problems, fmt.Sprintf("%s has no layer: give it one in internal/layers and draw it in docs/architecture.md", g.path))
		}
	}
	for _, l := range table {
		for _, p := range l.packages {
			if !own[p] {
				problems = append(problems, fmt.Sprintf("%s is in the %s layer but is no package of the module", p, l.name))
			}
		}
	}
	for _, g := range graph {
		from, ok := where[g.path]
		if !ok {
			continue
		}
		for _, set := range []struct {
			how     string
			imports []string
		}{{"imports", g.imports}, {"imports in its tests", g.testImports}, {"imports in its tests", g.xtestImports}} {
			for _, imp := range set.imports {
				if imp == g.path {
					continue // a package's external tests import the package
				}
				if own[imp] {
					to, ok := where[imp]
					switch {
					case !ok:
						// reported above as a package with no layer
					case to.rank > from.rank:
						problems = append(problems, fmt.Sprintf("%s (%s) %s %s (%s), a higher layer", g.path, from.l.name, set.how, imp, to.l.name))
					case to.rank == from.rank && !from.l.peers:
						problems = append(problems, fmt.Sprintf("%s %s %s: the packages of the %s layer stand apart", g.path, set.how, imp, from.l.name))
					}
					continue
				}
				if set.how != "imports" && slices.Contains(from.l.testsMay, imp) {
					continue
				}
				for _, f := range from.l.forbid {
					if imp == f || strings.HasPrefix(imp, f+"/") {
						problems = append(problems, fmt.Sprintf("%s (%s) %s %s, which the %s layer may not use", g.path, from.l.name, set.how, imp, from.l.name))
					}
				}
			}
		}
	}
	slices.Sort(problems)
	return slices.Compact(problems)
}

// loadGraph asks the go command for the module's packages and their imports,
// with tests, so that a test file cannot reach across a layer either.
func loadGraph(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Module,Imports,TestImports,XTestImports,Error", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	type listed struct {
		ImportPath                         string
		Module                             *struct{ Path string }
		Imports, TestImports, XTestImports []string
		Error                              *struct{ Err string }
	}
	var graph []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var l listed
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list: %v", err)
		}
		if l.Error != nil {
			t.Fatalf("go list cannot load %s, so its imports cannot be checked: %s", l.ImportPath, l.Error.Err)
		}
		if l.Module == nil {
			t.Fatalf("go list: %s belongs to no module", l.ImportPath)
		}
		rel := func(paths []string) []string {
			out := make([]string, len(paths))
			for i, p := range paths {
				out[i] = strings.TrimPrefix(p, l.Module.Path+"/")
			}
			return out
		}
		graph = append(graph, pkg{
			path:         strings.TrimPrefix(l.ImportPath, l.Module.Path+"/"),
			imports:      rel(l.Imports),
			testImports:  rel(l.TestImports),
			xtestImports: rel(l.XTestImports),
		})
	}
	if len(graph) == 0 {
		t.Fatal("go list found no packages")
	}
	return graph
}

func TestTreeKeepsItsLayers(t *testing.T) {
	for _, p := range check(layers, loadGraph(t)) {
		t.Error(p)
	}
}

// cleanGraph is the table as a graph of packages that import nothing.
func cleanGraph() []pkg {
	var g []pkg
	for _, l := range layers {
		for _, p := range l.packages {
			g = append(g, pkg{path: p})
		}
	}
	return g
}

func TestCheckCatchesCrossings(t *testing.T) {
	type edit func(g []pkg) []pkg
	imports := func(from string, field func(*pkg) *[]string, to ...string) edit {
		return func(g []pkg) []pkg {
			for i := range g {
				if g[i].path == from {
					*field(&g[i]) = append(*field(&g[i]), to...)
				}
			}
			return g
		}
	}
	code := func(p *pkg) *[]string { return &p.imports }
	tests := func(p *pkg) *[]string { return &p.testImports }
	xtests := func(p *pkg) *[]string { return &p.xtestImports }
	for _, tc := range []struct {
		name string
		edit edit
		want []string // each must appear in exactly one problem; none means no problem
	}{
		{"the table on its own", func(g []pkg) []pkg { return g }, nil},
		{"domain uses foundation and domain", imports("internal/eis", code, "internal/cases", "internal/officers", "internal/fault"), nil},
		{"domain tests use a domain peer", imports("internal/cases", tests, "internal/access"), nil},
		{"external tests import their own package", imports("internal/audit", xtests, "internal/audit", "internal/fault"), nil},
		{"storage uses its own layer", imports("internal/store/storetest", code, "internal/store", "database/sql"), nil},
		{"storage benchmarks drive the store over HTTP", imports("internal/store", xtests, "net/http", "net/http/httptest"), nil},
		{"storage code serves HTTP", imports("internal/store", code, "net/http"),
			[]string{"internal/store (storage) imports net/http, which the storage layer may not use"}},
		{"the binary uses every edge", imports("cmd/probity", code, "internal/web", "internal/importer", "internal/demo", "internal/config", "net/http"), nil},
		{"a domain package may use a mail address parser", imports("internal/people", code, "net/mail"), nil},
		{"a name that only begins like a forbidden one", imports("internal/cases", code, "database/sqlish"), nil},
		{"domain imports the store", imports("internal/cases", code, "internal/store"),
			[]string{"internal/cases (domain) imports internal/store (storage), a higher layer"}},
		{"domain imports an edge", imports("internal/intake", code, "internal/demo", "internal/importer"),
			[]string{"internal/intake (domain) imports internal/demo (edge)", "internal/intake (domain) imports internal/importer (edge)"}},
		{"domain imports database/sql", imports("internal/eis", code, "database/sql"),
			[]string{"internal/eis (domain) imports database/sql, which the domain layer may not use"}},
		{"domain imports a package under net/http", imports("internal/access", code, "net/http/httptest"),
			[]string{"internal/access (domain) imports net/http/httptest"}},
		{"a driver in a domain package's tests", imports("internal/people", tests, "github.com/jackc/pgx/v5/stdlib"),
			[]string{"internal/people (domain) imports in its tests github.com/jackc/pgx/v5/stdlib"}},
		{"a domain package's external tests reach the store", imports("internal/audit", xtests, "internal/store/storetest"),
			[]string{"internal/audit (domain) imports in its tests internal/store/storetest (storage)"}},
		{"foundation imports the domain", imports("internal/keyring", code, "internal/cases"),
			[]string{"internal/keyring (foundation) imports internal/cases (domain)"}},
		{"the store imports the web", imports("internal/store", code, "internal/web"),
			[]string{"internal/store (storage) imports internal/web (edge)"}},
		{"the store speaks HTTP", imports("internal/store", code, "golang.org/x/oauth2"),
			[]string{"internal/store (storage) imports golang.org/x/oauth2, which the storage layer may not use"}},
		{"one edge imports another", imports("internal/web", code, "internal/importer"),
			[]string{"internal/web imports internal/importer: the packages of the edge layer stand apart"}},
		{"an edge imports the binary", imports("internal/demo", code, "cmd/probity"),
			[]string{"internal/demo (edge) imports cmd/probity (top)"}},
		{"the end-to-end tests import the binary", imports("e2e", tests, "cmd/probity"),
			[]string{"e2e imports in its tests cmd/probity: the packages of the top layer stand apart"}},
		{"a package with no layer", func(g []pkg) []pkg {
			return append(g, pkg{path: "internal/unplaced", imports: []string{"internal/cases"}})
		}, []string{"internal/unplaced has no layer"}},
		{"a table row with no package", func(g []pkg) []pkg {
			return slices.DeleteFunc(g, func(p pkg) bool { return p.path == "internal/id" })
		}, []string{"internal/id is in the foundation layer but is no package of the module"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := check(layers, tc.edit(cleanGraph()))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for _, w := range tc.want {
				n := 0
				for _, g := range got {
					if strings.Contains(g, w) {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d problems contain %q, want 1:\n%s", n, w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

func TestCheckCatchesABadTable(t *testing.T) {
	table := []layer{
		{name: "low", packages: []string{"a"}},
		{name: "high", packages: []string{"a", "b"}},
	}
	got := check(table, []pkg{{path: "a"}, {path: "b"}})
	want := []string{"a is in two layers: low and high"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// short is how docs/architecture.md names a package.
func short(p string) string { return strings.TrimPrefix(p, "internal/") }

// docProblems returns every way the architecture document departs from
// table: its diagram (the first code block under "## Layers") must put each
// package on its layer's lines and nothing else there, and its package table
// (under "## Packages") must have one row per package and none for a
// package that does not exist.
func docProblems(table []layer, doc string) []string {
	var problems []string
	section := func(heading string) string {
		_, rest, ok := strings.Cut(doc, "\n"+heading+"\n")
		if !ok {
			problems = append(problems, "no "+heading+" section")
			return ""
		}
		if i := strings.Index(rest, "\n## "); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}

	layerOf := map[string]string{}
	for _, l := range table {
		for _, p := range l.packages {
			layerOf[short(p)] = l.name
		}
	}

	// The diagram: a line that starts in the first column begins a layer
	// and names it; indented lines continue it; lines of "|" join layers.
	drawn := map[string]string{}
	parts := strings.Split(section("## Layers"), "```")
	if len(parts) < 3 {
		problems = append(problems, "no diagram under ## Layers")
	} else {
		known := map[string]bool{}
		for _, l := range table {
			known[l.name] = true
		}
		current := ""
		for _, line := range strings.Split(parts[1], "\n") {
			fields := strings.Fields(line)
			if len(fields) == 0 || strings.Trim(line, " |") == "" {
				continue
			}
			if !strings.HasPrefix(line, " ") {
				current, fields = fields[0], fields[1:]
				if !known[current] {
					problems = append(problems, fmt.Sprintf("the diagram has a line for %q, which is no layer", current))
					current = ""
				}
			}
			if current == "" {
				continue
			}
			for _, f := range fields {
				switch l, ok := layerOf[f]; {
				case !ok:
					problems = append(problems, fmt.Sprintf("the diagram draws %s in the %s layer, but it is no package in the table", f, current))
				case l != current:
					problems = append(problems, fmt.Sprintf("the diagram draws %s in the %s layer, but the table puts it in %s", f, current, l))
				default:
					drawn[f] = current
				}
			}
		}
	}

	rows := map[string]bool{}
	for _, line := range strings.Split(section("## Packages"), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		if rows[name] {
			problems = append(problems, fmt.Sprintf("the package table has two rows for %s", name))
		}
		rows[name] = true
		if _, ok := layerOf[short(name)]; !ok {
			problems = append(problems, fmt.Sprintf("the package table has a row for %s, which is no package in the layer table", name))
		}
	}

	for _, l := range table {
		for _, p := range l.packages {
			if _, ok := drawn[short(p)]; !ok {
				problems = append(problems, fmt.Sprintf("the diagram does not draw %s (%s layer)", short(p), l.name))
			}
			if !rows[p] {
				problems = append(problems, fmt.Sprintf("the package table has no row for %s", p))
			}
		}
	}
	slices.Sort(problems)
	return problems
}

func TestArchitectureDocDrawsTheLayers(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range docProblems(layers, string(doc)) {
		t.Error("docs/architecture.md: " + p)
	}
}

func TestDocProblemsCatchesDrift(t *testing.T) {
	table := []layer{
		{name: "low", packages: []string{"internal/a", "internal/b"}},
		{name: "high", packages: []string{"cmd/c"}},
	}
	doc := func(diagram, rows string) string {
		return "# Architecture\n\n## Layers\n\n```\n" + diagram + "```\n\nWords.\n\n## Packages\n\n| Package | Holds |\n|---|---|\n" + rows + "\n## Decisions\n"
	}
	goodDiagram := "high   cmd/c\n  |\nlow    a\n       b\n"
	goodRows := "| `cmd/c` | the binary |\n| `internal/a` | a |\n| `internal/b` | b |\n"
	for _, tc := range []struct {
		name string
		doc  string
		want []string
	}{
		{"true to the table", doc(goodDiagram, goodRows), nil},
		{"a package left out of the diagram", doc("high   cmd/c\nlow    a\n", goodRows),
			[]string{"the diagram does not draw b (low layer)"}},
		{"a package drawn in the wrong layer", doc("high   cmd/c  b\nlow    a\n", goodRows),
			[]string{"the diagram does not draw b (low layer)", "the diagram draws b in the high layer, but the table puts it in low"}},
		{"a package that does not exist", doc(goodDiagram+"       z\n", goodRows),
			[]string{"the diagram draws z in the low layer, but it is no package in the table"}},
		{"a layer that does not exist", doc(goodDiagram+"middle  a\n", goodRows),
			[]string{`the diagram has a line for "middle", which is no layer`}},
		{"a row missing", doc(goodDiagram, "| `cmd/c` | the binary |\n| `internal/a` | a |\n"),
			[]string{"the package table has no row for internal/b"}},
		{"a row too many", doc(goodDiagram, goodRows+"| `internal/z` | gone |\n"),
			[]string{"the package table has a row for internal/z, which is no package in the layer table"}},
		{"no diagram", "# Architecture\n\n## Layers\n\nWords.\n\n## Packages\n\n" + goodRows, []string{
			"no diagram under ## Layers",
			"the diagram does not draw a (low layer)", "the diagram does not draw b (low layer)", "the diagram does not draw cmd/c (high layer)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := docProblems(table, tc.doc)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
