package demo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// Summary counts what a dataset holds or what Seed wrote. It carries no
// personal data, so it can be logged.
type Summary struct {
	AlreadySeeded bool // the force was already there; Seed wrote nothing
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
	return fmt.Sprintf("%d units, %d officers (%d postings), %d people, %d cases (%s), %d allegations, %d timeline entries in %s",
		s.Units, s.Officers, s.Postings, s.People, s.Cases, strings.Join(kinds, ", "), s.Allegations, s.Events,
		s.Took.Round(time.Millisecond))
}

// Summary counts the dataset.
func (ds *Dataset) Summary() Summary {
	s := Summary{Units: len(ds.Units), Officers: len(ds.Officers), People: len(ds.People), Cases: len(ds.Cases),
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
// or the newest cases would be in the future. Each case is recorded as of
// its own receipt time, so timelines read as they would have happened.
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
		return seedPeopleAndOfficers(ctx, tx, ds, ids, now)
	})
	if err != nil {
		return Summary{}, fmt.Errorf("seeding the demo force: %w", err)
	}
	for lo := 0; lo < len(ds.Cases); lo += caseBatch {
		batch := ds.Cases[lo:min(lo+caseBatch, len(ds.Cases))]
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range batch {
				if err := seedCase(ctx, tx, &batch[i], ids, ref, now); err != nil {
					return fmt.Errorf("case %d: %w", lo+i+1, err)
				}
			}
			return nil
		})
		if err != nil {
			return Summary{}, fmt.Errorf("seeding demo cases: %w", err)
		}
	}
	s := ds.Summary()
	s.Took = time.Since(began)
	return s, nil
}

func seedPeopleAndOfficers(ctx context.Context, tx *store.Tx, ds *Dataset, ids map[string]string, now time.Time) error {
	f := ds.Force
	f.ID = assign(ids, f.ID)
	if err := tx.CreateForce(ctx, &f); err != nil {
		return err
	}
	for _, u := range ds.Units {
		u.ID, u.ForceID = assign(ids, u.ID), f.ID
		if err := tx.CreateUnit(ctx, &u); err != nil {
			return err
		}
	}
	for _, o := range ds.Officers {
		// The store opens an officer's first posting from their record,
		// so the officer is created as they were on joining and then moved
		// through each later posting; the record ends up current.
		rec := o.Officer
		rec.ID, rec.ForceID = assign(ids, o.ID), f.ID
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
		p.ID = assign(ids, p.ID)
		if err := tx.CreatePerson(ctx, &p, p.CreatedAt); err != nil {
			// The error names fields, never their values.
			return fmt.Errorf("recording a member of the public: %w", err)
		}
	}
	return nil
}

func assign(ids map[string]string, key string) string {
	v := id.New()
	ids[key] = v
	return v
}

func seedCase(ctx context.Context, tx *store.Tx, dc *Case, ids map[string]string, ref *cases.Reference, now time.Time) error {
	c, err := resolve(dc.Case, ids)
	if err != nil {
		return err
	}
	if err := c.Validate(ref, now); err != nil {
		return err
	}
	c.Prepare(ref, now)
	if err := tx.CreateCase(ctx, &c, Actor, c.ReceivedAt); err != nil {
		return err
	}
	for _, e := range dc.Events {
		e.Detail = maps.Clone(e.Detail)
		if err := tx.AppendEvent(ctx, c.ID, &e); err != nil {
			return err
		}
	}
	return nil
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
