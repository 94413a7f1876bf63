package cases

import (
	"slices"
	"time"
)

// iopcReferral is the clock for a mandatory referral to the IOPC. Sch3
// 4(4) [V] has the appropriate authority refer within the period set by
// regulations, which C&M 4 sets, as far as Probity can tell [B: read by
// title and from secondary sources], at the end of the day after the day
// on which it first becomes clear that the matter must be referred.
//
// What makes it clear is what the case records: a complaint recorded
// under Schedule 3 on a ground that must be referred
// (MandatoryReferralHandlingGrounds), or a DSI matter, which must always
// be referred [Sch3 14C]. The referral, or the IOPC treating the matter as
// referred, stops the clock. It keeps running while a complaint is
// suspended: a suspension does not put off a duty to refer.
func (tl *caseTimeline) iopcReferral(cal *Calendar) (Deadline, bool) {
	start, ok := tl.referralClear()
	if !ok || IsTerminal(Case{Kind: tl.c.Kind, State: tl.current().State}) {
		return Deadline{}, false
	}
	for _, s := range tl.spells {
		if s.State == ReferredIOPC && !s.From.Before(start) {
			return Deadline{}, false
		}
	}
	if tl.done(ClockIOPCReferral, start) {
		return Deadline{}, false
	}
	d := tl.deadline(ClockIOPCReferral, start, cal)
	d.Note = "the end of the day after it became clear the matter must be referred (C&M 4, believed)"
	return d, true
}

// referralClear is when it became clear the matter must be referred: for a
// DSI matter when it was received; for a complaint, the latest recording
// under Schedule 3, if on a ground that must be referred. A history
// without the recording's detail (an import) falls back on the ground kept
// on the case.
func (tl *caseTimeline) referralClear() (time.Time, bool) {
	switch tl.c.Kind {
	case DeathOrSeriousInjury:
		return tl.spells[0].From, true
	case Complaint:
	default:
		return time.Time{}, false
	}
	for i := len(tl.spells) - 1; i >= 0; i-- {
		s := tl.spells[i]
		if s.State != RecordedSch3 {
			continue
		}
		ground := tl.c.HandlingGround
		if ActionName(s.entered.Detail["action"]) == ActRecordSch3 {
			ground = s.entered.Detail[string(FieldMandatoryGround)]
		}
		return s.From, slices.Contains(MandatoryReferralHandlingGrounds, ground)
	}
	return time.Time{}, false
}
