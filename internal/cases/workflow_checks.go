package cases

import (
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/fault"
)

// NotAllowedError refuses an action that cannot be taken now: the case is
// in another state, is of another kind, follows a rule set without the
// action, the caller lacks the role, or a fact of the case forbids it. It
// carries what the caller may do instead.
type NotAllowedError struct {
	State   State
	Action  ActionName
	Allowed []ActionName // what the caller may do now
	Reason  string       // empty when the state alone refuses it
	ByRole  bool         // refused for want of a role: the caller is forbidden, not out of step
}

func (e *NotAllowedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "action %q is not allowed in state %s", e.Action, e.State)
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	b.WriteString("; allowed: ")
	if len(e.Allowed) == 0 {
		b.WriteString("none")
	}
	for i, a := range e.Allowed {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(a))
	}
	return b.String()
}

// Unwrap classifies the refusal for adapters: a missing role is Forbidden,
// anything else a Conflict with the case's current state.
func (e *NotAllowedError) Unwrap() error {
	kind := fault.Conflict
	if e.ByRole {
		kind = fault.Forbidden
	}
	return &fault.Error{Kind: kind, Message: e.Error()}
}

// Allowed lists the actions a caller holding actorRoles may take on c now,
// in table order. It reads the case's rule set from c.RuleSet, or from the
// date the case was received when that is empty.
func Allowed(c Case, actorRoles []string) []Action {
	var out []Action
	for _, a := range wfAllowed(&c, actorRoles, wfRuleSetOf(&c, nil)) {
		out = append(out, a.clone())
	}
	return out
}

func wfAllowed(c *Case, roles []string, ruleSet string) []*Action {
	var out []*Action
	for i := range wfActions {
		if wfRefused(c, &wfActions[i], roles, ruleSet, false) == nil {
			out = append(out, &wfActions[i])
		}
	}
	return out
}

func wfNames(as []*Action) []ActionName {
	n := make([]ActionName, len(as))
	for i, a := range as {
		n[i] = a.Name
	}
	return n
}

// wfRuleSetOf is the code of the rule set a case follows: the one recorded
// on it, else the one in force when the complaint was made or the matter
// came to the appropriate authority's attention.
func wfRuleSetOf(c *Case, ref *Reference) string {
	if c.RuleSet != "" || c.ReceivedAt.IsZero() {
		return c.RuleSet
	}
	if ref == nil {
		r, err := LoadReference()
		if err != nil {
			return ""
		}
		ref = r
	}
	return ref.RuleSetFor(c.ReceivedAt).Code
}

// wfRefused says why a cannot be taken on c by a caller with roles, or nil.
// It looks at the case and the caller, never at the input. Unless explain
// is set it only answers whether: Allowed asks that of every action, and
// the words are wanted only for the one refused.
func wfRefused(c *Case, a *Action, roles []string, ruleSet string, explain bool) *NotAllowedError {
	no := func(reason func() string) *NotAllowedError {
		if !explain {
			return wfNo
		}
		return &NotAllowedError{State: c.State, Action: a.Name, Reason: reason()}
	}
	if !explain && (!slices.Contains(a.From, c.State) || !slices.Contains(a.Kinds, c.Kind)) {
		return wfNo
	}
	switch {
	case !slices.Contains(a.Kinds, c.Kind):
		return no(func() string {
			return fmt.Sprintf("it is not an action for a %s", strings.ToLower(c.Kind.Label().Name))
		})
	case IsTerminal(*c):
		return no(func() string { return fmt.Sprintf("%s is a final state", c.State) })
	case ruleSet == RuleSet2012:
		return no(func() string {
			return "the case follows the 2012 regulations (made or come to attention before 1 February 2020, C&M 2(2)), " +
				"which Probity holds read-only"
		})
	case !slices.Contains(a.From, c.State):
		return no(func() string { return "" })
	case len(a.RuleSets) > 0 && !slices.Contains(a.RuleSets, ruleSet):
		return no(func() string {
			rs := ruleSet
			if rs == "" {
				rs = "unknown"
			}
			return fmt.Sprintf("it exists only under rule set %s (%s); this case follows rule set %s",
				strings.Join(a.RuleSets, ", "), a.Source, rs)
		})
	}
	// The role before the guard: a guard's reason can name facts from the
	// officers' records (a final written warning in force on another
	// case), which a caller who may not take the action must not learn.
	if !slices.ContainsFunc(roles, func(r string) bool { return slices.Contains(a.Roles, r) }) {
		e := no(func() string { return "it needs the role " + strings.Join(a.Roles, " or ") })
		if explain {
			e.ByRole = true
		}
		return e
	}
	if a.guard != nil {
		if why := a.guard(c); why != "" {
			return no(func() string { return why })
		}
	}
	return nil
}

// wfNo is what wfRefused answers when asked only whether.
var wfNo = &NotAllowedError{}

// wfCheck finds the action the input names and checks it can be taken on
// c, in this order: that it is an action; that the case's kind, state and
// rule set, its facts and the caller's roles allow it (refusing with
// *NotAllowedError); that Schedule 3 does not forbid it; then the input
// (refusing with a fault.Invalid error naming each bad field).
func wfCheck(c *Case, in *ActionInput, roles []string, ruleSet string) (*Action, error) {
	i, ok := wfActionIndex[in.Action]
	if !ok {
		var f fault.Fields
		f.Addf("action", "%q is not an action; allowed now: %s", in.Action,
			wfJoinNames(wfNames(wfAllowed(c, roles, ruleSet))))
		return nil, f.Err("unknown action")
	}
	a := &wfActions[i]
	if e := wfRefused(c, a, roles, ruleSet, true); e != nil {
		e.Allowed = wfNames(wfAllowed(c, roles, ruleSet))
		return nil, e
	}
	// Schedule 3 handling is mandatory on these grounds whatever the
	// complainant wants [Sch3 2(6A), (6B)], so a complaint that meets one
	// may not be logged or resolved outside it.
	if in.MandatoryGround != "" && slices.Contains(MandatoryHandlingGrounds, in.MandatoryGround) &&
		(a.Name == ActLogOutsideSch3 || a.Name == ActResolve) {
		return nil, &NotAllowedError{State: c.State, Action: a.Name,
			Allowed: slices.DeleteFunc(wfNames(wfAllowed(c, roles, ruleSet)), func(n ActionName) bool { return n == a.Name }),
			Reason:  fmt.Sprintf("Schedule 3 handling is mandatory on the ground %s (Sch3 2(6A), (6B)): record it under Schedule 3", in.MandatoryGround)}
	}
	// A complaint recorded as indicating a possible crime, conduct that
	// would justify disciplinary proceedings, or an infringement of
	// Article 2 or 3 must be investigated [Sch3 6(2A)-(2C)], unless the
	// appropriate authority records the repeat-complaint exception
	// [C&M 6]. The ground is the one the case recorded, not the caller's.
	if a.Name == ActHandleOtherwise && wfMustInvestigate(c) && in.InvestigationException == "" {
		return nil, &NotAllowedError{State: c.State, Action: a.Name,
			Allowed: slices.DeleteFunc(wfNames(wfAllowed(c, roles, ruleSet)), func(n ActionName) bool { return n == a.Name }),
			Reason: fmt.Sprintf("the complaint was recorded on the ground %s, so it must be investigated (Sch3 6(2A)-(2C)) "+
				"unless the C&M 6 exception is recorded (%s)", c.HandlingGround, FieldInvestigationException)}
	}
	if err := wfValidate(c, a, in); err != nil {
		return nil, err
	}
	return a, nil
}

// wfReferralFirst refuses local handling while a mandatory referral is
// owed: the complaint was recorded on a ground that must be referred
// [Sch3 2(6B), 4(1)], or the matter is a DSI matter [Sch3 14C], and no
// referral has been made or treated as made [Sch3 4, 4A, 13, 13A; C&M 4].
// What it reads is on the case, written by the actions taken.
func wfReferralFirst(c *Case) string {
	if c.ReferralGround != "" {
		return ""
	}
	switch {
	case slices.Contains(MandatoryReferralHandlingGrounds, c.HandlingGround):
		return fmt.Sprintf("the complaint was recorded on the ground %s, which must be referred to the IOPC (Sch3 4(1); C&M 4), "+
			"and no referral is recorded: refer it first", c.HandlingGround)
	case c.Kind == DeathOrSeriousInjury:
		return "a DSI matter must be referred to the IOPC (Sch3 14C) and no referral is recorded: refer it first"
	}
	return ""
}

// wfMustInvestigate reports whether the ground recorded with a complaint
// brings the duty to investigate [Sch3 6(2A)-(2C)].
func wfMustInvestigate(c *Case) bool {
	return slices.Contains(InvestigationDutyGrounds, c.HandlingGround) && c.InvestigationException == ""
}

// wfValidate checks the input against what the action takes, naming every
// refused field.
func wfValidate(c *Case, a *Action, in *ActionInput) error {
	var f fault.Fields
	takes := func(x Field) bool { return slices.Contains(a.Requires, x) || slices.Contains(a.Optional, x) }
	needs := func(x Field) bool { return slices.Contains(a.Requires, x) }

	if takes(FieldReasons) {
		f.Text(string(FieldReasons), in.Reasons, MaxReasons, needs(FieldReasons), true)
	}
	if takes(FieldReferralGround) && (in.ReferralGround != "" || needs(FieldReferralGround)) {
		if !slices.ContainsFunc(ReferralGrounds, func(g ReferralGround) bool { return g.Code == in.ReferralGround }) {
			if in.ReferralGround == "" {
				f.Add(string(FieldReferralGround), "is required")
			} else {
				f.Addf(string(FieldReferralGround), "%q is not a referral ground; use one of %s", in.ReferralGround, wfReferralCodes())
			}
		}
	}
	if takes(FieldMandatoryGround) && in.MandatoryGround != "" && !slices.Contains(MandatoryHandlingGrounds, in.MandatoryGround) {
		f.Addf(string(FieldMandatoryGround), "%q is not a ground for mandatory Schedule 3 handling; use one of %s",
			in.MandatoryGround, strings.Join(MandatoryHandlingGrounds, ", "))
	}
	if takes(FieldInvestigationException) && in.InvestigationException != "" {
		switch {
		case !slices.Contains(InvestigationExceptions, in.InvestigationException):
			f.Addf(string(FieldInvestigationException), "%q is not an exception to the duty to investigate; use one of %s",
				in.InvestigationException, strings.Join(InvestigationExceptions, ", "))
		case !slices.Contains(InvestigationDutyGrounds, c.HandlingGround):
			f.Add(string(FieldInvestigationException), "is taken only where the complaint was recorded as one that must be investigated")
		case strings.TrimSpace(in.Reasons) == "":
			f.Add(string(FieldReasons), "must say why the C&M 6 exception applies")
		}
	}
	if takes(FieldMode) && (in.Mode != "" || needs(FieldMode)) && !slices.Contains(Modes, in.Mode) {
		if in.Mode == "" {
			f.Add(string(FieldMode), "is required")
		} else {
			f.Addf(string(FieldMode), "must be one of %s", strings.Join(Modes, ", "))
		}
	}
	if takes(FieldForum) && (in.Forum != "" || needs(FieldForum)) && !in.Forum.Valid() {
		if in.Forum == "" {
			f.Add(string(FieldForum), "is required")
		} else {
			f.Addf(string(FieldForum), "%q is not a forum", in.Forum)
		}
	}
	if takes(FieldAppealOutcome) && !slices.Contains(AppealOutcomes, in.AppealOutcome) {
		if in.AppealOutcome == "" {
			f.Add(string(FieldAppealOutcome), "is required")
		} else {
			f.Addf(string(FieldAppealOutcome), "must be one of %s", strings.Join(AppealOutcomes, ", "))
		}
	}
	if takes(FieldReviewBody) && in.ReviewBody != "" && in.ReviewBody != ReviewBodyIOPC && in.ReviewBody != ReviewBodyLPB {
		f.Addf(string(FieldReviewBody), "must be %s or %s", ReviewBodyIOPC, ReviewBodyLPB)
	} else if needs(FieldReviewBody) && in.ReviewBody == "" {
		f.Add(string(FieldReviewBody), "is required")
	}
	if needs(FieldResumeTo) && in.ResumeTo == "" {
		f.Add(string(FieldResumeTo), "is required")
	}
	if needs(FieldRecipient) && in.Recipient == "" {
		f.Add(string(FieldRecipient), "is required")
	}
	wfCheckFindings(c, a, in, &f)
	if a.check != nil {
		a.check(c, in, &f)
	}
	return f.Err("invalid " + string(a.Name))
}

// wfCheckFindings applies the action's finding rule.
func wfCheckFindings(c *Case, a *Action, in *ActionInput, f *fault.Fields) {
	r := a.findings
	if r.cover == wfCoverNone {
		if len(in.Findings) > 0 {
			f.Add(string(FieldFindings), "are not taken by this action")
		}
		return
	}
	named := map[[2]string]bool{}
	for i, fi := range in.Findings {
		p := fmt.Sprintf("findings[%d]", i)
		key := [2]string{fi.AllegationID, fi.OfficerID}
		switch {
		case wfSubjectOf(c, fi) == nil:
			f.Addf(p, "names no subject of this case (allegation %q, officer %q)", fi.AllegationID, fi.OfficerID)
			continue
		case named[key]:
			f.Add(p, "names the same officer on the same allegation twice")
			continue
		}
		named[key] = true
		wfCheckPart(f, p+".severity", fi.Severity, r.severity)
		wfCheckPart(f, p+".finding", fi.Finding, r.finding)
		switch {
		case !r.sanction && fi.Sanction != "":
			f.Add(p+".sanction", "is not taken by this action: sanctions are imposed only by misconduct proceedings (CR 42)")
		case !r.sanction:
		case fi.Sanction == "":
			f.Add(p+".sanction", "is required")
		case !Sanction(fi.Sanction).Valid():
			f.Addf(p+".sanction", "%q is not a sanction", fi.Sanction)
		case in.Forum.Valid() && wfSeverityRank(fi.Finding) >= 0:
			warned := in.FinalWarningInForce || c.Derived.HasFinalWarning(fi.OfficerID)
			if ok, why := SanctionAllowed(in.Forum, fi.Finding, Sanction(fi.Sanction), warned, in.SeveralIncidents); !ok {
				f.Add(p+".sanction", why)
			}
		}
	}
	var must func(s *Subject) bool
	switch r.cover {
	case wfCoverAll:
		// A part of the complaint withdrawn needs no finding [C&M 38].
		must = func(s *Subject) bool { return s.Finding != FindingWithdrawn }
	case wfCoverProceeding:
		must = wfInProceedings
	default:
		return
	}
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if must(&s) && !named[[2]string{al.ID, s.OfficerID}] {
				f.Addf(string(FieldFindings), "has no entry for officer %s on allegation %s", s.OfficerID, al.ID)
			}
		}
	}
	if r.cover == wfCoverProceeding {
		for i, fi := range in.Findings {
			if s := wfSubjectOf(c, fi); s != nil && !wfInProceedings(s) {
				f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s is not in these proceedings on allegation %s", fi.OfficerID, fi.AllegationID)
			}
		}
	}
}

func wfCheckPart(f *fault.Fields, field, v string, p wfPart) {
	switch {
	case p.accept == nil && v != "":
		f.Add(field, "is not taken by this action")
	case v == "" && p.required:
		f.Add(field, "is required")
	case v != "" && p.accept != nil && !slices.Contains(p.accept, v):
		f.Addf(field, "must be one of %s", strings.Join(p.accept, ", "))
	}
}

func wfCheckReferral(_ *Case, in *ActionInput, f *fault.Fields) {
	if in.ReferralGround == "voluntary" && strings.TrimSpace(in.Reasons) == "" {
		f.Add(string(FieldReasons), "is required for a voluntary referral")
	}
}

func wfCheckMode(c *Case, in *ActionInput, f *fault.Fields) {
	// Only the IOPC directs or conducts an investigation [Sch3 15]: a
	// matter the AA has assessed itself is investigated locally.
	if c.State == SeverityAssessed && in.Mode != "" && in.Mode != ModeLocal {
		f.Add(string(FieldMode), "must be local: only the IOPC, on a referral, decides a directed or independent investigation")
	}
}

func wfCheckRecipient(c *Case, in *ActionInput, f *fault.Fields) {
	if in.Recipient == "" {
		return
	}
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if s.OfficerID == in.Recipient {
				return
			}
		}
	}
	f.Addf(string(FieldRecipient), "%q is not an officer subject to this case", in.Recipient)
}

func wfCheckResume(c *Case, in *ActionInput, f *fault.Fields) {
	if in.ResumeTo == "" {
		return
	}
	if !slices.Contains(wfOpenComplaintStates(Suspended), in.ResumeTo) {
		f.Addf(string(FieldResumeTo), "%q is not an open complaint state to resume in", in.ResumeTo)
	}
}

// wfCheckForumByState ties the forum to where the case stands: a
// pre-hearing is held only for a hearing, a case held straight from
// witnesses is a meeting, and an accelerated hearing is its own forum.
func wfCheckForumByState(c *Case, in *ActionInput, f *fault.Fields) {
	if !in.Forum.Valid() {
		return
	}
	want := map[State]Forum{PreHearing: ForumHearing, AcceleratedHearing: ForumAccelerated, Witnesses: ForumMeeting}[c.State]
	if c.State == Witnesses && in.Action == ActHoldPreHearing {
		want = ForumHearing
	}
	// A hearing whose chair directs no pre-hearing is held straight from
	// witnesses [CR 33].
	if c.State == Witnesses && in.Action == ActHoldProceedings && in.Forum == ForumHearing {
		want = ForumHearing
	}
	if in.Forum != want {
		switch want {
		case ForumHearing:
			f.Addf(string(FieldForum), "is %s, but only a hearing has a pre-hearing (CR 33)", in.Forum)
		case ForumMeeting:
			f.Addf(string(FieldForum), "is %s, but a hearing must hold its pre-hearing first (CR 33)", in.Forum)
		default:
			f.Addf(string(FieldForum), "is %s, but the case is at an accelerated hearing", in.Forum)
		}
	}
}

// wfCheckSignedWithdrawal: a withdrawal is the complainant's signed
// notice [C&M 38], or, without one, the record of how the complainant's
// wish was confirmed [C&M 39].
func wfCheckSignedWithdrawal(_ *Case, in *ActionInput, f *fault.Fields) {
	if !in.SignedWithdrawal && strings.TrimSpace(in.Reasons) == "" {
		f.Add(string(FieldReasons), "is required when the withdrawal is not signed: say how the complainant's wish to withdraw was confirmed (C&M 39)")
	}
}

func wfCheckCaseToAnswer(c *Case, in *ActionInput, f *fault.Fields) {
	some := false
	for i, fi := range in.Findings {
		if fi.Finding == FindingNoCaseToAnswer {
			continue
		}
		some = true
		if fi.Severity == "" {
			f.Add(fmt.Sprintf("findings[%d].severity", i), "is required: a case to answer is for misconduct or gross misconduct (CR 23)")
		}
	}
	if !some && len(in.Findings) > 0 {
		f.Add(string(FieldFindings), "find no case to answer for anyone: use no_case_to_answer")
	}
}

func wfCheckOutcome(c *Case, in *ActionInput, f *fault.Fields) {
	found := false
	for i, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		if s == nil {
			continue
		}
		if wfSeverityRank(fi.Finding) >= wfSeverityRank(SeverityMisconduct) {
			found = true
		}
		// Proceedings decide the case referred to them: they may find less
		// than the severity referred, never more [CR 41(15), 42].
		if r := wfSeverityRank(s.Severity); r >= 0 && wfSeverityRank(fi.Finding) > r {
			f.Addf(fmt.Sprintf("findings[%d].finding", i), "%s exceeds the %s the officer was referred for", wfWords(fi.Finding), wfWords(s.Severity))
		}
	}
	if !found && len(in.Findings) > 0 {
		f.Add(string(FieldFindings), "find no misconduct: use find_no_misconduct")
	}
}

func wfCheckInProceedings(c *Case, in *ActionInput, f *fault.Fields) {
	for i, fi := range in.Findings {
		if s := wfSubjectOf(c, fi); s != nil && !wfInProceedings(s) {
			f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s is not in these proceedings on allegation %s", fi.OfficerID, fi.AllegationID)
		}
	}
}

func wfCheckAppeal(c *Case, in *ActionInput, f *fault.Fields) {
	switch in.AppealOutcome {
	case AppealDismissed:
		if len(in.Findings) > 0 {
			f.Add(string(FieldFindings), "are not taken when the appeal is dismissed: the outcome stands")
		}
	case AppealAllowed, AppealVaried:
		if len(in.Findings) == 0 {
			f.Add(string(FieldFindings), "are required: name each officer's finding and outcome after the appeal")
		}
		if len(in.Findings) > 0 && in.Forum == "" {
			f.Add(string(FieldForum), "is required to check the new outcome against the forum's powers")
		}
	}
	for i, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		switch {
		case s == nil:
		case s.Outcome == "":
			f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s had no outcome on allegation %s to appeal", fi.OfficerID, fi.AllegationID)
		case wfSeverityRank(s.Severity) >= 0 && wfSeverityRank(fi.Finding) > wfSeverityRank(s.Severity):
			// An appeal cannot find more than the proceedings could.
			f.Addf(fmt.Sprintf("findings[%d].finding", i), "%s exceeds the %s the officer was referred for",
				wfWords(fi.Finding), wfWords(s.Severity))
		}
	}
}

// wfNeedsSubject refuses actions that act on an officer until the case names
// one.
func wfNeedsSubject(c *Case) string {
	for _, al := range c.Allegations {
		if len(al.Subjects) > 0 {
			return ""
		}
	}
	return "the case names no officer yet"
}

// wfMeetingGuard: a meeting deals only with misconduct, so every officer
// with a case to answer must be at misconduct, not gross misconduct
// [CR 23, 28].
func wfMeetingGuard(c *Case) string {
	n := 0
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if !wfInProceedings(&s) {
				continue
			}
			n++
			if s.Severity != SeverityMisconduct {
				return fmt.Sprintf("officer %s has a case to answer for %s, which a meeting cannot hear", s.OfficerID, wfWords(s.Severity))
			}
		}
	}
	if n == 0 {
		return "no officer has a case to answer"
	}
	return ""
}

// wfDismissalGuard: the barred list is reported only for an officer
// dismissed.
func wfDismissalGuard(c *Case) string {
	if !wfDismissed(c) {
		return "no officer was dismissed"
	}
	return ""
}

func wfHearingGuard(c *Case) string {
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if wfInProceedings(&s) && wfSeverityRank(s.Severity) >= wfSeverityRank(SeverityMisconduct) {
				return ""
			}
		}
	}
	return "no officer has a case to answer for misconduct or gross misconduct"
}

// wfInProceedings: the subject has a case to answer and no finding of the
// proceedings yet.
func wfInProceedings(s *Subject) bool { return s.Finding == FindingCaseToAnswer }

func wfDismissed(c *Case) bool {
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if wfDismissedSubject(&s) {
				return true
			}
		}
	}
	return false
}

func wfSubjectOf(c *Case, fi FindingInput) *Subject {
	for i := range c.Allegations {
		al := &c.Allegations[i]
		if al.ID != fi.AllegationID {
			continue
		}
		for j := range al.Subjects {
			if al.Subjects[j].OfficerID == fi.OfficerID {
				return &al.Subjects[j]
			}
		}
	}
	return nil
}

func wfEachSubject(c *Case, fn func(s *Subject)) {
	for i := range c.Allegations {
		for j := range c.Allegations[i].Subjects {
			fn(&c.Allegations[i].Subjects[j])
		}
	}
}

func wfReferralCodes() string {
	s := make([]string, len(ReferralGrounds))
	for i, g := range ReferralGrounds {
		s[i] = g.Code
	}
	return strings.Join(s, ", ")
}

func wfJoinNames(n []ActionName) string {
	if len(n) == 0 {
		return "none"
	}
	s := make([]string, len(n))
	for i, x := range n {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
