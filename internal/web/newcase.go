package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
)

// The Record a case page (GET and POST /cases/new): a conduct matter, or
// a complaint taken by phone or at a counter, with its allegations and
// the officers they are about. Officers are found first, by collar number
// or name, with a plain GET search whose picks are carried in the address;
// the form then offers the picked officers for each allegation. It works
// with JavaScript off. Recording itself is recordNew, shared with
// POST /api/v1/cases.

// newCaseAllegations is how many allegations the form offers; a case
// with more is recorded with these and added to on its page.
const newCaseAllegations = 3

type allegationForm struct {
	// Category is "category" or "category/subcategory".
	Category, Description string
	Subjects              []string
	// Standards are the codes of the Standards of Professional Behaviour
	// ticked: a conduct matter is classified by them.
	Standards     []string
	DomesticAbuse bool
}

type newCaseForm struct {
	Kind, Channel, UnitID, Summary, AroseOn, ReceivedOn string
	Complainant                                         personInput
	Allegations                                         []allegationForm
}

// categoryGroup is one national category with its sub-categories, for
// the select of an allegation.
type categoryGroup struct {
	Label   string
	Options []option
}

type newCasePage struct {
	pageData
	Form   newCaseForm
	Errors pageErrors
	// Find is the officer search typed; Found its matches; Picked the
	// officers chosen so far, and the address of the page without each.
	Find   string
	Found  []pickable
	Picked []pickable
	Units  []option
	// Categories are the national categories in force, by group;
	// Standards the Standards of Professional Behaviour in force.
	Categories []categoryGroup
	Standards  []option
	Searched   bool
}

// pickable is an officer on the form with the address that picks (or
// drops) them, keeping the rest of the search.
type pickable struct {
	officerLink
	Href string
}

var newCaseFields = func() []formField {
	out := []formField{{"kind", "kind-complaint", "Kind of case"}, {"channel", "channel-phone", "How the complaint was made"},
		{"unit_id", "unit_id", "Unit"}, {"summary", "summary", "Summary"}, {"arose_on", "arose_on", "Date it happened"},
		{"received_on", "received_on", "Date received"}, {"allegations", "allegations-0-category", "Allegations"}}
	for i := range newCaseAllegations {
		p := "allegations[" + strconv.Itoa(i) + "]"
		a := "allegations-" + strconv.Itoa(i)
		n := " (allegation " + strconv.Itoa(i+1) + ")"
		out = append(out, formField{p + ".category", a + "-category", "Category" + n},
			formField{p + ".subcategory", a + "-category", "Sub-category" + n},
			formField{p + ".protected_characteristic", a + "-category", "Protected characteristic" + n},
			formField{p + ".standards", a + "-standards", "Standards of Professional Behaviour" + n},
			formField{p + ".description", a + "-description", "What is alleged" + n},
			formField{p + ".subjects", a + "-subjects", "Officers" + n})
	}
	for _, c := range []string{"name", "email", "phone", "address"} {
		out = append(out, formField{"complainants[0]." + c, "complainant-" + c, "Complainant's " + c})
	}
	return out
}()

// newCaseFieldKey names the form field an error belongs to: every subject
// of an allegation is its one "subjects" field; received_at is typed as
// received_on.
func newCaseFieldKey(field string) string {
	if i := strings.Index(field, ".subjects["); i >= 0 {
		return field[:i] + ".subjects"
	}
	if i := strings.Index(field, ".standards["); i >= 0 {
		return field[:i] + ".standards"
	}
	if field == "received_at" {
		return "received_on"
	}
	return field
}

// pickedOfficers reads the officers chosen so far from the address or the
// form, dropping anything that names no officer.
func (s *Server) pickedOfficers(r *http.Request, ids []string) ([]officers.Officer, error) {
	var valid []string
	for _, v := range ids {
		if id.Valid(v) && !slices.Contains(valid, v) && len(valid) < 20 {
			valid = append(valid, v)
		}
	}
	byID, err := s.db.OfficersByID(r.Context(), valid)
	if err != nil {
		return nil, err
	}
	var out []officers.Officer
	for _, v := range valid {
		if o, ok := byID[v]; ok {
			out = append(out, o)
		}
	}
	return out, nil
}

// newCaseData builds the page for the officers picked and the search.
func (s *Server) newCaseData(r *http.Request, fm newCaseForm, find string, pickedIDs []string) (newCasePage, error) {
	p := caller(r)
	page := newCasePage{pageData: s.pageData(r), Form: fm, Find: find}
	for len(page.Form.Allegations) < newCaseAllegations {
		page.Form.Allegations = append(page.Form.Allegations, allegationForm{})
	}
	picked, err := s.pickedOfficers(r, pickedIDs)
	if err != nil {
		return page, err
	}
	var ids []string
	for _, o := range picked {
		ids = append(ids, o.ID)
	}
	link := func(find string, ids []string) string {
		v := url.Values{}
		if find != "" {
			v.Set("find", find)
		}
		for _, i := range ids {
			v.Add("picked", i)
		}
		if len(v) == 0 {
			return "/cases/new"
		}
		return "/cases/new?" + v.Encode()
	}
	for _, o := range picked {
		rest := slices.DeleteFunc(slices.Clone(ids), func(v string) bool { return v == o.ID })
		page.Picked = append(page.Picked, pickable{officerLink{ID: o.ID, Name: officerName(o)}, link(find, rest)})
	}
	if find != "" {
		page.Searched = true
		found, err := s.db.SearchOfficers(r.Context(), find, 20)
		if err != nil {
			return page, err
		}
		for _, o := range found {
			if slices.Contains(ids, o.ID) {
				continue
			}
			name := officerName(o)
			if o.GivenName != "" {
				name += " (" + o.GivenName + " " + o.FamilyName + ")"
			}
			page.Found = append(page.Found, pickable{officerLink{ID: o.ID, Name: name}, link(find, append(slices.Clone(ids), o.ID))})
		}
	}
	_, units, err := s.allUnits(r)
	if err != nil {
		return page, err
	}
	opts := [][2]string{{"", "Choose a unit"}}
	for _, u := range units {
		if access.MayRecordInto(*p, u.ID, u.Code == intake.IntakeUnitCode) {
			opts = append(opts, [2]string{u.ID, u.Name})
		}
	}
	page.Units = selectOptions(fm.UnitID, opts...)
	for _, c := range s.ref.TaxonomyAt(s.clock()).Categories {
		g := categoryGroup{Label: c.Name, Options: []option{{Value: c.Code, Text: c.Name + ": no sub-category"}}}
		for _, sub := range c.Subcategories {
			g.Options = append(g.Options, option{Value: c.Code + "/" + sub.Code, Text: sub.Name})
		}
		page.Categories = append(page.Categories, g)
	}
	for _, st := range s.ref.StandardsAt(s.clock()).Standards {
		page.Standards = append(page.Standards, option{Value: st.Code, Text: st.Title})
	}
	return page, nil
}

// newCasePage answers GET /cases/new.
func (s *Server) newCasePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	find := strings.TrimSpace(q.Get("find"))
	if len(find) > 100 {
		find = find[:100]
	}
	fm := newCaseForm{ReceivedOn: s.clock().In(forceZone).Format("2/1/2006")}
	page, err := s.newCaseData(r, fm, find, q["picked"])
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	// Every picked officer is offered for the first allegation already.
	for _, o := range page.Picked {
		page.Form.Allegations[0].Subjects = append(page.Form.Allegations[0].Subjects, o.ID)
	}
	s.render(w, r, http.StatusOK, "case-new", page)
}

// newCaseForm answers POST /cases/new: records the case and goes to its
// page, or shows the form again with every answer and what to put right.
func (s *Server) newCaseForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	pf := r.PostForm
	get := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	fm := newCaseForm{Kind: get("kind"), Channel: get("channel"), UnitID: get("unit_id"), Summary: get("summary"),
		AroseOn: get("arose_on"), ReceivedOn: get("received_on"),
		Complainant: personInput{Name: get("complainants[0].name"), Email: get("complainants[0].email"),
			Phone: get("complainants[0].phone"), Address: get("complainants[0].address")}}
	var f fault.Fields
	// A case is restricted from its page, by those who name the people
	// allowed to open it: recorded restricted here, nobody could.
	req := recordCaseRequest{Kind: fm.Kind, UnitID: fm.UnitID, Summary: fm.Summary}
	switch cases.Kind(fm.Kind) {
	case cases.Complaint:
		if fm.Channel != "phone" && fm.Channel != "counter" {
			f.Add("channel", "Choose whether the complaint was made by phone or at a counter")
		}
	case cases.ConductMatter, cases.RecordableConduct:
	default:
		f.Add("kind", "Choose whether this is a complaint or a conduct matter")
	}
	for _, d := range []struct {
		field, value string
		dst          *string
	}{{"arose_on", fm.AroseOn, &req.AroseOn}, {"received_on", fm.ReceivedOn, &req.ReceivedOn}} {
		if d.value == "" {
			continue
		}
		if t, ok := parseUKDay(d.value); ok {
			*d.dst = t.Format("2006-01-02")
		} else {
			f.Add(d.field, "Enter a real date, for example 27/3/2026")
		}
	}
	for i := range newCaseAllegations {
		p := "allegations[" + strconv.Itoa(i) + "]"
		a := allegationForm{Category: get(p + ".category"), Description: get(p + ".description"), Subjects: pf[p+".subjects"],
			Standards: pf[p+".standards"], DomesticAbuse: get(p+".domestic_abuse") == "yes"}
		fm.Allegations = append(fm.Allegations, a)
		if i > 0 && a.Category == "" && a.Description == "" && len(a.Subjects) == 0 && len(a.Standards) == 0 && !a.DomesticAbuse {
			continue
		}
		in := allegationInput{Description: a.Description, Subjects: a.Subjects, Standards: a.Standards, DomesticAbuse: a.DomesticAbuse}
		in.Category, in.Subcategory, _ = strings.Cut(a.Category, "/")
		if in.Subcategory != "" {
			for _, c := range s.ref.TaxonomyAt(s.clock()).Categories {
				for _, sub := range c.Subcategories {
					if c.Code == in.Category && sub.Code == in.Subcategory {
						in.ProtectedCharacteristic = sub.ProtectedCharacteristic
					}
				}
			}
		}
		req.Allegations = append(req.Allegations, in)
	}
	if fm.Complainant != (personInput{}) {
		req.Complainants = []personInput{fm.Complainant}
	}
	note := ""
	switch {
	case fm.Kind == string(cases.Complaint) && fm.Channel == "phone":
		note = "Complaint taken by telephone."
	case fm.Kind == string(cases.Complaint) && fm.Channel == "counter":
		note = "Complaint taken in person at a police station counter."
	}
	var c cases.Case
	var err error
	if f.Len() == 0 {
		c, err = s.recordNew(r, req, note)
	} else {
		// Say everything to put right at once: the form's own faults and
		// what the case's rules would refuse.
		var rules fault.Fields
		draft, _ := req.toCase(&rules)
		draft.ForceID = "pending"
		if req.UnitID == "" {
			rules.Add("unit_id", "is required")
		}
		for _, fe := range fault.FieldsOf(draft.Validate(s.ref, s.clock())) {
			rules.Add(fe.Field, fe.Reason)
		}
		err = &fault.Error{Kind: fault.Invalid, Message: "the case cannot be recorded",
			Fields: append(fault.FieldsOf(f.Err("")), fault.FieldsOf(rules.Err(""))...)}
	}
	if fields := fault.FieldsOf(err); len(fields) > 0 && (fault.Is(err, fault.Invalid) || fault.Is(err, fault.Forbidden)) {
		for i := range fields {
			fields[i].Field = newCaseFieldKey(fields[i].Field)
		}
		page, perr := s.newCaseData(r, fm, "", pf["picked"])
		if perr != nil {
			s.failPage(w, r, perr)
			return
		}
		page.Errors = newCaseErrors(fields)
		s.render(w, r, http.StatusUnprocessableEntity, "case-new", page)
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+c.ID+"?recorded=1", http.StatusSeeOther)
}

// newCaseErrors words the domain's reasons ("is required") after the
// field's name, for the error summary and beside each field.
func newCaseErrors(fields []fault.FieldError) pageErrors {
	return wordedPageErrors(newCaseFields, fields)
}

// Dates are the form's two dates as typed, with their messages.
func (p newCasePage) Dates() []dateField {
	return []dateField{
		{"arose_on", "Date it happened", p.Form.AroseOn, p.Errors.For["arose_on"]},
		{"received_on", "Date received", p.Form.ReceivedOn, p.Errors.For["received_on"]},
	}
}

// allegationField is one allegation of the form as shown.
type allegationField struct {
	Number                                                 int
	Description                                            string
	CategoryErr, DescriptionErr, SubjectsErr, StandardsErr string
	Groups                                                 []categoryGroup
	Officers                                               []option
	Standards                                              []option
	DomesticAbuse                                          bool
}

// AllegationFields are the form's allegations, each with the categories
// (the one chosen selected) and the officers picked (those chosen ticked).
func (p newCasePage) AllegationFields() []allegationField {
	out := make([]allegationField, len(p.Form.Allegations))
	for i, a := range p.Form.Allegations {
		k := "allegations[" + strconv.Itoa(i) + "]"
		f := allegationField{Number: i + 1, Description: a.Description, CategoryErr: p.Errors.For[k+".category"],
			DescriptionErr: p.Errors.For[k+".description"], SubjectsErr: p.Errors.For[k+".subjects"],
			StandardsErr: p.Errors.For[k+".standards"], DomesticAbuse: a.DomesticAbuse}
		for _, o := range p.Standards {
			o.Selected = slices.Contains(a.Standards, o.Value)
			f.Standards = append(f.Standards, o)
		}
		if f.CategoryErr == "" {
			f.CategoryErr = p.Errors.For[k+".subcategory"] + p.Errors.For[k+".protected_characteristic"]
		}
		for _, g := range p.Categories {
			ng := categoryGroup{Label: g.Label}
			for _, o := range g.Options {
				o.Selected = o.Value == a.Category
				ng.Options = append(ng.Options, o)
			}
			f.Groups = append(f.Groups, ng)
		}
		for _, o := range p.Picked {
			f.Officers = append(f.Officers, option{Value: o.ID, Text: o.Name, Selected: slices.Contains(a.Subjects, o.ID)})
		}
		out[i] = f
	}
	return out
}

type textField struct {
	ID, Name, Label, Type, Value, Err string
}

// ComplainantFields are the complainant's contact details.
func (p newCasePage) ComplainantFields() []textField {
	c := p.Form.Complainant
	mk := func(part, label, typ, value string) textField {
		return textField{"complainant-" + part, "complainants[0]." + part, label, typ, value, p.Errors.For["complainants[0]."+part]}
	}
	return []textField{mk("name", "Full name", "text", c.Name), mk("email", "Email address", "email", c.Email),
		mk("phone", "Phone number", "tel", c.Phone), mk("address", "Postal address", "text", c.Address)}
}
