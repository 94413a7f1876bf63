package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/people"
)

// Category shares of complaint allegations, from the IOPC's national
// figures for 2023/24: 53% delivery of duties, 21% powers, 13% individual
// behaviours, 3% discrimination, and the remaining tenth spread over the
// smaller categories.
var complaintMix = []wt{
	{"delivery-of-duties", 53}, {"powers-policies-procedures", 21}, {"individual-behaviours", 13},
	{"discriminatory-behaviour", 3}, {"abuse-of-position", 2.5}, {"sexual-conduct", 1.5}, {"domestic-abuse", 1},
	{"property-premises", 2.5}, {"information-access-disclosure", 2.5},
}

// Conduct matters are raised inside the force, so they lean towards what
// colleagues and audits see rather than what the public complains about.
var conductMix = []wt{
	{"delivery-of-duties", 36}, {"powers-policies-procedures", 19}, {"individual-behaviours", 12},
	{"discriminatory-behaviour", 5}, {"abuse-of-position", 8}, {"sexual-conduct", 7}, {"domestic-abuse", 4},
	{"property-premises", 3}, {"information-access-disclosure", 6},
}

// Recordable conduct matters are the serious ones: possible crimes and
// abuses of position.
var recordableMix = []wt{
	{"abuse-of-position", 25}, {"sexual-conduct", 20}, {"powers-policies-procedures", 20}, {"domestic-abuse", 10},
	{"information-access-disclosure", 10}, {"discriminatory-behaviour", 10}, {"delivery-of-duties", 5},
}

// Sub-category shares within each category. Discrimination follows the
// national split (half race, then disability, then sex).
var subMix = map[string][]wt{
	"delivery-of-duties": {{"police-action-following-contact", 40}, {"decisions", 20}, {"information", 15},
		{"general-level-of-service", 25}},
	"powers-policies-procedures": {{"searches-of-premises", 10}, {"other-policies", 15}, {"out-of-court-disposals", 4},
		{"police-vehicles", 6}, {"arrest", 22}, {"stop-and-search", 13}, {"detention-in-custody", 12}, {"use-of-force", 18}},
	"individual-behaviours": {{"impolite-language", 25}, {"impolite-intolerant-actions", 15},
		{"unprofessional-attitude", 35}, {"lack-of-fairness", 17}, {"overbearing-harassing", 8}},
	"discriminatory-behaviour": {{"race", 50}, {"disability", 18}, {"sex", 14}, {"age", 5}, {"religion-belief", 5},
		{"sexual-orientation", 4}, {"gender-reassignment", 2}, {"pregnancy-maternity", 1}, {"marriage-civil-partnership", 1}},
	"abuse-of-position": {{"sexual-purpose", 35}, {"improper-relationship", 20}, {"corruption-other", 45}},
	"sexual-conduct":    {{"sexual-assault", 20}, {"sexual-harassment", 55}, {"other-sexual-conduct", 25}},
}

// DSI matters arise from contact with the police that ended in death or
// serious injury: restraint, custody, pursuits.
var dsiMix = []wt{
	{"powers-policies-procedures/use-of-force", 40}, {"powers-policies-procedures/detention-in-custody", 30},
	{"powers-policies-procedures/police-vehicles", 20}, {"delivery-of-duties/police-action-following-contact", 10},
}

// nameRate is how often a complaint allegation of a category names an
// officer. Most complaints about service are about the force, not a
// person, so most allegations name nobody; those about conduct towards the
// complainant usually name someone.
var nameRate = map[string]float64{
	"delivery-of-duties": 0.05, "powers-policies-procedures": 0.19, "individual-behaviours": 0.28,
	"discriminatory-behaviour": 0.3, "abuse-of-position": 0.75, "sexual-conduct": 0.75, "domestic-abuse": 0.8,
	"property-premises": 0.1, "information-access-disclosure": 0.35,
}

// Standards of professional behaviour a conduct allegation of a category
// usually engages; the first is always named, the second sometimes.
var standardsFor = map[string][]string{
	"delivery-of-duties":            {"duties-responsibilities", "orders-instructions"},
	"powers-policies-procedures":    {"duties-responsibilities", "authority-respect-courtesy"},
	"individual-behaviours":         {"authority-respect-courtesy", "discreditable-conduct"},
	"discriminatory-behaviour":      {"equality-diversity", "authority-respect-courtesy"},
	"abuse-of-position":             {"honesty-integrity", "discreditable-conduct"},
	"sexual-conduct":                {"discreditable-conduct", "authority-respect-courtesy"},
	"domestic-abuse":                {"discreditable-conduct", "honesty-integrity"},
	"property-premises":             {"duties-responsibilities", "honesty-integrity"},
	"information-access-disclosure": {"confidentiality", "honesty-integrity"},
}

type catSub struct{ cat, sub string }

// flagTheme is the generator's own name for allegations of domestic
// abuse. It draws texts, standards and officers like a category, but
// Probity records domestic abuse as a flag beside the category (asFlag).
const flagTheme = "domestic-abuse"

// asFlag turns the domestic abuse theme into what Probity records: the
// flag, beside a national category for a complaint (overbearing or
// harassing behaviour, the nearest), and beside none for a conduct
// matter, which its standards classify.
func asFlag(a *cases.Allegation, kind cases.Kind) {
	if a.Category != flagTheme {
		return
	}
	a.DomesticAbuse = true
	a.Category, a.Subcategory = "", ""
	if !kind.ClassifiedByStandards() {
		a.Category, a.Subcategory = "individual-behaviours", "overbearing-harassing"
	}
}

func (cs catSub) key() string {
	if cs.sub == "" {
		return cs.cat
	}
	return cs.cat + "/" + cs.sub
}

// theme says which themed repeat officers an allegation draws to it:
// "sexual" for sexual misconduct, abuse of position for a sexual purpose
// and domestic abuse; "discrimination" for discriminatory behaviour.
func (cs catSub) theme() string {
	switch {
	case cs.cat == "sexual-conduct", cs.cat == "domestic-abuse",
		cs.cat == "abuse-of-position" && cs.sub != "corruption-other":
		return "sexual"
	case cs.cat == "discriminatory-behaviour":
		return "discrimination"
	}
	return ""
}

func (g *gen) drawCategory(mix []wt) catSub {
	cat := g.pick(mix)
	return catSub{cat, g.pickSub(cat)}
}

func (g *gen) pickSub(cat string) string {
	if m, ok := subMix[cat]; ok {
		return g.pick(m)
	}
	return ""
}

// categories draws n different allegation categories. A later allegation
// often repeats the category of the one before with another sub-category
// (a complaint about a search often also questions the arrest); since the
// first is drawn from mix, repeating keeps each category's share close to
// mix.
func (g *gen) categories(n int, mix []wt) []catSub {
	out := []catSub{g.drawCategory(mix)}
	for tries := 0; len(out) < n && tries < 50; tries++ {
		next := g.drawCategory(mix)
		if prev := out[len(out)-1]; g.chance(0.4) {
			next = catSub{prev.cat, g.pickSub(prev.cat)}
		}
		if !slices.Contains(out, next) {
			out = append(out, next)
		}
	}
	return out
}

type pending struct {
	at   time.Time
	kind cases.Kind
}

func (g *gen) cases() {
	var ps []pending
	for range g.opt.ComplaintsPerYear * g.opt.Years {
		ps = append(ps, pending{g.receivedAt(0.85), cases.Complaint})
	}
	for range g.opt.ConductPerYear * g.opt.Years {
		k := cases.ConductMatter
		switch x := g.r.Float64(); {
		case x < 0.03:
			k = cases.DeathOrSeriousInjury
		case x < 0.09:
			k = cases.RecordableConduct
		}
		ps = append(ps, pending{g.receivedAt(0.95), k})
	}
	// In order of receipt, so that seeding hands out references in date
	// order, and so that an officer dismissed by one case cannot be named
	// in a later one for something they did after leaving.
	slices.SortStableFunc(ps, func(a, b pending) int { return a.at.Compare(b.at) })
	// Two cases received in the same second would be listed in the order
	// of their random store ids, which differ on every seeding; a second
	// apart, every list ordered by receipt is the same on every run. The
	// earlier one moves back, so no case lands after the data's date.
	for i := len(ps) - 2; i >= 0; i-- {
		if !ps[i].at.Before(ps[i+1].at) {
			ps[i].at = ps[i+1].at.Add(-time.Second)
		}
	}
	for _, p := range ps {
		c := g.newCase(p)
		g.ds.Cases = append(g.ds.Cases, c)
	}
}

// Complaints are made on any day but mostly logged on working days, and a
// little more often each year.
var weekdayWeight = [7]float64{0.4, 1, 0.97, 0.95, 0.93, 0.88, 0.45} // Sunday first

const yearlyGrowth = 0.04

func (g *gen) receivedAt(officeHours float64) time.Time {
	span := g.now.Sub(g.start)
	growth := yearlyGrowth * float64(g.opt.Years)
	for {
		f := g.r.Float64()
		if !g.chance((1 + growth*f) / (1 + growth)) {
			continue
		}
		d := day(g.start.Add(time.Duration(f * float64(span))))
		if !g.chance(weekdayWeight[d.Weekday()]) {
			continue
		}
		var tod time.Duration
		if g.chance(officeHours) {
			tod = 8*time.Hour + time.Duration(g.r.Int64N(int64(10*time.Hour)))
		} else {
			tod = time.Duration(g.r.Int64N(int64(24 * time.Hour)))
		}
		t := d.Add(tod).Truncate(time.Second)
		if t.After(g.now) || !t.After(g.start) {
			continue
		}
		return t
	}
}

// aroseBefore says how long before receipt the matter arose: most
// complaints within days, some after weeks, a few historical.
func (g *gen) aroseBefore(received time.Time, kind cases.Kind) time.Time {
	var days float64
	switch x := g.r.Float64(); {
	case kind == cases.DeathOrSeriousInjury:
		days = g.uniform(0, 2)
	case x < 0.35:
		days = g.uniform(0, 4)
	case x < 0.65:
		days = g.uniform(4, 15)
	case x < 0.95:
		days = g.uniform(15, 60)
	default:
		days = g.uniform(60, 400)
	}
	return day(received.Add(-time.Duration(days * 24 * float64(time.Hour))))
}

func (g *gen) newCase(p pending) Case {
	c := cases.Case{Kind: p.kind, ForceID: forceKey, ReceivedAt: p.at}
	c.AroseOn = g.aroseBefore(p.at, p.kind)
	incident, place := oneOf(g, incidents), oneOf(g, places)
	var cats []catSub
	switch p.kind {
	case cases.Complaint:
		cats = g.categories(g.count(65, 25, 10), complaintMix)
	case cases.ConductMatter:
		cats = g.categories(g.count(75, 20, 5), conductMix)
	case cases.RecordableConduct:
		cats = g.categories(g.count(70, 25, 5), recordableMix)
	case cases.DeathOrSeriousInjury:
		cat, sub, _ := strings.Cut(g.pick(dsiMix), "/")
		cats = []catSub{{cat, sub}}
	}
	unit := -1
	if p.kind == cases.Complaint {
		unit = g.complaintSubjects(&c, cats, incident, place)
	} else {
		unit = g.conductSubjects(&c, cats, oneOf(g, conductIncidents), place)
	}
	c.UnitID = unitKey(unit)
	g.parties(&c, unit)
	// Allegations carry dataset keys so that the workflow's findings can
	// name them; Seed maps them to the ids the store gives.
	for k := range c.Allegations {
		c.Allegations[k].ID = allegationKey(len(g.ds.Cases), k)
	}
	c.Restricted = g.restricted(&c, cats)
	c.Prepare(g.ref, g.now)

	serious := slices.ContainsFunc(cats, func(cs catSub) bool {
		return cs.theme() != "" || cs.sub == "use-of-force" || cs.sub == "corruption-other"
	})
	// A mandatory referral ground outweighs a voluntary one.
	ground := ""
	for _, cs := range cats {
		if gr := referralGround(cs); gr != "" && (ground == "" || ground == "voluntary") {
			ground = gr
		}
	}
	// Probity runs no action on a matter under the 2012 regulations, so a
	// decade of history would hold only open cases before February 2020.
	// Such a case is driven through the process under the rules that
	// followed, as the nearest Probity encodes, and then stored under the
	// 2012 rule set it belongs to, read-only like an imported one.
	legacy := c.RuleSet == cases.RuleSet2012
	if legacy {
		c.RuleSet = g.ref.RuleSetFor(g.now).Code
	}
	d := g.newDrive(&c)
	switch p.kind {
	case cases.Complaint:
		g.complaintRoute(d, serious, ground)
	case cases.DeathOrSeriousInjury:
		g.dsiRoute(d)
	default:
		g.conductRoute(d, p.kind, cats[0].cat, serious, ground)
	}
	g.leaveAfter(d)
	if legacy {
		c.RuleSet = cases.RuleSet2012
	}
	g.nextDue(&c, d.events)
	return Case{Case: c, Events: d.events}
}

// leaveAfter records that the officers a case dismissed, or who left
// while it was under way, left the service then, so that no later case
// names them for something done after they went.
func (g *gen) leaveAfter(d *drive) {
	for _, s := range d.subjects() {
		if at, ok := d.dismissed[s.OfficerID]; ok && s.Outcome == string(cases.SanctionDismissal) {
			g.leave(officerIndex(s.OfficerID), at)
		}
	}
	for o, at := range d.leftEarly { // one entry at most: order does not matter
		g.leave(officerIndex(o), maxTime(at, d.c.ReceivedAt))
	}
}

// nextDue keeps the case's earliest open deadline on it, as the API does
// after every action, worked out at now from the timeline the store will
// hold: the "recorded" entry CreateCase makes, then the events.
func (g *gen) nextDue(c *cases.Case, events []cases.Event) {
	history := make([]cases.Event, 0, len(events)+1)
	history = append(history, recordedEvent(*c))
	history = append(history, events...)
	if err := c.SetNextDue(history, g.cal, g.now); err != nil {
		panic(fmt.Sprintf("demo: deadlines: %v", err))
	}
}

// recordedEvent is the entry CreateCase opens a timeline with: the seed
// records each case in its kind's initial state at its receipt, and its
// events move it on from there.
func recordedEvent(c cases.Case) cases.Event {
	c.State = c.Kind.InitialState()
	return cases.RecordedEvent(c, c.ReceivedAt, Actor)
}

// count draws 1, 2 or 3 with the given weights.
func (g *gen) count(one, two, three float64) int {
	switch g.pick([]wt{{"1", one}, {"2", two}, {"3", three}}) {
	case "1":
		return 1
	case "2":
		return 2
	}
	return 3
}

// complaintSubjects fills a complaint's allegations and returns the unit
// that owns it: where the complaint came from, chosen by how much contact
// with the public each unit has.
func (g *gen) complaintSubjects(c *cases.Case, cats []catSub, incident, place string) int {
	unit := g.weightedIndex(g.unitW)
	primary := -1
	var named []string
	for _, cs := range cats {
		a := g.allegation(c, cs, complaintText, incident, place)
		asFlag(&a, c.Kind)
		if g.chance(nameRate[cs.cat]) {
			subj := -1
			if primary >= 0 && g.chance(0.85) {
				subj = primary
			} else {
				subj = g.pickSubject(unit, c.AroseOn, cs, 1, primary)
			}
			if subj >= 0 {
				if primary < 0 {
					primary = subj
				}
				g.name(&a, subj)
				if g.chance(0.06) {
					if second := g.pickSubject(unit, c.AroseOn, cs, 1, subj); second >= 0 {
						g.name(&a, second)
					}
				}
			}
		}
		c.Allegations = append(c.Allegations, a)
		named = append(named, subName(g.tax, cs))
	}
	c.Summary = c.Allegations[0].Description + further(named)
	return unit
}

// conductSubjects fills a conduct matter's allegations; the case belongs
// to the unit of the officer it is about.
func (g *gen) conductSubjects(c *cases.Case, cats []catSub, incident, place string) int {
	primary := g.pickSubject(-1, c.AroseOn, cats[0], 0.5, -1)
	// A force too small to have anyone serving on the day (only possible
	// with tiny options) leaves the matter with professional standards
	// and no named officer.
	unit := unitIndex("PSD")
	if primary >= 0 {
		at, _ := g.postingAt(primary, c.AroseOn)
		unit = at.unit
	}
	var named []string
	var lead string
	for k, cs := range cats {
		var a cases.Allegation
		if c.Kind == cases.DeathOrSeriousInjury {
			a = cases.Allegation{Category: cs.cat, Subcategory: cs.sub, Description: dsiAllegation[cs.sub]}
			a.Standards = []string{standardsFor[cs.cat][0]}
			if cs.sub == "use-of-force" {
				a.Standards = []string{"use-of-force"}
			}
		} else {
			line := g.conductLine(cs)
			clause := fill(line.text, incident, place)
			if cs.cat == "discriminatory-behaviour" {
				clause += ", relating to " + strings.ToLower(subName(g.tax, cs))
			}
			if k == 0 {
				lead = clause
			}
			a = cases.Allegation{Category: cs.cat, Subcategory: cs.sub, Description: "It is alleged that " + clause + "."}
			a.Standards = slices.Clone(line.standards)
		}
		asFlag(&a, c.Kind)
		occurred := c.AroseOn
		a.OccurredOn = &occurred
		subj := primary
		if k > 0 && g.chance(0.1) {
			if other := g.pickSubject(unit, c.AroseOn, cs, 0.5, primary); other >= 0 {
				subj = other
			}
		}
		if subj < 0 {
			c.Allegations = append(c.Allegations, a)
			named = append(named, subName(g.tax, cs))
			continue
		}
		g.name(&a, subj)
		if g.chance(0.08) {
			if second := g.pickSubject(unit, c.AroseOn, cs, 0.5, subj); second >= 0 {
				g.name(&a, second)
			}
		}
		c.Allegations = append(c.Allegations, a)
		named = append(named, subName(g.tax, cs))
	}
	if c.Kind == cases.DeathOrSeriousInjury {
		c.Summary = fill(oneOf(g, dsiText), incident, place) + " Referred to the IOPC as a death or serious injury matter."
	} else {
		src := conductSources[cats[0].cat]
		if src == nil {
			src = conductSources[""]
		}
		c.Summary = oneOf(g, src) + " reported that " + lead + "." + further(named)
	}
	return unit
}

var dsiAllegation = map[string]string{
	"use-of-force":                    "The force used by the officer during the restraint is being examined.",
	"detention-in-custody":            "The care given to the detained person by the officer is being examined.",
	"police-vehicles":                 "The officer's driving and the decision to pursue are being examined.",
	"police-action-following-contact": "The officer's response to the call before the incident is being examined.",
}

func (g *gen) allegation(c *cases.Case, cs catSub, texts map[string][]string, incident, place string) cases.Allegation {
	t, ok := texts[cs.key()]
	if !ok {
		t = texts[cs.cat]
	}
	occurred := c.AroseOn
	return cases.Allegation{Category: cs.cat, Subcategory: cs.sub, OccurredOn: &occurred,
		Description: fill(oneOf(g, t), incident, place)}
}

type conductLine struct {
	text      string
	standards []string
}

// conductLine picks what an officer is alleged to have done, with the
// standards that engages: the category's usual ones, or fitness for work
// when the text says so.
func (g *gen) conductLine(cs catSub) conductLine {
	t, ok := conductText[cs.key()]
	if !ok {
		t = conductText[cs.cat]
	}
	text := oneOf(g, t)
	std := standardsFor[cs.cat]
	out := conductLine{text: text, standards: []string{std[0]}}
	switch {
	case strings.Contains(text, "unfit"):
		out.standards = []string{"fitness-for-work"}
	case cs.sub == "use-of-force" || strings.Contains(text, "Taser") || strings.Contains(text, "struck"):
		out.standards = []string{"use-of-force", "authority-respect-courtesy"}
	case g.chance(0.35):
		out.standards = append(out.standards, std[1])
	}
	if strings.Contains(text, "falsified") && !slices.Contains(out.standards, "honesty-integrity") {
		out.standards = append(out.standards, "honesty-integrity")
	}
	return out
}

func subName(tax cases.Taxonomy, cs catSub) string {
	if cs.cat == flagTheme {
		return "Domestic abuse"
	}
	cat, _ := tax.Category(cs.cat)
	if sub, ok := cat.Subcategory(cs.sub); ok {
		return sub.Name
	}
	return cat.Name
}

func further(names []string) string {
	if len(names) < 2 {
		return ""
	}
	rest := make([]string, 0, len(names)-1)
	for _, n := range names[1:] {
		rest = append(rest, strings.ToLower(n))
	}
	return " Further allegations: " + strings.Join(rest, "; ") + "."
}

// Subjects.

// name makes officer i a subject of a.
func (g *gen) name(a *cases.Allegation, i int) {
	a.Subjects = append(a.Subjects, cases.Subject{OfficerID: officerKey(i)})
	g.alleged[i]++
}

// pickSubject chooses an officer serving on d for an allegation of kind
// cs: from unit when it is given and (mostly) for complaints, otherwise
// from the whole force with each unit's public contact counted at the
// given power (conduct matters depend less on public contact). exclude is
// an officer not to choose, or -1.
func (g *gen) pickSubject(unit int, d time.Time, cs catSub, exposurePow float64, exclude int) int {
	if unit >= 0 && (exposurePow < 1 || g.chance(0.85)) {
		if i := g.weightedOfficer(g.members[unit], unit, d, cs, exposurePow, exclude); i >= 0 {
			return i
		}
	}
	// Choosing a unit first and then an officer in it avoids weighing
	// every officer in the force for every pick, which is most of the
	// generator's time. Themed allegations still weigh everyone, so that
	// they find the officers whose theme they match wherever they serve.
	if cs.theme() == "" {
		ws := g.unitW
		if exposurePow < 1 {
			ws = g.unitWInside
		}
		u := g.weightedIndex(ws)
		if i := g.weightedOfficer(g.members[u], u, d, cs, exposurePow, exclude); i >= 0 {
			return i
		}
	}
	return g.weightedOfficer(nil, -1, d, cs, exposurePow, exclude)
}

// weightedOfficer picks among cands (every officer when nil) serving on d,
// in unit when unit >= 0, weighted by their propensity.
func (g *gen) weightedOfficer(cands []int, unit int, d time.Time, cs catSub, exposurePow float64, exclude int) int {
	n := len(cands)
	if cands == nil {
		n = len(g.ds.Officers)
	}
	total := 0.0
	if cap(g.weights) < n {
		g.weights = make([]float64, n)
	}
	weights := g.weights[:n]
	clear(weights)
	for k := range n {
		i := k
		if cands != nil {
			i = cands[k]
		}
		if i == exclude {
			continue
		}
		p, ok := g.postingAt(i, d)
		if !ok || (unit >= 0 && p.unit != unit) {
			continue
		}
		t := g.trait[i]
		exposure := unitSpecs[p.unit].exposure
		switch exposurePow {
		case 1:
		case 0.5:
			exposure = math.Sqrt(exposure)
		default:
			exposure = math.Pow(exposure, exposurePow)
		}
		w := t.propensity * rankFactor(p.rank) * exposure
		if t.repeat {
			w *= repeatWeight
		}
		if th := cs.theme(); th != "" && t.theme == th {
			w *= themeWeight
		}
		// Officers with many allegations become less likely to attract
		// more: in life they are moved, supervised, suspended or dismissed,
		// which keeps even the worst records to a dozen or so allegations
		// over five years.
		if n := float64(g.alleged[i]); n > 0 {
			w /= 1 + math.Pow(n/9, 3)
		}
		weights[k] = w
		total += w
	}
	if total == 0 {
		return -1
	}
	k := g.weightedIndex(weights)
	if cands != nil {
		return cands[k]
	}
	return k
}

// How much more often a repeat officer is named than a colleague of the
// same rank and unit, and how much more again for allegations of their
// theme.
const (
	repeatWeight = 8
	themeWeight  = 12
)

func (g *gen) weightedIndex(ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	x := g.r.Float64() * total
	last := 0
	for i, w := range ws {
		if w <= 0 {
			continue
		}
		last = i
		x -= w
		if x < 0 {
			return i
		}
	}
	return last
}

// Parties.

func (g *gen) parties(c *cases.Case, unit int) {
	switch c.Kind {
	case cases.Complaint:
		// A few people complain more than once.
		var who int
		if len(g.complainants) > 20 && g.chance(0.04) {
			who = oneOf(g, g.complainants)
		} else {
			who = g.newPerson(c.ReceivedAt)
			g.complainants = append(g.complainants, who)
		}
		c.Parties = append(c.Parties, cases.Party{Role: cases.RoleComplainant, PersonID: personKey(who)})
		if g.chance(0.06) {
			c.Parties = append(c.Parties, cases.Party{Role: cases.RoleAffectedPerson, PersonID: personKey(g.newPerson(c.ReceivedAt))})
		}
		if g.chance(0.03) {
			c.Parties = append(c.Parties, cases.Party{Role: cases.RoleWitness, PersonID: personKey(g.newPerson(c.ReceivedAt))})
		}
	case cases.DeathOrSeriousInjury:
		if g.chance(0.6) {
			c.Parties = append(c.Parties, cases.Party{Role: cases.RoleAffectedPerson, PersonID: personKey(g.newPerson(c.ReceivedAt))})
		}
	default:
		// A colleague who reported the matter or saw it.
		if !g.chance(0.4) {
			return
		}
		var subjects []int
		for _, a := range c.Allegations {
			for _, s := range a.Subjects {
				subjects = append(subjects, officerIndex(s.OfficerID))
			}
		}
		var cands []int
		for _, i := range g.members[unit] {
			if p, ok := g.postingAt(i, c.AroseOn); ok && p.unit == unit && !slices.Contains(subjects, i) {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			return
		}
		role := cases.RoleComplainant
		if g.chance(0.4) {
			role = cases.RoleWitness
		}
		c.Parties = append(c.Parties, cases.Party{Role: role, OfficerID: officerKey(oneOf(g, cands))})
	}
}

func officerIndex(key string) int {
	var n int
	if _, err := fmt.Sscanf(key, "demo-officer-%d", &n); err != nil {
		panic("demo: bad officer key " + key)
	}
	return n - 1
}

// newPerson invents a member of the public. Email addresses are at
// example.org and phone numbers in Ofcom's 07700 900xxx range reserved for
// drama, so nothing here can reach a real person.
func (g *gen) newPerson(at time.Time) int {
	pool := g.pool(publicPools)
	family := pool
	if g.chance(0.1) {
		family = g.pool(publicPools)
	}
	given := g.given(pool, g.chance(0.5))
	fam := oneOf(g, family.family)
	p := people.Person{ID: personKey(len(g.ds.People)), Name: given + " " + fam, CreatedAt: at}
	if g.chance(0.6) {
		gl, fl := emailLocal(given), emailLocal(fam)
		var local string
		switch g.r.IntN(4) {
		case 0:
			local = gl + "." + fl
		case 1:
			local = gl + fl
		case 2:
			local = gl[:1] + "." + fl
		default:
			local = gl + "_" + fl
		}
		if g.chance(0.4) {
			local += fmt.Sprintf("%02d", g.r.IntN(100))
		}
		p.Email = local + "@example.org"
	}
	if g.chance(0.65) {
		p.Phone = fmt.Sprintf("07700 900%03d", g.r.IntN(1000))
	}
	if g.chance(0.45) {
		p.Address = fmt.Sprintf("%d %s %s, %s", 1+g.r.IntN(180), oneOf(g, streetNames), oneOf(g, streetKinds), oneOf(g, districts))
	}
	g.ds.People = append(g.ds.People, p)
	return len(g.ds.People) - 1
}

// restricted marks the cases that only named users may see: those about
// chief superintendents and above, those about the force's own
// professional standards and counter-corruption officers, and internal
// corruption matters.
func (g *gen) restricted(c *cases.Case, cats []catSub) bool {
	for _, a := range c.Allegations {
		for _, s := range a.Subjects {
			p, ok := g.postingAt(officerIndex(s.OfficerID), c.AroseOn)
			if !ok {
				continue
			}
			if p.rank.Seniority() >= officers.Rank("chief superintendent").Seniority() ||
				unitSpecs[p.unit].code == "PSD" || unitSpecs[p.unit].code == "CCU" {
				return true
			}
		}
	}
	return c.Kind != cases.Complaint && slices.ContainsFunc(cats, func(cs catSub) bool {
		return cs.sub == "corruption-other" || cs.sub == "improper-relationship"
	})
}
