package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// The statutory data return (GET /national-return and its CSV): the head
// of professional standards chooses a quarter and a force and reads, or
// downloads, the allegations of complaints received in it counted by IOPC
// category code. Each reading is audited; the counts name no case.

// returnQuarters is how many quarters the page offers, the current one
// first.
const returnQuarters = 12

type nationalReturnPage struct {
	pageData
	Quarters, Forces []option
	Errors           pageErrors
	Return           *cases.NationalReturn
	Period           string
	// CSV is the address of the same return as a CSV file.
	CSV string
	// Unconfirmed says whether any line's code is Probity's reading
	// rather than one checked against the guidance.
	Unconfirmed bool
}

var nationalReturnFields = []formField{{"quarter", "quarter", "Quarter"}, {"force", "force", "Force"}}

// returnQuarter is a quarter of the financial year, from its first day in
// the force's time zone.
type returnQuarter struct{ start time.Time }

func (q returnQuarter) end() time.Time { return q.start.AddDate(0, 3, 0) }
func (q returnQuarter) value() string  { return q.start.Format(time.DateOnly) }
func (q returnQuarter) words() string {
	return q.start.Format("January") + " to " + q.end().AddDate(0, 0, -1).Format("January 2006")
}

// recentQuarters are the quarters up to and including the one holding now.
func recentQuarters(now time.Time) []returnQuarter {
	n := now.In(forceZone)
	m := ((int(n.Month())-1)/3)*3 + 1
	first := time.Date(n.Year(), time.Month(m), 1, 0, 0, 0, 0, forceZone)
	out := make([]returnQuarter, returnQuarters)
	for i := range out {
		out[i] = returnQuarter{first.AddDate(0, -3*i, 0)}
	}
	return out
}

// nationalReturnInput reads and checks the quarter and force asked for,
// naming each faulty field. Nothing asked for means the latest quarter
// that has ended and the caller's own force.
func (s *Server) nationalReturnInput(r *http.Request) (returnQuarter, string, nationalReturnPage, error) {
	page := nationalReturnPage{pageData: s.pageData(r)}
	q := r.URL.Query()
	quarters := recentQuarters(s.clock())
	chosen := quarters[1].value()
	if v := q.Get("quarter"); v != "" {
		chosen = v
	}
	var f fault.Fields
	i := slices.IndexFunc(quarters, func(rq returnQuarter) bool { return rq.value() == chosen })
	if i < 0 {
		f.Add("quarter", "Choose a quarter from the list")
	}
	for _, rq := range quarters {
		page.Quarters = append(page.Quarters, option{Value: rq.value(), Text: rq.words(), Selected: rq.value() == chosen})
	}
	byID, units, err := s.allUnits(r)
	if err != nil {
		return returnQuarter{}, "", page, err
	}
	forces, err := s.db.Forces(r.Context())
	if err != nil {
		return returnQuarter{}, "", page, err
	}
	force := q.Get("force")
	if force == "" {
		// The caller's own force: that of their first unit, else the
		// first force on record.
		if p := caller(r); p != nil {
			for _, u := range p.User.UnitIDs {
				if unit, ok := byID[u]; ok {
					force = unit.ForceID
					break
				}
			}
		}
		if force == "" && len(units) > 0 {
			force = units[0].ForceID
		}
		if force == "" && len(forces) > 0 {
			force = forces[0].ID
		}
	}
	known := false
	for _, fc := range forces {
		page.Forces = append(page.Forces, option{Value: fc.ID, Text: fc.Name, Selected: fc.ID == force})
		known = known || fc.ID == force
	}
	if !known {
		f.Add("force", "Choose a force from the list")
	}
	if err := f.Err("the return cannot be produced"); err != nil {
		return returnQuarter{}, "", page, err
	}
	return quarters[i], force, page, nil
}

// nationalReturn counts the return for the request and audits the reading.
func (s *Server) nationalReturn(r *http.Request, how string) (cases.NationalReturn, returnQuarter, string, nationalReturnPage, error) {
	rq, force, page, err := s.nationalReturnInput(r)
	if err != nil {
		return cases.NationalReturn{}, rq, force, page, err
	}
	counts, err := s.db.NationalReturnCounts(r.Context(), force, rq.start, rq.end())
	if err != nil {
		return cases.NationalReturn{}, rq, force, page, err
	}
	nr := cases.BuildNationalReturn(s.ref, rq.start, rq.end(), counts)
	e := s.auditEntry(r, audit.Consult, "national_return", force, audit.Success)
	e.Reason = "statutory data return for " + rq.words() + ", " + how
	if err := s.db.Audit(r.Context(), e); err != nil {
		return nr, rq, force, page, err
	}
	return nr, rq, force, page, nil
}

// nationalReturnPage answers GET /national-return.
func (s *Server) nationalReturnPage(w http.ResponseWriter, r *http.Request) {
	nr, rq, force, page, err := s.nationalReturn(r, "read on the page")
	if fields := fault.FieldsOf(err); len(fields) > 0 && fault.Is(err, fault.Invalid) {
		page.Errors = newPageErrors(nationalReturnFields, fields)
		s.render(w, r, http.StatusUnprocessableEntity, "national-return", page)
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page.Return, page.Period = &nr, rq.words()
	page.CSV = "/national-return.csv?quarter=" + rq.value() + "&force=" + force
	for _, l := range nr.Lines {
		page.Unconfirmed = page.Unconfirmed || !l.CodeConfirmed
	}
	s.render(w, r, http.StatusOK, "national-return", page)
}

// nationalReturnCSV answers GET /national-return.csv: the same lines, for
// the force's submission to the IOPC.
func (s *Server) nationalReturnCSV(w http.ResponseWriter, r *http.Request) {
	nr, rq, _, _, err := s.nationalReturn(r, "downloaded as CSV")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	rows := [][]string{{"IOPC code", "Code checked against the guidance", "Category", "Sub-category", "Allegations",
		"Of which flagged as domestic abuse"}}
	yes := map[bool]string{true: "yes", false: "no"}
	for _, l := range nr.Lines {
		rows = append(rows, []string{l.Code, yes[l.CodeConfirmed], l.Category, l.Subcategory, strconv.Itoa(l.Allegations),
			strconv.Itoa(l.DomesticAbuse)})
	}
	rows = append(rows,
		[]string{"", "", "No national category recorded", "", strconv.Itoa(nr.Uncategorised), strconv.Itoa(nr.UncategorisedDomesticAbuse)},
		[]string{"", "", "All allegations", "", strconv.Itoa(nr.Total), strconv.Itoa(nr.TotalDomesticAbuse)})
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, fmt.Errorf("writing the national return: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="national-return-`+rq.value()+`.csv"`)
	_, _ = w.Write(buf.Bytes())
}
