// Package cases holds complaints and conduct matters: the case record, its
// allegations against officers, the parties to it, and its timeline. It is
// plain Go: storage and the web are adapters around it.
package cases

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Kind is what sort of matter a case is; each follows its own statutory route.
type Kind string

const (
	Complaint            Kind = "complaint"
	ConductMatter        Kind = "conduct_matter"
	RecordableConduct    Kind = "recordable_conduct_matter"
	DeathOrSeriousInjury Kind = "dsi_matter"
)

// Kinds lists every case kind.
var Kinds = []Kind{Complaint, ConductMatter, RecordableConduct, DeathOrSeriousInjury}

// ReferencePrefix is the two letters that open a case's human reference.
func (k Kind) ReferencePrefix() string {
	switch k {
	case Complaint:
		return "CO"
	case ConductMatter:
		return "CM"
	case RecordableConduct:
		return "RC"
	case DeathOrSeriousInjury:
		return "DS"
	}
	return ""
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// State is where a case stands in its statutory process.
type State string

// Complaint states, as in the statutory process.
const (
	Received                 State = "Received"
	InitialContact           State = "InitialContact"
	LoggedOutsideSch3        State = "LoggedOutsideSch3"
	RecordedSch3             State = "RecordedSch3"
	ReferredIOPC             State = "ReferredIOPC"
	HandledOtherwise         State = "HandledOtherwise"
	LocalInvestigation       State = "LocalInvestigation"
	DirectedInvestigation    State = "DirectedInvestigation"
	IndependentInvestigation State = "IndependentInvestigation"
	ReferredBack             State = "ReferredBack"
	Resolved                 State = "Resolved"
	OutcomeNotified          State = "OutcomeNotified"
	ReviewRequested          State = "ReviewRequested"
	ReviewUpheld             State = "ReviewUpheld"
	ReviewNotUpheld          State = "ReviewNotUpheld"
	Closed                   State = "Closed"
	Withdrawn                State = "Withdrawn"
	Suspended                State = "Suspended"
)

// Conduct-matter states.
const (
	AllegationReceived   State = "AllegationReceived"
	SeverityAssessed     State = "SeverityAssessed"
	NoFurtherAction      State = "NFA"
	RPRP                 State = "RPRP"
	Performance          State = "Performance"
	Vetting              State = "Vetting"
	Investigation        State = "Investigation"
	Reg17Served          State = "Reg17Served"
	Interviewed          State = "Interviewed"
	Reported             State = "Reported"
	NoCaseToAnswer       State = "NoCaseToAnswer"
	CaseToAnswer         State = "CaseToAnswer"
	SpecialConditions    State = "SpecialConditions"
	MeetingReferred      State = "MeetingReferred"
	HearingReferred      State = "HearingReferred"
	NoticeServed         State = "NoticeServed"
	OfficerResponse      State = "OfficerResponse"
	Witnesses            State = "Witnesses"
	PreHearing           State = "PreHearing"
	AcceleratedHearing   State = "AcceleratedHearing"
	Held                 State = "Held"
	Outcome              State = "Outcome"
	NoMisconduct         State = "NoMisconduct"
	Appeal               State = "Appeal"
	Final                State = "Final"
	BarredListReported   State = "BarredListReported"
	AdvisoryListReported State = "AdvisoryListReported"
)

// InitialState is the state a new case of kind k starts in.
func (k Kind) InitialState() State {
	if k == Complaint {
		return Received
	}
	return AllegationReceived
}

// Case is one complaint or conduct matter.
type Case struct {
	ID         string    `json:"id"`
	Reference  string    `json:"reference"`
	Kind       Kind      `json:"kind"`
	ForceID    string    `json:"force_id"`
	UnitID     string    `json:"unit_id,omitempty"` // the unit that owns the case; decides who may see it
	State      State     `json:"state"`
	RuleSet    string    `json:"rule_set"`
	Summary    string    `json:"summary"`
	AroseOn    time.Time `json:"arose_on"`    // when the matter arose
	ReceivedAt time.Time `json:"received_at"` // when the complaint was made or the matter came to the AA's attention; chooses the rule set
	// RelatedCaseID names an earlier case this matter is related to. While
	// that case is still being handled this one follows its rule set
	// (FollowEarlier).
	RelatedCaseID string `json:"related_case_id,omitempty"`
	// HandlingGround is the Sch3 2(6B) ground recorded when the complaint
	// was recorded under Schedule 3, and InvestigationException the C&M 6
	// exception to the duty to investigate, once recorded. ReferralGround
	// is the ground the matter was referred to the IOPC on, once referred.
	// Apply writes all three from the actions taken; no client sets them.
	HandlingGround         string `json:"handling_ground,omitempty"`
	InvestigationException string `json:"investigation_exception,omitempty"`
	ReferralGround         string `json:"referral_ground,omitempty"`
	Restricted             bool   `json:"restricted"` // visible only to named users
	Version                int    `json:"version"`    // optimistic concurrency
	// NextDueAt is the earliest open deadline, kept with the case so lists
	// can filter by it; NextDueClock names which deadline it is.
	NextDueAt    *time.Time `json:"next_due_at,omitempty"`
	NextDueClock string     `json:"next_due_clock,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	Allegations []Allegation `json:"allegations"`
	Parties     []Party      `json:"parties"`

	// Derived are the facts the adapter works out for Apply from the
	// store and the timeline; never stored, never read from a client.
	Derived DerivedFacts `json:"-"`
}

// Allegation is one thing an officer is said to have done. Each carries
// exactly one national category.
type Allegation struct {
	ID              string `json:"id"`
	Seq             int    `json:"seq"`
	TaxonomyVersion string `json:"taxonomy_version"`
	// Category is the national complaint category; a conduct matter may
	// have none, being classified by the standards it would breach.
	Category string `json:"category"`
	// DomesticAbuse flags an allegation that concerns domestic abuse. It
	// sits beside the category, never in its place: the national return
	// counts the allegation under its real category.
	DomesticAbuse           bool       `json:"domestic_abuse,omitempty"`
	Subcategory             string     `json:"subcategory,omitempty"`
	ProtectedCharacteristic string     `json:"protected_characteristic,omitempty"`
	Description             string     `json:"description"`
	OccurredOn              *time.Time `json:"occurred_on,omitempty"`
	StandardsVersion        string     `json:"standards_version,omitempty"`
	Standards               []string   `json:"standards,omitempty"`
	// SourceCategory keeps an imported record's own category beside the
	// mapped national one, so the mapping can be checked and redone.
	SourceCategory string    `json:"source_category,omitempty"`
	Subjects       []Subject `json:"subjects"`
}

// Subject links an allegation to an officer; severity, finding and outcome
// are decided per officer, never for an allegation as a whole.
type Subject struct {
	OfficerID string `json:"officer_id"`
	Severity  string `json:"severity,omitempty"`
	Finding   string `json:"finding,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
	// Left records that the officer has left the force: the case goes on
	// against a former officer [CR 4, Sch 1]. AdvisoryList records the
	// report to the College's advisory list, BarredList the state of the
	// barred-list report (BarredListReported, BarredListWithdrawn). All
	// three are written by actions on the subject (workflow_former.go).
	Left         bool   `json:"left,omitempty"`
	AdvisoryList bool   `json:"advisory_list,omitempty"`
	BarredList   string `json:"barred_list,omitempty"`
}

// PartyRole is how a person or officer takes part in a case other than as
// a subject.
type PartyRole string

const (
	RoleComplainant    PartyRole = "complainant"
	RoleWitness        PartyRole = "witness"
	RoleAffectedPerson PartyRole = "affected_person"
)

// Party is a complainant, witness or affected person: either a member of
// the public (PersonID) or an officer (OfficerID), never both.
type Party struct {
	Role      PartyRole `json:"role"`
	PersonID  string    `json:"person_id,omitempty"`
	OfficerID string    `json:"officer_id,omitempty"`
}

// Event is one entry in a case's timeline.
type Event struct {
	ID     string            `json:"id"`
	Seq    int               `json:"seq"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"` // user id, or "system" / "public"
	Type   string            `json:"type"`
	Detail map[string]string `json:"detail,omitempty"`
}

// Limits on free text keep one case from swamping pages and exports.
const (
	MaxSummary     = 20000
	MaxDescription = 10000
)

// Validate checks a new case against the reference data in force at now,
// naming every refused field. It fills in nothing; see Prepare.
func (c *Case) Validate(ref *Reference, now time.Time) error {
	var f fault.Fields
	if !c.Kind.Valid() {
		f.Addf("kind", "must be one of %s", joinKinds())
	}
	if c.ForceID == "" {
		f.Add("force_id", "is required")
	}
	f.Text("summary", c.Summary, MaxSummary, true, true)
	if c.AroseOn.IsZero() {
		f.Add("arose_on", "is required")
	} else if c.AroseOn.After(now) {
		f.Add("arose_on", "is in the future")
	}
	if c.ReceivedAt.After(now) {
		f.Add("received_at", "is in the future")
	}
	if !c.AroseOn.IsZero() && !c.ReceivedAt.IsZero() && c.ReceivedAt.Before(c.AroseOn) {
		f.Add("received_at", "is before the matter arose")
	}
	if len(c.Allegations) == 0 && c.Kind != Complaint {
		f.Add("allegations", "a conduct matter needs at least one allegation")
	}
	tax := ref.TaxonomyAt(now)
	std := ref.StandardsAt(now)
	for i, a := range c.Allegations {
		p := fmt.Sprintf("allegations[%d]", i)
		validateAllegation(&f, p, c.Kind, a, tax, std, now)
	}
	for i, p := range c.Parties {
		path := fmt.Sprintf("parties[%d]", i)
		if !slices.Contains([]PartyRole{RoleComplainant, RoleWitness, RoleAffectedPerson}, p.Role) {
			f.Addf(path+".role", "must be complainant, witness or affected_person")
		}
		if (p.PersonID == "") == (p.OfficerID == "") {
			f.Add(path, "must name exactly one of person_id or officer_id")
		}
	}
	return f.Err("invalid case")
}

// ClassifiedByStandards reports whether a kind's allegations are
// classified by the Standards of Professional Behaviour they would breach,
// the complaint category being optional: conduct matters, which no member
// of the public made [CR 2, Sch 2]. Complaints keep a category each, for
// the statutory data return.
func (k Kind) ClassifiedByStandards() bool { return k == ConductMatter || k == RecordableConduct }

func validateAllegation(f *fault.Fields, p string, kind Kind, a Allegation, tax Taxonomy, std Standards, now time.Time) {
	if kind.ClassifiedByStandards() && len(a.Standards) == 0 {
		f.Add(p+".standards", "must name at least one standard of professional behaviour the conduct would breach")
	}
	cat, ok := tax.Category(a.Category)
	switch {
	case a.Category == "" && kind.ClassifiedByStandards():
		if a.Subcategory != "" {
			f.Add(p+".category", "is required when a sub-category is given")
		}
	case a.Category == "":
		f.Add(p+".category", "is required")
	case !ok:
		f.Addf(p+".category", "%q is not a category in taxonomy %s", a.Category, tax.Version)
	case a.Subcategory != "":
		sub, ok := cat.Subcategory(a.Subcategory)
		if !ok {
			f.Addf(p+".subcategory", "%q is not a sub-category of %q", a.Subcategory, a.Category)
		} else if sub.ProtectedCharacteristic != "" && a.ProtectedCharacteristic != "" &&
			sub.ProtectedCharacteristic != a.ProtectedCharacteristic {
			f.Addf(p+".protected_characteristic", "does not match sub-category %q", a.Subcategory)
		}
	case len(cat.Subcategories) > 0 && a.Category == "discriminatory-behaviour":
		f.Add(p+".subcategory", "must name the protected characteristic")
	}
	f.Text(p+".description", a.Description, MaxDescription, false, true)
	if a.OccurredOn != nil && a.OccurredOn.After(now) {
		f.Add(p+".occurred_on", "is in the future")
	}
	for j, s := range a.Standards {
		if _, ok := std.Standard(s); !ok {
			f.Addf(fmt.Sprintf("%s.standards[%d]", p, j), "%q is not a standard of professional behaviour", s)
		}
	}
	seen := map[string]bool{}
	for j, s := range a.Subjects {
		sp := fmt.Sprintf("%s.subjects[%d].officer_id", p, j)
		if s.OfficerID == "" {
			f.Add(sp, "is required")
		} else if seen[s.OfficerID] {
			f.Add(sp, "names the same officer twice")
		}
		seen[s.OfficerID] = true
	}
}

// Prepare fills in what a new case derives: the taxonomy and standards
// versions, the protected characteristic implied by a sub-category, the
// rule set, the initial state, and allegation numbering. The rule set
// follows when the complaint was made or the matter came to the appropriate
// authority's attention (ReceivedAt), not when the matter arose [C&M 2(2);
// SI 2025/558 reg 66]; a related matter is settled by FollowEarlier.
func (c *Case) Prepare(ref *Reference, now time.Time) {
	tax := ref.TaxonomyAt(now)
	std := ref.StandardsAt(now)
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = now
	}
	if c.State == "" {
		c.State = c.Kind.InitialState()
	}
	c.RuleSet = ref.RuleSetFor(c.ReceivedAt).Code
	for i := range c.Allegations {
		a := &c.Allegations[i]
		a.Seq = i + 1
		a.TaxonomyVersion = tax.Version
		if len(a.Standards) > 0 {
			a.StandardsVersion = std.Version
		}
		if cat, ok := tax.Category(a.Category); ok {
			if sub, ok := cat.Subcategory(a.Subcategory); ok && sub.ProtectedCharacteristic != "" {
				a.ProtectedCharacteristic = sub.ProtectedCharacteristic
			}
		}
	}
}

// FollowEarlier applies the override for a matter related to an earlier
// one: while the earlier case is still being handled, the later one keeps
// to the earlier one's rules, so that one course of conduct is not judged
// under two sets of regulations [C&M 2(2); SI 2025/558 reg 66]. Once the
// earlier case has ended, the later one follows its own date.
func (c *Case) FollowEarlier(earlier Case) {
	c.RelatedCaseID = earlier.ID
	if earlier.RuleSet != "" && !IsTerminal(earlier) {
		c.RuleSet = earlier.RuleSet
	}
}

func joinKinds() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

var referencePattern = regexp.MustCompile(`^(CO|CM|RC|DS)/(\d{4})/(\d{6,})$`)

// FormatReference makes a case's human reference, e.g. CO/2026/000123.
func FormatReference(k Kind, year, n int) string {
	return fmt.Sprintf("%s/%04d/%06d", k.ReferencePrefix(), year, n)
}

// ParseReference splits a human reference into its parts.
func ParseReference(ref string) (prefix string, year, n int, err error) {
	m := referencePattern.FindStringSubmatch(ref)
	if m == nil {
		return "", 0, 0, fault.Errorf(fault.Invalid, "reference %q is not of the form CO/2026/000123", ref)
	}
	year, _ = strconv.Atoi(m[2])
	n, _ = strconv.Atoi(m[3])
	return m[1], year, n, nil
}
