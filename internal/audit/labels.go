package audit

// What auditors read on the audit pages: each action, outcome and kind of
// record in plain words. The codes stay in the log (they are part of what
// each entry's hash covers); only their display changes.

// actionLabels covers every action; TestActionLabels holds that.
var actionLabels = map[Action]string{
	Login:           "Signed in",
	Logout:          "Signed out",
	AccessDenied:    "Was refused",
	Collect:         "Recorded",
	Consult:         "Looked at",
	Alter:           "Changed",
	Erase:           "Erased",
	Disclose:        "Disclosed",
	Combine:         "Linked records",
	RoleChange:      "Changed an account's roles or units",
	BreakGlass:      "Broke glass to open",
	MFAEnrol:        "Set up two-step sign-in",
	MFAReset:        "Reset two-step sign-in",
	AccountDisabled: "Disabled or re-enabled an account",
	TokenIssued:     "Issued an API token",
	TokenRevoked:    "Revoked an API token",
	Export:          "Exported",
}

// Label is the action in words; an unknown one shows as itself, so that
// nothing in the log is hidden from its auditor.
func (a Action) Label() string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return string(a)
}

// Label is the outcome in words.
func (o Outcome) Label() string {
	switch o {
	case Success:
		return "Done"
	case Denied:
		return "Refused"
	case Failure:
		return "Failed"
	}
	return string(o)
}

// recordTypeLabels names the kinds of record entries are about.
var recordTypeLabels = map[string]string{
	"case":               "Case",
	"speakup":            "Speak-up report",
	"speakup-list":       "Speak-up reports",
	"speakup-reveal":     "Speak-up reporter's identity",
	"user":               "Account",
	"users":              "Accounts",
	"officer":            "Officer",
	"unit":               "Unit",
	"units":              "Units",
	"eis-flag":           "Early-intervention flag",
	"eis-flag-list":      "Early-intervention flags",
	"eis-run":            "Early-intervention run",
	"eis-evaluation":     "Early-intervention evaluation",
	"case-list":          "Case list",
	"break-glass-report": "Break-glass report",
	"audit-log":          "Audit log",
	"audit-chain":        "Audit log's chain",
	"route":              "Page or API",
	"import":             "Import",
	"keyring":            "Data keys",
	"api-token":          "API token",

	// The oversight body's accountability boards and leadership posts.
	"oversight-meeting":      "Accountability board",
	"oversight-meeting-list": "Accountability boards",
	"oversight-action":       "Accountability board action",
	"oversight-post":         "Leadership post",
	"oversight-post-list":    "Leadership posts",
	"hearing-notice":         "Hearing notice",
	"hearing-notices":        "Hearing notices",
}

// RecordTypeLabel names a kind of record in words; "" for none, and an
// unknown kind as itself.
func RecordTypeLabel(t string) string {
	if l, ok := recordTypeLabels[t]; ok {
		return l
	}
	return t
}
