package web

import (
	"net/http"
	"net/url"

	"github.com/probity/probity/internal/store"
)

// --- The oversight body's cases -------------------------------------------
//
// The oversight body reads the cases the force has shared with it, and
// changes none (access.CanOpenCase opens a shared case to it and nothing
// else; it holds no permission to act). Its list is the case list scoped
// to it (caseList: in SQL, then each case decided by the policy, audited
// whatever it shows), and each case opens on the ordinary case page. A
// case not shared with it is refused there, on the plain error page, as
// every refusal of a case is.

type sharedCasesPage struct {
	pageData
	Cases []store.CaseSummary
	// Next links to the following page, "" on the last; Later says this
	// is not the first page.
	Next  string
	Later bool
}

// sharedCasesPageHandler answers GET /shared-cases.
func (s *Server) sharedCasesPageHandler(w http.ResponseWriter, r *http.Request) {
	cursor := r.URL.Query().Get("cursor")
	items, next, err := s.caseList(r, store.CaseFilter{}, listQuery{list: "shared-case-list"}, cursor, 50, "shared cases page")
	if err != nil {
		s.failListPage(w, r, err)
		return
	}
	data := sharedCasesPage{pageData: s.pageData(r), Cases: items, Later: cursor != ""}
	if next != "" {
		data.Next = "/shared-cases?" + url.Values{"cursor": {next}}.Encode()
	}
	s.render(w, r, http.StatusOK, "shared-cases", data)
}
