package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// maxExportRows bounds a CSV export of the case list: a larger one is
// refused with the reason, so that nobody carries the whole force's
// casework away in one file by accident.
const maxExportRows = 50_000

// csvCell makes a value safe to open in a spreadsheet: a cell starting
// with = + - @ (or a tab or carriage return, which some spreadsheets skip
// before reading a formula) is prefixed with a quote, so that it is read
// as text and never run as a formula.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// casesCSV answers GET /cases.csv: the cases of the current view of the
// cases page (the same filters and order), every one the caller may open,
// at most maxExportRows. The export is audited as a disclosure to the
// caller before any of it leaves.
func (s *Server) casesCSV(w http.ResponseWriter, r *http.Request) {
	req, ok := s.casesView(w, r)
	if !ok {
		return
	}
	page, f, lq, units, p := req.page, req.filter, req.list, req.units, caller(r)
	ctx := r.Context()
	scope := access.CaseListScope(*p)
	f.Scope, f.Now = &scope, s.clock()
	// Counted only as far as the bound: beyond it the export is refused
	// whatever the exact number.
	_, over, err := s.db.CountCasesUpTo(ctx, f, maxExportRows)
	if fields := fault.FieldsOf(err); fault.Is(err, fault.Invalid) && len(fields) > 0 {
		page.Errors = newPageErrors(caseListFields, fields)
		s.render(w, r, http.StatusUnprocessableEntity, "cases", page)
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if over {
		page.Refused = "The export was not made: more than " + thousands(maxExportRows) + " cases match these filters, and an export holds at most " +
			thousands(maxExportRows) + ". Narrow the filters (by unit, state or the dates received), then export again."
		s.render(w, r, http.StatusUnprocessableEntity, "cases", page)
		return
	}
	items, err := s.db.ExportCases(ctx, f, maxExportRows)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	// The scope and the policy agree; the policy still decides each case.
	var kept []store.CaseSummary
	for start := 0; start < len(items); start += 200 {
		batch := items[start:min(start+200, len(items))]
		ids := make([]string, len(batch))
		for i, c := range batch {
			ids[i] = c.ID
		}
		open, err := s.openable(r, ids)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		for _, c := range batch {
			if open[c.ID] {
				kept = append(kept, c)
			}
		}
	}
	rows, err := s.caseRows(r, kept, units)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"Reference", "Kind", "State", "Unit", "Received", "Next deadline", "Officers", "Restricted"})
	for _, c := range rows {
		var names []string
		for _, o := range c.Officers {
			names = append(names, o.Name)
		}
		due := ""
		if c.NextDueAt != nil {
			due = ukTime(*c.NextDueAt, "2 January 2006")
		}
		restricted := "no"
		if c.Restricted {
			restricted = "yes"
		}
		rec := []string{c.Reference, cases.Kind(c.Kind).Label().Name, cases.State(c.State).Label().Name, c.Unit,
			ukTime(c.ReceivedAt, "2 January 2006"), due, strings.Join(names, "; "), restricted}
		for i := range rec {
			rec[i] = csvCell(rec[i])
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.failPage(w, r, err)
		return
	}
	key, err := s.db.ListKey(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	e := s.auditEntry(r, audit.Disclose, lq.list, "", audit.Success)
	e.Recipients = []string{p.User.Username}
	e.Reason = "CSV export of the case list: " + strconv.Itoa(len(rows)) + " cases; " + lq.describe(key)
	if err := s.db.Audit(ctx, e); err != nil {
		s.failPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cases-`+s.clock().In(forceZone).Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}
