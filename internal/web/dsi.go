package web

import (
	"net/http"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
)

// saveAsConductMatter stores a DSI matter's or a complaint's move to
// RecordedAsConduct together with the recordable conduct matter it becomes
// (cases.ConductMatterFrom), in one transaction, so that neither is kept
// without the other. The event names the new case's reference, and the
// new case names the one it came from as its related case.
func (s *Server) saveAsConductMatter(r *http.Request, c *cases.Case, readVersion int, history []cases.Event, ev *cases.Event, reason string) error {
	ctx := r.Context()
	now := s.clock()
	actor := caller(r).User.ID
	c.NextDueAt, c.NextDueClock = s.nextDue(*c, append(history, *ev), now)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		// Built afresh on each try: a retried transaction must not reuse
		// the id or reference of a case that was rolled back.
		rc := cases.ConductMatterFrom(*c, s.ref, now)
		rc.NextDueAt, rc.NextDueClock = s.nextDue(rc, nil, now)
		if err := tx.CreateCase(ctx, &rc, actor, now); err != nil {
			return err
		}
		ev.Detail["conduct_case"] = rc.Reference
		if err := tx.SaveTransition(ctx, c, readVersion, ev, now); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "case", rc.ID, audit.Success)
		e.Reason = "recorded " + rc.Reference + " as the recordable conduct matter of " + c.Reference
		if err := tx.Audit(ctx, e); err != nil {
			return err
		}
		e = s.auditEntry(r, audit.Alter, "case", c.ID, audit.Success)
		e.Reason = reason
		return tx.Audit(ctx, e)
	})
}
