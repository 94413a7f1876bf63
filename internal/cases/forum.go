package cases

import (
	"fmt"
	"slices"
)

// Forum is the kind of misconduct proceedings an officer is referred to
// [CR 28, 49]. Who sits in it (a chair, a panel, a legally qualified
// adviser) is recorded on the case, not modelled as a Probity login.
type Forum string

const (
	// ForumMeeting is a misconduct meeting: one person at least one rank
	// above the officer, or senior staff; misconduct only.
	ForumMeeting Forum = "meeting"
	// ForumHearing is a misconduct hearing before a three-person panel.
	ForumHearing Forum = "hearing"
	// ForumAccelerated is an accelerated misconduct hearing, held when
	// written evidence proves gross misconduct and the public interest
	// requires the officer to leave at once [CR 49].
	ForumAccelerated Forum = "accelerated_hearing"
)

// Forums lists every forum.
var Forums = []Forum{ForumMeeting, ForumHearing, ForumAccelerated}

// Valid reports whether f is a known forum.
func (f Forum) Valid() bool { return slices.Contains(Forums, f) }

// Sanction is what misconduct proceedings impose on an officer, or
// "none"/"rprp" where no misconduct is found [CR 42]. Management advice is
// not here: the 2020 regulations abolished it.
type Sanction string

const (
	SanctionNone                Sanction = "none"
	SanctionRPRP                Sanction = "rprp" // a direction to the reflective practice review process, not a disciplinary sanction
	SanctionWrittenWarning      Sanction = "written_warning"
	SanctionFinalWrittenWarning Sanction = "final_written_warning"
	SanctionReductionInRank     Sanction = "reduction_in_rank"
	SanctionDismissal           Sanction = "dismissal_without_notice"
)

// Sanctions lists every sanction, least severe first.
var Sanctions = []Sanction{SanctionNone, SanctionRPRP, SanctionWrittenWarning, SanctionFinalWrittenWarning,
	SanctionReductionInRank, SanctionDismissal}

// Valid reports whether s is a known sanction.
func (s Sanction) Valid() bool { return slices.Contains(Sanctions, s) }

// Severity levels [CR 14; C&M 16]. The same words serve for what a
// severity assessment says a matter could amount to and for what
// proceedings find it did amount to.
const (
	SeverityNoMisconduct    = "no_misconduct"
	SeverityPRI             = "practice_requiring_improvement"
	SeverityMisconduct      = "misconduct"
	SeverityGrossMisconduct = "gross_misconduct"
)

// Severities lists the severity levels, least serious first.
var Severities = []string{SeverityNoMisconduct, SeverityPRI, SeverityMisconduct, SeverityGrossMisconduct}

// wfSeverityRank orders severities; -1 for an unknown one.
func wfSeverityRank(s string) int { return slices.Index(Severities, s) }

// Conditions a forum outcome may depend on.
const (
	// ConditionWarningOrIncidents: a final written warning was in force on
	// the date of the severity assessment, or the misconduct found arises
	// from several incidents not closely connected [CR 42(5), (6)].
	ConditionWarningOrIncidents = "final_warning_in_force_or_several_incidents"
)

// ForumOutcome is one row of the forum/outcome table: what proceedings of
// a forum may impose once they have found a given level of conduct.
type ForumOutcome struct {
	Forum     Forum    `json:"forum,omitempty"` // empty: any forum
	Finding   string   `json:"finding"`         // the level found: a Severity value
	Sanction  Sanction `json:"sanction"`
	Condition string   `json:"condition,omitempty"`
	Source    string   `json:"source"`
	Confirmed bool     `json:"confirmed"`
}

// ForumOutcomes is the forums-and-outcomes table of
// docs/statutory-process.md, section 4 [CR 42], one row per permitted
// sanction. Anything not listed is refused. The accelerated hearing rows
// are not in CR 42: they follow the accelerated hearing's purpose (gross
// misconduct only) and the outcome rule of the parallel Ministry of
// Defence Police regulations (SI 2020/1087 Sch 1 para 62), so they are
// marked unconfirmed.
var ForumOutcomes = wfForumOutcomes()

func wfForumOutcomes() []ForumOutcome {
	var t []ForumOutcome
	add := func(f Forum, finding string, cond, src string, confirmed bool, s ...Sanction) {
		for _, x := range s {
			t = append(t, ForumOutcome{Forum: f, Finding: finding, Sanction: x, Condition: cond, Source: src, Confirmed: confirmed})
		}
	}
	// Any forum, no misconduct found: it may direct RPRP [CR 42(1)(b)];
	// otherwise nothing follows.
	add("", SeverityNoMisconduct, "", "CR 42(1)(b)", true, SanctionNone, SanctionRPRP)
	add("", SeverityPRI, "", "CR 42(1)(b)", true, SanctionNone, SanctionRPRP)
	add(ForumMeeting, SeverityMisconduct, "", "CR 42(2)", true, SanctionWrittenWarning, SanctionFinalWrittenWarning)
	add(ForumHearing, SeverityMisconduct, "", "CR 42(3)(a)", true, SanctionWrittenWarning, SanctionFinalWrittenWarning)
	add(ForumHearing, SeverityMisconduct, ConditionWarningOrIncidents, "CR 42(3)(a), (5), (6)", true,
		SanctionReductionInRank, SanctionDismissal)
	add(ForumHearing, SeverityGrossMisconduct, "", "CR 42(3)(b)", true,
		SanctionFinalWrittenWarning, SanctionReductionInRank, SanctionDismissal)
	add(ForumAccelerated, SeverityGrossMisconduct, "", "CR Part 5 (UNCONFIRMED; cf. SI 2020/1087 Sch 1 para 62)", false,
		SanctionFinalWrittenWarning, SanctionReductionInRank, SanctionDismissal)
	return t
}

// SanctionAllowed reports whether proceedings in forum, having found
// conduct at the given severity level, may impose sanction; when not, it
// says why in words fit to show the user. finalWarningInForce and
// severalUnconnectedIncidents are the two facts that open reduction in rank
// and dismissal to a hearing that found misconduct [CR 42(5), (6)].
func SanctionAllowed(forum Forum, severity string, sanction Sanction, finalWarningInForce bool, severalUnconnectedIncidents bool) (bool, string) {
	switch {
	case !forum.Valid():
		return false, fmt.Sprintf("%q is not a forum", forum)
	case wfSeverityRank(severity) < 0:
		return false, fmt.Sprintf("%q is not a severity", severity)
	case !sanction.Valid():
		return false, fmt.Sprintf("%q is not a sanction", sanction)
	}
	condition := finalWarningInForce || severalUnconnectedIncidents
	var needsCondition bool
	for _, o := range ForumOutcomes {
		if (o.Forum != "" && o.Forum != forum) || o.Finding != severity || o.Sanction != sanction {
			continue
		}
		if o.Condition == "" || condition {
			return true, ""
		}
		needsCondition = true
	}
	switch {
	case needsCondition:
		return false, fmt.Sprintf("a hearing that finds misconduct may impose %s only if a final written warning was in force "+
			"or there were several unconnected incidents (CR 42(5), (6))", wfWords(sanction))
	case wfSeverityRank(severity) < wfSeverityRank(SeverityMisconduct):
		return false, fmt.Sprintf("where no misconduct is found the only outcome is a direction to RPRP, or none (CR 42(1)(b)); not %s",
			wfWords(sanction))
	case forum == ForumMeeting && severity == SeverityGrossMisconduct:
		return false, "a misconduct meeting cannot find gross misconduct: that is for a hearing (CR 23, 42)"
	case forum == ForumAccelerated && severity == SeverityMisconduct:
		return false, "an accelerated hearing that finds misconduct but not gross misconduct dismisses the case or " +
			"returns it to the appropriate authority; it imposes nothing itself (CR Part 5, UNCONFIRMED)"
	}
	allowed := wfPermitted(forum, severity)
	return false, fmt.Sprintf("a %s that finds %s may impose only %s (CR 42); not %s",
		wfWords(forum), wfWords(severity), wfJoinWords(allowed), wfWords(sanction))
}

// wfPermitted lists the sanctions a forum may impose for a finding, ignoring
// conditions.
func wfPermitted(forum Forum, severity string) []Sanction {
	var s []Sanction
	for _, o := range ForumOutcomes {
		if (o.Forum == "" || o.Forum == forum) && o.Finding == severity && !slices.Contains(s, o.Sanction) {
			s = append(s, o.Sanction)
		}
	}
	return s
}

// wfWords turns a code such as final_written_warning into "final written
// warning" for messages.
func wfWords[T ~string](s T) string {
	b := []byte(s)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

func wfJoinWords(s []Sanction) string {
	switch len(s) {
	case 0:
		return "nothing"
	case 1:
		return wfWords(s[0])
	}
	out := ""
	for i, x := range s {
		switch {
		case i == 0:
		case i == len(s)-1:
			out += " or "
		default:
			out += ", "
		}
		out += wfWords(x)
	}
	return out
}
