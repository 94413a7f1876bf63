package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
)

// Scale names the size of a generated dataset.
type Scale string

const (
	// ScaleDemo is the demo's one force, as `probity demo` seeds it.
	ScaleDemo Scale = "demo"
	// ScaleNational is the 43 territorial forces of England and Wales:
	// 150,000 officers and ten years of cases, about 1.5 million
	// allegations.
	ScaleNational Scale = "national"
)

// NationalOfficers is the number of officers and staff a national dataset
// spreads over its forces.
const NationalOfficers = 150_000

// NationalYears is how many years of cases a national dataset holds.
const NationalYears = 10

// nationalRate is how many complaint and conduct cases a national force
// receives per officer a year, relative to the demo force: the demo's
// rates give about 0.8 allegations per officer a year, and a decade of
// 1.5 million allegations over 150,000 officers is 1.0.
const nationalRate = 1.24

// forceShares are the 43 territorial forces of England and Wales with the
// rough number of officers each has, which sets its share of the national
// dataset. The figures are rounded; only the proportions are used.
var forceShares = []struct {
	code, name string
	officers   float64
}{
	{"MPS", "Metropolitan Police Service", 34000},
	{"GMP", "Greater Manchester Police", 7900},
	{"WMP", "West Midlands Police", 7400},
	{"WYP", "West Yorkshire Police", 6000},
	{"TVP", "Thames Valley Police", 5000},
	{"MER", "Merseyside Police", 4000},
	{"KEN", "Kent Police", 4100},
	{"ESS", "Essex Police", 3800},
	{"NBA", "Northumbria Police", 3700},
	{"HAM", "Hampshire and Isle of Wight Constabulary", 3700},
	{"DC", "Devon and Cornwall Police", 3600},
	{"LAN", "Lancashire Constabulary", 3400},
	{"SWP", "South Wales Police", 3400},
	{"SYP", "South Yorkshire Police", 3100},
	{"ASP", "Avon and Somerset Police", 3100},
	{"SUS", "Sussex Police", 3100},
	{"WMC", "West Mercia Police", 2500},
	{"HRT", "Hertfordshire Constabulary", 2300},
	{"NTT", "Nottinghamshire Police", 2300},
	{"LEI", "Leicestershire Police", 2300},
	{"CHE", "Cheshire Constabulary", 2300},
	{"SUR", "Surrey Police", 2200},
	{"HUM", "Humberside Police", 2200},
	{"DBY", "Derbyshire Constabulary", 2000},
	{"STF", "Staffordshire Police", 1900},
	{"NFK", "Norfolk Constabulary", 1800},
	{"CAM", "Cambridgeshire Constabulary", 1700},
	{"NYP", "North Yorkshire Police", 1600},
	{"NWP", "North Wales Police", 1600},
	{"GWE", "Gwent Police", 1500},
	{"NHN", "Northamptonshire Police", 1500},
	{"CLE", "Cleveland Police", 1500},
	{"BED", "Bedfordshire Police", 1400},
	{"DOR", "Dorset Police", 1400},
	{"SUF", "Suffolk Constabulary", 1400},
	{"DUR", "Durham Constabulary", 1300},
	{"DYP", "Dyfed-Powys Police", 1300},
	{"GLO", "Gloucestershire Constabulary", 1300},
	{"CUM", "Cumbria Constabulary", 1300},
	{"LIN", "Lincolnshire Police", 1200},
	{"WAR", "Warwickshire Police", 1100},
	{"WIL", "Wiltshire Police", 1100},
	{"COL", "City of London Police", 1000},
}

// NationalForces sizes each national force: officers in proportion to its
// share, adding up to totalOfficers, and cases at the national rate per
// officer over years. A smaller total makes a small national dataset for
// tests, with every force still present.
func NationalForces(totalOfficers, years int) []GenerateOptions {
	sum := 0.0
	for _, f := range forceShares {
		sum += f.officers
	}
	d := DefaultOptions()
	out := make([]GenerateOptions, len(forceShares))
	given := 0
	for i, f := range forceShares {
		n := max(50, int(math.Round(float64(totalOfficers)*f.officers/sum)))
		if i == len(forceShares)-1 {
			n = max(50, totalOfficers-given)
		}
		given += n
		rate := nationalRate * float64(n) / float64(d.Officers)
		out[i] = GenerateOptions{Officers: n, Years: years, ForceCode: f.code, ForceName: f.name,
			ComplaintsPerYear: max(1, int(math.Round(rate*float64(d.ComplaintsPerYear)))),
			ConductPerYear:    max(1, int(math.Round(rate*float64(d.ConductPerYear))))}
	}
	return out
}

// PopulateOptions says what Populate generates.
type PopulateOptions struct {
	Scale Scale
	Seed  int64
	// Officers sizes the demo force (ScaleDemo), or the whole nation when
	// set with ScaleNational (NationalOfficers when zero); Years is the
	// national dataset's span (NationalYears when zero).
	Officers int
	Years    int
	// Progress, when not nil, is told how far the load has gone.
	Progress func(Progress)
}

// Progress is how far Populate has got.
type Progress struct {
	Forces, ForcesDone int
	Cases, CasesDone   int // CasesDone counts cases written
}

// Populate generates a dataset of the scale asked for and writes it to db,
// as of DataAsOf. ScaleDemo is exactly what `probity demo` seeds, written
// through Seed (and reported as already seeded when its force is there).
// ScaleNational generates one force at a time, the next while the last is
// being written, and writes each through Load; it refuses a database that
// already holds a force or a case, since a second load would duplicate
// every officer.
func Populate(ctx context.Context, db *store.DB, opt PopulateOptions) (Summary, error) {
	asOf := DataAsOf()
	switch opt.Scale {
	case ScaleDemo:
		officers := opt.Officers
		if officers <= 0 {
			officers = DefaultOptions().Officers
		}
		ds := GenerateWith(opt.Seed, asOf, Scaled(officers))
		if opt.Progress != nil {
			opt.Progress(Progress{Forces: 1, Cases: len(ds.Cases)})
		}
		s, err := Seed(ctx, db, ds, asOf)
		if err == nil && opt.Progress != nil {
			opt.Progress(Progress{Forces: 1, ForcesDone: 1, Cases: len(ds.Cases), CasesDone: len(ds.Cases)})
		}
		return s, err
	case ScaleNational:
		return populateNational(ctx, db, opt, asOf)
	}
	return Summary{}, fmt.Errorf("no scale %q: use %s or %s", opt.Scale, ScaleDemo, ScaleNational)
}

func populateNational(ctx context.Context, db *store.DB, opt PopulateOptions, asOf time.Time) (Summary, error) {
	began := time.Now()
	empty, err := db.Empty(ctx)
	if err != nil {
		return Summary{}, err
	}
	if !empty {
		return Summary{}, fmt.Errorf("the database already holds forces or cases: national data is generated only into an empty database")
	}
	total, years := opt.Officers, opt.Years
	if total <= 0 {
		total = NationalOfficers
	}
	if years <= 0 {
		years = NationalYears
	}
	forces := NationalForces(total, years)
	p := Progress{Forces: len(forces)}
	for _, f := range forces {
		p.Cases += (f.ComplaintsPerYear + f.ConductPerYear) * f.Years
	}
	report := func() {
		if opt.Progress != nil {
			opt.Progress(p)
		}
	}
	report()
	b, err := db.NewBulk(ctx)
	if err != nil {
		return Summary{}, err
	}
	// The next force is generated while the last is written; at most one
	// waits, so no more than three forces are in memory at once.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan *Dataset, 1)
	go func() {
		defer close(next)
		for i, f := range forces {
			ds := GenerateWith(forceSeed(opt.Seed, i), asOf, f)
			select {
			case next <- ds:
			case <-ctx.Done():
				return
			}
		}
	}()
	sum := Summary{ByKind: map[cases.Kind]int{}}
	for ds := range next {
		done := p.CasesDone
		s, err := Load(ctx, b, ds, func(n int) {
			p.CasesDone = done + n
			report()
		})
		if err != nil {
			return Summary{}, err
		}
		sum.add(s)
		p.ForcesDone++
		report()
	}
	if err := ctx.Err(); err != nil {
		return Summary{}, err
	}
	sum.Took = time.Since(began)
	return sum, nil
}

// forceSeed gives each national force its own stream of random numbers
// from the one seed.
func forceSeed(seed int64, i int) int64 { return seed*1_000_003 + int64(i) }
