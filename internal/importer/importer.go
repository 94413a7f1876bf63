package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// Options tune an import.
type Options struct {
	// Batch is how many rows go into one transaction (default
	// DefaultBatch): a crash loses at most one batch, and a rerun resumes
	// after the last whole one.
	Batch int
	// Rejects is the path of the reject file; "" counts rejects without
	// writing them.
	Rejects string
	// Now is the time of the import (default time.Now).
	Now time.Time
	// Progress, when set, is told how far the import has got, every few
	// thousand rows and at the end of each phase.
	Progress func(Progress)
	// AfterBatch, when set, runs after each batch commits (in a whole
	// load, after each is written into the load's one transaction); tests
	// use it to stop an import midway.
	AfterBatch func(batch int)
}

// DefaultBatch is how many rows a batch holds unless told otherwise.
// The ids an import makes grow in load order, but every row still lands
// at a random page of the indexes on foreign keys and other columns, and
// each commit writes those pages to the WAL again: fewer, larger
// transactions write each page fewer times. 25,000 rows take a few
// seconds to write and tens of megabytes of memory.
const DefaultBatch = 25000

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
	Unidentified   int            // allegations kept with no subject: the mapping says their officer is unidentified
	Unmapped       map[string]int // source categories that fell to the default category, with counts
	RejectFile     string         // "" when nothing was rejected
	Batches        int
	// Whole says the import went into an empty SQLite database as one
	// transaction (store.ImportLoad): if it stopped, nothing of it is
	// written.
	Whole bool
	Took  time.Duration
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
		opt.Batch = DefaultBatch
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
	ethnicityGroups                               map[string]EthnicityGroup // by normalised source value
	subjectID                                     getter                    // the officer named by an allegation row
	unidentified                                  func(r *row) bool
	unidentifiedIDs                               map[string]bool // officers file rows that stand for no one
	caseID, summary, caseUnit                     getter
	arose, received, occurred, joined             *dateReader
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

	// A whole load: flush hands batches to the writer of the one
	// transaction through loadIn; loadDone gives its result.
	loadIn     chan *store.ImportBatch
	loadDone   chan error
	stopLoad   context.CancelFunc
	loadWrites int

	// ids makes the ids of the records the rows create, and writeIDs
	// those the writer makes for them (postings, timeline entries): each
	// in the order of the rows, so that every table's primary key grows
	// at its end (see id.Sequence). writeIDs is used only by the one
	// batch being written at a time.
	ids, writeIDs *id.Sequence

	ctx       context.Context
	batch     *store.ImportBatch
	batchRows int
	writing   chan error // the result of the batch being written; nil when none is
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
		unindexed: map[string]bool{}, sum: &Summary{Unmapped: map[string]int{}},
		ids: id.NewSequence(), writeIDs: id.NewSequence()}
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
	x.ethnicityGroups = map[string]EthnicityGroup{}
	for _, g := range o.EthnicityGroups {
		g.Name = strings.TrimSpace(g.Name)
		for _, v := range g.Values {
			x.ethnicityGroups[normal(v)] = g
		}
	}
	x.joined, err = oscope.date("officers.joined", o.Joined)
	note("officers.joined", err)
	x.unidentified, err = oscope.conditions("officers.unidentified", o.Unidentified)
	if err != nil {
		problems = append(problems, err.Error())
	}
	x.unidentifiedIDs = map[string]bool{}
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
	x.arose, err = a.date("cases.arose", m.Cases.Arose)
	note("cases.arose", err)
	x.received, err = a.date("cases.received", m.Cases.Received)
	note("cases.received", err)
	if x.arose == nil {
		x.arose = x.received
	}
	if x.received == nil {
		x.received = x.arose
	}
	x.occurred, err = a.date("allegations.occurred", m.Allegations.Occurred)
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
	if x.db.Dialect() == store.SQLite {
		empty, err := x.db.Empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			x.startLoad(ctx)
		}
	}
	if err := x.load(ctx); err != nil {
		// A batch still being written ends first, whether or not it
		// commits: the import has stopped either way. A whole load
		// rolls back.
		return errors.Join(err, x.stop())
	}
	return x.written()
}

// startLoad opens the one transaction of a whole load (store.ImportLoad)
// on a goroutine of its own, which writes each batch flush hands it while
// the next is read and built, as batches are written otherwise.
func (x *run) startLoad(ctx context.Context) {
	lctx, cancel := context.WithCancel(ctx)
	x.stopLoad = cancel
	x.loadIn = make(chan *store.ImportBatch)
	x.loadDone = make(chan error, 1)
	x.sum.Whole = true
	in := x.loadIn
	go func() {
		n := 0
		x.loadDone <- x.db.ImportLoad(lctx, func(tx *store.Tx) error {
			for {
				select {
				case b, ok := <-in:
					if !ok {
						return nil
					}
					n++
					if err := tx.ImportBatch(lctx, b); err != nil {
						return fmt.Errorf("writing batch %d: %w", n, err)
					}
					if x.opt.AfterBatch != nil {
						x.opt.AfterBatch(n)
					}
				case <-lctx.Done():
					return lctx.Err()
				}
			}
		})
	}()
}

// stop ends the import after an error: a whole load is rolled back, and a
// batch being written is waited for.
func (x *run) stop() error {
	if x.loadIn == nil {
		return x.written()
	}
	x.stopLoad()
	err := <-x.loadDone
	x.loadIn = nil
	if errors.Is(err, context.Canceled) {
		return nil // the error that stopped it says why
	}
	return err
}

// load reads the rows and writes them, batch by batch.
func (x *run) load(ctx context.Context) error {
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
	x.batch = x.newBatch()
	if fid, ok := x.keys[store.ImportForce][x.m.Force.Code]; ok {
		x.forceID = fid
	} else {
		f, err := x.db.ForceByCode(ctx, x.m.Force.Code)
		switch {
		case err == nil:
			x.forceID = f.ID
		case fault.KindOf(err) == fault.NotFound:
			x.forceID = x.ids.New()
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

// flush hands the batch to be written in one transaction on a goroutine
// of its own, so that the next batch is read and built while this one is
// written: reading is about a quarter of an import's work, and a second
// core can do it. One batch at most is in the writing: flush first waits
// for the one before, and stops the import if it failed. The batch is the
// writer's from here on; nothing here touches it again.
func (x *run) flush(ctx context.Context) error {
	b := x.batch
	if b.Force == nil && len(b.Keys) == 0 && b.Rows() == 0 {
		x.batchRows = 0
		return nil
	}
	if x.loadIn != nil {
		select {
		case x.loadIn <- b:
			x.loadWrites++
		case err := <-x.loadDone: // the load failed, and rolled back
			x.loadIn = nil
			x.stopLoad()
			return err
		}
		x.batch = x.newBatch()
		x.batchRows = 0
		return nil
	}
	if err := x.written(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	n := x.sum.Batches + 1
	done := make(chan error, 1)
	x.writing = done
	go func() {
		err := x.db.InTx(ctx, func(tx *store.Tx) error { return tx.ImportBatch(ctx, b) })
		if err != nil {
			done <- fmt.Errorf("writing batch %d: %w", n, err)
			return
		}
		if x.opt.AfterBatch != nil {
			x.opt.AfterBatch(n)
		}
		done <- nil
	}()
	x.batch = x.newBatch()
	x.batchRows = 0
	return nil
}

// written waits for the batch being written, if any, and says whether it
// committed.
func (x *run) written() error {
	if x.loadIn != nil {
		close(x.loadIn)
		err := <-x.loadDone
		x.loadIn = nil
		x.stopLoad()
		if err == nil {
			x.sum.Batches = x.loadWrites
		}
		return err
	}
	if x.writing == nil {
		return nil
	}
	err := <-x.writing
	x.writing = nil
	if err == nil {
		x.sum.Batches++
	}
	return err
}

// newBatch starts an empty batch.
func (x *run) newBatch() *store.ImportBatch {
	return &store.ImportBatch{Source: x.m.Source, Now: x.now, NewID: x.writeIDs.New}
}

func (x *run) key(kind, ext, internal string) {
	x.keys[kind][ext] = internal
	x.batch.Keys = append(x.batch.Keys, store.ImportKey{Kind: kind, ExternalID: ext, InternalID: internal})
}

func (x *run) reject(rec record, why ...string) error {
	return x.rejects.add(rec, strings.Join(why, "; "))
}
