package access

// RoleLabel is how a role is shown to people: a name and one line on what
// the role does here.
type RoleLabel struct {
	Name, Does string
}

// roleLabels covers every role in Roles; TestRoleLabels holds that.
var roleLabels = map[Role]RoleLabel{
	Handler:      {"Complaint handler", "Handles complaints from receipt: contact, logging, recording, resolving and closing."},
	Investigator: {"Investigator", "Investigates assigned cases: serves notices, records interviews, submits the report."},
	Authority:    {"Appropriate authority", "Takes the appropriate authority's decisions on cases (the chief officer's, by delegation)."},
	PSDHead:      {"Head of professional standards", "Takes the appropriate authority's decisions and oversees every case, flag and break-glass access."},
	Supervisor:   {"Supervisor", "Reviews early-intervention flags on officers of their own units."},
	Guardian:     {"Speak-up guardian", "Reads and answers speak-up reports; the only role that may learn a reporter's identity."},
	Oversight:    {"Oversight body", "Reads the cases the force has shared with it."},
	Auditor:      {"Auditor", "Reads the audit log: who saw and did what. No case content."},
	Admin:        {"Administrator", "Manages accounts and units. No case content."},
	Vetting:      {"Vetting unit", "Decides officers' vetting and the reviews that allegations open. No case content."},
	ChiefOffice:  {"Chief officer's office", "Drafts and submits the force's plans answering the oversight body's requirements. No case content."},
}

// Label is the role's name and description for people; an unknown role
// shows as itself, so that nothing is hidden.
func (r Role) Label() RoleLabel {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return RoleLabel{Name: string(r)}
}
