package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// Options tune an import.
type Options struct {
	// Batch is how many rows go into one transaction (default 5,000): a
	// crash loses at most one batch, and a rerun resumes after the last
	// whole one.
	Batch int
	// Rejects is the path of the reject file; "" counts rejects without
	// writing them.
	Rejects string
	// Now is the time of the import (default time.Now).
	Now time.Time
	// Progress, when set, is told how far the import has got, every few
	// thousand rows and at the end of each phase.
	Progress func(Progress)
	// AfterBatch, when set, runs after each batch commits; tests use it to
	// stop an import midway.
	AfterBatch func(batch int)
}

// Progress is a snapshot of a running import.
type Progress struct {
	Phase string // "checking", "officers", "allegations"
	Read  int    // rows read in this phase
}

// Summary reports an import. It holds counts and source category names
// only, never a row's content, so it may be printed and logged.
type Summary struct {
	Source     string
	Read       int // rows read from the officer and allegation files
	Imported   int // rows that created records
	Rejected   int // rows written to the reject file
	Duplicates int // rows already imported (by this or an earlier run)
	Joined     int // rows of joined files held in memory

	// Records created.
	Forces, Units, Officers, Cases, Allegations int

	RanksDefaulted int            // officers whose rank had no mapping, recorded as constable
	NoOfficer      int            // allegations kept with no subject: the row named no officer
	Unmapped       map[string]int // source categories that fell to the default category, with counts
	RejectFile     string         // "" when nothing was rejected
	Batches        int
	Took           time.Duration
}

// UnmappedSorted lists unmapped source categories, most frequent first.
func (s *Summary) UnmappedSorted() []string {
	keys := make([]string, 0, len(s.Unmapped))
	for k := range s.Unmapped {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.Unmapped[keys[i]] != s.Unmapped[keys[j]] {
			return s.Unmapped[keys[i]] > s.Unmapped[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// DefaultRank is what an officer whose rank the mapping cannot translate
// is recorded as; Summary.RanksDefaulted counts them.
const DefaultRank = officers.Rank("constable")

// Limits on imported text, as for cases recorded in Probity.
const (
	maxSourceText = 500
	maxOutcome    = 2000
)

// Import reads the files at paths as m describes and writes them to db.
// It returns an InputError or a MappingError, having written nothing, when
// the mapping does not fit the files; otherwise a summary, with an error
// too if the import stopped partway (whole batches stay written, and
// running it again resumes).
func Import(ctx context.Context, db *store.DB, m *Mapping, paths []string, opt Options) (*Summary, error) {
	start := time.Now()
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	in, err := openInputs(m, paths)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	x, err := newRun(m, in, opt)
	if err != nil {
		return nil, err
	}
	x.db = db
	x.sum.Source = m.Source
	rej, err := openRejects(opt.Rejects)
	if err != nil {
		return nil, err
	}
	x.rejects = rej
	err = x.run(ctx)
	path, cerr := rej.close()
	x.sum.RejectFile = path
	x.sum.Rejected = rej.n
	x.sum.Took = time.Since(start)
	if err == nil {
		err = cerr
	}
	return x.sum, err
}

// run is one import in progress.
type run struct {
	m     *Mapping
	db    *store.DB
	opt   Options
	now   time.Time
	today time.Time
	ref   *cases.Reference
	tax   cases.Taxonomy

	in         *inputs
	allegT     *table
	officerT   *table // nil when officers come from the allegation rows
	joins      []*joined
	joinOn     []getter
	allegScope scope

	// compiled mapping
	officerID, familyName, givenName, officerUnit getter
	rank, sex, ethnicity                          *mapper
	subjectID                                     getter // the officer named by an allegation row
	caseID, summary, caseUnit                     getter
	arose, received, occurred                     *dateReader
	allegID, description, sanction                getter
	category, finding                             *mapper
	kind                                          cases.Kind
	state                                         cases.State
	joinedFallback                                time.Time

	// what the pre-scan learnt
	officerFirst map[string]time.Time // earliest dated allegation of each officer
	caseArose    map[string]time.Time
	caseReceived map[string]time.Time
	caseLast     map[string]int // ordinal of each case's last row
	ordinal      int            // of the allegation row being imported

	// what exists: import keys by kind, and the force's records by code
	forceID  string
	keys     map[string]map[string]string
	unitCode map[string]string // unit code -> id, of every unit of the force
	collars  map[string]string // collar number -> officer id
	caseSeq  map[string]int    // case id -> last allegation number
	occ      map[string]int    // allegation id -> rows seen with it

	// Search texts are written once a case's last row is in (see
	// store.ImportBatch.Search). open holds the text of cases this run
	// created until then; grown marks older cases this run added to;
	// unindexed lists older cases that have no text yet.
	open      map[string]*openCase
	grown     map[string]bool
	unindexed map[string]bool

	ctx       context.Context
	batch     *store.ImportBatch
	batchRows int
	read      int
	phase     string
	rejects   *rejectFile
	sum       *Summary
}

func newRun(m *Mapping, in *inputs, opt Options) (*run, error) {
	ref, err := cases.LoadReference()
	if err != nil {
		return nil, err
	}
	now := opt.Now.UTC()
	x := &run{m: m, in: in, opt: opt, now: now, ref: ref, tax: ref.TaxonomyAt(now),
		today:        time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		officerFirst: map[string]time.Time{}, caseArose: map[string]time.Time{}, caseReceived: map[string]time.Time{},
		caseLast: map[string]int{}, occ: map[string]int{}, open: map[string]*openCase{}, grown: map[string]bool{},
		unindexed: map[string]bool{}, sum: &Summary{Unmapped: map[string]int{}}}
	x.kind = cases.Complaint
	if m.Cases.Kind != "" {
		x.kind = cases.Kind(m.Cases.Kind)
	}
	x.state = cases.Closed
	if m.Cases.State != "" {
		x.state = cases.State(m.Cases.State)
	}
	if m.Officers.JoinedFallback != "" {
		x.joinedFallback, _ = time.Parse(time.DateOnly, m.Officers.JoinedFallback)
	} else {
		x.joinedFallback = x.today
	}
	if err := x.compile(); err != nil {
		return nil, err
	}
	return x, nil
}

// compile resolves every column the mapping names against the files'
// columns, listing all that are missing at once.
func (x *run) compile() error {
	m := x.m
	var problems []string
	note := func(what string, err error) {
		if err != nil {
			problems = append(problems, what+": "+err.Error())
		}
	}
	x.allegT = x.in.tables[m.Allegations.File]
	x.allegScope = scope{main: x.allegT}
	for i, j := range m.Joins {
		jt := &joined{spec: j, table: x.in.tables[j.File], rows: map[string][]string{}}
		if jt.spec.Key == "" {
			jt.spec.Key = j.On
		}
		if _, ok := jt.table.cols[jt.spec.Key]; !ok {
			problems = append(problems, fmt.Sprintf("joins[%d].key: file %s has no column %q", i, j.File, jt.spec.Key))
		}
		on, err := x.allegScope.column(j.On)
		note(fmt.Sprintf("joins[%d].on", i), err)
		x.joins = append(x.joins, jt)
		x.joinOn = append(x.joinOn, on)
	}
	x.allegScope.joins = x.joins
	oscope := x.allegScope
	if m.Officers.File != "" && m.Officers.File != m.Allegations.File {
		x.officerT = x.in.tables[m.Officers.File]
		oscope = scope{main: x.officerT}
	}
	var err error
	o := m.Officers
	x.officerID, err = oscope.value(o.ID)
	note("officers.id", err)
	x.familyName, err = oscope.value(o.FamilyName)
	note("officers.family_name", err)
	x.givenName, err = oscope.value(o.GivenName)
	note("officers.given_name", err)
	x.officerUnit, err = oscope.value(o.Unit)
	note("officers.unit", err)
	x.rank, err = oscope.mapped(o.Rank, func(s string) error {
		if !officers.Rank(s).Valid() {
			return errors.New("not a rank")
		}
		return nil
	})
	note("officers.rank", err)
	x.sex, err = oscope.mapped(o.Sex, oneOf("sex", officers.Sexes))
	note("officers.sex", err)
	x.ethnicity, err = oscope.mapped(o.Ethnicity, oneOf("ethnicity", officers.Ethnicities))
	note("officers.ethnicity", err)
	if x.officerT != nil {
		x.subjectID, err = x.allegScope.value(m.Allegations.Officer)
		note("allegations.officer", err)
	} else {
		x.subjectID = x.officerID
	}
	a := x.allegScope
	x.caseID, err = a.value(m.Cases.ID)
	note("cases.id", err)
	x.summary, err = a.value(m.Cases.Summary)
	note("cases.summary", err)
	x.caseUnit, err = a.value(m.Cases.Unit)
	note("cases.unit", err)
	x.arose, err = a.date(m.Cases.Arose)
	note("cases.arose", err)
	x.received, err = a.date(m.Cases.Received)
	note("cases.received", err)
	if x.arose == nil {
		x.arose = x.received
	}
	if x.received == nil {
		x.received = x.arose
	}
	x.occurred, err = a.date(m.Allegations.Occurred)
	note("allegations.occurred", err)
	x.allegID, err = a.value(m.Allegations.ID)
	note("allegations.id", err)
	x.description, err = a.value(m.Allegations.Description)
	note("allegations.description", err)
	x.sanction, err = a.value(m.Allegations.Sanction)
	note("allegations.sanction", err)
	x.category, err = a.mapped(m.Allegations.Category, func(s string) error {
		_, _, err := categoryOf(x.tax, s)
		return err
	})
	note("allegations.category", err)
	x.finding, err = a.mapped(m.Allegations.Finding, oneOf("finding", Findings))
	note("allegations.finding", err)
	if len(problems) > 0 {
		return &InputError{Err: errors.New("the mapping does not fit the files: " + strings.Join(problems, "; "))}
	}
	return nil
}

func (x *run) run(ctx context.Context) (err error) {
	x.ctx = ctx
	// Everything is read once before anything is written: a truncated
	// archive, a file of the wrong shape or a date format that reads
	// nothing stops the import here, with the database untouched.
	x.phase = "checking"
	if err := x.loadJoins(ctx); err != nil {
		return err
	}
	if x.officerT != nil {
		if err := x.officerT.scan(ctx, true, func(record) error { return nil }); err != nil {
			return err
		}
	}
	if err := x.prescan(ctx); err != nil {
		return err
	}
	if err := x.loadState(ctx); err != nil {
		return err
	}
	restore, err := x.db.BulkLoad(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, restore()) }()
	if x.officerT != nil {
		x.phase, x.read = "officers", 0
		if err := x.officerT.scan(ctx, false, x.officerRow); err != nil {
			return err
		}
		x.report()
	}
	x.phase, x.read = "allegations", 0
	if err := x.allegT.scan(ctx, false, x.allegationRow); err != nil {
		return err
	}
	x.report()
	x.indexRest()
	return x.flush(ctx)
}

func (x *run) report() {
	if x.opt.Progress != nil {
		x.opt.Progress(Progress{Phase: x.phase, Read: x.read})
	}
}

// loadJoins reads each joined file into memory, keyed by its join column.
func (x *run) loadJoins(ctx context.Context) error {
	for _, j := range x.joins {
		key := j.table.cols[j.spec.Key]
		err := j.table.scan(ctx, true, func(rec record) error {
			if rec.bad != "" {
				return x.rejects.add(rec, rec.bad)
			}
			k := strings.TrimSpace(rec.fields[key])
			if _, dup := j.rows[k]; dup {
				return x.rejects.add(rec, fmt.Sprintf("%s %q appears more than once in %s; the first is used", j.spec.Key, k, j.table.spec.Name))
			}
			j.rows[k] = rec.fields
			x.sum.Joined++
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (x *run) bind(rec record) *row {
	r := &row{fields: rec.fields}
	if len(x.joins) > 0 {
		r.joined = make([][]string, len(x.joins))
		for k, j := range x.joins {
			r.joined[k] = j.rows[x.joinOn[k](r)]
		}
	}
	return r
}

// dateCheck tallies how a date column reads in the pre-scan.
type dateCheck struct {
	ok, bad  int
	firstBad string
}

// prescan reads the allegation rows once to learn each case's dates and
// each officer's earliest allegation (an officer record is written once,
// and the rows are in no date order), and to prove the file reads to its
// end.
func (x *run) prescan(ctx context.Context) error {
	checks := map[*dateReader]*dateCheck{}
	for _, d := range []*dateReader{x.arose, x.received, x.occurred} {
		if d != nil {
			checks[d] = &dateCheck{}
		}
	}
	readDate := func(d *dateReader, r *row) time.Time {
		if d == nil {
			return time.Time{}
		}
		t, raw, bad := d.read(r, x.today)
		c := checks[d]
		switch {
		case bad != "":
			if c.bad == 0 {
				c.firstBad = raw
			}
			c.bad++
		case raw != "":
			c.ok++
		}
		return t
	}
	ordinal := 0
	err := x.allegT.scan(ctx, true, func(rec record) error {
		x.read++
		ordinal++
		if x.read%8192 == 0 {
			x.report()
		}
		if rec.bad != "" {
			return nil
		}
		r := x.bind(rec)
		caseID := x.caseID(r)
		if caseID != "" {
			x.caseLast[caseID] = ordinal
		}
		arose, received := readDate(x.arose, r), readDate(x.received, r)
		occurred := readDate(x.occurred, r)
		if caseID != "" {
			earlier(x.caseArose, caseID, arose)
			earlier(x.caseReceived, caseID, received)
		}
		if o := x.subjectID(r); o != "" {
			earlier(x.officerFirst, o, firstOf(occurred, arose, received))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for d, c := range checks {
		if c.ok == 0 && c.bad > 0 {
			return inputErr("%s: none of the %d values read as a date (the first is %q): is the format right?", d.desc, c.bad, c.firstBad)
		}
	}
	return nil
}

func earlier(m map[string]time.Time, k string, t time.Time) {
	if t.IsZero() {
		return
	}
	if old, ok := m[k]; !ok || t.Before(old) {
		m[k] = t
	}
}

func firstOf(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// loadState reads what earlier imports of this source created, and the
// force's existing units and officers, which an import adopts rather than
// duplicates (a force importing its own export into Probity).
func (x *run) loadState(ctx context.Context) error {
	x.keys = map[string]map[string]string{}
	for _, k := range []string{store.ImportForce, store.ImportUnit, store.ImportOfficer, store.ImportCase, store.ImportAllegation} {
		m, err := x.db.ImportKeys(ctx, x.m.Source, k)
		if err != nil {
			return err
		}
		x.keys[k] = m
	}
	x.batch = &store.ImportBatch{Source: x.m.Source, Now: x.now}
	if fid, ok := x.keys[store.ImportForce][x.m.Force.Code]; ok {
		x.forceID = fid
	} else {
		f, err := x.db.ForceByCode(ctx, x.m.Force.Code)
		switch {
		case err == nil:
			x.forceID = f.ID
		case fault.KindOf(err) == fault.NotFound:
			x.forceID = id.New()
			x.batch.Force = &officers.Force{ID: x.forceID, Code: x.m.Force.Code, Name: x.m.Force.Name}
			x.sum.Forces++
		default:
			return err
		}
		x.keys[store.ImportForce][x.m.Force.Code] = x.forceID
		x.batch.Keys = append(x.batch.Keys, store.ImportKey{Kind: store.ImportForce, ExternalID: x.m.Force.Code, InternalID: x.forceID})
	}
	var err error
	if x.unitCode, err = x.db.UnitCodes(ctx, x.forceID); err != nil {
		return err
	}
	if x.collars, err = x.db.OfficerCollars(ctx, x.forceID); err != nil {
		return err
	}
	if x.caseSeq, err = x.db.AllegationSeqs(ctx, x.forceID); err != nil {
		return err
	}
	if len(x.keys[store.ImportCase]) > 0 {
		un, err := x.db.UnindexedImports(ctx, x.m.Source)
		if err != nil {
			return err
		}
		for _, c := range un {
			x.unindexed[c] = true
		}
	}
	return nil
}

// tick counts a row read and writes the batch when it is full.
func (x *run) tick(ctx context.Context) error {
	x.read++
	x.sum.Read++
	x.batchRows++
	if x.read%4096 == 0 {
		x.report()
	}
	if x.batchRows >= x.opt.Batch {
		return x.flush(ctx)
	}
	return nil
}

// flush writes the batch in one transaction.
func (x *run) flush(ctx context.Context) error {
	b := x.batch
	if b.Force == nil && len(b.Keys) == 0 && b.Rows() == 0 {
		x.batchRows = 0
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := x.db.InTx(ctx, func(tx *store.Tx) error { return tx.ImportBatch(ctx, b) }); err != nil {
		return fmt.Errorf("writing batch %d: %w", x.sum.Batches+1, err)
	}
	x.sum.Batches++
	x.batch = &store.ImportBatch{Source: x.m.Source, Now: x.now}
	x.batchRows = 0
	if x.opt.AfterBatch != nil {
		x.opt.AfterBatch(x.sum.Batches)
	}
	return nil
}

func (x *run) key(kind, ext, internal string) {
	x.keys[kind][ext] = internal
	x.batch.Keys = append(x.batch.Keys, store.ImportKey{Kind: kind, ExternalID: ext, InternalID: internal})
}

func (x *run) reject(rec record, why ...string) error {
	return x.rejects.add(rec, strings.Join(why, "; "))
}

// officerRow imports one row of an officers file.
func (x *run) officerRow(rec record) error {
	ctx := x.ctx
	if rec.bad != "" {
		if err := x.reject(rec, rec.bad); err != nil {
			return err
		}
		return x.tick(ctx)
	}
	r := &row{fields: rec.fields}
	ext := x.officerID(r)
	switch {
	case ext == "":
		if err := x.reject(rec, "no officer id"); err != nil {
			return err
		}
	case x.keys[store.ImportOfficer][ext] != "":
		x.sum.Duplicates++
	default:
		o, why := x.buildOfficer(r, ext)
		if len(why) > 0 {
			if err := x.reject(rec, why...); err != nil {
				return err
			}
			break
		}
		x.addOfficer(o)
		x.sum.Imported++
	}
	return x.tick(ctx)
}

// newOfficer is an officer built from a row but not yet added: a row is
// checked whole before any of its records are kept.
type newOfficer struct {
	o         store.ImportedOfficer
	ext       string
	unit      string // the source's unit code
	defaulted bool   // the rank had no mapping
}

// buildOfficer makes an officer record from a row, or says why it cannot.
func (x *run) buildOfficer(r *row, ext string) (*newOfficer, []string) {
	var why []string
	if utf8.RuneCountInString(ext) > 20 || !utf8.ValidString(ext) {
		why = append(why, fmt.Sprintf("officer id %q is longer than a collar number may be (20 characters)", clip(ext, 40)))
	}
	family := clip(clean(x.familyName(r), false), 100)
	if family == "" {
		why = append(why, "no officer name (the mapping's family_name is empty for this row)")
	}
	srcRank, rank, _ := x.rank.apply(r)
	var defaulted bool
	if !officers.Rank(rank).Valid() {
		// Counted only when the source gives ranks: Philadelphia's does
		// not, and every officer there is recorded at the default.
		defaulted = !x.m.Officers.Rank.Value.empty()
		rank = string(DefaultRank)
	}
	_, sex, _ := x.sex.apply(r)
	_, eth, _ := x.ethnicity.apply(r)
	// The sources give no joining dates. The earliest allegation is the
	// latest day by which the officer had certainly joined; see
	// docs/importing.md for what that means for career lengths.
	joined, ok := x.officerFirst[ext]
	if !ok {
		joined = x.joinedFallback
	}
	n := &newOfficer{ext: ext, unit: x.officerUnit(r), defaulted: defaulted,
		o: store.ImportedOfficer{Officer: officers.Officer{ForceID: x.forceID, CollarNumber: ext, FamilyName: family,
			GivenName: clip(clean(x.givenName(r), false), 100), Rank: officers.Rank(rank), JoinedOn: joined, Sex: sex, Ethnicity: eth},
			SourceRank: clip(clean(srcRank, false), 100)}}
	if len(why) == 0 {
		if err := n.o.Validate(x.now); err != nil {
			why = append(why, err.Error())
		}
	}
	return n, why
}

// addOfficer creates an officer, or adopts the force's existing officer
// with the same collar number.
func (x *run) addOfficer(n *newOfficer) string {
	if existing, ok := x.collars[n.ext]; ok {
		x.key(store.ImportOfficer, n.ext, existing)
		return existing
	}
	o := n.o
	o.ID = id.New()
	if n.unit != "" {
		o.UnitID = x.unitFor(n.unit)
	}
	if n.defaulted {
		x.sum.RanksDefaulted++
	}
	x.collars[n.ext] = o.ID
	x.batch.Officers = append(x.batch.Officers, o)
	x.sum.Officers++
	x.key(store.ImportOfficer, n.ext, o.ID)
	return o.ID
}

// unitFor returns the unit with a source's unit code, creating it.
func (x *run) unitFor(src string) string {
	if uid, ok := x.keys[store.ImportUnit][src]; ok {
		return uid
	}
	code := clip(src, 32)
	uid, ok := x.unitCode[code]
	if !ok {
		uid = id.New()
		x.unitCode[code] = uid
		x.batch.Units = append(x.batch.Units, officers.Unit{ID: uid, ForceID: x.forceID, Code: code, Name: clip(src, 200)})
		x.sum.Units++
	}
	x.key(store.ImportUnit, src, uid)
	return uid
}

// allegationRow imports one row of the allegations file.
func (x *run) allegationRow(rec record) error {
	ctx := x.ctx
	x.ordinal++
	if err := x.allegation(rec); err != nil {
		return err
	}
	return x.tick(ctx)
}

func (x *run) allegation(rec record) error {
	if rec.bad != "" {
		return x.reject(rec, rec.bad)
	}
	r := x.bind(rec)
	var why []string
	for k, j := range x.joins {
		if j.spec.Required && r.joined[k] == nil {
			why = append(why, fmt.Sprintf("%s %q is not in %s", j.spec.On, clip(x.joinOn[k](r), 40), j.table.spec.Name))
		}
	}
	caseExt := x.caseID(r)
	if caseExt == "" {
		why = append(why, "no case id")
	} else if x.caseLast[caseExt] == x.ordinal {
		defer x.finish(caseExt)
	}
	ext := x.allegID(r)
	if ext == "" {
		why = append(why, "no allegation id")
	} else {
		// Numbered before any check, so that a row keeps its key whether
		// or not earlier rows with the same id were imported.
		x.occ[ext]++
		if n := x.occ[ext]; n > 1 {
			ext += "#" + strconv.Itoa(n)
		}
		if len(why) == 0 {
			if _, dup := x.keys[store.ImportAllegation][ext]; dup {
				x.sum.Duplicates++
				return nil
			}
		}
	}
	occurred, _, bad := x.occurred.read(r, x.today)
	if bad != "" {
		why = append(why, bad)
	}
	// The case: known, or new from this row.
	caseID, known := x.keys[store.ImportCase][caseExt]
	var newCase *cases.Case
	if !known && caseExt != "" {
		c, cwhy := x.buildCase(r, caseExt)
		why = append(why, cwhy...)
		newCase = c
	}
	// The officer: named by this row, known or new.
	var officerID string
	var pending *newOfficer
	oext := x.subjectID(r)
	switch {
	case oext == "" && x.m.Officers.Optional:
	case oext == "":
		why = append(why, "no officer id")
	default:
		if oid, ok := x.keys[store.ImportOfficer][oext]; ok {
			officerID = oid
		} else if x.officerT != nil {
			why = append(why, fmt.Sprintf("officer %q is not in %s", clip(oext, 40), x.officerT.spec.Name))
		} else {
			o, owhy := x.buildOfficer(r, oext)
			why = append(why, owhy...)
			pending = o
		}
	}
	src, code, matched := x.category.apply(r)
	cat, sub, err := categoryOf(x.tax, code)
	if err != nil {
		why = append(why, "category: "+err.Error())
	}
	srcFinding, finding, fmatched := x.finding.apply(r)
	if !fmatched && finding == "" && srcFinding != "" {
		finding = "other"
	}
	if len(why) > 0 {
		return x.reject(rec, why...)
	}

	if newCase != nil {
		if u := x.caseUnit(r); u != "" {
			newCase.UnitID = x.unitFor(u)
		}
		x.batch.Cases = append(x.batch.Cases, *newCase)
		x.key(store.ImportCase, caseExt, newCase.ID)
		x.sum.Cases++
		caseID = newCase.ID
		x.open[caseID] = &openCase{summary: newCase.Summary}
	}
	if pending != nil {
		officerID = x.addOfficer(pending)
	}
	if !matched {
		x.noteUnmapped(src)
	}
	a := store.ImportedAllegation{CaseID: caseID}
	x.caseSeq[caseID]++
	a.ID = id.New()
	a.Seq = x.caseSeq[caseID]
	a.TaxonomyVersion = x.tax.Version
	a.Category, a.Subcategory = cat, sub
	if sub != "" {
		c, _ := x.tax.Category(cat)
		s, _ := c.Subcategory(sub)
		a.ProtectedCharacteristic = s.ProtectedCharacteristic
	}
	a.Description = clip(clean(x.description(r), true), cases.MaxDescription)
	if !occurred.IsZero() {
		a.OccurredOn = &occurred
	}
	a.SourceCategory = clip(clean(src, false), maxSourceText)
	a.Subjects = []cases.Subject{}
	if officerID != "" {
		a.Subjects = append(a.Subjects, cases.Subject{OfficerID: officerID, Finding: finding,
			Outcome: clip(clean(x.sanction(r), true), maxOutcome)})
		a.SourceFindings = []string{clip(clean(srcFinding, false), maxSourceText)}
	} else {
		x.sum.NoOfficer++
	}
	x.batch.Allegations = append(x.batch.Allegations, a)
	x.key(store.ImportAllegation, ext, a.ID)
	if oc, ok := x.open[caseID]; ok {
		oc.descriptions = append(oc.descriptions, a.Description)
	} else {
		x.grown[caseID] = true
	}
	x.sum.Allegations++
	x.sum.Imported++
	return nil
}

// openCase is a case this run created whose last row is still to come.
type openCase struct {
	summary      string
	descriptions []string
}

// finish indexes a case for search once its last row has been read.
func (x *run) finish(caseExt string) {
	caseID, ok := x.keys[store.ImportCase][caseExt]
	if !ok {
		return // every row of the case was rejected
	}
	x.index(caseID)
}

func (x *run) index(caseID string) {
	switch {
	case x.open[caseID] != nil:
		oc := x.open[caseID]
		x.batch.Search = append(x.batch.Search, store.SearchText{CaseID: caseID, Body: store.SearchBody(oc.summary, oc.descriptions)})
		delete(x.open, caseID)
	case x.grown[caseID] && x.unindexed[caseID]:
		x.batch.Unindexed = append(x.batch.Unindexed, caseID)
	case x.grown[caseID]:
		x.batch.Reindex = append(x.batch.Reindex, caseID)
	case x.unindexed[caseID]:
		x.batch.Unindexed = append(x.batch.Unindexed, caseID)
	default:
		return
	}
	delete(x.grown, caseID)
	delete(x.unindexed, caseID)
}

// indexRest indexes what the rows left: cases whose text an interrupted
// earlier run never wrote and whose rows were all done before this one.
func (x *run) indexRest() {
	var rest []string
	for _, m := range []map[string]bool{x.grown, x.unindexed} {
		for c := range m {
			rest = append(rest, c)
		}
	}
	for c := range x.open {
		rest = append(rest, c)
	}
	sort.Strings(rest)
	for _, c := range rest {
		x.index(c)
	}
}

// maxUnmapped bounds the distinct unmapped categories kept for the summary.
const maxUnmapped = 1000

func (x *run) noteUnmapped(src string) {
	if _, ok := x.sum.Unmapped[src]; ok || len(x.sum.Unmapped) < maxUnmapped {
		x.sum.Unmapped[src]++
	}
}

// buildCase makes a new case from the first row of its id. Its dates are
// the earliest of all its rows, learnt in the pre-scan.
func (x *run) buildCase(r *row, ext string) (*cases.Case, []string) {
	arose, received := x.caseArose[ext], x.caseReceived[ext]
	if arose.IsZero() {
		arose = received
	}
	if received.IsZero() {
		received = arose
	}
	if arose.IsZero() {
		return nil, []string{fmt.Sprintf("case %q has no valid date in any of its rows", clip(ext, 40))}
	}
	if received.Before(arose) {
		return nil, []string{fmt.Sprintf("case %q was received (%s) before it arose (%s)", clip(ext, 40),
			received.Format(time.DateOnly), arose.Format(time.DateOnly))}
	}
	summary := clip(clean(x.summary(r), true), cases.MaxSummary)
	if strings.TrimSpace(summary) == "" {
		summary = fmt.Sprintf("Imported %s record %s", x.m.Source, clip(ext, 100))
	}
	c := &cases.Case{ID: id.New(), Kind: x.kind, ForceID: x.forceID, State: x.state, RuleSet: x.ref.RuleSetFor(arose).Code,
		Summary: summary, AroseOn: arose, ReceivedAt: received}
	return c, nil
}

// clean makes source text safe to store and show: valid UTF-8, no control
// characters (line breaks and tabs kept only where paragraphs make sense).
func clean(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			if multiline {
				return r
			}
			return ' '
		}
		if r == '\r' {
			if multiline {
				return -1
			}
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
