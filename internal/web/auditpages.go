package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// The auditors' pages: "who saw this record" and "what did this user do",
// asked in the words an auditor knows (a case reference, a collar number,
// a speak-up reference, a username), with a date range, paged with sealed
// cursors and exported as CSV; and the state of the chain. Anonymous
// speak-up reporters' entries appear once their day's batch has joined
// them to the chain (speakup_audit.go), and with their day only: the
// pages read the chain, never the pending batch.

func init() {
	for _, name := range []string{"audit", "audit-entries"} {
		pages[name] = template.Must(template.New(name).Funcs(labelFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
}

const (
	auditPageSize = 50
	// auditExportMax is the most entries one CSV export holds; a larger
	// one is refused with the reason, so that the auditor narrows it.
	auditExportMax = 50000
)

// auditCursorID fills the id half of an audit list's position, whose
// order is the entry number alone (carried in the position's time).
const auditCursorID = "aaaaaaaaaaaaaaaaaaaaaaaaaa"

func auditPosition(seq int64) store.Position {
	return store.Position{At: time.Unix(0, seq).UTC(), ID: auditCursorID}
}

// auditQuery is one question put to the log, as typed and as resolved.
type auditQuery struct {
	By       string // "record" or "user"
	Kind     string // for By "record": case, officer or speakup
	Ref      string // the reference, collar number or username typed
	From, To string // dates as typed, YYYY-MM-DD
	Cursor   string
	filter   store.AuditFilter
	// Subject says in words what the query is about, for headings.
	Subject string
	// Errs are the messages beside the form's fields, by field.
	Errs map[string]string
}

// auditKinds are the kinds of record an auditor may ask about.
var auditKinds = []struct{ Code, Name, Hint string }{
	{"case", "Case", "Its reference, for example CO/2026/000123"},
	{"officer", "Officer", "Their collar number, for example 1234"},
	{"speakup", "Speak-up report", "Its reference, for example SU/2026/123456789"},
}

func auditKindName(code string) string {
	for _, k := range auditKinds {
		if k.Code == code {
			return k.Name
		}
	}
	return code
}

// params is the query as URL parameters, for links to later pages and to
// the export.
func (q auditQuery) params(cursor string) string {
	v := url.Values{}
	if q.By == "record" {
		v.Set("kind", q.Kind)
	}
	v.Set("ref", q.Ref)
	v.Set("from", q.From)
	v.Set("to", q.To)
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	return v.Encode()
}

// list names the query in cursors and audit entries.
func (q auditQuery) list() listQuery {
	return listQuery{list: "audit-" + q.By, filters: [][2]string{{"kind", q.Kind}, {"record", q.filter.RecordID},
		{"actor", q.filter.ActorID}, {"from", q.From}, {"to", q.To}}}
}

// parseAuditQuery reads and resolves a query; field errors name the
// inputs of the form on the auditor's page.
func (s *Server) parseAuditQuery(r *http.Request, by string) (auditQuery, error) {
	v := r.URL.Query()
	q := auditQuery{By: by, Kind: strings.TrimSpace(v.Get("kind")), Ref: strings.TrimSpace(v.Get("ref")),
		From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")), Cursor: v.Get("cursor")}
	var fields fault.Fields
	prefix := by + "-"
	if by == "record" && auditKindName(q.Kind) == q.Kind {
		fields.Add(prefix+"kind", "Choose what kind of record to look for")
	}
	switch {
	case q.Ref == "" && by == "user":
		fields.Add(prefix+"ref", "Enter the username")
	case q.Ref == "":
		fields.Add(prefix+"ref", "Enter the reference or collar number")
	case len(q.Ref) > 100:
		fields.Add(prefix+"ref", "Must be at most 100 characters")
	}
	var err error
	if q.filter.From, err = parseAuditDay(q.From); err != nil {
		fields.Add(prefix+"from", "Enter a real date, for example 2026-05-20")
	}
	if q.filter.To, err = parseAuditDay(q.To); err != nil {
		fields.Add(prefix+"to", "Enter a real date, for example 2026-05-27")
	} else if !q.filter.To.IsZero() {
		q.filter.To = q.filter.To.AddDate(0, 0, 1) // the whole of the last day
	}
	if !q.filter.From.IsZero() && !q.filter.To.IsZero() && !q.filter.From.Before(q.filter.To) {
		fields.Add(prefix+"to", "The end date must be on or after the start date")
	}
	if fields.Len() > 0 {
		return q, fields.Err("the question could not be asked")
	}
	ctx := r.Context()
	if by == "user" {
		u, _, err := s.db.UserByUsername(ctx, q.Ref)
		if fault.Is(err, fault.NotFound) {
			fields.Add(prefix+"ref", "No account has that username")
			return q, fields.Err("the question could not be asked")
		}
		if err != nil {
			return q, err
		}
		q.filter.ActorID, q.Subject = u.ID, u.DisplayName+" ("+u.Username+")"
		return q, nil
	}
	words := q.Ref
	if q.Kind == "officer" {
		// "PC 1234" finds 1234: the rank is how people say it, not the key.
		if f := strings.Fields(words); len(f) > 1 {
			words = f[len(f)-1]
		}
	}
	id, err := s.db.RecordIDByWords(ctx, store.RecordKind(q.Kind), words)
	switch {
	case fault.Is(err, fault.NotFound):
		fields.Add(prefix+"ref", "No "+strings.ToLower(auditKindName(q.Kind))+" is known by that")
	case fault.Is(err, fault.Conflict):
		fields.Add(prefix+"ref", "More than one force has an officer with that collar number")
	case err != nil:
		return q, err
	}
	if fields.Len() > 0 {
		return q, fields.Err("the question could not be asked")
	}
	q.filter.RecordID, q.Subject = id, auditKindName(q.Kind)+" "+q.Ref
	return q, nil
}

// parseAuditDay reads a date in the force's zone; "" is no bound.
func parseAuditDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.DateOnly, s, forceZone)
}

// auditEntryView is an entry in words.
type auditEntryView struct {
	Seq                    int64
	When                   string
	Who, Username          string
	Action, Record, Kind   string
	Outcome, Reason, Where string
	Refused                bool
	Hash                   string
	// RecordID is kept for the export only: a page names records.
	RecordID string
}

// auditRecordName names an entry's record in words, or "" when it has no
// name Probity knows (the page then shows the kind of record alone).
func auditRecordName(e audit.Entry, names map[string]map[string]string, offs map[string]officers.Officer) string {
	if o, ok := offs[e.RecordID]; ok && (e.RecordType == "officer" || names[e.RecordType] == nil) {
		return officerName(o)
	}
	if n := names[e.RecordType][e.RecordID]; n != "" {
		return n
	}
	for _, kind := range []string{"case", "speakup", "user"} {
		if n := names[kind][e.RecordID]; n != "" && names[e.RecordType] == nil {
			return audit.RecordTypeLabel(kind) + " " + n
		}
	}
	return ""
}

type auditPageData struct {
	pageData
	Kinds    []struct{ Code, Name, Hint string }
	Record   auditQuery
	User     auditQuery
	Problems []problemLink
	Chain    store.ChainState
	// LastCheck is the most recent verification recorded in the log.
	LastCheck *auditEntryView
	Pending   int
	Checked   string // "ok" or "failed" just after a check from this page
}

// auditPage is the auditor's start: the two questions and the chain.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	s.renderAuditPage(w, r, http.StatusOK, auditPageData{Record: auditQuery{By: "record", Kind: "case"}, User: auditQuery{By: "user"},
		Checked: r.URL.Query().Get("checked")})
}

func (s *Server) renderAuditPage(w http.ResponseWriter, r *http.Request, status int, d auditPageData) {
	ctx := r.Context()
	d.pageData, d.Kinds = s.pageData(r), auditKinds
	var err error
	if d.Chain, err = s.db.AuditChainState(ctx); err != nil {
		s.failPage(w, r, err)
		return
	}
	last, err := s.db.AuditEntries(ctx, store.AuditFilter{RecordID: auditChainRecord, Limit: 1})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if len(last.Entries) == 1 {
		views, err := s.auditViews(r, last.Entries)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		d.LastCheck = &views[0]
	}
	if d.Pending, _, err = s.db.PendingSpeakUpAudit(ctx); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, status, "audit", d)
}

// auditChainRecord is the record id of the entries that record a check
// of the chain, so that the last one is found through the record index.
const auditChainRecord = "audit-chain"

// auditEntriesPage answers one question, a page at a time.
func (s *Server) auditEntriesPage(by string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := s.parseAuditQuery(r, by)
		if err != nil {
			s.auditQueryRefused(w, r, q, err)
			return
		}
		ctx := r.Context()
		key, err := s.db.ListKey(ctx)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		lq := q.list()
		after, err := s.openCursor(r, key, lq, q.Cursor)
		if err != nil {
			s.failListPage(w, r, err)
			return
		}
		f := q.filter
		f.Limit = auditPageSize
		if after != nil {
			f.Before = after.At.UnixNano()
		}
		page, err := s.db.AuditEntries(ctx, f)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		views, err := s.auditViews(r, page.Entries)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		// Reading the log is itself recorded, under the record or user
		// asked about, so that "who looked into this" can be answered too.
		e := s.auditEntry(r, audit.Consult, "audit-log", q.filter.RecordID+q.filter.ActorID, audit.Success)
		e.Reason = auditQuestion(q) + ": " + strconv.Itoa(len(views)) + " entries shown"
		if err := s.db.Audit(ctx, e); err != nil {
			s.failPage(w, r, err)
			return
		}
		next := ""
		if page.Next > 0 {
			next = "/audit/" + by + "?" + q.params(key.Cursor(lq.list, lq.binding(caller(r).User.ID), auditPosition(page.Next)))
		}
		s.render(w, r, http.StatusOK, "audit-entries", auditEntriesData{pageData: s.pageData(r), Query: q, Question: auditQuestion(q),
			Entries: views, Next: next, First: q.Cursor == "", Export: "/audit/" + by + "/export?" + q.params("")})
	}
}

type auditEntriesData struct {
	pageData
	Query        auditQuery
	Question     string
	Entries      []auditEntryView
	Next, Export string
	First        bool
}

// auditQuestion is the question in words, for headings and the log.
func auditQuestion(q auditQuery) string {
	out := "Who saw or changed " + q.Subject
	if q.By == "user" {
		out = "What " + q.Subject + " did"
	}
	switch {
	case q.From != "" && q.To != "":
		out += ", " + ukDay(q.From) + " to " + ukDay(q.To)
	case q.From != "":
		out += ", from " + ukDay(q.From)
	case q.To != "":
		out += ", up to " + ukDay(q.To)
	}
	return out
}

func ukDay(s string) string {
	t, err := parseAuditDay(s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// auditQueryRefused shows the auditor's page again with what was typed
// and a message beside each field at fault.
func (s *Server) auditQueryRefused(w http.ResponseWriter, r *http.Request, q auditQuery, err error) {
	fields := fault.FieldsOf(err)
	if len(fields) == 0 {
		s.failPage(w, r, err)
		return
	}
	d := auditPageData{Record: auditQuery{By: "record", Kind: "case"}, User: auditQuery{By: "user"}}
	q.Errs = map[string]string{}
	labels := map[string]string{"kind": "Kind of record", "ref": "Reference", "from": "From", "to": "To"}
	if q.By == "user" {
		labels["ref"] = "Username"
	}
	for _, fe := range fields {
		name := strings.TrimPrefix(fe.Field, q.By+"-")
		if _, seen := q.Errs[name]; seen {
			continue
		}
		q.Errs[name] = fe.Reason
		anchor := fe.Field
		if name == "kind" {
			anchor = "record-kind-" + auditKinds[0].Code // the first radio, as the Design System links a group
		}
		d.Problems = append(d.Problems, problemLink{Anchor: anchor, Label: labels[name], Message: fe.Reason})
	}
	if q.By == "record" {
		d.Record = q
	} else {
		d.User = q
	}
	s.renderAuditPage(w, r, http.StatusUnprocessableEntity, d)
}

// auditViews puts entries into words: actors by name, records by their
// reference, actions and outcomes by label.
func (s *Server) auditViews(r *http.Request, entries []audit.Entry) ([]auditEntryView, error) {
	ctx := r.Context()
	ids := map[string][]string{}
	var officerIDs []string
	for _, e := range entries {
		if e.ActorID != "" {
			ids["user"] = append(ids["user"], e.ActorID)
		}
		if e.RecordID == "" {
			continue
		}
		switch e.RecordType {
		case "officer":
			officerIDs = append(officerIDs, e.RecordID)
		case "case", "speakup", "user", "unit":
			ids[e.RecordType] = append(ids[e.RecordType], e.RecordID)
		default:
			// An entry about the log itself names the record asked about,
			// which may be of any kind.
			for _, kind := range []string{"case", "speakup", "user"} {
				ids[kind] = append(ids[kind], e.RecordID)
			}
			officerIDs = append(officerIDs, e.RecordID)
		}
	}
	names, err := s.db.RecordNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	offs, err := s.db.OfficersByID(ctx, officerIDs)
	if err != nil {
		return nil, err
	}
	displayNames := map[string]string{}
	if len(ids["user"]) > 0 {
		// Actors by display name: the usernames are in the entries.
		for _, uid := range uniq(ids["user"]) {
			if u, err := s.db.UserByID(ctx, uid); err == nil {
				displayNames[uid] = u.DisplayName
			}
		}
	}
	out := make([]auditEntryView, 0, len(entries))
	for _, e := range entries {
		v := auditEntryView{Seq: e.Seq, Username: e.ActorName, Who: e.ActorName, Action: e.Action.Label(), Kind: audit.RecordTypeLabel(e.RecordType),
			Outcome: e.Outcome.Label(), Refused: e.Outcome != audit.Success, Reason: e.Reason, Where: e.Source, Hash: e.Hash,
			When: ukTime(e.At, "2 January 2006, 15:04:05")}
		if n, ok := displayNames[e.ActorID]; ok {
			v.Who = n
		}
		if e.ActorName == "anonymous reporter" && e.ActorID == "" {
			// An anonymous reporter's entry keeps its day only
			// (speakup_audit.go): a time of midnight would mislead.
			v.When = ukTime(e.At, "2 January 2006")
		}
		v.RecordID, v.Record = e.RecordID, auditRecordName(e, names, offs)
		out = append(out, v)
	}
	return out, nil
}

func uniq(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// auditExport answers a question as a CSV file of every entry, newest
// first, refusing one of more than auditExportMax entries. The export is
// itself recorded, with how many entries left.
func (s *Server) auditExport(by string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := s.parseAuditQuery(r, by)
		if err != nil {
			s.auditQueryRefused(w, r, q, err)
			return
		}
		ctx := r.Context()
		var all []audit.Entry
		f := q.filter
		f.Limit = store.MaxAuditPage
		for {
			page, err := s.db.AuditEntries(ctx, f)
			if err != nil {
				s.failPage(w, r, err)
				return
			}
			all = append(all, page.Entries...)
			if len(all) > auditExportMax {
				s.failPage(w, r, fault.Errorf(fault.Invalid, "This export would hold more than %d entries, which is more than one file may hold. Choose a shorter date range and export each part.", auditExportMax))
				return
			}
			if page.Next == 0 {
				break
			}
			f.Before = page.Next
		}
		views, err := s.auditViews(r, all)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		e := s.auditEntry(r, audit.Export, "audit-log", q.filter.RecordID+q.filter.ActorID, audit.Success)
		e.Reason = auditQuestion(q) + ": CSV export of " + strconv.Itoa(len(views)) + " entries"
		if err := s.db.Audit(ctx, e); err != nil {
			s.failPage(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="audit-`+by+`-`+s.clock().In(forceZone).Format("2006-01-02")+`.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"Entry", "When", "Who", "Username", "Action", "Kind of record", "Record", "Record id", "Outcome", "Reason", "From address", "Hash"})
		for _, v := range views {
			_ = cw.Write(auditCSVRow(strconv.FormatInt(v.Seq, 10), v.When, v.Who, v.Username, v.Action, v.Kind, v.Record, v.RecordID, v.Outcome,
				v.Reason, v.Where, v.Hash))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			s.log.Error("writing the audit export", "err", err)
		}
	}
}

// auditCSVRow makes each cell safe to open in a spreadsheet: a cell that
// begins like a formula is prefixed with an apostrophe, so that text an
// outsider put in the log (a reason, a username) cannot run as one.
func auditCSVRow(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// auditVerify checks the whole chain now, records the check in the log,
// and goes back to the auditor's page, which shows it.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	start := time.Now()
	rep, err := s.db.VerifyOwnAudit(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	took := time.Since(start)
	e := s.auditEntry(r, audit.Consult, "audit-chain", auditChainRecord, audit.Success)
	checked := "ok"
	if rep.OK {
		e.Reason = fmt.Sprintf("Chain checked: sound, %d entries and %d checkpoints confirmed", rep.Entries, rep.Checkpoints)
	} else {
		checked, e.Outcome = "failed", audit.Failure
		e.Reason = fmt.Sprintf("Chain checked: FAILED after %d sound entries; first bad entry %d: %s", rep.Entries, rep.FirstBad, rep.Problem)
	}
	s.log.Info("audit chain checked from the auditor's page", "ok", rep.OK, "entries", rep.Entries, "took", took)
	if err := s.db.Audit(ctx, e); err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/audit?checked="+checked+"#chain", http.StatusSeeOther)
}
