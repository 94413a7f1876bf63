package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// The inbox pages' rows in the authorisation matrix: guardians alone; a
// stranger is sent to sign in. Each form succeeds for the guardian with
// a redirect back to the report.
func init() {
	guardianPage := func(status int) expect {
		return expect{all: byRole(403, map[access.Role]int{anon: 303, access.Guardian: status})}
	}
	for k, v := range map[string]expect{
		"GET /speak-up/inbox":                                     guardianPage(200),
		"GET /speak-up/inbox/{id}":                                guardianPage(200),
		"POST /speak-up/inbox/{id}/reply":                         guardianPage(303),
		"POST /speak-up/inbox/{id}/raise":                         guardianPage(303),
		"POST /speak-up/inbox/{id}/reveal-requests":               guardianPage(303),
		"POST /speak-up/inbox/{id}/reveal-requests/{req}/approve": guardianPage(303),
		// The matrix's guardian has no approved request of their own.
		"POST /speak-up/inbox/{id}/identity": guardianPage(403),
		"GET /shared-cases":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200})},
	} {
		theMatrix[k] = v
	}
	form := "application/x-www-form-urlencoded"
	for k, v := range map[string]func(*fixture) body{
		"POST /speak-up/inbox/{id}/reply":    fixed(form, "text=Thank+you+for+telling+us."),
		"POST /speak-up/inbox/{id}/identity": fixed(form, "reason=The+recipient+needs+a+statement."),
		"POST /speak-up/inbox/{id}/reveal-requests": fixed(form,
			url.Values{"reason": {"a witness statement is needed"}, "recipient": {"DI Marsh"}}.Encode()),
		"POST /speak-up/inbox/{id}/raise": func(f *fixture) body {
			return body{form, url.Values{"unit_id": {f.unitA.ID}, "summary": {"Bullying reported by a colleague."},
				"allegation": {"individual-behaviours/impolite-language"}, "subjects": {"S1"}, "standard": {"authority-respect-courtesy"}}.Encode()}
		},
	} {
		matrixBodies[k] = v
	}
}

var inboxRow = regexp.MustCompile(`href="/speak-up/inbox/([a-z2-7]{26})">(SU/[0-9/]+)</a>`)

// inboxOrder is the references of the inbox page in order, and the page.
func inboxOrder(t *testing.T, g *client, query string) ([]string, string) {
	t.Helper()
	rec := g.do(t, "GET", "/speak-up/inbox"+query, "", "")
	if rec.Code != 200 {
		t.Fatalf("inbox: %d %s", rec.Code, rec.Body)
	}
	var refs []string
	for _, m := range inboxRow.FindAllStringSubmatch(rec.Body.String(), -1) {
		refs = append(refs, m[2])
	}
	return refs, rec.Body.String()
}

// TestGuardianInboxPutsUnreadRepliesFirst: the inbox lists reports in
// words, without their text or identity; a report whose reporter wrote
// since this guardian last read it comes first; reading it clears that;
// list and report reads are audited as the API audits them, and an
// anonymous reporter's entries still wait for their day's batch.
func TestGuardianInboxPutsUnreadRepliesFirst(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		g := f.login(t, access.Guardian)
		const anonWhat = "Inspector fiddles overtime claims. inbox-text-canary-31c"
		anonRef, anonReceipt := submit(t, f, map[string]any{"what": anonWhat, "category": "dishonesty", "anonymous": true})
		namedRef, _ := submit(t, f, namedReport("A sergeant bullies probationers."))

		refs, page := inboxOrder(t, g, "")
		if len(refs) != 2 {
			t.Fatalf("inbox lists %v", refs)
		}
		for _, want := range []string{"Anonymous", "Named", "Dishonesty", "Corruption or abuse of position", "Open", "Not yet opened"} {
			if !strings.Contains(page, want) {
				t.Errorf("the inbox does not say %q", want)
			}
		}
		for _, secret := range []string{nameCanary, emailCanary, phoneCanary, anonWhat, "dishonesty<", ">open<"} {
			if strings.Contains(page, secret) {
				t.Errorf("the inbox shows %q", secret)
			}
		}
		ids := map[string]string{}
		for _, m := range inboxRow.FindAllStringSubmatch(page, -1) {
			ids[m[2]] = m[1]
		}
		for _, ref := range []string{anonRef, namedRef} {
			rec := g.do(t, "GET", "/speak-up/inbox/"+ids[ref], "", "")
			if rec.Code != 200 {
				t.Fatalf("report page %s: %d %s", ref, rec.Code, rec.Body)
			}
			if ref == anonRef && (!strings.Contains(rec.Body.String(), anonWhat) || strings.Contains(rec.Body.String(), "reveal-form")) {
				t.Errorf("the anonymous report's page lacks its text or offers a reveal")
			}
			if ref == namedRef && strings.Contains(rec.Body.String(), nameCanary) {
				t.Errorf("the named report's page shows the identity")
			}
			text := visibleText(rec.Body.String())
			if id := recordID.FindString(text); id != "" {
				t.Errorf("the report page shows the record id %s", id)
			}
			for _, code := range []string{"dishonesty", "bullying_harassment"} {
				if strings.Contains(text, code) {
					t.Errorf("the report page shows the code %q", code)
				}
			}
		}
		// The reporter of the older (anonymous) report writes again.
		more := "One more thing about the overtime."
		if rec := thread(t, f, anonRef, anonReceipt, &more); rec.Code != 200 {
			t.Fatalf("reporter's message: %d %s", rec.Code, rec.Body)
		}
		refs, page = inboxOrder(t, g, "")
		if refs[0] != anonRef || !strings.Contains(page, "1 unread reply") {
			t.Fatalf("after the reporter's reply the inbox is %v", refs)
		}
		// Another guardian has read nothing: both are new to them.
		if _, other := inboxOrder(t, addGuardian(t, f, "second-guardian"), ""); strings.Count(other, "Not yet opened") != 1 ||
			!strings.Contains(other, "1 unread reply") {
			t.Errorf("a second guardian's inbox does not mark what they have not read")
		}
		rec := g.do(t, "GET", "/speak-up/inbox/"+ids[anonRef], "", "")
		if !strings.Contains(rec.Body.String(), more) {
			t.Fatalf("the report page does not show the reporter's reply")
		}
		if _, page = inboxOrder(t, g, ""); strings.Contains(page, "unread") {
			t.Errorf("the reply is still unread after the guardian read it")
		}
		if refs, _ := inboxOrder(t, g, "?status=closed"); len(refs) != 0 {
			t.Errorf("closed reports: %v", refs)
		}
		if rec := g.do(t, "GET", "/speak-up/inbox?status=secret", "", ""); rec.Code != 422 {
			t.Errorf("a status that is none: %d", rec.Code)
		}

		log := auditText(t, f)
		for _, want := range []string{"listed speak-up reports (open) on the speak-up inbox", "read speak-up report " + anonRef,
			"read speak-up report " + namedRef} {
			if !strings.Contains(log, want) {
				t.Errorf("the audit log lacks %q", want)
			}
		}
		if regexp.MustCompile(`listed speak-up reports[^"]*[0-9]`).MatchString(log) {
			t.Errorf("a list's audit entry counts the reports")
		}
		// The anonymous reporter's own entries (the report, the message)
		// are not hastened into the chain by a guardian's reads.
		if strings.Contains(log, "anonymous reporter") {
			t.Errorf("an anonymous reporter's entry joined the log before its day's batch")
		}
	})
}

// TestGuardianStartPageListIsAudited: the start page's list of open
// reports is audited as the API's list is.
func TestGuardianStartPageListIsAudited(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		submit(t, f, namedReport("Something happened at the station."))
		if rec := f.login(t, access.Guardian).do(t, "GET", "/", "", ""); rec.Code != 200 {
			t.Fatalf("start page: %d", rec.Code)
		}
		if !strings.Contains(auditText(t, f), "listed speak-up reports (open) on the start page") {
			t.Errorf("the start page's list was not audited")
		}
	})
}

// TestGuardianRepliesFromThePage: an empty reply is refused with the
// error summary and the field's message; a reply reaches the reporter.
func TestGuardianRepliesFromThePage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		g := f.login(t, access.Guardian)
		ref, receipt := submit(t, f, map[string]any{"what": "Seen at the custody desk.", "category": "other", "anonymous": true})
		id := reportIDOf(t, f, ref)
		form := "application/x-www-form-urlencoded"
		rec := g.do(t, "POST", "/speak-up/inbox/"+id+"/reply", form, "text=+")
		if rec.Code != 422 {
			t.Fatalf("empty reply: %d", rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{`class="govuk-error-summary"`, `href="#reply-text"`, `id="reply-text-error"`, "<title>Error:"} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused reply lacks %s", want)
			}
		}
		const answer = "Thank you. We are looking into the overtime claims."
		rec = g.do(t, "POST", "/speak-up/inbox/"+id+"/reply", form, url.Values{"text": {answer}}.Encode())
		if rec.Code != 303 || !strings.Contains(rec.Header().Get("Location"), "done=replied") {
			t.Fatalf("reply: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		if page := g.do(t, "GET", rec.Header().Get("Location"), "", "").Body.String(); !strings.Contains(page, "Your reply has been added") ||
			!strings.Contains(page, answer) {
			t.Errorf("the report page does not confirm or show the reply")
		}
		if got := thread(t, f, ref, receipt, nil); got.Code != 200 || !strings.Contains(got.Body.String(), answer) {
			t.Errorf("the reporter does not read the reply: %d", got.Code)
		}
		if !strings.Contains(auditText(t, f), "guardian replied to the reporter") {
			t.Errorf("the reply is not audited")
		}
	})
}

// TestGuardianRaisesConductMatterFromThePage: the form names each faulty
// field and keeps what was typed; a summary that names the reporter is
// refused by the same identity check as the API's; a good one records the
// conduct matter.
func TestGuardianRaisesConductMatterFromThePage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		g := f.login(t, access.Guardian)
		ref, _ := submit(t, f, namedReport("A sergeant bullies probationers during refs."))
		id := reportIDOf(t, f, ref)
		raise := func(v url.Values) (int, string, string) {
			rec := g.do(t, "POST", "/speak-up/inbox/"+id+"/raise", "application/x-www-form-urlencoded", v.Encode())
			return rec.Code, rec.Body.String(), rec.Header().Get("Location")
		}
		code, body, _ := raise(url.Values{"summary": {"  "}, "arose_day": {"31"}, "arose_month": {"2"}, "arose_year": {"2026"}})
		if code != 422 {
			t.Fatalf("empty form: %d", code)
		}
		for _, field := range []string{"raise-unit", "raise-summary", "raise-standard", "raise-arose-day"} {
			if !strings.Contains(body, `href="#`+field+`"`) || !strings.Contains(body, `id="`+field+`-error"`) {
				t.Errorf("the refusal does not name %s", field)
			}
		}
		good := url.Values{"unit_id": {f.unitA.ID}, "summary": {"Bullying of probationers by a sergeant during breaks."},
			"allegation": {"individual-behaviours/impolite-language"}, "subjects": {"S1"}, "standard": {"authority-respect-courtesy"}}
		slip := url.Values{}
		for k, v := range good {
			slip[k] = v
		}
		slip.Set("summary", "Raised by "+strings.ToUpper(nameCanary)+" of custody.")
		code, body, _ = raise(slip)
		if code != 422 || !strings.Contains(body, `id="raise-summary-error"`) || !strings.Contains(body, "identify the reporter") {
			t.Fatalf("a summary naming the reporter: %d", code)
		}
		if !strings.Contains(body, `value="`+f.unitA.ID+`" selected`) || !strings.Contains(body, `value="S1"`) {
			t.Errorf("the refused form lost what was typed")
		}
		slip = url.Values{}
		for k, v := range good {
			slip[k] = v
		}
		slip.Set("subjects", "S1, NOPE9")
		if code, body, _ = raise(slip); code != 422 || !strings.Contains(body, "NOPE9, which is no officer") {
			t.Errorf("an unknown collar number: %d", code)
		}
		code, _, loc := raise(good)
		if code != 303 || !strings.Contains(loc, "done=raised") || !strings.Contains(loc, "CM%2F2026%2F") {
			t.Fatalf("raise: %d %s", code, loc)
		}
		page := g.do(t, "GET", loc, "", "").Body.String()
		if !regexp.MustCompile(`Conduct matter CM/2026/[0-9]{6} has been recorded`).MatchString(page) ||
			!strings.Contains(page, "Raised as a conduct matter") || strings.Contains(page, "raise-form") {
			t.Errorf("the report page after raising does not confirm it")
		}
		if code, _, _ = raise(good); code != 409 {
			t.Errorf("raising twice: %d", code)
		}
	})
}

// TestGuardianRevealFromThePage: a request to reveal is validated, the
// requester cannot approve it (refused and audited), and two other
// guardians' approvals decide it.
func TestGuardianRevealFromThePage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		g := f.login(t, access.Guardian)
		ref, _ := submit(t, f, namedReport("The custody sergeant falsifies records."))
		id := reportIDOf(t, f, ref)
		form := "application/x-www-form-urlencoded"
		rec := g.do(t, "POST", "/speak-up/inbox/"+id+"/reveal-requests", form, "recipient=&reason=short")
		if rec.Code != 422 {
			t.Fatalf("empty request: %d", rec.Code)
		}
		for _, want := range []string{`href="#reveal-recipient"`, `href="#reveal-reason"`, `>short</textarea>`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("the refused request lacks %s", want)
			}
		}
		rec = g.do(t, "POST", "/speak-up/inbox/"+id+"/reveal-requests", form,
			url.Values{"recipient": {"DI Marsh, Professional Standards"}, "reason": {"A witness statement is needed for the hearing."}}.Encode())
		if rec.Code != 303 {
			t.Fatalf("request: %d %s", rec.Code, rec.Body)
		}
		approve := regexp.MustCompile(`action="(/speak-up/inbox/[a-z2-7]+/reveal-requests/[a-z2-7]+/approve)"`)
		page := g.do(t, "GET", "/speak-up/inbox/"+id, "", "").Body.String()
		if approve.MatchString(page) || !strings.Contains(page, "Waiting for 2 other guardians") {
			t.Fatalf("the requester is offered to approve their own request")
		}
		second, third := addGuardian(t, f, "second-guardian"), addGuardian(t, f, "third-guardian")
		m := approve.FindStringSubmatch(second.do(t, "GET", "/speak-up/inbox/"+id, "", "").Body.String())
		if m == nil {
			t.Fatalf("another guardian is not offered to approve")
		}
		if rec := g.do(t, "POST", m[1], form, ""); rec.Code != 403 || !strings.Contains(rec.Body.String(), "other guardians must approve") {
			t.Fatalf("the requester approving: %d", rec.Code)
		}
		if rec := second.do(t, "POST", m[1], form, ""); rec.Code != 303 {
			t.Fatalf("second approval: %d", rec.Code)
		}
		if rec := second.do(t, "POST", m[1], form, ""); rec.Code != 409 {
			t.Errorf("approving twice: %d", rec.Code)
		}
		if rec := third.do(t, "POST", m[1], form, ""); rec.Code != 303 {
			t.Fatalf("third approval: %d", rec.Code)
		}
		if page := g.do(t, "GET", "/speak-up/inbox/"+id, "", "").Body.String(); !strings.Contains(page, ">Approved<") ||
			strings.Contains(page, nameCanary) {
			t.Errorf("the decided request is not shown as approved, or the page shows the identity")
		}
		// The requester reads the identity, giving a reason; nobody else
		// may.
		identity := "/speak-up/inbox/" + id + "/identity"
		if rec := g.do(t, "POST", identity, form, "reason=now"); rec.Code != 422 || strings.Contains(rec.Body.String(), nameCanary) ||
			!strings.Contains(rec.Body.String(), `href="#identity-reason"`) {
			t.Errorf("reading the identity without a reason: %d", rec.Code)
		}
		if rec := second.do(t, "POST", identity, form, "reason=I+am+curious+about+this+one."); rec.Code != 403 ||
			strings.Contains(rec.Body.String(), nameCanary) {
			t.Errorf("another guardian reading the identity: %d", rec.Code)
		}
		rec = g.do(t, "POST", identity, form, url.Values{"reason": {"DI Marsh needs the statement taken this week."}}.Encode())
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), nameCanary) || !strings.Contains(rec.Body.String(), emailCanary) {
			t.Fatalf("the requester reading the identity: %d", rec.Code)
		}
		// A request approved through another report's address is not found.
		other, _ := submit(t, f, namedReport("Another matter entirely."))
		wrong := strings.Replace(m[1], id, reportIDOf(t, f, other), 1)
		if rec := addGuardian(t, f, "fourth-guardian").do(t, "POST", wrong, form, ""); rec.Code != 404 {
			t.Errorf("approving through another report: %d", rec.Code)
		}
		log := auditText(t, f)
		for _, want := range []string{"asked to reveal the reporter's identity to DI Marsh", "approved revealing the reporter's identity",
			"you asked for this reveal", "with the reporter's identity, for DI Marsh, Professional Standards on reveal request",
			"without an approved reveal request"} {
			if !strings.Contains(log, want) {
				t.Errorf("the audit log lacks %q", want)
			}
		}
		if strings.Contains(log, nameCanary) {
			t.Error("the identity reached the audit log")
		}
	})
}
