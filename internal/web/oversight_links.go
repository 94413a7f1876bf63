package web

import (
	"context"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// storeLinks names the requirements and plans that agenda items point at
// from the store that keeps them, so that a board's agenda reads "Misconduct
// timeliness" rather than "A requirement".
type storeLinks struct{ db *store.DB }

func (l storeLinks) RequirementTitle(ctx context.Context, id string) (string, bool, error) {
	refs, err := l.db.RequirementRefs(ctx, []string{id})
	if err != nil {
		return "", false, err
	}
	ref, ok := refs[id]
	return ref.Title, ok, nil
}

func (l storeLinks) PlanTitle(ctx context.Context, id string) (string, bool, error) {
	p, err := l.db.Plan(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return p.Title, true, nil
}
