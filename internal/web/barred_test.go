package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// TestBarredListReferSearchAndTransfer: the vetting unit refers a
// dismissed officer; a search needs two identifying fields and is
// audited as a disclosure; a transferee who matches is refused until the
// match has been seen, and refused appointment once it has; the refusal
// names each field; the head of standards may search but not refer; a
// handler may do neither.
func TestBarredListReferSearchAndTransfer(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		v := f.login(t, access.Vetting)
		rec := v.do(t, "POST", "/api/v1/vetting/listings", "application/json", `{"name":"Gary Lane","date_of_birth":"1980-04-02",
			"collar_number":"4411","force":"Northshire Police","basis":"dismissed","ground":"gross_misconduct",
			"outcome":"Dismissed without notice: theft from a detained person","decided_on":"2026-05-20"}`)
		if rec.Code != 201 {
			t.Fatalf("refer: %d %s", rec.Code, rec.Body)
		}
		listing := decode(t, rec)
		listingID := listing["id"].(string)
		if listing["list"] != "barred" || listing["review_from"] != "2031-05-20" || listing["current"] != true {
			t.Errorf("referral = %v", listing)
		}
		// A referral without its ground or outcome names both.
		bad := v.do(t, "POST", "/api/v1/vetting/listings", "application/json", `{"name":"Ann Hale","date_of_birth":"1975-09-09",
			"force":"Northshire Police","basis":"dismissed","decided_on":"2026-05-20"}`)
		if bad.Code != 422 || !strings.Contains(bad.Body.String(), `"field":"ground"`) || !strings.Contains(bad.Body.String(), `"field":"outcome"`) {
			t.Errorf("referral without ground and outcome: %d %s", bad.Code, bad.Body)
		}

		for _, tc := range []struct {
			name, body string
			code       int
			want       string
		}{
			{"name alone would fish", `{"name":"Gary Lane"}`, 422, `"field":"date_of_birth"`},
			{"name and date of birth", `{"name":"gary  LANE","date_of_birth":"1980-04-02"}`, 200, `"listed":true`},
			{"date of birth and collar", `{"date_of_birth":"1980-04-02","collar_number":"44 11"}`, 200, `"listed":true`},
			{"a stranger", `{"name":"Gary Lane","date_of_birth":"1981-04-02"}`, 200, `"listed":false`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := v.do(t, "POST", "/api/v1/vetting/listings/search", "application/json", tc.body)
				if got.Code != tc.code || !strings.Contains(got.Body.String(), tc.want) {
					t.Errorf("%d %s", got.Code, got.Body)
				}
			})
		}
		psd := f.login(t, access.PSDHead)
		if got := psd.do(t, "POST", "/api/v1/vetting/listings/search", "application/json", `{"name":"Gary Lane","collar_number":"4411"}`); got.Code != 200 {
			t.Errorf("head of standards searching: %d", got.Code)
		}
		if got := psd.do(t, "POST", "/api/v1/vetting/listings", "application/json", `{}`); got.Code != 403 {
			t.Errorf("head of standards referring: %d", got.Code)
		}
		handler := f.login(t, access.Handler)
		if got := handler.do(t, "POST", "/api/v1/vetting/listings/search", "application/json", `{"name":"Gary Lane","collar_number":"4411"}`); got.Code != 403 {
			t.Errorf("handler searching: %d", got.Code)
		}
		// Each search that showed the listing is a disclosure of it.
		pg, err := f.db.AuditEntries(t.Context(), store.AuditFilter{RecordID: listingID})
		if err != nil {
			t.Fatal(err)
		}
		var disclosed int
		for _, e := range pg.Entries {
			if e.Action == "disclose" {
				disclosed++
			}
		}
		if disclosed != 3 {
			t.Errorf("the listing was disclosed %d times in the log, want 3", disclosed)
		}

		// The transfer check: every check is required, each named.
		check := url.Values{"kind": {"transferee"}, "name": {"Gary Lane"}, "date_of_birth": {"2/4/1980"}, "collar_number": {"WM 7"},
			"previous_force": {"Northshire Police"}, "record_source": {"entered"}, "decision": {"appoint"}, "reasons": {"Good record"}}
		missing := v.do(t, "POST", "/vetting/transfers", form, check.Encode())
		body := missing.Body.String()
		if missing.Code != 422 || !strings.Contains(body, `href="#transfer-complaints">Complaints is required`) ||
			!strings.Contains(body, `href="#transfer-conduct"`) || !strings.Contains(body, `href="#transfer-vetting"`) {
			t.Errorf("a check without the previous force's record: %d\n%s", missing.Code, body)
		}
		// With the record, the match is shown and must be seen first.
		check.Set("complaints", "None recorded in five years")
		check.Set("conduct", "None")
		check.Set("vetting", "Recruitment vetting granted 2019")
		unseen := v.do(t, "POST", "/vetting/transfers", form, check.Encode())
		body = unseen.Body.String()
		if unseen.Code != 422 || !strings.Contains(body, `href="#transfer-matches"`) || !strings.Contains(body, `name="seen" value="`+listingID+`"`) ||
			!strings.Contains(body, "Barred list") {
			t.Fatalf("a check with an unseen match: %d\n%s", unseen.Code, body)
		}
		check.Set("seen", listingID)
		barred := v.do(t, "POST", "/vetting/transfers", form, check.Encode())
		if barred.Code != 422 || !strings.Contains(barred.Body.String(), "cannot appoint: the person matches the police barred list") {
			t.Errorf("appointing a barred person: %d\n%s", barred.Code, barred.Body)
		}
		check.Set("decision", "do_not_appoint")
		check.Set("reasons", "Dismissed by Northshire Police in May 2026: on the barred list")
		done := v.do(t, "POST", "/vetting/transfers", form, check.Encode())
		if done.Code != 303 || done.Header().Get("Location") != "/vetting/transfers?recorded=do_not_appoint" {
			t.Fatalf("recording the refusal: %d %s", done.Code, done.Body)
		}
		page := v.do(t, "GET", "/vetting/transfers?recorded=do_not_appoint", "", "").Body.String()
		if !strings.Contains(page, "Transfer check recorded: Do not appoint.") || !strings.Contains(page, "<td class=\"govuk-table__cell\">Gary Lane</td>") {
			t.Errorf("transfers page after recording:\n%s", page)
		}
		api := v.do(t, "GET", "/api/v1/vetting/transfer-checks", "", "")
		if api.Code != 200 || !strings.Contains(api.Body.String(), `"decision":"do_not_appoint"`) || !strings.Contains(api.Body.String(), `"matches":1`) {
			t.Errorf("transfer checks: %d %s", api.Code, api.Body)
		}

		// The search page: one field is refused, naming the others.
		one := v.do(t, "POST", "/vetting/lists/search", form, url.Values{"name": {"Gary Lane"}}.Encode())
		if one.Code != 422 || !strings.Contains(one.Body.String(), `href="#search-date_of_birth"`) || strings.Contains(one.Body.String(), `id="search-answer"`) {
			t.Errorf("search by name alone: %d\n%s", one.Code, one.Body)
		}
		two := v.do(t, "POST", "/vetting/lists/search", form, url.Values{"name": {"Gary Lane"}, "date_of_birth": {"2/4/1980"}}.Encode())
		if two.Code != 200 || !strings.Contains(two.Body.String(), "<strong>Listed.</strong>") {
			t.Errorf("search: %d\n%s", two.Code, two.Body)
		}

		// An extract in another layout, through the API.
		imp := v.do(t, "POST", "/api/v1/vetting/listings/import", "application/json", `{"csv":"List,Full name,DOB,Force,Date\nAdvisory,Ann Hale,09/09/1975,Westshire Police,01/03/2026\nAdvisory,No Date,09/09/1975,Westshire Police,\n",
			"mapping":"columns: {list: List, name: Full name, date_of_birth: DOB, force: Force, decided_on: Date}\ndate_layout: 02/01/2006\nlists: {advisory: advisory}\n"}`)
		if imp.Code != 201 || !strings.Contains(imp.Body.String(), `"imported":1`) || !strings.Contains(imp.Body.String(), `"line":3`) {
			t.Errorf("import: %d %s", imp.Code, imp.Body)
		}

		// Removal from the listing's page: a stale form is refused, then
		// the removal is kept.
		path := "/vetting/lists/" + listingID
		lp := v.do(t, "GET", path, "", "").Body.String()
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(lp)
		if version == nil || !strings.Contains(lp, "Gary Lane") || !strings.Contains(lp, "20 May 2031") {
			t.Fatalf("listing page:\n%s", lp)
		}
		removal := url.Values{"reason": {"appeal_allowed"}, "removed_on": {"25/5/2026"}, "note": {"Appeal allowed by the tribunal"}, "version": {"7"}}
		if stale := v.do(t, "POST", path, form, removal.Encode()); stale.Code != 409 {
			t.Errorf("stale removal: %d", stale.Code)
		}
		removal.Set("reason", "proceedings_ended")
		removal.Set("version", version[1])
		if wrong := v.do(t, "POST", path, form, removal.Encode()); wrong.Code != 422 || !strings.Contains(wrong.Body.String(), `href="#removal-reason"`) {
			t.Errorf("a reason that does not end a barred listing: %d\n%s", wrong.Code, wrong.Body)
		}
		removal.Set("reason", "appeal_allowed")
		if ok := v.do(t, "POST", path, form, removal.Encode()); ok.Code != 303 {
			t.Fatalf("removal: %d %s", ok.Code, ok.Body)
		}
		after := v.do(t, "GET", path+"?removed=1", "", "").Body.String()
		if !strings.Contains(after, "Listing removed.") || !strings.Contains(after, "Removed on 25 May 2026: Appeal allowed") {
			t.Errorf("after removal:\n%s", after)
		}
		lists := v.do(t, "GET", "/vetting/lists", "", "")
		if lists.Code != 200 || !strings.Contains(lists.Body.String(), "Ann Hale") || !strings.Contains(lists.Body.String(), "Officers due a referral") {
			t.Errorf("lists page: %d\n%s", lists.Code, lists.Body)
		}
		if got := handler.do(t, "GET", "/vetting/lists", "", ""); got.Code != 403 {
			t.Errorf("handler opening the lists: %d", got.Code)
		}
	})
}

// TestTransferJoinsTheEarlierForcesAllegations: a transferee appointed on
// a check naming their record in the previous force's imported records
// brings the allegations recorded there onto their officer page, marked
// as recorded by another force.
func TestTransferJoinsTheEarlierForcesAllegations(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		other := officers.Force{Code: "NSP", Name: "Northshire Police"}
		var earlier officers.Officer
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateForce(ctx, &other); err != nil {
				return err
			}
			earlier = officers.Officer{ForceID: other.ID, CollarNumber: "N77", FamilyName: "Subject", Rank: "constable", JoinedOn: f.now.AddDate(-10, 0, 0)}
			return tx.CreateOfficer(ctx, &earlier, f.now)
		})
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := cases.LoadReference()
		c := cases.Case{Kind: cases.Complaint, ForceID: other.ID, Summary: "Recorded in Northshire", AroseOn: f.now.AddDate(-3, 0, 0),
			ReceivedAt: f.now.AddDate(-3, 0, 1), Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
				Subjects: []cases.Subject{{OfficerID: earlier.ID}}}}}
		if err := c.Validate(ref, f.now); err != nil {
			t.Fatal(err)
		}
		c.Prepare(ref, f.now)
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "import", f.now) }); err != nil {
			t.Fatal(err)
		}
		psd := f.login(t, access.PSDHead)
		countOther := func() int {
			t.Helper()
			var view struct {
				Allegations []map[string]any `json:"allegations"`
			}
			rec := psd.do(t, "GET", "/api/v1/officers/"+f.subject, "", "")
			if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil || rec.Code != 200 {
				t.Fatalf("officer: %d %s", rec.Code, rec.Body)
			}
			n := 0
			for _, a := range view.Allegations {
				if a["other_force"] == true || a["note"] == "recorded by another force; a case you cannot open" {
					n++
				}
			}
			return n
		}
		if n := countOther(); n != 0 {
			t.Fatalf("before the transfer check, %d allegations by another force", n)
		}
		v := f.login(t, access.Vetting)
		rec := v.do(t, "POST", "/api/v1/vetting/transfer-checks", "application/json", `{"kind":"transferee","name":"Sam Subject",
			"date_of_birth":"1985-01-01","collar_number":"N77","previous_force":"Northshire Police","record_source":"imported",
			"previous_officer_id":"`+earlier.ID+`","officer_id":"`+f.subject+`","complaints":"One complaint, impolite language, 2023",
			"conduct":"None","vetting":"Recruitment vetting granted 2016","decision":"appoint","reasons":"Record read; nothing bars the transfer"}`)
		if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"matches":[]`) {
			t.Fatalf("transfer check: %d %s", rec.Code, rec.Body)
		}
		if n := countOther(); n != 1 {
			t.Errorf("after the transfer check, %d allegations by another force, want 1", n)
		}
		page := psd.do(t, "GET", "/officers/"+f.subject, "", "").Body.String()
		if !strings.Contains(page, "recorded by another force") {
			t.Errorf("the officer page does not say the allegation was recorded by another force:\n%s", page)
		}
	})
}

// TestDismissalProposesAReferral: a hearing that dismisses an officer
// puts them in front of the vetting unit as due a barred-list referral,
// with the day the report is due; the referral form opened from there is
// filled in from the officer's record and the case; once recorded, the
// officer is no longer due.
func TestDismissalProposesAReferral(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		psd := f.login(t, access.PSDHead)
		investigator := f.login(t, access.Investigator)
		rec := psd.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"conduct_matter","unit_id":"`+f.unitA.ID+`",
			"summary":"Took cash from a detained person","arose_on":"2026-04-01",
			"allegations":[{"category":"abuse-of-position","subcategory":"corruption-other","standards":["honesty-integrity"],"subjects":["`+f.subject+`"]}]}`)
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		created := decode(t, rec)
		id, ref := created["id"].(string), created["reference"].(string)
		aid, oid := firstAllegation(t, psd.getCase(t, id))
		finding := func(extra string) string {
			return fmt.Sprintf(`[{"allegation_id":%q,"officer_id":%q%s}]`, aid, oid, extra)
		}
		psd.act(t, id, 200, `{"action":"assess_severity","reasons":"theft","findings":`+finding(`,"severity":"gross_misconduct"`)+`}`)
		psd.act(t, id, 200, `{"action":"start_investigation","reasons":"gross misconduct","mode":"local"}`)
		investigator.act(t, id, 200, fmt.Sprintf(`{"action":"serve_reg17_notice","recipient":%q}`, oid))
		investigator.act(t, id, 200, `{"action":"interview_officer"}`)
		investigator.act(t, id, 200, `{"action":"submit_report"}`)
		psd.act(t, id, 200, `{"action":"case_to_answer","reasons":"body-worn video","findings":`+finding(`,"severity":"gross_misconduct"`)+`}`)
		psd.act(t, id, 200, `{"action":"refer_to_hearing"}`)
		psd.act(t, id, 200, fmt.Sprintf(`{"action":"serve_referral_notice","recipient":%q}`, oid))
		psd.act(t, id, 200, `{"action":"record_officer_response"}`)
		psd.act(t, id, 200, `{"action":"agree_witnesses"}`)
		psd.act(t, id, 200, `{"action":"hold_pre_hearing","forum":"hearing"}`)
		psd.act(t, id, 200, `{"action":"hold_proceedings","forum":"hearing"}`)
		psd.act(t, id, 200, `{"action":"record_outcome","reasons":"proved","findings":`+finding(`,"finding":"gross_misconduct","sanction":"dismissal_without_notice"`)+`}`)

		v := f.login(t, access.Vetting)
		due := v.do(t, "GET", "/api/v1/vetting/referrals-due", "", "")
		body := due.Body.String()
		if due.Code != 200 || !strings.Contains(body, `"case_reference":"`+ref+`"`) || !strings.Contains(body, `"basis":"dismissed"`) ||
			!strings.Contains(body, `"list":"barred"`) || !strings.Contains(body, `"report_due_by":"2026-06-05"`) {
			t.Fatalf("referrals due: %d %s", due.Code, body)
		}
		page := v.do(t, "GET", "/vetting/lists", "", "").Body.String()
		link := regexp.MustCompile(`href="(/vetting/lists/refer\?officer=[a-z0-9]+&amp;case=` + id + `)"`).FindStringSubmatch(page)
		if link == nil || !strings.Contains(page, "PC S1 Subject") || !strings.Contains(page, "5 June 2026") {
			t.Fatalf("lists page:\n%s", page)
		}
		formPage := v.do(t, "GET", strings.ReplaceAll(link[1], "&amp;", "&"), "", "").Body.String()
		if !strings.Contains(formPage, "Filled in from case "+ref) || !strings.Contains(formPage, `name="collar_number" type="text" autocomplete="off" value="S1"`) ||
			!strings.Contains(formPage, `value="dismissed" aria-describedby="refer-basis-dismissed-hint" checked`) {
			t.Fatalf("referral form:\n%s", formPage)
		}
		caseID := regexp.MustCompile(`name="case_id" value="([a-z0-9]+)"`).FindStringSubmatch(formPage)
		officerID := regexp.MustCompile(`name="officer_id" value="([a-z0-9]+)"`).FindStringSubmatch(formPage)
		if caseID == nil || officerID == nil {
			t.Fatalf("referral form without its officer and case:\n%s", formPage)
		}
		// Without the date of birth and the conduct: refused, each named.
		sent := url.Values{"officer_id": {officerID[1]}, "case_id": {caseID[1]}, "name": {"Sam Subject"}, "collar_number": {"S1"},
			"force": {"Test Constabulary"}, "basis": {"dismissed"}, "ground": {"gross_misconduct"}, "decided_on": {"1/6/2026"}}
		bad := v.do(t, "POST", "/vetting/lists/refer", form, sent.Encode())
		if bad.Code != 422 || !strings.Contains(bad.Body.String(), `href="#refer-date_of_birth">Date of birth is required`) ||
			!strings.Contains(bad.Body.String(), `href="#refer-outcome"`) {
			t.Errorf("referral without date of birth and outcome: %d\n%s", bad.Code, bad.Body)
		}
		sent.Set("date_of_birth", "3/3/1984")
		sent.Set("outcome", "Dismissed without notice: theft from a detained person (honesty and integrity)")
		ok := v.do(t, "POST", "/vetting/lists/refer", form, sent.Encode())
		if ok.Code != 303 || !strings.HasPrefix(ok.Header().Get("Location"), "/vetting/lists/") {
			t.Fatalf("referral: %d %s", ok.Code, ok.Body)
		}
		if after := v.do(t, "GET", "/api/v1/vetting/referrals-due", "", "").Body.String(); strings.Contains(after, ref) {
			t.Errorf("still due after the referral: %s", after)
		}
	})
}

// TestImportPage: the import form takes a CSV file and a mapping; a
// mapping that names no column for the name is refused, naming it; an
// extract in Probity's own layout is imported, its unreadable rows listed
// by line with no content; the head of standards reads a listing without
// being offered its removal.
func TestImportPage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		v := f.login(t, access.Vetting)
		upload := func(csv, mapping string) *httptest.ResponseRecorder {
			t.Helper()
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			part, err := w.CreateFormFile("file", "extract.csv")
			if err != nil {
				t.Fatal(err)
			}
			part.Write([]byte(csv))
			w.WriteField("mapping", mapping)
			w.Close()
			return v.do(t, "POST", "/vetting/lists/import", w.FormDataContentType(), b.String())
		}
		bad := upload("List,Who\n", "columns: {list: List, date_of_birth: DOB, force: Force, decided_on: Date}\nlists: {B: barred}\n")
		if bad.Code != 422 || !strings.Contains(bad.Body.String(), `href="#import-mapping">The mapping names no column for name`) {
			t.Errorf("a mapping without a name column: %d\n%s", bad.Code, bad.Body)
		}
		ok := upload("list,name,date_of_birth,collar_number,force,basis,ground,decided_on\n"+
			"barred,Carol Dee,1985-01-02,C77,Westshire Police,dismissed,gross_incompetence,2024-05-05\n"+
			"barred,Secret Person,1985-13-02,,Westshire Police,dismissed,,2024-05-05\n", "")
		body := ok.Body.String()
		if ok.Code != 200 || !strings.Contains(body, "1 listing imported; 1 row could not be read") ||
			!strings.Contains(body, "date_of_birth: is not a date in the mapping&#39;s layout") || strings.Contains(body, "Secret Person") {
			t.Fatalf("import: %d\n%s", ok.Code, body)
		}
		listing := regexp.MustCompile(`href="/vetting/lists/([a-z0-9]+)">Carol Dee`).FindStringSubmatch(v.do(t, "GET", "/vetting/lists", "", "").Body.String())
		if listing == nil {
			t.Fatal("the imported listing is not on the lists page")
		}
		psd := f.login(t, access.PSDHead)
		page := psd.do(t, "GET", "/vetting/lists/"+listing[1], "", "")
		if page.Code != 200 || !strings.Contains(page.Body.String(), "5 May 2027") || strings.Contains(page.Body.String(), `name="version"`) {
			t.Errorf("the head of standards reading the listing: %d\n%s", page.Code, page.Body)
		}
	})
}
