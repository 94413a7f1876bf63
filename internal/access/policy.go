package access

import "slices"

// Permission is what a route lets its caller do. Every route names one;
// Allowed decides which roles hold it. Record-level checks (which case)
// come after, in CanOpenCase.
type Permission string

const (
	// Public routes need no sign-in: health checks, the public complaint
	// form, sign-in itself.
	Public Permission = "public"
	// SignedIn routes need a session that has passed MFA, any role.
	SignedIn Permission = "signed-in"
	// Enrolling routes are open to a session still waiting to set up MFA,
	// so that a first login can enrol and nothing else.
	Enrolling Permission = "mfa-enrol"

	CaseRead       Permission = "case:read"
	CaseWork       Permission = "case:work" // act, add notes and documents
	CaseCreate     Permission = "case:create"
	OfficerRead    Permission = "officer:read"
	CaseBreakGlass Permission = "case:break-glass"
	CaseShare      Permission = "case:share"
	AuditRead      Permission = "audit:read"
	BreakGlassList Permission = "break-glass:list"
	UsersAdmin     Permission = "users:admin"
	// EISRead lets supervisors (their units' flags) and the head of
	// professional standards (all flags) see early-intervention flags;
	// EISReview lets them review them. FairnessRead is the fairness report
	// of the early-intervention system, for the head of standards.
	EISRead      Permission = "eis:read"
	EISReview    Permission = "eis:review"
	FairnessRead Permission = "eis:fairness"
	// SpeakUpRead lets guardians read and answer speak-up reports and
	// raise them as conduct matters; SpeakUpReveal lets them ask for and
	// approve revealing a named reporter to someone else.
	SpeakUpRead   Permission = "speakup:read"
	SpeakUpReveal Permission = "speakup:reveal"
	// VettingRead lets the vetting unit and the head of standards see the
	// vetting review queue and officers' vetting; VettingDecide lets the
	// vetting unit decide reviews.
	VettingRead   Permission = "vetting:read"
	VettingDecide Permission = "vetting:decide"
	// SharedCases is the oversight body's list of the cases shared with
	// it. Each case still opens only through CanOpenCase.
	SharedCases Permission = "case:shared-list"
	// MeasuresRead is the published figures (internal/measures) for the
	// whole force: the dashboard and the measures API. They are counts,
	// not case content, so they are open to those who answer for the
	// force's handling of complaints and to the body that oversees it.
	MeasuresRead Permission = "measures:read"
	// MetricsRead is /metrics: request counts and durations by route,
	// database pools, the audit log's length. No personal data, but the
	// shape of the force's work: for those who run Probity.
	MetricsRead Permission = "metrics:read"
	// ReturnRead is the statutory data return: complaints' allegations
	// counted by IOPC category code, for the force's submission.
	ReturnRead Permission = "return:read"
	// OversightRead lets the oversight body, the chief officer's office and
	// the head of standards read what the chief officer is held to account
	// by: requirements, notices, plans and their timelines, accountability
	// boards and leadership posts. OversightMeetings lets
	// the oversight body run boards (agenda, minutes, actions, closing
	// them); OversightAnswer lets the chief officer's office answer
	// actions; OversightPosts lets the oversight body record posts and
	// appointments.
	OversightRead     Permission = "oversight:read"
	OversightMeetings Permission = "oversight:meetings"
	OversightAnswer   Permission = "oversight:answer"
	OversightPosts    Permission = "oversight:posts"
	// HearingNoticeDraft lets the appropriate authority and the head of
	// standards draft, read and withdraw notices of misconduct hearings
	// and their outcomes; HearingNoticeApprove lets them approve one for
	// publication, never their own (internal/hearings decides that).
	HearingNoticeDraft   Permission = "hearing-notice:draft"
	HearingNoticeApprove Permission = "hearing-notice:approve"
	// Holding the chief officer to account (internal/oversight):
	// AccountSet sets requirements and notices and assesses plans (the
	// oversight body); PlanDraft drafts a plan's commitments and comments
	// on plans; PlanSubmit submits a plan in the chief officer's name.
	AccountSet Permission = "oversight:set"
	PlanDraft  Permission = "oversight:plan-draft"
	PlanSubmit Permission = "oversight:plan-submit"
)

// caseRoles may hold case content, subject to need-to-know.
var caseRoles = []Role{Handler, Investigator, Authority, PSDHead}

// grants says which roles hold each permission. Anything not listed is
// denied: a new permission grants nothing until it is written here.
var grants = map[Permission][]Role{
	CaseRead:   append([]Role{Oversight}, caseRoles...),
	CaseWork:   caseRoles,
	CaseCreate: {Handler, Authority, PSDHead},
	// Supervisors read officer histories to act on early-intervention
	// flags for their units; they do not open case files.
	OfficerRead:    append([]Role{Supervisor}, caseRoles...),
	CaseBreakGlass: caseRoles,
	CaseShare:      {Authority, PSDHead},
	AuditRead:      {Auditor},
	// The appropriate authority and the head of standards answer for
	// every emergency opening; the auditor checks them.
	BreakGlassList: {Authority, PSDHead, Auditor},
	UsersAdmin:     {Admin},
	// Which flags a supervisor sees is decided in CanSeeFlag.
	EISRead:      {Supervisor, PSDHead},
	EISReview:    {Supervisor, PSDHead},
	FairnessRead: {PSDHead},
	// Guardians alone: a speak-up reporter's safety rests on nobody in the
	// chain of command learning who they are.
	SpeakUpRead:   {Guardian},
	SpeakUpReveal: {Guardian},
	// A review names the allegation's category and the case reference,
	// not the case's content: the vetting unit asks for access to a case
	// like anyone else outside it.
	VettingRead:   {Vetting, PSDHead},
	VettingDecide: {Vetting},
	SharedCases:   {Oversight},
	MeasuresRead:  {PSDHead, Authority, Oversight, ChiefOffice},
	MetricsRead:   {Admin},
	// The head of standards answers for the force's return to the IOPC.
	ReturnRead: {PSDHead},
	// Boards and posts hold no case content: the head of standards reads
	// what the force is held to account for.
	OversightRead:     {Oversight, ChiefOffice, PSDHead},
	OversightMeetings: {Oversight},
	OversightAnswer:   {ChiefOffice},
	OversightPosts:    {Oversight},
	// What the public read about an officer's hearing is the appropriate
	// authority's to publish [CR 36, 43].
	HearingNoticeDraft:   {Authority, PSDHead},
	HearingNoticeApprove: {Authority, PSDHead},
	// None of these shows case content: a plan is judged by the published
	// measures only. The head of standards helps draft the force's plans;
	// only the chief officer's office submits them.
	AccountSet: {Oversight},
	PlanDraft:  {ChiefOffice, PSDHead},
	PlanSubmit: {ChiefOffice},
}

// Principal is who is asking: a user, the roles in force for this request
// (an API token may carry fewer than the user holds) and whether the
// session has passed MFA.
type Principal struct {
	User      User
	Roles     []Role
	MFAPassed bool
	ViaToken  bool
}

// Has reports whether the principal acts with role r now.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// Known reports whether any permission grants p to anyone; a route naming
// an unknown permission is a programming error caught by tests.
func Known(p Permission) bool {
	if p == Public || p == SignedIn || p == Enrolling {
		return true
	}
	_, ok := grants[p]
	return ok
}

// Allowed decides whether a principal (nil when nobody is signed in) may
// use a route with permission p.
func Allowed(who *Principal, p Permission) bool {
	switch {
	case p == Public:
		return true
	case who == nil || who.User.Disabled:
		return false
	case p == Enrolling:
		return true
	case !who.MFAPassed:
		return false
	case p == SignedIn:
		return true
	}
	for _, r := range grants[p] {
		if who.Has(r) {
			return true
		}
	}
	return false
}

// CaseFacts is what need-to-know looks at on a case.
type CaseFacts struct {
	UnitID     string
	Restricted bool
	// OfficerIDs are the officers in the case as subjects, witnesses or
	// complainants: a user who is one of them may never open it.
	OfficerIDs          []string
	Assigned            []string // user ids the case is assigned to
	Named               []string // user ids named on a restricted case
	SharedWithOversight bool
	// BreakGlass lists users holding an unexpired break-glass opening.
	BreakGlass []string
}

// Decision is the outcome of a need-to-know check.
type Decision struct {
	Allow bool
	// Hide means answer as if the case did not exist, and leave it out of
	// officer histories: for conflicted and restricted cases even their
	// existence is sensitive.
	Hide bool
	// BreakGlass means the user may open the case by giving a reason.
	BreakGlass bool
	// Basis says why: "unit", "assigned", "named", "shared",
	// "break-glass", or for a refusal "conflict", "restricted",
	// "out-of-scope", "role".
	Basis string
}

// AnswersAsMissing says whether a refused request for the case must be
// answered as one for an id that names no case: a hidden case, and any
// case refused to a caller whose roles open no case (the oversight body
// and a case not shared with it), for whom whether an id names a case is
// not theirs to learn either. Such a caller may still see an unhidden
// case masked, by category and month, in an officer's history.
func (d Decision) AnswersAsMissing() bool { return !d.Allow && (d.Hide || d.Basis == "role") }

// CanOpenCase decides whether a principal may see a case's content. It is
// the only place this is decided.
func CanOpenCase(who Principal, c CaseFacts) Decision {
	// A conflict of interest overrides every role and every grant.
	if who.User.OfficerID != "" && slices.Contains(c.OfficerIDs, who.User.OfficerID) {
		return Decision{Hide: true, Basis: "conflict"}
	}
	if c.Restricted {
		if slices.Contains(c.Named, who.User.ID) && hasAny(who, caseRoles) {
			return Decision{Allow: true, Basis: "named"}
		}
		return Decision{Hide: true, Basis: "restricted"}
	}
	if !hasAny(who, caseRoles) {
		if who.Has(Oversight) && c.SharedWithOversight {
			return Decision{Allow: true, Basis: "shared"}
		}
		return Decision{Basis: "role"}
	}
	switch {
	case slices.Contains(c.Assigned, who.User.ID):
		return Decision{Allow: true, Basis: "assigned"}
	case c.UnitID != "" && slices.Contains(who.User.UnitIDs, c.UnitID):
		return Decision{Allow: true, Basis: "unit"}
	case slices.Contains(c.BreakGlass, who.User.ID):
		return Decision{Allow: true, Basis: "break-glass"}
	}
	return Decision{BreakGlass: true, Basis: "out-of-scope"}
}

// MayBeGivenCase decides whether a case may be assigned to a user or a
// restricted case name them, and if not says why in words for whoever is
// giving it. Only someone whose roles work on cases may be given one, and
// never someone the case names as a subject, witness or complainant: the
// conflict rule would hide the case from them anyway, and a grant they
// cannot use would mislead whoever made it into thinking the case had a
// worker.
func MayBeGivenCase(u User, c CaseFacts) (bool, string) {
	if u.Disabled {
		return false, "has no active account"
	}
	if !slices.ContainsFunc(u.Roles, func(r Role) bool { return slices.Contains(caseRoles, r) }) {
		return false, "does not work on cases"
	}
	if u.OfficerID != "" && slices.Contains(c.OfficerIDs, u.OfficerID) {
		return false, "is named in this case, so may not work on it"
	}
	return true, ""
}

// ListScope is CanOpenCase for lists: the same rules in a form a query
// applies before any row is read, so that a list never reads a case the
// caller may not see (its position, its count or whether it matches a
// search). CanOpenCase still decides each case a list returns; the scope
// may be narrower (a break-glass opening is reached by id, not listed) but
// never wider.
type ListScope struct {
	UserID string
	// OfficerID leaves out every case naming this officer as a subject,
	// witness or complainant: the conflict rule. "" when the caller is
	// not an officer.
	OfficerID string
	// CaseRoles: cases of the caller's units and those assigned to them,
	// and restricted cases only where they are named.
	CaseRoles bool
	// Oversight, without case roles: unrestricted cases shared with the
	// oversight body.
	Oversight bool
}

// CaseListScope is the list scope of a principal.
func CaseListScope(who Principal) ListScope {
	return ListScope{UserID: who.User.ID, OfficerID: who.User.OfficerID, CaseRoles: hasAny(who, caseRoles),
		Oversight: who.Has(Oversight)}
}

// MayRecordInto decides whether a principal may record a new case into a
// unit: the appropriate authority and the head of professional standards
// anywhere in the force; a handler only into their own units or the
// intake unit, where public complaints wait to be assessed. A case decides
// who may see it by its unit, so recording into another unit would put
// a case where the recorder's colleagues cannot see it and another
// unit's staff must.
func MayRecordInto(who Principal, unitID string, intake bool) bool {
	if who.Has(Authority) || who.Has(PSDHead) {
		return true
	}
	return who.Has(Handler) && (intake || slices.Contains(who.User.UnitIDs, unitID))
}

// CanReadOfficer decides whether a principal may read an officer's record
// and history. Those who handle cases read any officer: a pattern is
// found across units. A supervisor reads the officers posted in their
// units and those whose early-intervention flags they review (reviews),
// and no one else: an officer's history is not for the whole force.
func CanReadOfficer(who Principal, officerUnitID string, reviews bool) bool {
	if hasAny(who, caseRoles) {
		return true
	}
	return who.Has(Supervisor) && (reviews || (officerUnitID != "" && slices.Contains(who.User.UnitIDs, officerUnitID)))
}

func hasAny(who Principal, roles []Role) bool {
	return slices.ContainsFunc(roles, who.Has)
}
