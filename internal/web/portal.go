package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/chart"
	"github.com/probity/probity/internal/disclosure"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/figures"
	"github.com/probity/probity/internal/measures"
)

// The public portal (/public) and open data (/open-data): the measures,
// under disclosure control, for anyone, with no sign-in and no script.
//
// Every quarter is published in exactly one disclosure set: its calendar
// year, the four quarters with the year they add up to, once the year has
// ended. Were a quarter protected once with one year and again with
// another (a rolling year), the two could withhold different cells and,
// set side by side, give each other away; and figures for a period still
// running would change from day to day, so that two days' figures taken
// apart would show one day's. The portal therefore shows the last whole
// calendar year, and open data every whole year before it.

// Licence is the licence of everything the portal and open data publish.
const (
	openLicence    = "Open Government Licence v3.0"
	openLicenceURL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)

func (s *Server) portalRoutes() []route {
	return []route{
		{"GET", "/public", access.Public, s.portalPage, true},
		{"GET", "/public/measures/{measure}", access.Public, s.portalMeasurePage, true},
		{"GET", "/open-data", access.Public, s.openDataPage, true},
		{"GET", "/open-data/{measure}/{file}", access.Public, s.openDataFile, false},
	}
}

// publicYear is one calendar year's public figures, as computed on one
// day.
type publicYear struct {
	year     int
	day      string    // the UTC day they were computed on
	computed time.Time // when, to the second: Last-Modified
	periods  []measures.Period
	figs     []figures.Figure
	front    []publicMeasure // the figures as the front page shows them
	digest   [32]byte        // of every figure shown, to tell a change from a recomputation
}

func digestOf(figs []figures.Figure) [32]byte {
	h := sha256.New()
	for _, f := range figs {
		fmt.Fprintln(h, f.Measure.ID, f.Notes)
		for _, r := range f.Rows {
			fmt.Fprintln(h, r.Group, r.Stat)
			for _, c := range r.Cells {
				fmt.Fprintln(h, c.Text)
			}
		}
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// portalCache keeps each year's public figures for the day: they are
// worked out from every case and protected together, which takes a
// moment, and a whole year's figures change only when old records do. A
// new day recomputes them, so a correction shows the next day.
//
// A year is worked out by one request at a time: others asking for the
// same year wait for that computation and share its answer, while
// requests for a year already kept, or for another year, are served
// without waiting (the lock is never held while counting).
type portalCache struct {
	mu       sync.Mutex
	years    map[int]*publicYear
	inflight map[int]*yearFlight
	// compute works out a year's figures; the server's own unless a test
	// replaces it.
	compute func(ctx context.Context, y int) ([]figures.Figure, error)
}

// yearFlight is one year's computation under way; done is closed when
// py or err is set.
type yearFlight struct {
	done chan struct{}
	py   *publicYear
	err  error
}

// maxCachedYears bounds the cache; a client asking for many old years
// costs a recomputation, never memory.
const maxCachedYears = 16

// yearPeriods is a calendar year's quarters and the year, the one set in
// which they are published.
func yearPeriods(y int) []measures.Period {
	return []measures.Period{measures.QuarterOf(y, 1), measures.QuarterOf(y, 2), measures.QuarterOf(y, 3),
		measures.QuarterOf(y, 4), measures.YearOf(y)}
}

// lastPublicYear is the last calendar year that has ended.
func (s *Server) lastPublicYear() int { return s.clock().UTC().Year() - 1 }

// computePublicFigures counts and protects year y's figures.
func (s *Server) computePublicFigures(ctx context.Context, y int) ([]figures.Figure, error) {
	return figures.Compute(ctx, s.measuresNow(), nil, yearPeriods(y), measures.Filter{}, figures.Options{Protect: true})
}

// publicFigures returns year y's protected figures, computing them at most
// once a day, and once at a time.
func (s *Server) publicFigures(ctx context.Context, y int) (*publicYear, error) {
	now := s.clock().UTC()
	day := now.Format(time.DateOnly)
	c := &s.portal
	c.mu.Lock()
	if py, ok := c.years[y]; ok && py.day == day {
		c.mu.Unlock()
		return py, nil
	}
	if f, ok := c.inflight[y]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			return f.py, f.err
		case <-ctx.Done():
			return nil, fmt.Errorf("public figures for %d: %w", y, ctx.Err())
		}
	}
	f := &yearFlight{done: make(chan struct{})}
	if c.inflight == nil {
		c.inflight = map[int]*yearFlight{}
	}
	c.inflight[y] = f
	compute := c.compute
	c.mu.Unlock()
	if compute == nil {
		compute = s.computePublicFigures
	}

	// The figures are for everyone waiting: the visitor who asked first
	// leaving does not stop them.
	start := time.Now()
	figs, err := compute(context.WithoutCancel(ctx), y)
	var py *publicYear
	if err != nil {
		err = fmt.Errorf("public figures for %d: %w", y, err)
	} else {
		s.log.Info("public figures computed", "year", y, "took", time.Since(start).Round(time.Millisecond))
		py = &publicYear{year: y, day: day, computed: now.Truncate(time.Second), periods: yearPeriods(y), figs: figs, digest: digestOf(figs)}
		py.front, err = frontPage(figs)
		if err != nil {
			py, err = nil, fmt.Errorf("public figures for %d: %w", y, err)
		}
	}

	c.mu.Lock()
	if py != nil {
		if old, ok := c.years[y]; ok && old.digest == py.digest {
			// The same figures as yesterday: they have not been modified,
			// and Last-Modified says so.
			py.computed = old.computed
		}
		if c.years == nil || len(c.years) >= maxCachedYears {
			c.years = map[int]*publicYear{}
		}
		c.years[y] = py
	}
	delete(c.inflight, y)
	c.mu.Unlock()
	f.py, f.err = py, err
	close(f.done)
	return py, err
}

// frontPage shapes each figure for the front page once, when the figures
// are computed, so that a visit only renders the page.
func frontPage(figs []figures.Figure) ([]publicMeasure, error) {
	out := make([]publicMeasure, 0, len(figs))
	for _, f := range figs {
		pm, err := toPublic(f, false)
		if err != nil {
			return nil, err
		}
		out = append(out, pm)
	}
	return out, nil
}

// RunPublicFigures works out the public figures of the last year ended
// as soon as Probity starts, and again once a day has turned, so that no
// visitor to the portal waits while a year of cases is counted and
// protected. Serving commands run it until ctx ends.
func (s *Server) RunPublicFigures(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.publicFigures(ctx, s.lastPublicYear()); err != nil && ctx.Err() == nil {
			s.log.Error("working out the public figures failed; a visitor's request will try again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (py *publicYear) figure(id string) (figures.Figure, bool) {
	for _, f := range py.figs {
		if f.Measure.ID == id {
			return f, true
		}
	}
	return figures.Figure{}, false
}

// The pages.

// publicChart is a chart ready for a page: the drawing and its table.
type publicChart struct {
	SVG, Table template.HTML
}

// publicMeasure is one measure on a page.
type publicMeasure struct {
	ID, Title, Definition, Unit string
	Charts                      []publicChart
	Rows                        []figures.Row
	Notes                       []string
	Withheld                    int
}

type portalPageData struct {
	pageData
	Year     int
	Periods  []measures.Period
	Measures []publicMeasure
	// Measure is the one measure of a measure's page.
	Measure *publicMeasure
	Files   []openDataLink
	Licence string
}

type openDataLink struct {
	Label, CSV, JSON string
}

func toPublic(f figures.Figure, all bool) (publicMeasure, error) {
	pm := publicMeasure{ID: f.Measure.ID, Title: f.Measure.Title, Definition: f.Measure.Definition, Unit: f.Measure.Unit,
		Rows: f.Rows, Notes: f.Notes, Withheld: f.Withheld}
	for i, c := range f.Charts {
		if !all && i > 0 {
			break
		}
		svg, err := chart.SVG(c)
		if err != nil {
			return pm, fmt.Errorf("chart %s: %w", c.ID, err)
		}
		tbl, err := chart.Table(c)
		if err != nil {
			return pm, fmt.Errorf("chart %s: %w", c.ID, err)
		}
		pm.Charts = append(pm.Charts, publicChart{SVG: svg, Table: tbl})
	}
	return pm, nil
}

// portalPage is GET /public: every measure for the last whole year, a
// chart and its table each, with its definition.
func (s *Server) portalPage(w http.ResponseWriter, r *http.Request) {
	y := s.lastPublicYear()
	py, err := s.publicFigures(r.Context(), y)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d := portalPageData{pageData: s.pageData(r), Year: y, Periods: py.periods, Licence: openLicence, Measures: py.front}
	s.render(w, r, http.StatusOK, "public", d)
}

// portalMeasurePage is GET /public/measures/{measure}: one measure's
// charts, every figure for each quarter and the year, and its files.
func (s *Server) portalMeasurePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("measure")
	if _, ok := measures.Lookup(id); !ok {
		s.failPage(w, r, unknownMeasure(id))
		return
	}
	y := s.lastPublicYear()
	py, err := s.publicFigures(r.Context(), y)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f, _ := py.figure(id)
	pm, err := toPublic(f, true)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d := portalPageData{pageData: s.pageData(r), Year: y, Periods: py.periods, Measure: &pm, Licence: openLicence}
	for _, p := range py.periods {
		base := "/open-data/" + id + "/" + p.String()
		d.Files = append(d.Files, openDataLink{Label: p.Label, CSV: base + ".csv", JSON: base + ".json"})
	}
	s.render(w, r, http.StatusOK, "public-measure", d)
}

type openDataPageData struct {
	pageData
	Years    []int
	Measures []openDataMeasure
	Licence  string
	// LicenceURL is where the licence's text is.
	LicenceURL string
	Columns    []string
}

type openDataMeasure struct {
	ID, Title, Definition string
	Latest                []openDataLink
}

// openDataPage is GET /open-data: what is published, where, under which
// licence.
func (s *Server) openDataPage(w http.ResponseWriter, r *http.Request) {
	y := s.lastPublicYear()
	d := openDataPageData{pageData: s.pageData(r), Licence: openLicence, LicenceURL: openLicenceURL, Columns: figures.CSVHeader}
	for i := range 3 {
		d.Years = append(d.Years, y-i)
	}
	for _, m := range measures.Catalogue() {
		om := openDataMeasure{ID: m.ID, Title: m.Title, Definition: m.Definition}
		for _, p := range yearPeriods(y) {
			base := "/open-data/" + m.ID + "/" + p.String()
			om.Latest = append(om.Latest, openDataLink{Label: p.Label, CSV: base + ".csv", JSON: base + ".json"})
		}
		d.Measures = append(d.Measures, om)
	}
	s.render(w, r, http.StatusOK, "open-data", d)
}

func unknownMeasure(id string) error {
	return &fault.Error{Kind: fault.NotFound, Message: "no such measure",
		Fields: []fault.FieldError{{Field: "measure", Reason: fmt.Sprintf("%q is not a measure; the measures are %s", id, strings.Join(measures.IDs(), ", "))}}}
}

// openDataName is a file's name: a quarter or a year, and a format.
var openDataName = regexp.MustCompile(`^(.+)\.(csv|json)$`)

// openDataDoc is a JSON file of open data. Its fields are described in
// docs/open-data.md; they are only ever added to.
type openDataDoc struct {
	Measure    openDataMeasureMeta `json:"measure"`
	Period     openDataPeriod      `json:"period"`
	Licence    string              `json:"licence"`
	LicenceURL string              `json:"licence_url"`
	Publisher  string              `json:"publisher"`
	Disclosure string              `json:"disclosure"`
	Empty      bool                `json:"empty"`
	Notes      []string            `json:"notes"`
	Columns    []string            `json:"columns"`
	Rows       []openDataRow       `json:"rows"`
}

type openDataMeasureMeta struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Definition string   `json:"definition"`
	Unit       string   `json:"unit"`
	Groups     []string `json:"groups"`
}

type openDataPeriod struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Start string `json:"start"`
	End   string `json:"end"`
}

type openDataRow struct {
	Group     []string `json:"group"`
	Statistic string   `json:"statistic"`
	Value     *float64 `json:"value"`
	Marker    string   `json:"marker,omitempty"`
	Lower     *float64 `json:"lower,omitempty"`
	Upper     *float64 `json:"upper,omitempty"`
}

const disclosureWords = "Counts from 1 to 4 are withheld and marked [c], with other figures from which one could be worked " +
	"out, across the quarters and the year they add up to; a share, rate or ratio made from a withheld count is withheld " +
	"too. [z] marks a figure that cannot be formed (a share of nothing); [x] a period with no figures."

// openDataFile is GET /open-data/{measure}/{period}.{csv|json}.
func (s *Server) openDataFile(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("measure"), r.PathValue("file")
	m := openDataName.FindStringSubmatch(name)
	if m == nil {
		s.fail(w, r, &fault.Error{Kind: fault.NotFound, Message: "no such file",
			Fields: []fault.FieldError{{Field: "file", Reason: fmt.Sprintf("%q is not a file of open data: name a quarter or a year and a format, as 2025-Q1.csv or 2025.json", name)}}})
		return
	}
	period, format := m[1], m[2]
	meta, ok := measures.Lookup(id)
	if !ok {
		s.fail(w, r, unknownMeasure(id))
		return
	}
	p, err := measures.ParsePeriod(period)
	if err == nil && p.Kind != measures.Quarter && p.Kind != measures.Year {
		var fs fault.Fields
		fs.Addf("period", "%q is not a quarter or a year: open data is published by quarter (2025-Q1) and by year (2025)", period)
		err = fs.Err("invalid period")
	}
	if err != nil {
		// The period is part of the file's address, not a form: a bad one
		// is a bad request (400), naming the field, not a form to correct.
		writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusBadRequest), Status: http.StatusBadRequest,
			Detail: "invalid period", Errors: fault.FieldsOf(err)})
		return
	}
	doc := openDataDoc{
		Measure: openDataMeasureMeta{ID: meta.ID, Title: meta.Title, Definition: meta.Definition, Unit: meta.Unit, Groups: meta.Groups},
		Period:  openDataPeriod{ID: p.String(), Label: p.Label, Start: p.Start.Format(time.DateOnly), End: p.End.AddDate(0, 0, -1).Format(time.DateOnly)},
		Licence: openLicence, LicenceURL: openLicenceURL, Publisher: "Probity",
		Disclosure: disclosureWords, Columns: figures.CSVHeader, Rows: []openDataRow{}, Notes: []string{},
	}
	y := p.Start.Year()
	var rows [][]string
	var modified time.Time
	switch {
	case y > s.lastPublicYear():
		doc.Empty = true
		doc.Notes = append(doc.Notes, "Figures for a quarter are published with the rest of its year, once the year has ended, "+
			"so that each quarter is protected once, together with the year it adds up to. This period's year has not ended.")
		// The answer has been the same since the last year ended.
		modified = time.Date(s.lastPublicYear()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		py, err := s.publicFigures(r.Context(), y)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		modified = py.computed
		f, _ := py.figure(id)
		pi := 4
		if p.Kind == measures.Quarter {
			pi = (int(p.Start.Month()) - 1) / 3
		}
		doc.Notes = append(doc.Notes, periodNotes(f, pi)...)
		empty := true
		for _, row := range f.Rows {
			c := row.Cells[pi]
			if c.Mark != figures.MarkNoData {
				empty = false
			}
			or := openDataRow{Group: row.Group, Statistic: string(row.Stat), Marker: c.Mark}
			if c.Shown() {
				v := c.Value
				or.Value = &v
				if row.Stat == measures.Ratio && c.High > 0 {
					lo, hi := c.Low, c.High
					or.Lower, or.Upper = &lo, &hi
				}
			}
			doc.Rows = append(doc.Rows, or)
		}
		doc.Empty = empty
		rows = figures.CSV(f, pi)
	}
	var body bytes.Buffer
	switch format {
	case "json":
		enc := json.NewEncoder(&body)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			s.fail(w, r, fmt.Errorf("encoding open data: %w", err))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	default:
		cw := csv.NewWriter(&body)
		_ = cw.Write(figures.CSVHeader)
		_ = cw.WriteAll(rows)
		if err := cw.Error(); err != nil {
			s.fail(w, r, fmt.Errorf("writing open data: %w", err))
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	}
	sum := sha256.Sum256(body.Bytes())
	h := w.Header()
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Link", "<"+openLicenceURL+`>; rel="license"; title="`+openLicence+`"`)
	h.Set("Content-Disposition", `inline; filename="probity-`+id+"-"+p.String()+"."+format+`"`)
	if doc.Empty {
		// A CSV file has nowhere to say why it holds no rows; the header
		// does, and the JSON file's notes.
		h.Set("X-Probity-Note", strings.Join(doc.Notes, " "))
	}
	http.ServeContent(w, r, "", modified, bytes.NewReader(body.Bytes()))
}

// periodNotes are the notes of f that concern period pi, and the marks'
// meaning when any is used.
func periodNotes(f figures.Figure, pi int) []string {
	var out []string
	label := f.Periods[pi].Label + ": "
	for _, n := range f.Notes {
		for _, prefix := range []string{label, "Every period: "} {
			if strings.HasPrefix(n, prefix) {
				out = append(out, strings.TrimPrefix(n, prefix))
			}
		}
	}
	for _, row := range f.Rows {
		if row.Cells[pi].Mark == disclosure.Mark {
			out = append(out, disclosureWords)
			break
		}
	}
	return out
}

// figuresTable renders a measure's rows as one GOV.UK table: a row per
// figure, a column per period. Every piece of text is escaped.
func figuresTable(caption string, periods []measures.Period, rows []figures.Row) template.HTML {
	esc := template.HTMLEscapeString
	var b strings.Builder
	b.WriteString(`<table class="govuk-table">`)
	fmt.Fprintf(&b, `<caption class="govuk-table__caption govuk-table__caption--s">%s</caption>`, esc(caption))
	b.WriteString(`<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Figure</th>`)
	for _, p := range periods {
		fmt.Fprintf(&b, `<th scope="col" class="govuk-table__header govuk-table__header--numeric">%s</th>`, esc(p.Label))
	}
	b.WriteString(`</tr></thead><tbody class="govuk-table__body">`)
	if len(rows) == 0 {
		fmt.Fprintf(&b, `<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="%d">No figures for these periods</td></tr>`, len(periods)+1)
	}
	for _, r := range rows {
		fmt.Fprintf(&b, `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">%s <span class="govuk-body-s">(%s)</span></th>`,
			esc(r.Label), esc(strings.ToLower(r.StatLabel[:1])+r.StatLabel[1:]))
		for _, c := range r.Cells {
			fmt.Fprintf(&b, `<td class="govuk-table__cell govuk-table__cell--numeric">%s</td>`, esc(c.Text))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String()) // every piece of text above went through esc
}

// FiguresTable is figuresTable for the page of one measure.
func (m publicMeasure) FiguresTable(periods []measures.Period) template.HTML {
	return figuresTable("Every figure: "+m.Title, periods, m.Rows)
}
