// Package demo makes a synthetic but realistic police force for the
// `probity demo` command and for tests and benchmarks that need volume:
// units, officers with their posting history, members of the public, and
// five years of complaints and conduct matters whose categories, states,
// findings and per-officer concentration follow published national
// patterns. Everything is invented; nothing is drawn from real records.
//
// Generate is pure and deterministic: the same seed and clock give the same
// dataset, so a demo, a test failure or a benchmark can be reproduced. Seed
// writes a dataset to a store.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/people"
)

// GenerateOptions sizes a dataset. The zero value of a field means its
// default.
type GenerateOptions struct {
	Officers          int // serving officers and staff, plus those who left during the period
	ComplaintsPerYear int
	ConductPerYear    int // conduct matters, recordable conduct matters and DSI matters together
	Years             int // how far back from now the cases go
	// The force's code and name: the demo force's when empty. A national
	// dataset is one generated force per real force.
	ForceCode, ForceName string
}

// DefaultOptions is the size of the demo force: a mid-sized force whose
// complaint rate per officer is close to the national one.
func DefaultOptions() GenerateOptions {
	return GenerateOptions{Officers: 2400, ComplaintsPerYear: 1200, ConductPerYear: 150, Years: 5}
}

// Scaled is the default force resized to the given number of officers,
// with cases in proportion, so a smaller or larger demo keeps the same
// rates per officer.
func Scaled(officers int) GenerateOptions {
	d := DefaultOptions()
	return GenerateOptions{Officers: officers, ComplaintsPerYear: max(1, d.ComplaintsPerYear*officers/d.Officers),
		ConductPerYear: max(1, d.ConductPerYear*officers/d.Officers), Years: d.Years}
}

func (o GenerateOptions) withDefaults() GenerateOptions {
	d := DefaultOptions()
	if o.Officers <= 0 {
		o.Officers = d.Officers
	}
	if o.ComplaintsPerYear <= 0 {
		o.ComplaintsPerYear = d.ComplaintsPerYear
	}
	if o.ConductPerYear <= 0 {
		o.ConductPerYear = d.ConductPerYear
	}
	if o.Years <= 0 {
		o.Years = d.Years
	}
	if o.ForceCode == "" {
		o.ForceCode, o.ForceName = "DEMO", "Demo Metropolitan Police"
	}
	return o
}

// Dataset is a generated force, ready to seed.
//
// Records refer to each other by dataset keys ("demo-officer-0042"), not by
// store identifiers. Seed gives every record a fresh id.New() identifier,
// handing a sorted batch out in dataset order, and maps the keys. Deriving identifiers from the seed instead would make
// them predictable to anyone who knows the (published) seed, against the
// reason identifiers are random, and two databases seeded with the same
// seed would share identifiers, which would collide as soon as data from
// them is combined. Keys contain '-' so they can never pass id.Valid and be
// mistaken for stored identifiers.
type Dataset struct {
	Seed     int64
	Now      time.Time
	Options  GenerateOptions
	Force    officers.Force
	Units    []officers.Unit
	Officers []Officer
	People   []people.Person
	Cases    []Case
}

// Officer is an officer with the postings that make up their history.
// Postings are in date order: the first starts on JoinedOn, and the last is
// the current one, matching the officer's UnitID and Rank.
type Officer struct {
	officers.Officer
	Postings []officers.Posting
}

// Case is a case as it stands at Now, validated and prepared against the
// embedded reference data: its state, its subjects' severities, findings
// and outcomes, and its next deadline are what the workflow made of it.
// Events is its timeline after the "recorded" entry the store opens it
// with: the state changes cases.Apply returned and the steps
// cases.RecordStep returned, in order. Seed records the case in its kind's
// initial state at ReceivedAt and stores the events one by one.
//
// Findings in the events name allegations and officers by dataset key,
// as the case does.
type Case struct {
	cases.Case
	Events []cases.Event
}

// Actor names who the demo timelines say acted: the demo has no user
// accounts when it is seeded, so nobody in particular. Each action was
// still taken in a role the workflow lets take it.
const Actor = "system"

const forceKey = "demo-force"

func unitKey(i int) string    { return fmt.Sprintf("demo-unit-%02d", i+1) }
func officerKey(i int) string { return fmt.Sprintf("demo-officer-%04d", i+1) }
func personKey(i int) string  { return fmt.Sprintf("demo-person-%05d", i+1) }

// allegationKey names allegation k of case i.
func allegationKey(i, k int) string { return fmt.Sprintf("demo-allegation-%05d-%d", i+1, k+1) }

// DefaultSeed is the seed `probity demo` uses when given none.
const DefaultSeed = 1

// DataAsOf is the moment the demo's data stands at: `probity demo`
// generates every seed's force with cases up to it, seeds it as of then and
// runs early intervention as of then. A fixed moment, rather than the day
// the demo starts, is what lets a seed name a case for good: references
// carry the year of receipt and are handed out in order of receipt, so
// data generated back from a moving "now" would renumber its cases as the
// window crossed each new year, and which cases are open, their deadlines
// and the flags raised would all drift from day to day. Only what the
// application works out against its own clock when a page is shown (days
// left, overdue) moves on as time passes.
func DataAsOf() time.Time { return time.Date(2026, time.November, 30, 17, 0, 0, 0, time.UTC) }

// Generate makes the default-sized demo force with cases up to now.
func Generate(seed int64, now time.Time) *Dataset {
	return GenerateWith(seed, now, DefaultOptions())
}

// GenerateWith makes a force of the given size.
func GenerateWith(seed int64, now time.Time, opt GenerateOptions) *Dataset {
	ref, err := cases.LoadReference()
	if err != nil {
		// The reference data is embedded in the binary and checked by the
		// cases tests; failing to parse it is a build defect, not a runtime
		// condition a caller could handle.
		panic(fmt.Sprintf("demo: embedded reference data: %v", err))
	}
	cal, err := cases.LoadCalendar()
	if err != nil {
		panic(fmt.Sprintf("demo: embedded bank-holiday calendar: %v", err))
	}
	opt = opt.withDefaults()
	// UTC also drops the monotonic clock reading, which would otherwise
	// make two equal datasets compare unequal.
	now = now.UTC()
	g := &gen{
		r:     rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		now:   now,
		start: now.AddDate(-opt.Years, 0, 0),
		opt:   opt,
		ref:   ref,
		cal:   cal,
		roles: actionRoles(),
		tax:   ref.TaxonomyAt(now),
		ds: &Dataset{Seed: seed, Now: now, Options: opt,
			Force: officers.Force{ID: forceKey, Code: opt.ForceCode, Name: opt.ForceName}},
	}
	g.units()
	g.officers()
	g.repeatOfficers()
	g.cases()
	return g.ds
}

// gen carries the state of one generation run. Everything random comes
// from r, and nothing iterates over a map, so a run is reproducible.
type gen struct {
	r     *rand.Rand
	now   time.Time
	start time.Time
	opt   GenerateOptions
	ref   *cases.Reference
	cal   *cases.Calendar
	roles map[cases.ActionName][]string // the role each action is taken in
	tax   cases.Taxonomy
	ds    *Dataset

	trait       []trait   // per officer
	alleged     []int     // per officer: allegations naming them so far
	weights     []float64 // scratch space for weighted choices
	post        [][]post  // per officer, parallel to Dataset.Officers[i].Postings
	members     [][]int   // per unit: officers ever posted there
	unitW       []float64 // per unit: weight as the source of complaints
	unitWInside []float64 // per unit: weight as the source of conduct matters

	complainants []int // people who have complained, for repeat complainants
}

// actionRoles gives each action the first role the action table lets take
// it: the handler where handlers may, else the appropriate authority, else
// the investigator.
func actionRoles() map[cases.ActionName][]string {
	m := map[cases.ActionName][]string{}
	for _, a := range cases.AllActions() {
		m[a.Name] = a.Roles[:1]
	}
	return m
}

type trait struct {
	propensity float64 // how often this officer attracts allegations, all else equal
	repeat     bool
	theme      string // "sexual" or "discrimination": the kind of allegation a repeat officer attracts
}

type post struct {
	unit int
	rank officers.Rank
	from time.Time
}

// Units.

type unitSpec struct {
	code, name string
	size       float64 // relative number of officers posted there
	exposure   float64 // relative rate of complaints per officer there: contact with the public
	bcu        bool
}

var unitSpecs = []unitSpec{
	{"BCU-CN", "Central North BCU", 100, 1, true},
	{"BCU-CS", "Central South BCU", 100, 1, true},
	{"BCU-CE", "Central East BCU", 100, 1, true},
	{"BCU-CW", "Central West BCU", 100, 1, true},
	{"BCU-N", "North BCU", 100, 1, true},
	{"BCU-NE", "North East BCU", 100, 1, true},
	{"BCU-NW", "North West BCU", 100, 1, true},
	{"BCU-E", "East BCU", 100, 1, true},
	{"BCU-S", "South BCU", 100, 1, true},
	{"BCU-SE", "South East BCU", 100, 1, true},
	{"BCU-SW", "South West BCU", 100, 1, true},
	{"BCU-W", "West BCU", 100, 1, true},
	{"RTPC", "Roads and Transport Policing Command", 100, 0.9, false},
	{"TSG", "Tactical Support Group", 80, 1.4, false},
	{"SFC", "Specialist Firearms Command", 75, 0.5, false},
	{"CDC", "Custody and Detention Command", 70, 1.2, false},
	{"CCC", "Contact and Control Centre", 25, 1, false},
	{"MCH", "Major Crime and Homicide Command", 80, 0.35, false},
	{"PPS", "Public Protection and Safeguarding Command", 100, 0.7, false},
	{"SOC", "Serious and Organised Crime Command", 65, 0.35, false},
	{"ECF", "Economic Crime and Fraud Unit", 35, 0.4, false},
	{"CTL", "Counter Terrorism Liaison Unit", 30, 0.15, false},
	{"DSU", "Dog Support Unit", 25, 0.7, false},
	{"MAS", "Marine and Air Support Unit", 20, 0.2, false},
	{"CJU", "Criminal Justice and Case Management", 25, 0.3, false},
	{"PSD", "Professional Standards Department", 35, 0.15, false},
	{"CCU", "Counter-Corruption Unit", 20, 0.1, false},
	{"INT", "Intelligence Bureau", 45, 0.15, false},
	{"LDC", "Learning and Development Centre", 30, 0.1, false},
	{"HQ", "Chief Officer Group and Headquarters", 20, 0.2, false},
}

func unitIndex(code string) int {
	i := slices.IndexFunc(unitSpecs, func(u unitSpec) bool { return u.code == code })
	if i < 0 {
		panic("demo: no unit " + code)
	}
	return i
}

func (g *gen) units() {
	for i, u := range unitSpecs {
		g.ds.Units = append(g.ds.Units, officers.Unit{ID: unitKey(i), ForceID: forceKey, Code: u.code, Name: u.name})
	}
	g.members = make([][]int, len(unitSpecs))
}

// Officers.

// The rank structure of a force of 2,400, scaled to the size asked for:
// mostly constables, about 15% sergeants and 5% inspectors, a thin top.
var rankPlan = []struct {
	rank officers.Rank
	per  float64 // per 2,400
}{
	{"commissioner", 1}, {"deputy commissioner", 1}, {"assistant commissioner", 2},
	{"deputy assistant commissioner", 3}, {"commander", 5}, {"chief superintendent", 14},
	{"superintendent", 26}, {"chief inspector", 53}, {"inspector", 120}, {"sergeant", 360}, {"staff", 96},
}

// rankFactor scales how often an officer attracts allegations by rank:
// the public meet constables; seniors are complained about for decisions.
func rankFactor(r officers.Rank) float64 {
	switch r {
	case "staff":
		return 0.5
	case "constable":
		return 1
	case "sergeant":
		return 0.7
	case "inspector":
		return 0.4
	case "chief inspector":
		return 0.25
	case "superintendent":
		return 0.15
	case "chief superintendent":
		return 0.1
	}
	return 0.08
}

var ethnicityMix = []wt{{"white", 90.5}, {"asian", 3.5}, {"black", 1.5}, {"mixed", 2.5}, {"other", 1}, {"", 1}}

func (g *gen) officers() {
	n := g.opt.Officers
	var ranks []officers.Rank
	for _, p := range rankPlan {
		k := int(math.Round(p.per * float64(n) / 2400))
		if p.rank == "commissioner" {
			k = 1
		}
		for range k {
			ranks = append(ranks, p.rank)
		}
	}
	for len(ranks) < n {
		ranks = append(ranks, "constable")
	}
	ranks = ranks[:n]
	// Shuffled so that key order (and collar numbers) say nothing of rank.
	g.r.Shuffle(len(ranks), func(i, j int) { ranks[i], ranks[j] = ranks[j], ranks[i] })

	collars := map[int]bool{}
	bcus := 0
	g.trait = make([]trait, n)
	g.alleged = make([]int, n)
	g.post = make([][]post, n)
	for i, rank := range ranks {
		unit := g.unitFor(rank, &bcus)
		o := officers.Officer{ID: officerKey(i), ForceID: forceKey, Rank: rank}
		years := g.serviceYears(rank)
		o.JoinedOn = day(g.now.Add(-time.Duration(years * 365.25 * 24 * float64(time.Hour))))
		if !o.JoinedOn.Before(day(g.now)) {
			o.JoinedOn = day(g.now).AddDate(0, 0, -1)
		}
		end := g.now
		if rank.Seniority() < officers.Rank("commander").Seniority() && g.chance(0.065) {
			lo := maxTime(o.JoinedOn.AddDate(0, 0, 90), g.start)
			hi := day(g.now).AddDate(0, 0, -1)
			if lo.Before(hi) {
				left := day(g.between(lo, hi))
				o.LeftOn = &left
				end = left
			}
		}
		o.Sex = g.sex(rank, years)
		o.Ethnicity = g.pick(ethnicityMix)
		o.GivenName, o.FamilyName = g.officerName(o.Ethnicity, o.Sex)
		o.CollarNumber = g.collar(rank, collars)
		// Lognormal, capped: some officers attract more complaints than
		// others for reasons of role and manner, within limits.
		g.trait[i] = trait{propensity: min(math.Exp(0.6*g.r.NormFloat64()), 2.5)}
		g.ds.Officers = append(g.ds.Officers, Officer{Officer: o})
		g.history(i, unit, rank, end)
	}
	// How likely each unit is to be where an allegation arises, from its
	// officers now: by full public contact for complaints, by its square
	// root for conduct matters, which arise inside the force as much as
	// outside it.
	g.unitW = make([]float64, len(unitSpecs))
	g.unitWInside = make([]float64, len(unitSpecs))
	for i := range g.ds.Officers {
		last := g.post[i][len(g.post[i])-1]
		w := rankFactor(last.rank) * g.trait[i].propensity
		g.unitW[last.unit] += unitSpecs[last.unit].exposure * w
		g.unitWInside[last.unit] += math.Sqrt(unitSpecs[last.unit].exposure) * w
	}
}

// unitFor places an officer of a rank: chief officers at headquarters, a
// chief superintendent commanding each BCU (while bcus, the count of BCUs
// given one, is below 12; nil for no such quota), staff in the contact
// centre and custody, everyone else by unit size.
func (g *gen) unitFor(rank officers.Rank, bcus *int) int {
	switch rank {
	case "commissioner", "deputy commissioner", "assistant commissioner", "deputy assistant commissioner":
		return unitIndex("HQ")
	case "commander":
		return unitIndex(g.pick([]wt{{"HQ", 2}, {"PSD", 1}, {"SOC", 1}, {"MCH", 1}, {"PPS", 1}, {"CTL", 1}}))
	case "chief superintendent":
		if bcus != nil && *bcus < 12 {
			*bcus++
			return *bcus - 1
		}
	case "staff":
		return unitIndex(g.pick([]wt{{"CCC", 55}, {"CDC", 25}, {"CJU", 12}, {"INT", 8}}))
	}
	return g.unitBySize(-1)
}

func (g *gen) unitBySize(except int) int {
	total := 0.0
	for i, u := range unitSpecs {
		if i != except && u.code != "HQ" {
			total += u.size
		}
	}
	x := g.r.Float64() * total
	for i, u := range unitSpecs {
		if i == except || u.code == "HQ" {
			continue
		}
		x -= u.size
		if x < 0 {
			return i
		}
	}
	return 0
}

// serviceYears is how long ago an officer of a rank joined: promotion
// takes years, and the recent national recruitment drive makes many
// constables new in service.
func (g *gen) serviceYears(rank officers.Rank) float64 {
	u := g.uniform
	switch rank {
	case "staff":
		return u(0.3, 25)
	case "constable":
		switch x := g.r.Float64(); {
		case x < 0.55:
			return u(0.1, 6)
		case x < 0.85:
			return u(6, 15)
		default:
			return u(15, 30)
		}
	case "sergeant":
		return u(5, 26)
	case "inspector":
		return u(8, 28)
	case "chief inspector":
		return u(12, 30)
	case "superintendent":
		return u(15, 31)
	case "chief superintendent":
		return u(18, 32)
	}
	return u(22, 33)
}

// sex: about 30% of officers are women, more among recent joiners than
// long-serving ones, and most police staff are women.
func (g *gen) sex(rank officers.Rank, years float64) string {
	if g.chance(0.005) {
		return ""
	}
	p := 0.16 + 0.24*math.Max(0, 1-years/30)
	if rank == "staff" {
		p = 0.6
	}
	if g.chance(p) {
		return "female"
	}
	return "male"
}

func (g *gen) officerName(ethnicity, sex string) (given, family string) {
	female := sex == "female" || (sex == "" && g.chance(0.5))
	var gp, fp *namePool
	switch ethnicity {
	case "white":
		gp = g.pool(whiteOfficerPools)
		fp = gp
	case "asian":
		gp, fp = &southAsianNames, &southAsianNames
	case "black":
		gp, fp = &blackNames, &blackNames
	case "other":
		gp = g.pool([]weightedPool{{&otherNames, 75}, {&europeanNames, 25}})
		fp = gp
	default: // mixed or not recorded
		gp, fp = g.pool(publicPools), g.pool(publicPools)
	}
	return g.given(gp, female), oneOf(g, fp.family)
}

func (g *gen) given(p *namePool, female bool) string {
	if female {
		return oneOf(g, p.female)
	}
	return oneOf(g, p.male)
}

func (g *gen) pool(ps []weightedPool) *namePool {
	total := 0.0
	for _, p := range ps {
		total += p.w
	}
	x := g.r.Float64() * total
	for _, p := range ps {
		x -= p.w
		if x < 0 {
			return p.pool
		}
	}
	return ps[len(ps)-1].pool
}

// collar gives a number unique in the force: four or five digits, with
// police staff numbered in their own "S" series.
func (g *gen) collar(rank officers.Rank, used map[int]bool) string {
	for {
		v := 1000 + g.r.IntN(99000)
		if used[v] {
			continue
		}
		used[v] = true
		if rank == "staff" {
			return fmt.Sprintf("S%05d", v)
		}
		return fmt.Sprint(v)
	}
}

// history gives an officer their postings. Everyone promoted to inspector
// or above has earlier postings (they were promoted from somewhere), and
// about one in seven of the rest has moved unit at least once.
func (g *gen) history(i, unit int, rank officers.Rank, end time.Time) {
	o := &g.ds.Officers[i]
	moves := 0
	switch {
	case rank.Seniority() >= officers.Rank("inspector").Seniority():
		moves = 1 + g.r.IntN(3)
	case g.chance(0.14):
		moves = 1 + g.r.IntN(2)
	}
	// Each posting lasts at least four months.
	span := end.Sub(o.JoinedOn)
	for moves > 0 && span < time.Duration(moves+1)*120*24*time.Hour {
		moves--
	}
	var cuts []time.Time
	for range moves {
		cuts = append(cuts, day(g.between(o.JoinedOn.AddDate(0, 0, 120), end.AddDate(0, 0, -60))))
	}
	slices.SortFunc(cuts, time.Time.Compare)
	cuts = slices.CompactFunc(cuts, func(a, b time.Time) bool { return b.Sub(a) < 30*24*time.Hour })

	// Walk back from the current posting: each earlier one is in another
	// unit or, on promotion, the same unit one rank lower.
	ps := make([]post, len(cuts)+1)
	ps[len(cuts)] = post{unit: unit, rank: rank}
	for k := len(cuts) - 1; k >= 0; k-- {
		next := ps[k+1]
		r := next.rank
		promoted := r != "staff" && r.Seniority() > officers.Rank("constable").Seniority() && g.chance(0.65)
		if promoted {
			r = officers.Ranks[r.Seniority()-1]
		}
		u := g.unitFor(r, nil)
		switch {
		case promoted && g.chance(0.3):
			u = next.unit
		case u == next.unit && !promoted:
			u = g.unitBySize(next.unit)
		}
		ps[k] = post{unit: u, rank: r}
	}
	for k := range ps {
		if k == 0 {
			ps[k].from = o.JoinedOn
		} else {
			ps[k].from = cuts[k-1]
		}
	}
	g.post[i] = ps
	g.syncPostings(i)
	for _, p := range ps {
		if !slices.Contains(g.members[p.unit], i) {
			g.members[p.unit] = append(g.members[p.unit], i)
		}
	}
}

// syncPostings rewrites the dataset view of officer i's postings, and the
// officer's current unit and rank, from g.post.
func (g *gen) syncPostings(i int) {
	o := &g.ds.Officers[i]
	ps := g.post[i]
	o.Postings = o.Postings[:0]
	for k, p := range ps {
		rec := officers.Posting{OfficerID: o.ID, UnitID: unitKey(p.unit), Rank: p.rank, StartedOn: p.from}
		if k+1 < len(ps) {
			ended := ps[k+1].from
			rec.EndedOn = &ended
		}
		o.Postings = append(o.Postings, rec)
	}
	last := ps[len(ps)-1]
	o.UnitID, o.Rank = unitKey(last.unit), last.rank
}

// repeatOfficers marks about 3% of front-line officers as attracting far
// more allegations than their colleagues, as every force's data shows, and
// gives a few of them a theme: the sexual-misconduct or discrimination
// allegations that should have been seen together.
func (g *gen) repeatOfficers() {
	var cands []int
	for i, o := range g.ds.Officers {
		last := g.post[i][len(g.post[i])-1]
		front := unitSpecs[last.unit].bcu || slices.Contains([]string{"TSG", "RTPC", "CDC", "DSU"}, unitSpecs[last.unit].code)
		serving := o.LeftOn == nil || o.LeftOn.After(g.now.AddDate(-1, 0, 0))
		if front && serving && (o.Rank == "constable" || o.Rank == "sergeant") &&
			o.JoinedOn.Before(g.start.AddDate(1, 0, 0)) {
			cands = append(cands, i)
		}
	}
	g.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	n := min(len(cands), int(math.Round(0.03*float64(len(g.ds.Officers)))))
	for k, i := range cands[:n] {
		t := &g.trait[i]
		t.repeat = true
		switch {
		case k < max(1, n/9):
			t.theme = "sexual"
		case k < max(2, n/9+n/12):
			t.theme = "discrimination"
		}
	}
}

// postingAt is where officer i served on d, if they were serving.
func (g *gen) postingAt(i int, d time.Time) (post, bool) {
	o := &g.ds.Officers[i]
	if d.Before(o.JoinedOn) || (o.LeftOn != nil && !d.Before(*o.LeftOn)) {
		return post{}, false
	}
	ps := g.post[i]
	k := len(ps) - 1
	for k > 0 && ps[k].from.After(d) {
		k--
	}
	return ps[k], true
}

// leave records that officer i left the service on d, because a case
// ended in dismissal or they resigned under investigation. Postings that
// were to start later never happened.
func (g *gen) leave(i int, d time.Time) {
	o := &g.ds.Officers[i]
	d = day(d)
	if o.LeftOn != nil && !o.LeftOn.After(d) {
		return
	}
	o.LeftOn = &d
	ps := g.post[i]
	for len(ps) > 1 && !ps[len(ps)-1].from.Before(d) {
		ps = ps[:len(ps)-1]
	}
	g.post[i] = ps
	g.syncPostings(i)
}

// Random helpers.

type wt struct {
	key string
	w   float64
}

func (g *gen) pick(ws []wt) string {
	total := 0.0
	for _, w := range ws {
		total += w.w
	}
	x := g.r.Float64() * total
	for _, w := range ws {
		x -= w.w
		if x < 0 {
			return w.key
		}
	}
	return ws[len(ws)-1].key
}

func oneOf[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) uniform(lo, hi float64) float64 { return lo + (hi-lo)*g.r.Float64() }

// between returns a time uniformly in [lo, hi).
func (g *gen) between(lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(g.r.Int64N(int64(hi.Sub(lo)))))
}

// day truncates to midnight UTC: dates in Probity are calendar days.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
