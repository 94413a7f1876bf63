// Package eis is Probity's early-intervention system: indicators of an
// officer's complaint history as of any date, threshold rules held as data,
// a learned risk model, its temporal evaluation against the rules and a
// plain ranking, the fairness of both, and the flags a supervisor reviews.
//
// It is plain Go. It reads a Dataset (officers and the allegations against
// them) that an adapter builds: the store from the database, a test from a
// published file. It knows nothing of SQL or HTTP.
package eis

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Day is a calendar day as days since 1970-01-01. Indicators are computed
// for hundreds of thousands of officer-years; integers keep that cheap.
type Day int32

// NoDay marks a date that is not known (an officer who has not left).
const NoDay Day = -1 << 31

// DayOf returns the day t falls on, in UTC.
func DayOf(t time.Time) Day {
	if t.IsZero() {
		return NoDay
	}
	y, m, d := t.UTC().Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time returns midnight UTC of the day.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String writes the day as YYYY-MM-DD.
func (d Day) String() string {
	if d == NoDay {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// monthsBefore is the day the given number of calendar months before d.
func monthsBefore(d Day, months int) Day { return DayOf(d.Time().AddDate(0, -months, 0)) }

// Officer is what the early-intervention system knows of an officer.
type Officer struct {
	// ID is the officer's record id (the database id, or the source's id
	// for data read straight from a file).
	ID string
	// Key orders officers the same way whichever adapter read them
	// ("FORCE/collar number"), so that training and tie-breaks do not
	// depend on the order rows arrived in.
	Key       string
	Force     string // force code
	Unit      string // unit id or code; "" when not known
	Rank      string
	Sex       string // "" when not recorded
	Ethnicity string // ONS group; "" when not recorded
	// EthnicityGroup is the officer's group among the force's own
	// ethnicity groups, when the force declared them; the fairness report
	// then uses those groups instead of the ONS ones.
	EthnicityGroup string
	Joined         Day // NoDay when not known
	Left           Day // NoDay while serving
}

// Allegation is one allegation against one officer.
type Allegation struct {
	Officer     int32  // index into Dataset.Officers
	Case        string // the case (complaint) it belongs to
	On          Day    // when it happened (or, failing that, arose)
	Category    string // national category code
	Subcategory string
	Concern     string // "sexual misconduct", "discrimination", "domestic abuse" or ""
	UseOfForce  bool
	Finding     string

	upheld bool
	disp   uint8 // Disposition of the finding
	cat    uint8 // index into Dataset.Categories
	sub    uint8 // index into Dataset.Subcategories
	con    uint8 // index into Dataset.Concerns; 0 = none
	caseN  int32 // dense case number
}

// Upheld reports whether the allegation's finding upholds it.
func (a Allegation) Upheld() bool { return a.upheld }

// upheldFindings are the findings that count as upheld: the normalised
// finding of imported data ("upheld" for a substantiated allegation) and
// Probity's own outcomes that find fault: service not acceptable, a case to
// answer, and misconduct or gross misconduct found by proceedings.
var upheldFindings = []string{"upheld", "substantiated", "service_not_acceptable", "case_to_answer", "misconduct", "gross_misconduct"}

// Upheld reports whether a finding upholds an allegation.
func Upheld(finding string) bool {
	return slices.Contains(upheldFindings, strings.ToLower(strings.TrimSpace(finding)))
}

// Disposition groups findings by what they say happened.
type Disposition uint8

const (
	DispositionUpheld       Disposition = iota
	DispositionNotProven                // investigated, not enough evidence either way
	DispositionLawful                   // it happened and was within the rules
	DispositionDidNotHappen             // found not to have happened
	DispositionNone                     // closed without a finding on the merits, or not yet decided
	dispositions
)

// dispositionOf reads a finding: imported data carry "unsubstantiated",
// "exonerated" and "unfounded" as well as "upheld"; Probity's own
// outcomes are read by what they say of the evidence.
func dispositionOf(finding string) Disposition {
	switch f := strings.ToLower(strings.TrimSpace(finding)); f {
	case "unsubstantiated", "unable_to_determine", "no_case_to_answer":
		return DispositionNotProven
	case "exonerated", "service_acceptable", "no_misconduct":
		return DispositionLawful
	case "unfounded":
		return DispositionDidNotHappen
	default:
		if Upheld(f) {
			return DispositionUpheld
		}
	}
	return DispositionNone
}

// Dataset is every officer and every allegation the system may look at.
// Build it with Add* and call Prepare before use.
type Dataset struct {
	Officers    []Officer
	Allegations []Allegation

	// Categories, Subcategories ("category/subcategory") and Concerns
	// list the values seen, sorted; Concerns[0] is "" (none).
	Categories    []string
	Subcategories []string
	Concerns      []string

	byOfficer []int32 // allegations of officer i: [byOfficer[i], byOfficer[i+1])
	caseSize  []int32 // distinct officers per case, by dense case number
	// caseOfficers[caseStart[c]:caseStart[c+1]] are the distinct officers
	// named in case c.
	caseStart, caseOfficers []int32
	prepared                bool
}

// Prepare orders officers by Key and each officer's allegations by date,
// and indexes them. Allegations must name officers by index into the
// Officers slice as given; Prepare renumbers them.
func (ds *Dataset) Prepare() error {
	n := len(ds.Officers)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	// Keys are unique (checked below), so an unstable sort orders them
	// just as a stable one would, in less time.
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(ds.Officers[a].Key, ds.Officers[b].Key) })
	renum := make([]int32, n)
	sorted := make([]Officer, n)
	for newI, oldI := range order {
		renum[oldI] = int32(newI)
		sorted[newI] = ds.Officers[oldI]
	}
	for i := 1; i < n; i++ {
		if sorted[i].Key == sorted[i-1].Key {
			return fmt.Errorf("two officers share the key %q", sorted[i].Key)
		}
	}
	ds.Officers = sorted
	// Sub-categories are keyed by the pair here, rather than by the
	// "category/subcategory" name, so that no name is made per allegation.
	cats, subs, cons := map[string]bool{}, map[[2]string]int{}, map[string]bool{"": true}
	findings := map[string]Disposition{}
	for i := range ds.Allegations {
		a := &ds.Allegations[i]
		if a.Officer < 0 || int(a.Officer) >= n {
			return fmt.Errorf("allegation %d names officer %d of %d", i, a.Officer, n)
		}
		a.Officer = renum[a.Officer]
		// A nation's allegations have a handful of findings between them.
		d, ok := findings[a.Finding]
		if !ok {
			d = dispositionOf(a.Finding)
			findings[a.Finding] = d
		}
		a.upheld = d == DispositionUpheld // as Upheld(a.Finding)
		a.disp = uint8(d)
		cats[a.Category] = true
		subs[[2]string{a.Category, a.Subcategory}] = 0
		cons[a.Concern] = true
	}
	ds.Categories = sortedKeys(cats)
	ds.Subcategories = make([]string, 0, len(subs))
	for k := range subs {
		ds.Subcategories = append(ds.Subcategories, k[0]+"/"+k[1])
	}
	slices.Sort(ds.Subcategories)
	ds.Subcategories = slices.Compact(ds.Subcategories)
	for k := range subs {
		subs[k], _ = slices.BinarySearch(ds.Subcategories, k[0]+"/"+k[1])
	}
	ds.Concerns = sortedKeys(cons)
	if len(ds.Categories) > 255 || len(ds.Subcategories) > 255 || len(ds.Concerns) > 255 {
		return fmt.Errorf("too many categories (%d), sub-categories (%d) or concerns (%d)", len(ds.Categories), len(ds.Subcategories), len(ds.Concerns))
	}
	caseN := make(map[string]int32, len(ds.Allegations)/2)
	for i := range ds.Allegations {
		a := &ds.Allegations[i]
		c, _ := slices.BinarySearch(ds.Categories, a.Category)
		sc := subs[[2]string{a.Category, a.Subcategory}]
		k, _ := slices.BinarySearch(ds.Concerns, a.Concern)
		a.cat, a.sub, a.con = uint8(c), uint8(sc), uint8(k)
		num, ok := caseN[a.Case]
		if !ok {
			num = int32(len(caseN))
			caseN[a.Case] = num
		}
		a.caseN = num
	}
	// Sorting by everything that tells two rows apart makes the order
	// independent of how the rows were read. Officer first: the rows are
	// placed by officer in one pass (a counting sort), then each
	// officer's few are sorted on the rest, which orders them exactly as
	// one sort on every field would, without moving a nation's rows
	// through a comparison sort.
	ds.byOfficer = make([]int32, n+1)
	for i := range ds.Allegations {
		ds.byOfficer[ds.Allegations[i].Officer+1]++
	}
	for i := 1; i <= n; i++ {
		ds.byOfficer[i] += ds.byOfficer[i-1]
	}
	placed := make([]Allegation, len(ds.Allegations))
	next := slices.Clone(ds.byOfficer[:n])
	for i := range ds.Allegations {
		o := ds.Allegations[i].Officer
		placed[next[o]] = ds.Allegations[i]
		next[o]++
	}
	ds.Allegations = placed
	for i := range n {
		run := ds.Allegations[ds.byOfficer[i]:ds.byOfficer[i+1]]
		if len(run) > 1 {
			slices.SortFunc(run, compareAllegations)
		}
	}
	ds.caseSize = caseSizes(ds)
	ds.caseStart, ds.caseOfficers = caseMembers(ds)
	ds.prepared = true
	return nil
}

// compareAllegations orders one officer's allegations by date, then by
// every field that tells two apart. (cmp.Or would compare every field of
// every pair, strings included, before choosing; each comparison here runs
// only on a tie so far.)
func compareAllegations(x, y Allegation) int {
	if c := cmp.Compare(x.On, y.On); c != 0 {
		return c
	}
	if c := strings.Compare(x.Case, y.Case); c != 0 {
		return c
	}
	if c := strings.Compare(x.Category, y.Category); c != 0 {
		return c
	}
	if c := strings.Compare(x.Subcategory, y.Subcategory); c != 0 {
		return c
	}
	if c := strings.Compare(x.Finding, y.Finding); c != 0 {
		return c
	}
	// Two allegations of one case against one officer can differ in
	// nothing above but their concern (one flagged as domestic abuse) or
	// use of force.
	if c := strings.Compare(x.Concern, y.Concern); c != 0 {
		return c
	}
	return cmp.Compare(b2i(x.UseOfForce), b2i(y.UseOfForce))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Subset returns a prepared dataset of the officers keep accepts and the
// allegations against them (to evaluate one force of several, say).
func (ds *Dataset) Subset(keep func(o *Officer) bool) (*Dataset, error) {
	out := &Dataset{}
	renum := make([]int32, len(ds.Officers))
	for i := range ds.Officers {
		renum[i] = -1
		if keep(&ds.Officers[i]) {
			renum[i] = int32(len(out.Officers))
			out.Officers = append(out.Officers, ds.Officers[i])
		}
	}
	for _, a := range ds.Allegations {
		if n := renum[a.Officer]; n >= 0 {
			a.Officer = n
			out.Allegations = append(out.Allegations, a)
		}
	}
	return out, out.Prepare()
}

// Of returns the allegations against officer i, oldest first.
func (ds *Dataset) Of(i int) []Allegation {
	return ds.Allegations[ds.byOfficer[i]:ds.byOfficer[i+1]]
}

// Window is a look-back period that ends the day before the as-of date.
type Window struct {
	Name   string // "12m", "2y", "5y"
	Months int
	Words  string // "the last 12 months"
}

// Windows are the periods indicators are counted over.
var Windows = []Window{
	{"12m", 12, "the last 12 months"},
	{"2y", 24, "the last 2 years"},
	{"5y", 60, "the last 5 years"},
}

// Counts are what happened to an officer in one window.
type Counts struct {
	Allegations int            `json:"allegations"`
	Cases       int            `json:"cases"` // distinct complaints or conduct matters
	Upheld      int            `json:"upheld"`
	UseOfForce  int            `json:"use_of_force"`
	ByCategory  map[string]int `json:"by_category,omitempty"`
	ByConcern   map[string]int `json:"by_concern,omitempty"`
}

// Indicators describe an officer's complaint history as of a date.
type Indicators struct {
	Officer string            `json:"officer_id"`
	AsOf    string            `json:"as_of"`
	Windows map[string]Counts `json:"windows"` // by Window.Name
	// DaysSinceLast is the time since the latest allegation before the
	// as-of date; -1 when there is none.
	DaysSinceLast int `json:"days_since_last_allegation"`
	// CareerDays counts from the day the officer joined (for imported
	// officers whose joining date is not published, the earliest allegation
	// seen: an approximation); -1 when not known.
	CareerDays int `json:"career_days"`
	// UnitMean and RankMean are the mean allegation counts, by window, of
	// the officers scored at the same time in the same unit and rank.
	UnitMean map[string]float64 `json:"unit_mean"`
	RankMean map[string]float64 `json:"rank_mean"`
	// UnitRatio and RankRatio are the officer's count over that mean
	// (0 when the mean is 0).
	UnitRatio map[string]float64 `json:"unit_ratio"`
	RankRatio map[string]float64 `json:"rank_ratio"`
}

// Options shape how indicators are counted.
type Options struct {
	// FindingLag is how old an allegation must be before its finding is
	// counted. In evaluation the data hold findings made long after the
	// fact; a finding on an allegation from last month was not known then.
	// Live runs read the findings recorded so far, and use 0.
	FindingLag int // days
}

// EvalFindingLag is the finding lag used in evaluation: most findings are
// made within a year of the incident.
const EvalFindingLag = 365

// Population lists the officers to score as of a day: in evaluation,
// officers with at least one allegation in the five years before it (the
// only officers known to be serving then, since the published data carry no
// service dates); see ActiveWithin.
type Population func(ds *Dataset, asOf Day) []int32

// ActiveWithin is the population of officers with an allegation in the
// given number of years before the as-of day.
func ActiveWithin(years int) Population {
	return func(ds *Dataset, asOf Day) []int32 {
		from := monthsBefore(asOf, 12*years)
		var out []int32
		for i := range ds.Officers {
			for _, a := range ds.Of(i) {
				if a.On >= asOf {
					break
				}
				if a.On >= from {
					out = append(out, int32(i))
					break
				}
			}
		}
		return out
	}
}

// Serving is the population of officers serving on the as-of day: joined
// on or before it (or joining date unknown) and not yet left.
func Serving(ds *Dataset, asOf Day) []int32 {
	var out []int32
	for i, o := range ds.Officers {
		if (o.Joined == NoDay || o.Joined <= asOf) && (o.Left == NoDay || o.Left > asOf) {
			out = append(out, int32(i))
		}
	}
	return out
}

// counts is Counts in a form that is cheap to fill for many officers.
type counts struct {
	alleg, cases, upheld, force int
	byCat                       []int // by Dataset.Categories index
	byCon                       []int // by Dataset.Concerns index
}

// snapshot holds everything about one officer as of one day that
// indicators, rules and the model's features are made from.
type snapshot struct {
	officer    int32
	w          [3]counts // by Windows
	last       Day       // latest allegation before as-of; NoDay if none
	first      Day       // earliest allegation ever before as-of
	total      int       // allegations ever before as-of
	totalUp    int       // upheld ever (with the finding lag)
	recent6m   int
	casesEver  int
	coSubjects float64 // mean number of other officers per case, 5 years
	recent3m   int
	// decay* are allegation, use-of-force and (lagged) upheld counts
	// weighted by exp(-age/365): recent events count most.
	decay, decayForce, decayUp float64
	bySub                      []int // 5-year counts by Dataset.Subcategories index
	// expUp sums, over allegations in each window, the share of
	// allegations of the same sub-category upheld before the as-of date:
	// how many findings against the officer one would expect from the
	// kinds of allegation made.
	expUp [3]float64
	// disp counts the 5-year allegations old enough for a finding, by
	// Disposition.
	disp [dispositions]int
	// Officers named with this one in complaints of the last 2 years, and
	// what they have had: allegations and use-of-force allegations in 12
	// months, upheld findings in 5 years (with the lag). They tell where
	// and how an officer works now, which the snapshot's unit cannot.
	peers                                int
	peerAlleg12m, peerForce12m, peerUp5y int
}

// Frame is the indicators of a population as of one day, with the peer
// means of units and ranks.
type Frame struct {
	DS      *Dataset
	AsOf    Day
	Opt     Options
	Members []int32
	snaps   []snapshot
	// Peer means by window, keyed by unit and by rank.
	unitMean, rankMean map[string][3]float64
	unitUpRate         map[string]float64 // share of the unit's allegations (5 years, lagged) upheld
	unitForce          map[string]float64 // use-of-force allegations per officer in the unit, 12 months
}

// NewFrame counts the indicators of the given officers as of asOf. Only
// allegations dated before asOf are looked at, so nothing that happened on
// or after it can leak in.
func NewFrame(ds *Dataset, asOf Day, members []int32, opt Options) *Frame {
	f := &Frame{DS: ds, AsOf: asOf, Opt: opt, Members: members, snaps: make([]snapshot, len(members))}
	var starts [3]Day
	for w, win := range Windows {
		starts[w] = monthsBefore(asOf, win.Months)
	}
	from6m := monthsBefore(asOf, 6)
	known := asOf - Day(opt.FindingLag) // findings on allegations before this day are counted
	caseSize := ds.caseSize
	subRate := upheldRates(ds, known)
	from3m := monthsBefore(asOf, 3)
	nc, nk := len(ds.Categories), len(ds.Concerns)
	ns := len(ds.Subcategories)
	buf := make([]int, len(members)*(3*(nc+nk)+ns))
	seen := map[int32]bool{}
	now := recentCounts(ds, starts, known, asOf)
	from2y := starts[1]
	peerSeen := map[int32]bool{}
	for m, oi := range members {
		s := &f.snaps[m]
		s.officer, s.last, s.first = oi, NoDay, NoDay
		for w := range 3 {
			s.w[w].byCat, buf = buf[:nc:nc], buf[nc:]
			s.w[w].byCon, buf = buf[:nk:nk], buf[nk:]
		}
		s.bySub, buf = buf[:ns:ns], buf[ns:]
		clear(seen)
		clear(peerSeen)
		var coSum, coN float64
		var wcases [3]map[int32]bool
		for _, a := range ds.Of(int(oi)) {
			if a.On >= asOf {
				break
			}
			if s.first == NoDay {
				s.first = a.On
			}
			s.last = a.On
			s.total++
			up := a.upheld && a.On < known
			if up {
				s.totalUp++
			}
			if !seen[a.caseN] {
				seen[a.caseN] = true
				s.casesEver++
			}
			if a.On >= from6m {
				s.recent6m++
			}
			if a.On >= from3m {
				s.recent3m++
			}
			if age := int(asOf - a.On); age < 5*365 {
				d := math.Exp(-float64(age) / 365)
				s.decay += d
				if a.UseOfForce {
					s.decayForce += d
				}
				if up {
					s.decayUp += d
				}
			}
			if a.On >= starts[2] {
				s.bySub[a.sub]++
				if a.On < known {
					s.disp[a.disp]++
				}
			}
			if a.On >= from2y {
				for _, p := range ds.caseOfficers[ds.caseStart[a.caseN]:ds.caseStart[a.caseN+1]] {
					if p != oi && !peerSeen[p] {
						peerSeen[p] = true
						s.peers++
						s.peerAlleg12m += now[p].alleg12m
						s.peerForce12m += now[p].force12m
						s.peerUp5y += now[p].up5y
					}
				}
			}
			for w := range 3 {
				if a.On < starts[w] {
					continue
				}
				c := &s.w[w]
				c.alleg++
				s.expUp[w] += subRate[a.sub]
				if up {
					c.upheld++
				}
				if a.UseOfForce {
					c.force++
				}
				c.byCat[a.cat]++
				c.byCon[a.con]++
				if wcases[w] == nil {
					wcases[w] = map[int32]bool{}
				}
				if !wcases[w][a.caseN] {
					wcases[w][a.caseN] = true
					c.cases++
					if w == 2 {
						coSum += float64(caseSize[a.caseN] - 1)
						coN++
					}
				}
			}
		}
		if coN > 0 {
			s.coSubjects = coSum / coN
		}
	}
	f.peerMeans()
	return f
}

// recent is what every officer has had as of a day, for peer features.
type recent struct{ alleg12m, force12m, up5y int }

// recentCounts counts, for every officer in the dataset, allegations and
// use-of-force allegations in the 12 months before asOf and upheld
// findings (on allegations before known) in the 5 years before it.
func recentCounts(ds *Dataset, starts [3]Day, known, asOf Day) []recent {
	out := make([]recent, len(ds.Officers))
	for _, a := range ds.Allegations {
		if a.On >= asOf || a.On < starts[2] {
			continue
		}
		r := &out[a.Officer]
		if a.upheld && a.On < known {
			r.up5y++
		}
		if a.On >= starts[0] {
			r.alleg12m++
			if a.UseOfForce {
				r.force12m++
			}
		}
	}
	return out
}

// upheldRates is, for each sub-category, the share of its allegations
// before the given day that were upheld, pulled towards the overall share
// so that rare kinds do not get extreme rates.
func upheldRates(ds *Dataset, before Day) []float64 {
	n := make([]float64, len(ds.Subcategories))
	up := make([]float64, len(ds.Subcategories))
	var all, allUp float64
	for _, a := range ds.Allegations {
		if a.On >= before {
			continue
		}
		n[a.sub]++
		all++
		if a.upheld {
			up[a.sub]++
			allUp++
		}
	}
	prior := 0.0
	if all > 0 {
		prior = allUp / all
	}
	const weight = 50 // allegations' worth of the overall share
	for i := range n {
		n[i] = (up[i] + prior*weight) / (n[i] + weight)
	}
	return n
}

// caseSizes counts the distinct officers in each case. Allegations are
// sorted by officer, so one officer's rows are together.
func caseSizes(ds *Dataset) []int32 {
	maxN := int32(-1)
	for _, a := range ds.Allegations {
		maxN = max(maxN, a.caseN)
	}
	size := make([]int32, maxN+1)
	lastOfficer := make([]int32, maxN+1)
	for i := range lastOfficer {
		lastOfficer[i] = -1
	}
	for _, a := range ds.Allegations {
		if lastOfficer[a.caseN] != a.Officer {
			lastOfficer[a.caseN] = a.Officer
			size[a.caseN]++
		}
	}
	return size
}

// caseMembers lists the distinct officers of each case, by dense case
// number. Allegations are sorted by officer, so each list is in officer
// order.
func caseMembers(ds *Dataset) (start, officers []int32) {
	start = make([]int32, len(ds.caseSize)+1)
	for c, n := range ds.caseSize {
		start[c+1] = start[c] + n
	}
	officers = make([]int32, start[len(ds.caseSize)])
	fill := slices.Clone(start[:len(ds.caseSize)])
	for _, a := range ds.Allegations {
		c := a.caseN
		if fill[c] > start[c] && officers[fill[c]-1] == a.Officer {
			continue
		}
		officers[fill[c]] = a.Officer
		fill[c]++
	}
	return start, officers
}

func (f *Frame) peerMeans() {
	type acc struct {
		n        float64
		sum      [3]float64
		up, all5 float64
		force12  float64
	}
	units, ranks := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, k string, s *snapshot) {
		a := m[k]
		if a == nil {
			a = &acc{}
			m[k] = a
		}
		a.n++
		for w := range 3 {
			a.sum[w] += float64(s.w[w].alleg)
		}
		a.up += float64(s.w[2].upheld)
		a.all5 += float64(s.w[2].alleg)
		a.force12 += float64(s.w[0].force)
	}
	for i := range f.snaps {
		s := &f.snaps[i]
		o := f.DS.Officers[s.officer]
		add(units, o.Unit, s)
		add(ranks, o.Rank, s)
	}
	mean := func(m map[string]*acc) map[string][3]float64 {
		out := make(map[string][3]float64, len(m))
		for k, a := range m {
			out[k] = [3]float64{a.sum[0] / a.n, a.sum[1] / a.n, a.sum[2] / a.n}
		}
		return out
	}
	f.unitMean, f.rankMean = mean(units), mean(ranks)
	f.unitUpRate, f.unitForce = map[string]float64{}, map[string]float64{}
	for k, a := range units {
		// Smoothed towards 2% so that a small unit's one upheld finding
		// does not read as a high rate.
		f.unitUpRate[k] = (a.up + 0.02*20) / (a.all5 + 20)
		f.unitForce[k] = a.force12 / a.n
	}
}

// Indicators returns the indicators of the m-th member of the frame.
func (f *Frame) Indicators(m int) Indicators {
	s := &f.snaps[m]
	o := f.DS.Officers[s.officer]
	ind := Indicators{Officer: o.ID, AsOf: f.AsOf.String(), Windows: map[string]Counts{}, DaysSinceLast: -1, CareerDays: -1,
		UnitMean: map[string]float64{}, RankMean: map[string]float64{}, UnitRatio: map[string]float64{}, RankRatio: map[string]float64{}}
	if s.last != NoDay {
		ind.DaysSinceLast = int(f.AsOf - s.last)
	}
	if start := careerStart(o, s); start != NoDay {
		ind.CareerDays = int(f.AsOf - start)
	}
	um, rm := f.unitMean[o.Unit], f.rankMean[o.Rank]
	for w, win := range Windows {
		c := s.w[w]
		out := Counts{Allegations: c.alleg, Cases: c.cases, Upheld: c.upheld, UseOfForce: c.force}
		for i, n := range c.byCat {
			if n > 0 {
				if out.ByCategory == nil {
					out.ByCategory = map[string]int{}
				}
				out.ByCategory[f.DS.Categories[i]] = n
			}
		}
		for i, n := range c.byCon {
			if n > 0 && f.DS.Concerns[i] != "" {
				if out.ByConcern == nil {
					out.ByConcern = map[string]int{}
				}
				out.ByConcern[f.DS.Concerns[i]] = n
			}
		}
		ind.Windows[win.Name] = out
		ind.UnitMean[win.Name], ind.RankMean[win.Name] = um[w], rm[w]
		ind.UnitRatio[win.Name], ind.RankRatio[win.Name] = ratio(float64(c.alleg), um[w]), ratio(float64(c.alleg), rm[w])
	}
	return ind
}

// IndicatorsOf returns the indicators of one officer (by index) as of a
// day, with peer means over the officers who had an allegation in the five
// years before it, as in evaluation.
func IndicatorsOf(ds *Dataset, officer int, asOf Day, opt Options) Indicators {
	members := ActiveWithin(5)(ds, asOf)
	m := slices.Index(members, int32(officer))
	if m < 0 {
		members = append(members, int32(officer))
		m = len(members) - 1
	}
	return NewFrame(ds, asOf, members, opt).Indicators(m)
}

// careerStart is when the officer joined, or failing that the earliest
// allegation seen.
func careerStart(o Officer, s *snapshot) Day {
	if o.Joined != NoDay && (s.first == NoDay || o.Joined <= s.first) {
		return o.Joined
	}
	return s.first
}

func ratio(x, mean float64) float64 {
	if mean == 0 {
		return 0
	}
	return x / mean
}
