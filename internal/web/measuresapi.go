package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/measures"
)

// The measures API (GET /api/v1/measures, GET /api/v1/measures/{id}): the
// published figures for a period, force, unit and kind of case, computed
// by internal/measures over counts the store makes. A figure is an
// aggregate of the force's cases, so every role allowed the figures sees
// them for every unit (docs/measures.md says why).

// measureInfo is one measure of the catalogue as the API lists it.
type measureInfo struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Definition string   `json:"definition"`
	Unit       string   `json:"unit"`
	Groups     []string `json:"groups"`
	Filters    []string `json:"filters"`
	Kinds      []string `json:"kinds,omitempty"`
}

func catalogueInfo() []measureInfo {
	var out []measureInfo
	for _, m := range measures.Catalogue() {
		info := measureInfo{ID: m.ID, Title: m.Title, Definition: m.Definition, Unit: m.Unit, Groups: m.Groups, Filters: m.Filters}
		for _, k := range m.Kinds {
			info.Kinds = append(info.Kinds, string(k))
		}
		out = append(out, info)
	}
	return out
}

// listMeasures answers GET /api/v1/measures: every measure's definition.
func (s *Server) listMeasures(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"items": catalogueInfo()})
}

// measureQuery is a request for figures as read from a query string.
type measureQuery struct {
	Period measures.Period
	Filter measures.Filter
}

// parseMeasureQuery reads period, force, unit and kind. A malformed value
// is refused naming its parameter; whether a force or unit is on record,
// and whether the measure takes the filter, is for measures.Compute.
func parseMeasureQuery(r *http.Request) (measureQuery, error) {
	q := r.URL.Query()
	var bad fault.Fields
	var out measureQuery
	for name := range q {
		if !slices.Contains([]string{"period", "force", "unit", "kind"}, name) {
			bad.Addf(name, "is not a parameter of the measures; they take period, force, unit and kind")
		}
	}
	for _, name := range []string{"period", "force", "unit", "kind"} {
		if len(q[name]) > 1 {
			bad.Addf(name, "is given %d times; give it once", len(q[name]))
		}
	}
	switch p := strings.TrimSpace(q.Get("period")); p {
	case "":
		bad.Add("period", "is required: a year (2026), a quarter (2026-Q2), a month (2026-05) or two days (2026-01-01..2026-03-31)")
	default:
		per, err := measures.ParsePeriod(p)
		if err != nil {
			for _, fe := range fault.FieldsOf(err) {
				bad.Add(fe.Field, fe.Reason)
			}
		}
		out.Period = per
	}
	if v := q.Get("force"); v != "" {
		if !id.Valid(v) {
			bad.Add("force", "is not a force id")
		}
		out.Filter.ForceID = v
	}
	if v := q.Get("unit"); v != "" {
		if !id.Valid(v) {
			bad.Add("unit", "is not a unit id")
		}
		out.Filter.UnitID = v
	}
	if v := q.Get("kind"); v != "" {
		k := cases.Kind(v)
		if !k.Valid() {
			var kinds []string
			for _, k := range cases.Kinds {
				kinds = append(kinds, string(k))
			}
			bad.Addf("kind", "%q is not a kind of case; the kinds are %s", v, strings.Join(kinds, ", "))
		}
		out.Filter.Kind = k
	}
	return out, bad.Err("invalid query")
}

// badQuery answers a refused query string: 400, naming each parameter
// and the reason. Any other error is answered as usual.
func (s *Server) badQuery(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fault.Error
	if fault.Is(err, fault.Invalid) && errors.As(err, &fe) && len(fe.Fields) > 0 {
		writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusBadRequest), Status: http.StatusBadRequest,
			Detail: fe.Message, Errors: fe.Fields})
		return
	}
	s.fail(w, r, err)
}

// getMeasure answers GET /api/v1/measures/{id}: one measure for the
// period and filters asked. A period in the future or before the first
// record answers an empty result with its note, not an error.
func (s *Server) getMeasure(w http.ResponseWriter, r *http.Request) {
	mid := r.PathValue("id")
	if _, ok := measures.Lookup(mid); !ok {
		var bad fault.Fields
		bad.Addf("measure", "%q is not a measure; GET /api/v1/measures lists them", mid)
		s.badQuery(w, r, bad.Err("unknown measure"))
		return
	}
	mq, err := parseMeasureQuery(r)
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	res, err := s.measuresNow().Compute(r.Context(), mid, mq.Period, mq.Filter)
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
