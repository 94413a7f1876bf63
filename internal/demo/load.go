package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// LoadBatch is how many cases Load buffers before writing them in one
// transaction: with their allegations, parties and timelines, about
// twenty thousand rows.
const LoadBatch = 2000

// Load writes ds through a bulk load instead of the API path Seed takes:
// the same force, officers, postings, people and cases, each case in the
// state, with the findings and timeline, that Seed would leave, written in
// batches of multi-row INSERTs with one transaction per batch. It is what
// makes a national dataset loadable in minutes; Seed is what the demo
// uses, because it exercises the workflow's own writes.
//
// It writes none of what Seed adds around the cases for the demo's roles
// (vetting clearances, the oversight body's shares and boards, speak-up
// reports), nor the vetting reviews that recording a case opens. Nothing
// is written until b is flushed; Load flushes after the officers and
// people, after every LoadBatch cases and at the end. progress, when not
// nil, is told the number of cases written after each batch.
func Load(ctx context.Context, b *store.Bulk, ds *Dataset, progress func(cases int)) (Summary, error) {
	now := ds.Now
	ref, err := cases.LoadReference()
	if err != nil {
		return Summary{}, err
	}
	ids := map[string]string{}
	k := newKeyer(ids, 2+len(ds.Units)+len(ds.Officers)+len(ds.People))
	f := ds.Force
	f.ID = k.assign(f.ID)
	b.Force(f)
	for _, u := range ds.Units {
		u.ID, u.ForceID = k.assign(u.ID), f.ID
		b.Unit(u)
	}
	b.Unit(officers.Unit{ID: k.assign("demo-unit-intake"), ForceID: f.ID, Code: intake.IntakeUnitCode,
		Name: "Complaints intake (public complaints)"})
	for _, o := range ds.Officers {
		rec := o.Officer
		rec.ID, rec.ForceID, rec.UnitID = k.assign(o.ID), f.ID, ids[o.UnitID]
		ps := make([]officers.Posting, len(o.Postings))
		for i, p := range o.Postings {
			p.UnitID, p.OfficerID = ids[p.UnitID], rec.ID
			if i == len(o.Postings)-1 {
				// The API path ends a leaver's last posting on the day
				// they left.
				p.EndedOn = rec.LeftOn
			}
			ps[i] = p
		}
		if err := b.Officer(rec, ps, now); err != nil {
			return Summary{}, err
		}
	}
	for _, p := range ds.People {
		p.ID = k.assign(p.ID)
		if err := b.Person(p); err != nil {
			return Summary{}, fmt.Errorf("recording a member of the public: %w", err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		return Summary{}, fmt.Errorf("loading force %s: %w", f.Code, err)
	}
	for i := range ds.Cases {
		if err := loadCase(b, &ds.Cases[i], ids, ref, now); err != nil {
			return Summary{}, fmt.Errorf("force %s case %d: %w", f.Code, i+1, err)
		}
		if (i+1)%LoadBatch == 0 || i == len(ds.Cases)-1 {
			if err := b.Flush(ctx); err != nil {
				return Summary{}, fmt.Errorf("loading force %s cases: %w", f.Code, err)
			}
			if progress != nil {
				progress(i + 1)
			}
		}
	}
	return ds.Summary(), nil
}

// loadCase buffers one case as seedCase would leave it.
func loadCase(b *store.Bulk, dc *Case, ids map[string]string, ref *cases.Reference, now time.Time) error {
	final, err := resolve(dc.Case, ids)
	if err != nil {
		return err
	}
	if err := final.Validate(ref, now); err != nil {
		return err
	}
	final.Prepare(ref, now)
	final.ID = id.New()
	final.Reference = b.NextReference(final.Kind, final.ReceivedAt.UTC().Year())
	allegations := make(map[string]string, len(final.Allegations))
	for i := range final.Allegations {
		final.Allegations[i].ID = id.New()
		allegations[dc.Allegations[i].ID] = final.Allegations[i].ID
	}
	opened := final
	opened.State = final.Kind.InitialState()
	timeline := make([]cases.Event, 0, 1+len(dc.Events))
	timeline = append(timeline, cases.RecordedEvent(opened, final.ReceivedAt.UTC(), Actor))
	for _, e := range dc.Events {
		if e.Detail, err = storedDetail(e.Detail, ids, allegations); err != nil {
			return err
		}
		timeline = append(timeline, e)
	}
	return b.Case(&final, timeline)
}
