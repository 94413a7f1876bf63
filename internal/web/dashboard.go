package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/chart"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/figures"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// The dashboard (GET /dashboard) and its CSV files (GET
// /dashboard/{measure}.csv): every measure for a period, unit and kind of
// case, drawn over the parts of the period (the quarters of a year, the
// months of a quarter) beside the table of the same numbers and the
// measure's definition. Figures are aggregates of the whole force and are
// shown as they are (no disclosure control: the readers answer for the
// force); links to the cases behind a figure are offered only to those
// who hold case files, and open the case list, which still shows each of
// them only what they may open.

// dashForm is the filter form as typed, shown again as it was.
type dashForm struct {
	Period, From, To, Unit, Kind string
}

// dashFields are the form's fields in the order the error summary lists
// them.
var dashFields = []formField{
	{"period", "period", "Period"}, {"from", "from", "First day"}, {"to", "to", "Last day"},
	{"unit", "unit", "Unit"}, {"kind", "kind", "Kind of case"},
}

// values is the form as a query string, without empty fields.
func (fm dashForm) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"period", fm.Period}, {"from", fm.From}, {"to", fm.To}, {"unit", fm.Unit}, {"kind", fm.Kind}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// dashRequest is a checked request for the dashboard's figures.
type dashRequest struct {
	form   dashForm
	period measures.Period
	filter measures.Filter
	units  []officers.Unit
}

// defaultPeriod is the last quarter that has ended: a whole one, the
// figures of which no longer change with each case.
func defaultPeriod(now time.Time) measures.Period { return figures.LastQuarters(now, 1)[0] }

// parseDashboard reads and checks the filter form. Faults name the field.
func (s *Server) parseDashboard(r *http.Request) (dashRequest, []fault.FieldError, error) {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	fm := dashForm{Period: get("period"), From: get("from"), To: get("to"), Unit: get("unit"), Kind: get("kind")}
	_, units, err := s.allUnits(r)
	if err != nil {
		return dashRequest{}, nil, err
	}
	req := dashRequest{form: fm, units: units}
	var bad fault.Fields
	switch fm.Period {
	case "":
		req.period = defaultPeriod(s.clock())
		req.form.Period = req.period.String()
	case "custom":
		from, okFrom := parseUKDay(fm.From)
		to, okTo := parseUKDay(fm.To)
		switch {
		case fm.From == "":
			bad.Add("from", "Enter the first day of the period")
		case !okFrom:
			bad.Add("from", "Enter a real date for the first day, for example 1/4/2026")
		}
		switch {
		case fm.To == "":
			bad.Add("to", "Enter the last day of the period")
		case !okTo:
			bad.Add("to", "Enter a real date for the last day, for example 30/6/2026")
		}
		if okFrom && okTo {
			// The form's days are calendar days; the measures count
			// them in UTC.
			utc := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
			p, err := measures.ParsePeriod(utc(from).Format(time.DateOnly) + "/" + utc(to).Format(time.DateOnly))
			if err != nil {
				for _, fe := range fault.FieldsOf(err) {
					bad.Add("to", "The last day must be on or after the first, and the period at most 20 years: "+fe.Reason)
				}
			}
			req.period = p
		}
	default:
		p, err := measures.ParsePeriod(fm.Period)
		if err != nil {
			bad.Add("period", "Choose a period from the list, or custom dates")
		}
		req.period = p
	}
	if fm.Unit != "" {
		if !slices.ContainsFunc(units, func(u officers.Unit) bool { return u.ID == fm.Unit }) {
			bad.Add("unit", "Choose a unit from the list")
		}
		req.filter.UnitID = fm.Unit
	}
	if fm.Kind != "" {
		if !cases.Kind(fm.Kind).Valid() {
			bad.Add("kind", "Choose a kind of case from the list")
		}
		req.filter.Kind = cases.Kind(fm.Kind)
	}
	return req, fault.FieldsOf(bad.Err("bad filters")), nil
}

// dashPeriods are the periods a figure is shown over: the parts of the
// chosen period (quarters of a year, months of a quarter; for custom
// dates, months, quarters or years as its length suits), then the period
// itself. A month, or a custom period within one month, is shown alone.
func dashPeriods(p measures.Period) []measures.Period {
	var parts []measures.Period
	switch p.Kind {
	case measures.Year:
		for q := 1; q <= 4; q++ {
			parts = append(parts, measures.QuarterOf(p.Start.Year(), q))
		}
	case measures.Quarter:
		for m := range 3 {
			parts = append(parts, measures.MonthOf(p.Start.Year(), p.Start.Month()+time.Month(m)))
		}
	case measures.Custom:
		parts = customParts(p)
	}
	if len(parts) < 2 {
		return []measures.Period{p}
	}
	return append(parts, p)
}

// customParts cuts a custom period at calendar months (up to 3 months),
// quarters (up to 3 years) or years, clipping the first and last parts
// to the period.
func customParts(p measures.Period) []measures.Period {
	days := int(p.End.Sub(p.Start).Hours() / 24)
	step := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC) }
	switch {
	case days > 3*366:
		step = func(t time.Time) time.Time { return time.Date(t.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC) }
	case days > 92:
		step = func(t time.Time) time.Time {
			return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+4), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	var out []measures.Period
	for at := p.Start; at.Before(p.End); {
		next := step(at)
		if next.After(p.End) {
			next = p.End
		}
		part := measures.Range(at, next.AddDate(0, 0, -1))
		switch {
		case at.Day() == 1 && next.Equal(step(at)) && next.Equal(at.AddDate(1, 0, 0)):
			part = measures.YearOf(at.Year())
		case at.Day() == 1 && next.Equal(at.AddDate(0, 3, 0)) && (at.Month()-1)%3 == 0:
			part = measures.QuarterOf(at.Year(), (int(at.Month())-1)/3+1)
		case at.Day() == 1 && next.Equal(at.AddDate(0, 1, 0)):
			part = measures.MonthOf(at.Year(), at.Month())
		}
		out = append(out, part)
		at = next
	}
	return out
}

// measureFilter narrows f to the filters measure m applies, and says in
// words which it left out.
func measureFilter(m measures.Measure, f measures.Filter) (measures.Filter, string) {
	var dropped []string
	if f.UnitID != "" && !slices.Contains(m.Filters, measures.FilterUnit) {
		f.UnitID, dropped = "", append(dropped, "unit")
	}
	if f.Kind != "" && !slices.Contains(m.Filters, measures.FilterKind) {
		f.Kind, dropped = "", append(dropped, "kind of case")
	}
	if len(dropped) == 0 {
		return f, ""
	}
	return f, "These figures are not narrowed by " + strings.Join(dropped, " or ") + ": this measure does not record them."
}

// computed is one measure's results over the dashboard's periods.
type computed struct {
	input figures.Input
	note  string
}

// computeMeasures works out each measure of ids for every period, the
// measures side by side: each is a handful of counting queries for all the
// periods together, which the engine's reader pool answers at once.
func (s *Server) computeMeasures(ctx context.Context, ids []string, periods []measures.Period, f measures.Filter) ([]computed, error) {
	svc := s.measuresNow()
	out := make([]computed, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, mid := range ids {
		wg.Go(func() {
			m, _ := measures.Lookup(mid)
			mf, note := measureFilter(m, f)
			out[i] = computed{input: figures.Input{Measure: m}, note: note}
			res, err := svc.ComputePeriods(ctx, mid, periods, mf)
			if err != nil {
				errs[i] = fmt.Errorf("dashboard: %s: %w", mid, err)
				return
			}
			out[i].input.Results = res
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dashChart is one chart drawn, with the table of its numbers.
type dashChart struct {
	SVG, Table template.HTML
}

// dashLink is one link to the cases behind a figure.
type dashLink struct {
	Text, Href string
}

// dashFigure is one measure as the dashboard shows it.
type dashFigure struct {
	ID, Title, Definition, Unit string
	Periods                     []string
	Rows                        []figures.Row
	Charts                      []dashChart
	Notes                       []string
	CSV                         string
	Links                       []dashLink
	// NoLinks says why a figure has no links to cases: it counts
	// officers, reports or flags.
	NoLinks string
}

// ratioLine is one group's ratio to white male officers, in words.
type ratioLine struct {
	Group, Event, Rate, Ratio, Interval, Words string
}

// vettingPanel is the head of standards' vetting reviews for the period.
type vettingPanel struct {
	Opened  []countLine
	Decided []countLine
	Open    int
	Overdue int
}

type countLine struct {
	Text string
	N    int
}

type dashboardPageData struct {
	pageData
	Form    dashForm
	Errors  pageErrors
	Label   string // the period in words
	Shown   bool   // false when the filters were refused
	Periods []option
	Units   []option
	Kinds   []option
	Figures []dashFigure
	Ratios  []ratioLine
	// RatioNote says why there are no ratios, when there are none.
	RatioNote string
	Vetting   *vettingPanel
	// CaseLinks is true for those who hold case files; Shared for the
	// oversight body, whose one link is to the cases shared with it.
	CaseLinks, Shared bool
}

// periodChoices lists the periods the form offers: the last six years, the
// last eight quarters and the last twelve months, newest first, and custom
// dates; a period named in the address that is none of them is added.
func periodChoices(now time.Time, chosen string) []option {
	now = now.UTC()
	var pairs [][2]string
	for y := now.Year(); y > now.Year()-6; y-- {
		p := measures.YearOf(y)
		pairs = append(pairs, [2]string{p.String(), "Year " + p.Label})
	}
	q := figures.LastQuarters(now, 7)
	cur := measures.QuarterOf(now.Year(), (int(now.Month())-1)/3+1)
	for _, p := range append([]measures.Period{cur}, reversed(q)...) {
		pairs = append(pairs, [2]string{p.String(), "Quarter " + p.Label})
	}
	for i := range 12 {
		p := measures.MonthOf(now.Year(), now.Month()-time.Month(i))
		pairs = append(pairs, [2]string{p.String(), p.Label})
	}
	pairs = append(pairs, [2]string{"custom", "Custom dates (give the first and last day below)"})
	known := slices.ContainsFunc(pairs, func(p [2]string) bool { return p[0] == chosen })
	if !known && chosen != "" {
		if p, err := measures.ParsePeriod(chosen); err == nil {
			pairs = append([][2]string{{p.String(), p.Label}}, pairs...)
			chosen = p.String()
		}
	}
	return selectOptions(chosen, pairs...)
}

func reversed(ps []measures.Period) []measures.Period {
	out := slices.Clone(ps)
	slices.Reverse(out)
	return out
}

// fillDashChoices sets the options of the form's selects.
func fillDashChoices(d *dashboardPageData, now time.Time, units []officers.Unit) {
	d.Periods = periodChoices(now, d.Form.Period)
	us := [][2]string{{"", "Every unit"}}
	for _, u := range units {
		us = append(us, [2]string{u.ID, u.Name})
	}
	d.Units = selectOptions(d.Form.Unit, us...)
	ks := [][2]string{{"", "Every kind"}}
	for _, k := range cases.Kinds {
		ks = append(ks, [2]string{string(k), k.Label().Name})
	}
	d.Kinds = selectOptions(d.Form.Kind, ks...)
}

// dashboardPage answers GET /dashboard.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	req, bad, err := s.parseDashboard(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	p := caller(r)
	data := dashboardPageData{pageData: s.pageData(r), Form: req.form,
		CaseLinks: access.Allowed(p, access.CaseWork), Shared: access.Allowed(p, access.SharedCases)}
	fillDashChoices(&data, s.clock(), req.units)
	if len(bad) > 0 {
		data.Errors = newPageErrors(dashFields, bad)
		s.render(w, r, http.StatusUnprocessableEntity, "dashboard", data)
		return
	}
	ctx := r.Context()
	periods := dashPeriods(req.period)
	got, err := s.computeMeasures(ctx, measures.IDs(), periods, req.filter)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	inputs := make([]figures.Input, len(got))
	for i, c := range got {
		inputs[i] = c.input
	}
	figs, err := figures.Build(periods, inputs, figures.Options{})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data.Label, data.Shown = req.period.Label, true
	for i, f := range figs {
		df, err := s.dashFigure(f, got[i].note, req, data.CaseLinks)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		data.Figures = append(data.Figures, df)
		if f.Measure.ID == "disproportionality" {
			data.Ratios, data.RatioNote = ratioLines(got[i].input.Results[len(periods)-1])
		}
	}
	if access.Allowed(p, access.VettingRead) {
		vc, err := s.db.CountVettingReviews(ctx, req.period.Start, req.period.End, s.clock())
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		data.Vetting = vettingLines(vc)
	}
	s.render(w, r, http.StatusOK, "dashboard", data)
}

// dashFigure lays out one measure: its charts with their tables, the
// table of every figure, the CSV link and the links to its cases.
func (s *Server) dashFigure(f figures.Figure, note string, req dashRequest, caseLinks bool) (dashFigure, error) {
	df := dashFigure{ID: f.Measure.ID, Title: f.Measure.Title, Definition: f.Measure.Definition, Unit: f.Measure.Unit,
		Rows: f.Rows, Notes: f.Notes}
	if note != "" {
		df.Notes = append(df.Notes, note)
	}
	for _, p := range f.Periods {
		df.Periods = append(df.Periods, p.Label)
	}
	for _, c := range f.Charts {
		svg, err := chart.SVG(c)
		if err != nil {
			return df, fmt.Errorf("drawing %s: %w", c.ID, err)
		}
		tbl, err := chart.Table(c)
		if err != nil {
			return df, fmt.Errorf("tabulating %s: %w", c.ID, err)
		}
		df.Charts = append(df.Charts, dashChart{SVG: svg, Table: tbl})
	}
	df.CSV = "/dashboard/" + f.Measure.ID + ".csv?" + req.form.values().Encode()
	if caseLinks {
		df.Links, df.NoLinks = s.caseLinks(f.Measure, req)
	}
	return df, nil
}

// caseLinks are the links from a measure's figures to the cases behind
// them on the case list, with the same unit and kind: the cases received
// in the period (finalised, logged or first contacted in it, for the
// measures that count those),
// and for the stocks the cases open at its start and end and by age. Measures of officers, reports and flags have none.
func (s *Server) caseLinks(m measures.Measure, req dashRequest) ([]dashLink, string) {
	if m.Family != measures.FamilyCases || m.ID == "disproportionality" || m.ID == "repeat-subjects" {
		return nil, "These figures count officers, reports or flags, not cases, so they link to no list of cases."
	}
	p, now := req.period, s.clock().UTC()
	base := func(extra ...string) string {
		v := url.Values{}
		if req.filter.UnitID != "" {
			v.Set("unit", req.filter.UnitID)
		}
		switch {
		case req.filter.Kind != "":
			v.Set("kind", string(req.filter.Kind))
		case len(m.Kinds) == 1:
			v.Set("kind", string(m.Kinds[0]))
		}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return "/cases?" + v.Encode()
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	what := "Cases"
	if len(m.Kinds) == 1 {
		what = "Complaints"
	}
	received := dashLink{what + " received in " + p.Label, base("received_from", day(p.Start), "received_before", day(p.End))}
	finalised := dashLink{what + " finalised in " + p.Label, base("finalised_from", day(p.Start), "finalised_before", day(p.End))}
	if p.Start.After(now) {
		return nil, "This period has not begun, so no cases lie behind its figures yet."
	}
	switch m.ID {
	case "backlog":
		links := []dashLink{{"Cases open at the start of " + p.Label, base("open_at", day(p.Start))}, received, finalised}
		if p.End.After(now) {
			return append(links, dashLink{"Cases open now", base("show", "open")}), ""
		}
		return append(links, dashLink{"Cases open at the end of " + p.Label, base("open_at", day(p.End))}), ""
	case "open-by-age":
		if p.End.After(now) {
			return []dashLink{{"Cases open now", base("show", "open")}}, ""
		}
		at := p.End
		cut := []time.Time{at, at.AddDate(0, -3, 0), at.AddDate(0, -6, 0), at.AddDate(0, -12, 0)}
		var links []dashLink
		for i, band := range measures.AgeBands {
			extra := []string{"open_at", day(at)}
			if i < len(cut)-1 {
				extra = append(extra, "received_from", day(cut[i+1]))
			}
			if i > 0 {
				extra = append(extra, "received_before", day(cut[i]))
			}
			links = append(links, dashLink{"Open at the end of " + p.Label + ": " + strings.ToLower(band), base(extra...)})
		}
		return links, ""
	case "days-to-finalise", "allegation-outcomes":
		return []dashLink{finalised}, ""
	case "days-to-log":
		return []dashLink{{what + " first logged in " + p.Label, base("logged_from", day(p.Start), "logged_before", day(p.End))}}, ""
	case "days-to-first-contact":
		return []dashLink{{what + " first contacted in " + p.Label, base("contacted_from", day(p.Start), "contacted_before", day(p.End))}}, ""
	}
	return []dashLink{received}, ""
}

// ratioLines says each group's ratio to white male officers in words, for
// the whole period.
func ratioLines(res measures.Result) ([]ratioLine, string) {
	if res.Empty {
		return nil, res.Note
	}
	var out []ratioLine
	for _, r := range res.Rows {
		if r.Stat != measures.Ratio || len(r.Group) < 3 {
			continue
		}
		group := r.Group[0] + " " + strings.ToLower(r.Group[1]) + " officers"
		if r.Group[0] == "Not recorded" || r.Group[1] == "Not recorded" {
			group = "Officers of ethnicity " + strings.ToLower(r.Group[0]) + ", sex " + strings.ToLower(r.Group[1])
		}
		line := ratioLine{Group: r.Group[0] + ", " + r.Group[1], Event: r.Group[2], Ratio: "Not given", Interval: "Not given"}
		if r.Den > 0 {
			line.Rate = figures.FormatValue(measures.Rate, 1000*float64(r.Num)/float64(r.Den))
		}
		event := strings.ToLower(r.Group[2])
		isRef := r.Group[0] == recordedWordsOf(measures.RefEthnicity) && r.Group[1] == recordedWordsOf(measures.RefSex)
		switch {
		case isRef:
			line.Ratio, line.Interval = "1", "Not applicable"
			line.Words = "White male officers are the group every other is compared with."
		case !r.Defined || r.High == 0:
			line.Words = fmt.Sprintf("No ratio: %s or white male officers had no one who %s in the period, so the rates cannot be compared.",
				group, strings.ToLower(pastTense(event)))
		default:
			line.Ratio = figures.FormatValue(measures.Ratio, r.Value)
			line.Interval = figures.FormatValue(measures.Ratio, r.Low) + " to " + figures.FormatValue(measures.Ratio, r.High)
			line.Words = fmt.Sprintf("%s %s at %s times the rate of white male officers (95%% confidence interval %s to %s).",
				group, pastTense(event), line.Ratio, figures.FormatValue(measures.Ratio, r.Low), figures.FormatValue(measures.Ratio, r.High))
			switch {
			case r.Low > 1:
				line.Words += " The whole interval lies above 1: the higher rate is unlikely to be chance."
			case r.High < 1:
				line.Words += " The whole interval lies below 1: the lower rate is unlikely to be chance."
			default:
				line.Words += " The interval includes 1, so the difference may be chance."
			}
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, "No officers are recorded in post in this period for this unit."
	}
	return out, ""
}

// recordedWordsOf is how the measures name a recorded ethnicity or sex.
func recordedWordsOf(code string) string {
	return strings.ToUpper(code[:1]) + strings.ReplaceAll(code[1:], "_", " ")
}

func pastTense(event string) string {
	switch event {
	case "entered the misconduct system":
		return "entered the misconduct system"
	case "dismissed":
		return "were dismissed"
	}
	return event
}

// vettingLines puts the vetting counts in words, every trigger and
// decision listed even when none.
func vettingLines(vc store.VettingCounts) *vettingPanel {
	v := &vettingPanel{Open: vc.Open, Overdue: vc.Overdue}
	for _, k := range []vetting.TriggerKind{vetting.ByCategory, vetting.ByVolume, vetting.ByTransfer} {
		v.Opened = append(v.Opened, countLine{k.Label().Name, vc.Opened[k]})
	}
	for _, d := range vetting.Decisions {
		v.Decided = append(v.Decided, countLine{d.Label().Name, vc.Decided[d]})
	}
	return v
}

// dashboardCSV answers GET /dashboard/{measure}.csv: one measure's figures
// for the dashboard's filters, every period shown, one row per figure and
// period. The figures are counts, but a small count in a small unit can
// point at a person (one officer of a group dismissed), and a file leaves
// Probity's control: each download is audited as a disclosure, as the
// case list's export is.
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	mid, isCSV := strings.CutSuffix(file, ".csv")
	m, ok := measures.Lookup(mid)
	if !isCSV || !ok {
		s.failPage(w, r, fault.Errorf(fault.NotFound, "no such file: the dashboard offers one CSV file per measure, named after it"))
		return
	}
	req, bad, err := s.parseDashboard(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if len(bad) > 0 {
		p := caller(r)
		data := dashboardPageData{pageData: s.pageData(r), Form: req.form,
			CaseLinks: access.Allowed(p, access.CaseWork), Shared: access.Allowed(p, access.SharedCases)}
		fillDashChoices(&data, s.clock(), req.units)
		data.Errors = newPageErrors(dashFields, bad)
		s.render(w, r, http.StatusUnprocessableEntity, "dashboard", data)
		return
	}
	periods := dashPeriods(req.period)
	got, err := s.computeMeasures(r.Context(), []string{m.ID}, periods, req.filter)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	figs, err := figures.Build(periods, []figures.Input{got[0].input}, figures.Options{})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(figures.CSVHeader)
	rows := figures.CSV(figs[0])
	for _, rec := range rows {
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
	e := s.auditEntry(r, audit.Disclose, "measure", m.ID, audit.Success)
	e.Recipients = []string{caller(r).User.Username}
	e.Reason = fmt.Sprintf("CSV of the dashboard's figures: %s for %s; %d rows; %s", m.ID, req.period, len(rows), describeDash(req))
	if err := s.db.Audit(r.Context(), e); err != nil {
		s.failPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+m.ID+"-"+strings.ReplaceAll(req.period.String(), "/", "-to-")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// describeDash names the filters for the audit entry.
func describeDash(req dashRequest) string {
	var parts []string
	if req.filter.UnitID != "" {
		parts = append(parts, "unit="+req.filter.UnitID)
	}
	if req.filter.Kind != "" {
		parts = append(parts, "kind="+string(req.filter.Kind))
	}
	if len(parts) == 0 {
		return "no filters"
	}
	return "filters " + strings.Join(parts, ", ")
}
