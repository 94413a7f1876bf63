package web

import (
	"net/http"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
)

// listUsers lists accounts for administrators: GET /api/v1/users.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.db.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.Audit(r.Context(), s.auditEntry(r, audit.Consult, "users", "", audit.Success)); err != nil {
		s.fail(w, r, err)
		return
	}
	if users == nil {
		users = []access.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": users, "next_cursor": ""})
}
