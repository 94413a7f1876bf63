package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// Paged lists of records tied to cases (cases, early-intervention flags)
// share one way of paging, so that no list tells a caller about a record
// they may not see:
//   - the query is scoped to the caller in SQL, so hidden rows are never
//     read, counted or matched by a search;
//   - the policy still decides each row read, and a page is filled from
//     further rows when it drops any, within a fixed bound of work;
//   - the cursor is the position of the last item returned, sealed with
//     an HMAC (store.ListKey) over the list, the caller and the filters,
//     so it cannot be made up, altered or carried to another query;
//   - every read is audited with its filters, an empty page too, and
//     search text only as a keyed digest and a length.

// listBatches bounds the work of one list request: at most this many
// scoped queries (each of at most limit+1 rows, so at most 4 x 201 = 804
// rows at the largest page, each decided by the policy) before the page
// is answered with what it holds. The scope and the policy agree, so the
// first query fills the page unless a case changed between the two reads.
const listBatches = 4

// fillPage reads rows after a position in batches until limit are kept
// or the rows run out, within listBatches. read returns up to n rows
// after a position and whether more follow; keep returns the rows of a
// batch the caller may see, in order; pos is a row's position. more says
// rows may follow the last item kept; dropped counts rows the policy
// refused although the scope let them through.
func fillPage[T any](limit int, after *store.Position, read func(after *store.Position, n int) ([]T, bool, error),
	keep func([]T) ([]T, error), pos func(T) store.Position) (items []T, more bool, dropped int, err error) {
	at := after
	for batch := 0; batch < listBatches && len(items) < limit; batch++ {
		rows, rest, err := read(at, limit-len(items))
		if err != nil {
			return nil, false, 0, err
		}
		kept, err := keep(rows)
		if err != nil {
			return nil, false, 0, err
		}
		items, dropped, more = append(items, kept...), dropped+len(rows)-len(kept), rest
		if len(rows) > 0 {
			p := pos(rows[len(rows)-1])
			at = &p
		}
		if !rest {
			break
		}
	}
	if more && len(items) == 0 {
		// Every row within the bound was refused: there is no item to
		// resume after, and a cursor at a refused row would name it.
		return nil, false, dropped, fault.Errorf(fault.Unavailable, "the list changed while it was read; try again")
	}
	return items, more, dropped, nil
}

// listQuery is what a list read is bound to and audited with.
type listQuery struct {
	// list names the list in cursors and audit entries: "case-list",
	// "eis-flag-list".
	list string
	// filters are name/value pairs in a fixed order; search holds the
	// search text, never written to the audit log as it is.
	filters [][2]string
	search  string
}

// binding is what a cursor of this list is sealed to: the caller and the
// query. JSON keeps any two different queries apart whatever their text.
func (q listQuery) binding(userID string) string {
	b, _ := json.Marshal(struct {
		User    string      `json:"u"`
		Filters [][2]string `json:"f"`
		Search  string      `json:"q"`
	}{userID, q.filters, q.search})
	return string(b)
}

// describe says what was asked, for the audit entry: the filters, and the
// search as a keyed digest and its length.
func (q listQuery) describe(key store.ListKey) string {
	var parts []string
	for _, f := range q.filters {
		if f[1] != "" {
			parts = append(parts, f[0]+"="+f[1])
		}
	}
	if q.search != "" {
		parts = append(parts, "q=#"+key.Digest("search", q.search)+" ("+strconv.Itoa(utf8.RuneCountInString(q.search))+" characters)")
	}
	if len(parts) == 0 {
		return "no filters"
	}
	return "filters " + strings.Join(parts, ", ")
}

// openCursor reads the position a cursor names, for the caller and this
// query. A cursor refused is audited as a refusal: nothing but a made-up
// or altered one, or one carried to another query, is refused.
func (s *Server) openCursor(r *http.Request, key store.ListKey, q listQuery, cursor string) (*store.Position, error) {
	if cursor == "" {
		return nil, nil
	}
	p, err := key.Position(q.list, q.binding(caller(r).User.ID), cursor)
	if err != nil {
		e := s.auditEntry(r, audit.AccessDenied, q.list, "", audit.Denied)
		e.Reason = "cursor refused: not one this list gave for this caller and query"
		if aerr := s.db.Audit(r.Context(), e); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	return &p, nil
}

// auditList records one read of a list, whatever it showed.
func (s *Server) auditList(r *http.Request, key store.ListKey, q listQuery, where string, shown int, resumed bool) error {
	e := s.auditEntry(r, audit.Consult, q.list, "", audit.Success)
	page := "first page"
	if resumed {
		page = "a later page"
	}
	e.Reason = where + ": " + strconv.Itoa(shown) + " shown, " + page + "; " + q.describe(key)
	return s.db.Audit(r.Context(), e)
}

// failList answers a list's error. A refused cursor is a malformed
// request (400) naming the cursor, not a field of a resource (422).
func (s *Server) failList(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fault.Error
	if errors.Is(err, store.ErrBadCursor) && errors.As(err, &fe) {
		writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusBadRequest), Status: http.StatusBadRequest,
			Detail: fe.Message, Errors: fe.Fields})
		return
	}
	s.fail(w, r, err)
}

// failListPage is failList for pages.
func (s *Server) failListPage(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fault.Error
	if errors.Is(err, store.ErrBadCursor) && errors.As(err, &fe) {
		s.render(w, r, http.StatusBadRequest, "error", errorPage{pageData: s.pageData(r), Title: http.StatusText(http.StatusBadRequest),
			Detail: "This link to a later page is not one Probity gave you; start again from the first page.", Fields: fe.Fields})
		return
	}
	s.failPage(w, r, err)
}
