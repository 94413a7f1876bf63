package web

import (
	"context"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// --- Auditing what reporters do, and the daily batch ----------------------

// speakUpReporterAudit starts an audit entry for something a reporter did: no
// source, no actor id, and for an anonymous report only the day.
func (s *Server) speakUpReporterAudit(action audit.Action, reportID string, anonymous bool, reason string) *audit.Entry {
	e := &audit.Entry{At: s.clock().UTC(), Action: action, RecordType: "speakup", RecordID: reportID,
		Outcome: audit.Success, ActorName: "named reporter", Reason: reason}
	if anonymous {
		e.At = speakup.Day(e.At)
		e.ActorName = "anonymous reporter"
		e.Reason += " (time of day withheld: anonymous report)"
	}
	return e
}

// recordReporterAction writes the audit entry of something a reporter did,
// inside tx: at once for a named report, whose times are kept; for an
// anonymous one it waits for its day's batch, so that its place in the
// log's sequence cannot date it (store.Tx.DeferSpeakUpAudit). messageID
// names the reporter's message the entry records, or is "".
func (s *Server) recordReporterAction(ctx context.Context, tx *store.Tx, e *audit.Entry, anonymous bool, messageID string) error {
	if anonymous {
		return tx.DeferSpeakUpAudit(ctx, e, messageID)
	}
	return tx.Audit(ctx, e)
}

// SettleSpeakUp appends the audit entries of anonymous reporters' actions
// whose day is over to the audit log (store.DB.SettleSpeakUpAudit), and
// reports how many.
func (s *Server) SettleSpeakUp(ctx context.Context) (int, error) {
	return s.db.SettleSpeakUpAudit(ctx, s.clock())
}

// RunSpeakUpBatches settles the day's anonymous audit entries now and
// every interval until ctx ends. A batch that fails is logged and tried
// again at the next tick: its entries stay where they are meanwhile.
func (s *Server) RunSpeakUpBatches(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.SettleSpeakUp(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("speak-up audit batch failed; it will be tried again", "err", err)
		} else if n > 0 {
			s.log.Info("speak-up audit batch appended", "entries", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
