package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/store"
)

// auditView is an audit entry as the API shows it.
type auditView struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`
	RecordType string    `json:"record_type"`
	RecordID   string    `json:"record_id"`
	Outcome    string    `json:"outcome"`
	Source     string    `json:"source"`
	Reason     string    `json:"reason,omitempty"`
	Recipients []string  `json:"recipients,omitempty"`
	Hash       string    `json:"hash"`
}

// listAudit answers "who saw this record" and "what did this person do":
// GET /api/v1/audit?record=ID or ?actor=ID, newest first, for auditors.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AuditFilter{RecordID: q.Get("record"), ActorID: q.Get("actor"), Limit: 100}
	var fields fault.Fields
	if f.RecordID == "" && f.ActorID == "" {
		fields.Add("record", "give record=ID or actor=ID")
	}
	if f.RecordID != "" && !id.Valid(f.RecordID) {
		fields.Add("record", "is not a Probity id")
	}
	if f.ActorID != "" && !id.Valid(f.ActorID) {
		fields.Add("actor", "is not a Probity id")
	}
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fields.Add("cursor", "is not a cursor this API gave")
		}
		f.Before = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			fields.Add("limit", "must be a number from 1 to 500")
		}
		f.Limit = n
	}
	if err := fields.Err("bad query"); err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.db.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Reading the log is itself an access worth recording.
	e := s.auditEntry(r, audit.Consult, "audit-log", f.RecordID+f.ActorID, audit.Success)
	if err := s.db.Audit(r.Context(), e); err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]auditView, 0, len(page.Entries))
	for _, e := range page.Entries {
		items = append(items, auditView{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: string(e.Action),
			RecordType: e.RecordType, RecordID: e.RecordID, Outcome: string(e.Outcome), Source: e.Source, Reason: e.Reason,
			Recipients: e.Recipients, Hash: e.Hash})
	}
	next := ""
	if page.Next > 0 {
		next = strconv.FormatInt(page.Next, 10)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}
