package cases

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The state diagrams and action tables in docs/statutory-process.md are
// drawn from the action table. TestStatutoryProcessDocMatchesTheTable
// fails when the two disagree; run it with -update-doc to redraw them:
//
//	go test ./internal/cases -run TestStatutoryProcessDoc -update-doc
var wfUpdateDoc = flag.Bool("update-doc", false, "rewrite the generated parts of docs/statutory-process.md from the action table")

const wfDocPath = "../../docs/statutory-process.md"

// wfDocBlocks are the generated parts of the document, by marker name.
func wfDocBlocks() map[string]string {
	return map[string]string{
		"complaint-diagram": "```mermaid\n" + wfMermaid(Complaint) + "```\n",
		"complaint-actions": wfActionTable(Complaint),
		"conduct-diagram":   "```mermaid\n" + wfMermaid(ConductMatter) + "```\n",
		"conduct-actions":   wfActionTable(ConductMatter),
		"dsi-diagram":       "```mermaid\n" + wfMermaid(DeathOrSeriousInjury) + "```\n",
		"dsi-actions":       wfActionTable(DeathOrSeriousInjury),
	}
}

// wfKindActions are the actions of kind k's machine, in table order, with
// From cut down to k's states.
func wfKindActions(k Kind) []Action {
	states := KindStates(k)
	var out []Action
	for _, a := range AllActions() {
		if !slices.Contains(a.Kinds, k) {
			continue
		}
		a.From = slices.DeleteFunc(a.From, func(s State) bool { return !slices.Contains(states, s) })
		out = append(out, a)
	}
	return out
}

// wfOpenStates are the states of k's machine that are not terminal, as the
// diagrams name them: Final counts as closed, since only the barred-list
// report leaves it.
func wfOpenStates(k Kind) []State {
	var s []State
	for _, st := range KindStates(k) {
		if !IsTerminal(Case{Kind: k, State: st}) && st != Final {
			s = append(s, st)
		}
	}
	return s
}

// wfFromGroup names a set of states too large to draw one arrow from each:
// "any open state", less those it leaves out. It returns "" for a set
// small enough to draw in full.
func wfFromGroup(k Kind, from []State) (id, label string) {
	if len(from) < 8 {
		return "", ""
	}
	var but []string
	for _, s := range wfOpenStates(k) {
		if !slices.Contains(from, s) {
			but = append(but, string(s))
		}
	}
	for _, s := range from {
		if !slices.Contains(wfOpenStates(k), s) {
			panic(fmt.Sprintf("%s: %s is in a large From set but is not open", k, s))
		}
	}
	if len(but) == 0 {
		return "AnyOpen", "any open state"
	}
	return "AnyOpenBut" + strings.Join(but, ""), "any open state but " + strings.Join(but, ", ")
}

// wfMermaid draws kind k's state machine as a mermaid state diagram. Each
// arrow is one action from one state, labelled with the action's name; an
// action open from nearly every state starts from one "any open state"
// box; resume, which returns a complaint to where it was suspended, points
// back at the box suspend came from.
func wfMermaid(k Kind) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	groups := map[string]string{}
	var lines []string
	var suspendGroup string
	for _, a := range wfKindActions(k) {
		id, label := wfFromGroup(k, a.From)
		if id != "" {
			groups[id] = label
			if a.Name == ActSuspend {
				suspendGroup = id
			}
		}
		to := string(a.To)
		if a.Name == ActResume {
			to = suspendGroup
		}
		// An action on one officer leaves the case where it is: a loop.
		if id != "" {
			if a.Stays {
				to = id
			}
			lines = append(lines, fmt.Sprintf("    %s --> %s : %s", id, to, a.Name))
			continue
		}
		for _, s := range a.From {
			if a.Stays {
				to = string(s)
			}
			lines = append(lines, fmt.Sprintf("    %s --> %s : %s", s, to, a.Name))
		}
	}
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "    state \"%s\" as %s\n", groups[id], id)
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", k.InitialState())
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	for _, s := range KindStates(k) {
		switch {
		case s == Final:
			fmt.Fprintf(&b, "    %s --> [*] : unless an officer was dismissed\n", s)
		case IsTerminal(Case{Kind: k, State: s}):
			fmt.Fprintf(&b, "    %s --> [*]\n", s)
		}
	}
	return b.String()
}

// wfActionTable lists kind k's actions as a markdown table: where each
// goes, who may take it, what it needs and the provision it follows.
func wfActionTable(k Kind) string {
	var b strings.Builder
	b.WriteString("| Action | From | To | Who may take it | Requires (optional) | Provision |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	code := func(xs []string) string {
		if len(xs) == 0 {
			return ""
		}
		return "`" + strings.Join(xs, "`, `") + "`"
	}
	for _, a := range wfKindActions(k) {
		from := make([]string, len(a.From))
		for i, s := range a.From {
			from[i] = string(s)
		}
		if _, label := wfFromGroup(k, a.From); label != "" {
			from = []string{label}
		}
		to := string(a.To)
		if a.Name == ActResume {
			to = "the state it was suspended from"
		}
		if a.Stays {
			to = "stays where it is"
		}
		needs := code(wfFieldNames(a.Requires))
		if len(a.Optional) > 0 {
			needs = strings.TrimSpace(needs + " (" + code(wfFieldNames(a.Optional)) + ")")
		}
		src := a.Source
		if len(a.RuleSets) > 0 {
			src += "; rule set " + strings.Join(a.RuleSets, ", ") + " only"
		}
		fmt.Fprintf(&b, "| `%s`: %s | %s | %s | %s | %s | %s |\n",
			a.Name, a.Title, strings.Join(from, ", "), to, strings.Join(a.Roles, ", "), needs, src)
	}
	return b.String()
}

func wfFieldNames(fs []Field) []string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return s
}

// wfSplice replaces the text between each pair of markers
// <!-- generated: NAME --> and <!-- end: NAME --> with blocks[NAME],
// reporting the names it did not find.
func wfSplice(doc string, blocks map[string]string) (string, []string) {
	var missing []string
	names := make([]string, 0, len(blocks))
	for n := range blocks {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		open, shut := "<!-- generated: "+n+" -->\n", "<!-- end: "+n+" -->"
		i := strings.Index(doc, open)
		j := strings.Index(doc, shut)
		if i < 0 || j < i {
			missing = append(missing, n)
			continue
		}
		doc = doc[:i+len(open)] + blocks[n] + doc[j:]
	}
	return doc, missing
}

func TestStatutoryProcessDocMatchesTheTable(t *testing.T) {
	raw, err := os.ReadFile(wfDocPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	want, missing := wfSplice(doc, wfDocBlocks())
	if len(missing) > 0 {
		t.Fatalf("%s has no generated block for %v", wfDocPath, missing)
	}
	if *wfUpdateDoc {
		if err := os.WriteFile(wfDocPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("the diagrams or action tables in %s no longer match the action table; redraw them with\n"+
			"  go test ./internal/cases -run TestStatutoryProcessDoc -update-doc\nand check the prose around them",
			filepath.Clean(wfDocPath))
	}
}

// TestTheConductKindsShareOneDiagram: the document draws one conduct
// diagram for conduct matters and recordable conduct matters, which is
// only honest while their machines are the same. DSI matters have their
// own.
func TestTheConductKindsShareOneDiagram(t *testing.T) {
	for _, k := range []Kind{RecordableConduct} {
		if wfMermaid(k) != wfMermaid(ConductMatter) || wfActionTable(k) != wfActionTable(ConductMatter) {
			t.Errorf("%s follows a different machine from %s: the document needs its own diagram", k, ConductMatter)
		}
	}
}

// TestEveryActionIsDrawn: each action of each machine appears in its
// diagram and its table, so a new action cannot be left out of the
// document.
func TestEveryActionIsDrawn(t *testing.T) {
	for _, k := range []Kind{Complaint, ConductMatter, DeathOrSeriousInjury} {
		d, tab := wfMermaid(k), wfActionTable(k)
		for _, a := range wfKindActions(k) {
			if !strings.Contains(d, " : "+string(a.Name)+"\n") || !strings.Contains(tab, "| `"+string(a.Name)+"`:") {
				t.Errorf("%s: %s is not drawn", k, a.Name)
			}
		}
		for _, s := range KindStates(k) {
			if !strings.Contains(d, " "+string(s)+" ") && !strings.Contains(d, " "+string(s)+"\n") {
				t.Errorf("%s: state %s is not drawn", k, s)
			}
		}
	}
}

// TestTheDocumentExplainsEveryStateAndAbbreviation: the prose must name
// every state of both machines, and the glossary every abbreviation the
// states, sources and pages use.
func TestTheDocumentExplainsEveryStateAndAbbreviation(t *testing.T) {
	raw, err := os.ReadFile(wfDocPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	gloss := doc[strings.Index(doc, "## Glossary"):]
	for _, k := range []Kind{Complaint, ConductMatter, DeathOrSeriousInjury} {
		for _, s := range KindStates(k) {
			if !strings.Contains(doc, "| `"+string(s)+"` |") {
				t.Errorf("no row explains state %s", s)
			}
		}
	}
	for _, abbr := range []string{"Sch3", "C&M", "CR", "PAT", "RPRP", "NFA", "IOPC", "PSD", "AA", "LPB", "DSI",
		"PRI", "ECHR", "SI", "Reg17", "BCU", "CCU", "EIS"} {
		if !strings.Contains(gloss, "| "+abbr+" |") {
			t.Errorf("the glossary does not expand %s", abbr)
		}
	}
}
