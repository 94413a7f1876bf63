package vetting

var listLabels = map[List]Label{
	Barred:   {"Barred list", "People dismissed from policing, or found after leaving that they would have been. No force may appoint them."},
	Advisory: {"Advisory list", "People who left while under investigation, or before an allegation came to light. A force must consider the entry before appointing them."},
}

var sourceLabels = map[Source]Label{
	ByForce:  {"This force's referral", "Recorded in Probity when the force referred the person."},
	National: {"National extract", "A row of an extract of the national list, imported into Probity."},
}

var basisLabels = map[Basis]Label{
	Dismissed:              {"Dismissed", "Dismissed from the force after proceedings under the conduct or performance regulations."},
	WouldHaveBeenDismissed: {"Would have been dismissed", "Left the force before the outcome; the proceedings found they would have been dismissed."},
	LeftUnderInvestigation: {"Left while under investigation", "Resigned or retired while an allegation against them was being investigated."},
	AllegationAfterLeaving: {"Allegation after leaving", "An allegation came to light after they left that would have been investigated had they stayed."},
}

var groundLabels = map[Ground]Label{
	GrossMisconduct:   {"Gross misconduct", "Dismissed for a breach of the standards so serious that dismissal was justified."},
	GrossIncompetence: {"Gross incompetence", "Dismissed under the performance regulations for gross incompetence."},
}

var removalLabels = map[Removal]Label{
	AppealAllowed:    {"Appeal allowed", "An appeal overturned the dismissal or the finding."},
	ReviewGranted:    {"Review granted", "The College of Policing granted the person's application for review."},
	ProceedingsEnded: {"Proceedings ended", "The matter ended without a finding that the person would have been dismissed."},
	MovedToBarred:    {"Moved to the barred list", "Proceedings found the person would have been dismissed: they are now on the barred list."},
	EnteredInError:   {"Entered in error", "The listing should never have been made."},
}

var joinerLabels = map[JoinerKind]Label{
	Transferee: {"Transferee", "A serving officer joining from another force."},
	Rejoiner:   {"Re-joiner", "A former officer returning to policing."},
}

var appointmentLabels = map[Appointment]Label{
	Appoint:               {"Appoint", "The checks are clear: the person may be appointed."},
	AppointWithConditions: {"Appoint with conditions", "The person may be appointed, with limits on their posting or duties given in the reasons."},
	DoNotAppoint:          {"Do not appoint", "The person must not be appointed."},
}

var recordSourceLabels = map[RecordSource]Label{
	RecordImported: {"Imported into Probity", "The previous force's records are in Probity; name the person's record there."},
	RecordEntered:  {"Entered from what the force sent", "The previous force sent its record; write what it says."},
}

// Label is the list in words.
func (l List) Label() Label { return labelOf(listLabels, l) }

// Label is the source in words.
func (s Source) Label() Label { return labelOf(sourceLabels, s) }

// Label is the basis in words.
func (b Basis) Label() Label { return labelOf(basisLabels, b) }

// Label is the ground in words.
func (g Ground) Label() Label { return labelOf(groundLabels, g) }

// Label is the reason for removal in words.
func (r Removal) Label() Label { return labelOf(removalLabels, r) }

// Label is the kind of joiner in words.
func (k JoinerKind) Label() Label { return labelOf(joinerLabels, k) }

// Label is the decision in words.
func (a Appointment) Label() Label { return labelOf(appointmentLabels, a) }

// Label is where the previous force's record came from, in words.
func (r RecordSource) Label() Label { return labelOf(recordSourceLabels, r) }
