package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
)

// TestNationalReturnCountsByIOPCCode: the head of standards reads the
// quarter's return on the page and downloads it; a flagged allegation is
// counted under its code and again as domestic abuse; a quarter not
// offered is refused naming the field.
func TestNationalReturnCountsByIOPCCode(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		h := f.login(t, access.Handler)
		today := f.now.Format(time.DateOnly)
		rec := h.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`",
			"summary":"Stopped twice in a week","arose_on":"`+today+`","received_on":"`+today+`",
			"allegations":[{"category":"powers-policies-procedures","subcategory":"stop-and-search","domestic_abuse":true,
				"subjects":["`+f.subject+`"]}]}`)
		if rec.Code != 201 {
			t.Fatalf("recording: %d %s", rec.Code, rec.Body)
		}
		uk, _ := time.LoadLocation("Europe/London")
		n := f.now.In(uk)
		quarter := time.Date(n.Year(), time.Month(((int(n.Month())-1)/3)*3+1), 1, 0, 0, 0, 0, uk).Format(time.DateOnly)
		head := f.login(t, access.PSDHead)
		page := head.do(t, "GET", "/national-return?quarter="+quarter, "", "")
		body := page.Body.String()
		if page.Code != 200 || !strings.Contains(body, "Stops, and stop and search") || !strings.Contains(body, `id="return-csv"`) {
			t.Fatalf("return page: %d", page.Code)
		}
		csv := head.do(t, "GET", "/national-return.csv?quarter="+quarter, "", "")
		if csv.Code != 200 || !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", csv.Code, csv.Header().Get("Content-Type"))
		}
		text := csv.Body.String()
		if !strings.Contains(text, "B1,yes,\"Police powers, policies and procedures\",\"Stops, and stop and search\",1,1") ||
			!strings.Contains(text, "A1,no,") || strings.Contains(text, "domestic-abuse") {
			t.Errorf("CSV lines:\n%s", text)
		}
		bad := head.do(t, "GET", "/national-return?quarter=1999-01-01&force=nothing", "", "")
		if b := bad.Body.String(); bad.Code != 422 || !strings.Contains(b, `href="#quarter"`) || !strings.Contains(b, `href="#force"`) {
			t.Errorf("a quarter not offered: %d", bad.Code)
		}
		if rec := h.do(t, "GET", "/national-return.csv", "", ""); rec.Code != 403 {
			t.Errorf("a handler downloading the return: %d", rec.Code)
		}
	})
}
