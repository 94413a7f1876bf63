package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// Summary counts what a dataset holds or what Seed wrote. It carries no
// personal data, so it can be logged.
type Summary struct {
	AlreadySeeded bool // the force was already there; Seed wrote nothing
	Forces        int
	Units         int
	Officers      int
	Postings      int
	People        int
	Cases         int
	ByKind        map[cases.Kind]int
	Allegations   int
	Events        int // timeline entries, including the one each case opens with
	Took          time.Duration
}

func (s Summary) String() string {
	if s.AlreadySeeded {
		return "demo force already seeded"
	}
	var kinds []string
	for _, k := range cases.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, s.ByKind[k]))
	}
	return fmt.Sprintf("%d forces, %d units, %d officers (%d postings), %d people, %d cases (%s), %d allegations, %d timeline entries in %s",
		s.Forces, s.Units, s.Officers, s.Postings, s.People, s.Cases, strings.Join(kinds, ", "), s.Allegations, s.Events,
		s.Took.Round(time.Millisecond))
}

// add counts another dataset's records in s.
func (s *Summary) add(o Summary) {
	s.Forces += o.Forces
	s.Units += o.Units
	s.Officers += o.Officers
	s.Postings += o.Postings
	s.People += o.People
	s.Cases += o.Cases
	for k, n := range o.ByKind {
		s.ByKind[k] += n
	}
	s.Allegations += o.Allegations
	s.Events += o.Events
}

// Summary counts the dataset.
func (ds *Dataset) Summary() Summary {
	s := Summary{Forces: 1, Units: len(ds.Units), Officers: len(ds.Officers), People: len(ds.People), Cases: len(ds.Cases),
		ByKind: map[cases.Kind]int{}}
	for _, o := range ds.Officers {
		s.Postings += len(o.Postings)
	}
	for _, c := range ds.Cases {
		s.ByKind[c.Kind]++
		s.Allegations += len(c.Allegations)
		s.Events += 1 + len(c.Events)
	}
	return s
}

// caseBatch is how many cases go into one transaction: large enough that
// commits (each a durable sync on SQLite) cost little, small enough that
// the single SQLite writer is not held for the whole seed, so a server
// sharing the database can still write between batches.
const caseBatch = 1000

// Seed writes ds into db unless its force is already there, in which case
// it writes nothing and reports AlreadySeeded: the demo is seeded once and
// then used, and reseeding would duplicate every case.
//
// The force, units, officers with their postings, and people go in one
// transaction, then the cases in batches. If a case batch fails, what was
// committed stays and a rerun reports AlreadySeeded; demo data is
// disposable, so the remedy is a fresh database rather than a resume.
//
// now is the time the records are written; it must not be before ds.Now,
// or the newest cases would be in the future. Each case is recorded in its
// initial state as of its own receipt time, then moved through its
// timeline entry by entry, each stored as of its own time, so timelines
// read as they would have happened.
func Seed(ctx context.Context, db *store.DB, ds *Dataset, now time.Time) (Summary, error) {
	began := time.Now()
	forces, err := db.Forces(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("checking for the demo force: %w", err)
	}
	if slices.ContainsFunc(forces, func(f officers.Force) bool { return f.Code == ds.Force.Code }) {
		return Summary{AlreadySeeded: true, Took: time.Since(began)}, nil
	}
	ref, err := cases.LoadReference()
	if err != nil {
		return Summary{}, err
	}
	var ids map[string]string
	err = db.InTx(ctx, func(tx *store.Tx) error {
		// InTx may run this again after a serialisation failure, so the
		// key map starts afresh each time.
		ids = map[string]string{}
		// An id each for the force, its units, the intake unit, the
		// officers and the people.
		return seedPeopleAndOfficers(ctx, tx, ds, newKeyer(ids, 2+len(ds.Units)+len(ds.Officers)+len(ds.People)), now)
	})
	if err != nil {
		return Summary{}, fmt.Errorf("seeding the demo force: %w", err)
	}
	// The id each case was given, by its place in ds.Cases.
	caseIDs := make([]string, len(ds.Cases))
	for lo := 0; lo < len(ds.Cases); lo += caseBatch {
		batch := ds.Cases[lo:min(lo+caseBatch, len(ds.Cases))]
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range batch {
				id, err := seedCase(ctx, tx, &batch[i], ids, ref, now)
				if err != nil {
					return fmt.Errorf("case %d: %w", lo+i+1, err)
				}
				caseIDs[lo+i] = id
			}
			return nil
		})
		if err != nil {
			return Summary{}, fmt.Errorf("seeding demo cases: %w", err)
		}
	}
	if err := seedRoles(ctx, db, ds, ids, caseIDs, now); err != nil {
		return Summary{}, err
	}
	s := ds.Summary()
	s.Took = time.Since(began)
	return s, nil
}

func seedPeopleAndOfficers(ctx context.Context, tx *store.Tx, ds *Dataset, k *keyer, now time.Time) error {
	ids, assign := k.ids, k.assign
	f := ds.Force
	f.ID = assign(f.ID)
	if err := tx.CreateForce(ctx, &f); err != nil {
		return err
	}
	for _, u := range ds.Units {
		u.ID, u.ForceID = assign(u.ID), f.ID
		if err := tx.CreateUnit(ctx, &u); err != nil {
			return err
		}
	}
	// Public complaints arrive in the intake queue; no officer is posted
	// there, it holds cases until a handler takes them on.
	if err := tx.CreateUnit(ctx, &officers.Unit{ID: assign("demo-unit-intake"), ForceID: f.ID, Code: intake.IntakeUnitCode,
		Name: "Complaints intake (public complaints)"}); err != nil {
		return err
	}
	for _, o := range ds.Officers {
		// The store opens an officer's first posting from their record,
		// so the officer is created as they were on joining and then moved
		// through each later posting; the record ends up current.
		rec := o.Officer
		rec.ID, rec.ForceID = assign(o.ID), f.ID
		first := o.Postings[0]
		rec.UnitID, rec.Rank = ids[first.UnitID], first.Rank
		if err := tx.CreateOfficer(ctx, &rec, now); err != nil {
			return err
		}
		for _, p := range o.Postings[1:] {
			if err := tx.Transfer(ctx, rec.ID, ids[p.UnitID], p.Rank, p.StartedOn, now); err != nil {
				return fmt.Errorf("posting officer %s: %w", rec.CollarNumber, err)
			}
		}
	}
	for _, p := range ds.People {
		p.ID = assign(p.ID)
		if err := tx.CreatePerson(ctx, &p, p.CreatedAt); err != nil {
			// The error names fields, never their values.
			return fmt.Errorf("recording a member of the public: %w", err)
		}
	}
	return nil
}

// keyer gives dataset keys store ids. The ids are drawn as id.New draws
// every id, then sorted and handed out in dataset order, so that where the
// store lists or breaks ties by id (the officer list, the subjects of an
// allegation) the order is the dataset's on every seeding, while the ids
// themselves stay random: sorting n of them gives away about log2(n) of
// each one's 128 bits, and nothing about which records they belong to.
type keyer struct {
	ids  map[string]string
	pool []string
}

func newKeyer(ids map[string]string, n int) *keyer {
	pool := make([]string, n)
	for i := range pool {
		pool[i] = id.New()
	}
	slices.Sort(pool)
	return &keyer{ids: ids, pool: pool}
}

func (k *keyer) assign(key string) string {
	if len(k.pool) == 0 {
		// Only a miscount of the dataset's records gets here; an id out
		// of order costs the order, not correctness.
		k.pool = append(k.pool, id.New())
	}
	v := k.pool[0]
	k.pool = k.pool[1:]
	k.ids[key] = v
	return v
}

// seedCase records a case as it was received, in its kind's initial state
// at its receipt, then stores each entry of its timeline in order as the
// API would: a transition for each, moving the case's state and version
// on. Findings written by an action are kept only in the subjects table,
// which holds the current ones and no history, so they are written once,
// with the last entry, rather than rewritten at every step.
func seedCase(ctx context.Context, tx *store.Tx, dc *Case, ids map[string]string, ref *cases.Reference, now time.Time) (string, error) {
	final, err := resolve(dc.Case, ids)
	if err != nil {
		return "", err
	}
	if err := final.Validate(ref, now); err != nil {
		return "", err
	}
	final.Prepare(ref, now)
	c := final
	c.State = c.Kind.InitialState()
	c.Allegations = undecided(final.Allegations)
	if err := tx.CreateCase(ctx, &c, Actor, c.ReceivedAt); err != nil {
		return "", err
	}
	// CreateCase gave the allegations ids, in order.
	allegations := make(map[string]string, len(c.Allegations))
	for i := range c.Allegations {
		allegations[dc.Allegations[i].ID] = c.Allegations[i].ID
		final.Allegations[i].ID = c.Allegations[i].ID
	}
	for k, e := range dc.Events {
		e.Detail, err = storedDetail(e.Detail, ids, allegations)
		if err != nil {
			return "", err
		}
		if e.Type == cases.EventStateChanged {
			c.State = cases.State(e.Detail["to"])
		}
		c.Allegations = nil
		if k == len(dc.Events)-1 {
			c.State, c.Allegations = final.State, final.Allegations
		}
		if err := tx.SaveTransition(ctx, &c, c.Version, &e, e.At); err != nil {
			return "", err
		}
	}
	return c.ID, nil
}

// undecided copies allegations with their subjects as they stood on
// receipt: no severity, finding or outcome yet.
func undecided(als []cases.Allegation) []cases.Allegation {
	out := slices.Clone(als)
	for i := range out {
		if len(out[i].Subjects) == 0 {
			continue
		}
		subs := make([]cases.Subject, len(out[i].Subjects))
		for j, s := range out[i].Subjects {
			subs[j] = cases.Subject{OfficerID: s.OfficerID}
		}
		out[i].Subjects = subs
	}
	return out
}

// storedDetail copies an event's detail with the dataset keys its findings
// and recipient name replaced by stored ids.
func storedDetail(d map[string]string, ids, allegations map[string]string) (map[string]string, error) {
	d = maps.Clone(d)
	if r, ok := d[string(cases.FieldRecipient)]; ok {
		v, ok := ids[r]
		if !ok {
			return nil, fmt.Errorf("dataset key %q names no seeded officer", r)
		}
		d[string(cases.FieldRecipient)] = v
	}
	if raw, ok := d[string(cases.FieldFindings)]; ok {
		var fs []cases.FindingInput
		if err := json.Unmarshal([]byte(raw), &fs); err != nil {
			return nil, fmt.Errorf("reading findings: %w", err)
		}
		for i := range fs {
			a, okA := allegations[fs[i].AllegationID]
			o, okO := ids[fs[i].OfficerID]
			if !okA || !okO {
				return nil, fmt.Errorf("findings name %q on %q, which were not seeded", fs[i].OfficerID, fs[i].AllegationID)
			}
			fs[i].AllegationID, fs[i].OfficerID = a, o
		}
		b, err := json.Marshal(fs)
		if err != nil {
			return nil, err
		}
		d[string(cases.FieldFindings)] = string(b)
	}
	return d, nil
}

// resolve copies a dataset case with its keys replaced by stored ids. The
// copy is deep because CreateCase writes ids into allegations, and the
// dataset must stay as generated (it may be seeded again elsewhere).
func resolve(c cases.Case, ids map[string]string) (cases.Case, error) {
	look := func(key string) (string, error) {
		v, ok := ids[key]
		if !ok {
			return "", fmt.Errorf("dataset key %q names no seeded record", key)
		}
		return v, nil
	}
	var err error
	if c.ForceID, err = look(c.ForceID); err != nil {
		return c, err
	}
	if c.UnitID != "" {
		if c.UnitID, err = look(c.UnitID); err != nil {
			return c, err
		}
	}
	als := make([]cases.Allegation, len(c.Allegations))
	for i, a := range c.Allegations {
		a.Standards = slices.Clone(a.Standards)
		if a.OccurredOn != nil {
			d := *a.OccurredOn
			a.OccurredOn = &d
		}
		subs := make([]cases.Subject, len(a.Subjects))
		for j, s := range a.Subjects {
			if s.OfficerID, err = look(s.OfficerID); err != nil {
				return c, err
			}
			subs[j] = s
		}
		a.Subjects = subs
		als[i] = a
	}
	c.Allegations = als
	parties := make([]cases.Party, len(c.Parties))
	for i, p := range c.Parties {
		if p.PersonID != "" {
			if p.PersonID, err = look(p.PersonID); err != nil {
				return c, err
			}
		}
		if p.OfficerID != "" {
			if p.OfficerID, err = look(p.OfficerID); err != nil {
				return c, err
			}
		}
		parties[i] = p
	}
	c.Parties = parties
	return c, nil
}
