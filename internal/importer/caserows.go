package importer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
)

// allegationRow imports one row of the allegations file.
func (x *run) allegationRow(rec record) error {
	ctx := x.ctx
	x.ordinal++
	if err := x.allegation(rec); err != nil {
		return err
	}
	return x.tick(ctx)
}

func (x *run) allegation(rec record) error {
	if rec.bad != "" {
		return x.reject(rec, rec.bad)
	}
	r := x.bind(rec)
	var why []string
	for k, j := range x.joins {
		if j.spec.Required && r.joined[k] == nil {
			why = append(why, fmt.Sprintf("%s %q is not in %s", j.spec.On, clip(x.joinOn[k](r), 40), j.table.spec.Name))
		}
	}
	caseExt := x.caseID(r)
	if caseExt == "" {
		why = append(why, "no case id")
	} else if x.caseLast[caseExt] == x.ordinal {
		defer x.finish(caseExt)
	}
	ext := x.allegID(r)
	if ext == "" {
		why = append(why, "no allegation id")
	} else {
		// Numbered before any check, so that a row keeps its key whether
		// or not earlier rows with the same id were imported.
		x.occ[ext]++
		if n := x.occ[ext]; n > 1 {
			ext += "#" + strconv.Itoa(n)
		}
		if len(why) == 0 {
			if _, dup := x.keys[store.ImportAllegation][ext]; dup {
				x.sum.Duplicates++
				return nil
			}
		}
	}
	occurred, _, bad := x.occurred.read(r, x.today)
	if bad != "" {
		why = append(why, bad)
	}
	// The case: known, or new from this row.
	caseID, known := x.keys[store.ImportCase][caseExt]
	var newCase *cases.Case
	if !known && caseExt != "" {
		c, cwhy := x.buildCase(r, caseExt)
		why = append(why, cwhy...)
		newCase = c
	}
	// The officer: named by this row, known or new.
	var officerID string
	var pending *newOfficer
	oext := x.subjectID(r)
	unidentified := x.unidentifiedIDs[oext] || (x.officerT == nil && x.unidentified(r))
	switch {
	case unidentified:
	case oext == "" && x.m.Officers.Optional:
	case oext == "":
		why = append(why, "no officer id")
	default:
		if oid, ok := x.keys[store.ImportOfficer][oext]; ok {
			officerID = oid
		} else if x.officerT != nil {
			why = append(why, fmt.Sprintf("officer %q is not in %s", clip(oext, 40), x.officerT.spec.Name))
		} else {
			o, owhy := x.buildOfficer(r, oext)
			why = append(why, owhy...)
			pending = o
		}
	}
	src, code, matched := x.category.apply(r)
	cat, sub, err := categoryOf(x.tax, code)
	if err != nil {
		why = append(why, "category: "+err.Error())
	}
	srcFinding, finding, fmatched := x.finding.apply(r)
	if !fmatched && finding == "" && srcFinding != "" {
		finding = "other"
	}
	if len(why) > 0 {
		return x.reject(rec, why...)
	}

	if newCase != nil {
		if u := x.caseUnit(r); u != "" {
			newCase.UnitID = x.unitFor(u)
		}
		x.batch.Cases = append(x.batch.Cases, *newCase)
		x.key(store.ImportCase, caseExt, newCase.ID)
		x.sum.Cases++
		caseID = newCase.ID
		x.open[caseID] = &openCase{summary: newCase.Summary}
	}
	if pending != nil {
		officerID = x.addOfficer(pending)
	}
	if !matched {
		x.noteUnmapped(src)
	}
	a := store.ImportedAllegation{CaseID: caseID}
	x.caseSeq[caseID]++
	a.ID = x.ids.New()
	a.Seq = x.caseSeq[caseID]
	a.TaxonomyVersion = x.tax.Version
	a.Category, a.Subcategory = cat, sub
	a.DomesticAbuse = flaggedCategory(code)
	if sub != "" {
		c, _ := x.tax.Category(cat)
		s, _ := c.Subcategory(sub)
		a.ProtectedCharacteristic = s.ProtectedCharacteristic
	}
	a.Description = clip(clean(x.description(r), true), cases.MaxDescription)
	if !occurred.IsZero() {
		a.OccurredOn = &occurred
	}
	a.SourceCategory = clip(clean(src, false), maxSourceText)
	a.Subjects = []cases.Subject{}
	if officerID != "" {
		a.Subjects = append(a.Subjects, cases.Subject{OfficerID: officerID, Finding: finding,
			Outcome: clip(clean(x.sanction(r), true), maxOutcome)})
		a.SourceFindings = []string{clip(clean(srcFinding, false), maxSourceText)}
	} else if unidentified {
		x.sum.Unidentified++
	} else {
		x.sum.NoOfficer++
	}
	x.batch.Allegations = append(x.batch.Allegations, a)
	x.key(store.ImportAllegation, ext, a.ID)
	if oc, ok := x.open[caseID]; ok {
		oc.descriptions = append(oc.descriptions, a.Description)
	} else {
		x.grown[caseID] = true
	}
	x.sum.Allegations++
	x.sum.Imported++
	return nil
}

// openCase is a case this run created whose last row is still to come.
type openCase struct {
	summary      string
	descriptions []string
}

// finish indexes a case for search once its last row has been read.
func (x *run) finish(caseExt string) {
	caseID, ok := x.keys[store.ImportCase][caseExt]
	if !ok {
		return // every row of the case was rejected
	}
	x.index(caseID)
}

func (x *run) index(caseID string) {
	switch {
	case x.open[caseID] != nil:
		oc := x.open[caseID]
		x.batch.Search = append(x.batch.Search, store.SearchText{CaseID: caseID, Body: store.SearchBody(oc.summary, oc.descriptions)})
		delete(x.open, caseID)
	case x.grown[caseID] && x.unindexed[caseID]:
		x.batch.Unindexed = append(x.batch.Unindexed, caseID)
	case x.grown[caseID]:
		x.batch.Reindex = append(x.batch.Reindex, caseID)
	case x.unindexed[caseID]:
		x.batch.Unindexed = append(x.batch.Unindexed, caseID)
	default:
		return
	}
	delete(x.grown, caseID)
	delete(x.unindexed, caseID)
}

// indexRest indexes what the rows left: cases whose text an interrupted
// earlier run never wrote and whose rows were all done before this one.
func (x *run) indexRest() {
	var rest []string
	for _, m := range []map[string]bool{x.grown, x.unindexed} {
		for c := range m {
			rest = append(rest, c)
		}
	}
	for c := range x.open {
		rest = append(rest, c)
	}
	sort.Strings(rest)
	for _, c := range rest {
		x.index(c)
	}
}

// maxUnmapped bounds the distinct unmapped categories kept for the summary.
const maxUnmapped = 1000

func (x *run) noteUnmapped(src string) {
	if _, ok := x.sum.Unmapped[src]; ok || len(x.sum.Unmapped) < maxUnmapped {
		x.sum.Unmapped[src]++
	}
}

// buildCase makes a new case from the first row of its id. Its dates are
// the earliest of all its rows, learnt in the pre-scan.
func (x *run) buildCase(r *row, ext string) (*cases.Case, []string) {
	arose, received := x.caseArose[ext], x.caseReceived[ext]
	if arose.IsZero() {
		arose = received
	}
	if received.IsZero() {
		received = arose
	}
	if arose.IsZero() {
		return nil, []string{fmt.Sprintf("case %q has no valid date in any of its rows", clip(ext, 40))}
	}
	if received.Before(arose) {
		return nil, []string{fmt.Sprintf("case %q was received (%s) before it arose (%s)", clip(ext, 40),
			received.Format(time.DateOnly), arose.Format(time.DateOnly))}
	}
	summary := clip(clean(x.summary(r), true), cases.MaxSummary)
	if strings.TrimSpace(summary) == "" {
		summary = fmt.Sprintf("Imported %s record %s", x.m.Source, clip(ext, 100))
	}
	c := &cases.Case{ID: x.ids.New(), Kind: x.kind, ForceID: x.forceID, State: x.state, RuleSet: x.ref.RuleSetFor(received).Code,
		Summary: summary, AroseOn: arose, ReceivedAt: received}
	return c, nil
}
