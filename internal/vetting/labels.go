package vetting

// Label is a code in words: a name, and one line on what it means.
type Label struct {
	Name, Means string
}

var levelLabels = map[Level]Label{
	Recruitment: {"Recruitment vetting", "The vetting every officer and member of staff holds."},
	Management:  {"Management vetting", "For posts with access to sensitive information, assets or intelligence."},
	CTC:         {"Counter-terrorist check", "A national security check for posts near people or places at risk of terrorist attack."},
	SC:          {"Security check", "A national security check for regular access to secret material."},
	DV:          {"Developed vetting", "The national security check for regular access to top secret material."},
}

var statusLabels = map[Status]Label{
	Granted:   {"Granted", "The officer holds this clearance."},
	Refused:   {"Refused", "The clearance was not granted."},
	Suspended: {"Suspended", "The clearance does not run until the vetting unit decides again."},
	Withdrawn: {"Withdrawn", "The clearance was taken away."},
}

var decisionLabels = map[Decision]Label{
	Maintain:               {"Maintain the clearance", "Nothing in the allegation changes the officer's vetting."},
	MaintainWithConditions: {"Maintain it with conditions", "The officer keeps the clearance, with limits on their duties written below."},
	Suspend:                {"Suspend the clearance", "Until the allegation is resolved; the vetting unit must decide again."},
	Withdraw:               {"Withdraw the clearance", "The officer no longer holds it."},
}

var triggerLabels = map[TriggerKind]Label{
	ByCategory: {"Allegation in a category that calls for review", "Sexual misconduct, violence against women and girls, domestic abuse, discrimination, corruption or abuse of position."},
	ByVolume:   {"Several allegations in a short time", "Allegations of any kind reached the count the force set within its window."},
	ByTransfer: {"Transfer or re-joining", "The officer is joining from another force or returning."},
}

// labelOf is a code's words; an unknown code shows as itself.
func labelOf[K ~string](m map[K]Label, code K) Label {
	if l, ok := m[code]; ok {
		return l
	}
	return Label{Name: string(code)}
}

// Label is the level in words.
func (l Level) Label() Label { return labelOf(levelLabels, l) }

// Label is the status in words.
func (s Status) Label() Label { return labelOf(statusLabels, s) }

// Label is the decision in words.
func (d Decision) Label() Label { return labelOf(decisionLabels, d) }

// Label is the trigger's kind in words.
func (k TriggerKind) Label() Label { return labelOf(triggerLabels, k) }
