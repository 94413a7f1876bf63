package web

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
)

//go:embed openapi.json
var openAPIDocument []byte

// openAPI serves the API description: GET /api/v1/openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDocument)
}

// reference serves the reference data a client needs to record a case:
// GET /api/v1/reference.
func (s *Server) reference(w http.ResponseWriter, r *http.Request) {
	now := s.clock()
	writeJSON(w, http.StatusOK, map[string]any{
		"taxonomy":  s.ref.TaxonomyAt(now),
		"standards": s.ref.StandardsAt(now),
		"rule_sets": s.ref.RuleSets,
		"actions":   actionCatalogue(),
	})
}

// listUnits lists forces' units: GET /api/v1/units.
func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	forces, err := s.db.Forces(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := []officers.Unit{}
	for _, f := range forces {
		units, err := s.db.Units(ctx, f.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		items = append(items, units...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "forces": forces, "next_cursor": ""})
}

// listOfficers lists officers, optionally of one unit or by collar number:
// GET /api/v1/officers.
func (s *Server) listOfficers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f fault.Fields
	unit := q.Get("unit")
	if unit != "" && !id.Valid(unit) {
		f.Add("unit", "is not a unit id")
	}
	after := q.Get("cursor")
	if after != "" && !id.Valid(after) {
		f.Add("cursor", "is not a cursor this API gave")
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			f.Add("limit", "must be a number from 1 to 1000")
		}
		limit = n
	}
	if err := f.Err("bad query"); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if collar := q.Get("collar"); collar != "" {
		forces, err := s.db.Forces(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		items := []officers.Officer{}
		for _, force := range forces {
			if o, err := s.db.OfficerByCollar(ctx, force.ID, collar); err == nil {
				items = append(items, o)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": ""})
		return
	}
	page, err := s.db.Officers(ctx, unit, after, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if page.Items == nil {
		page.Items = []officers.Officer{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": page.Items, "next_cursor": page.Next})
}
