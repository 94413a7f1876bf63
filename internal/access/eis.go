package access

import "slices"

// CanSeeFlag decides whether a principal may see (and, with EISReview,
// review) an early-intervention flag raised on an officer of the given
// unit. The head of professional standards sees every flag; a supervisor
// sees the flags of the units they supervise, and no other: a flag is a
// prompt to look at someone's record, which their own chain of command
// acts on. A flag with no unit is for the head of standards alone.
func CanSeeFlag(who Principal, flagUnitID string) bool {
	if who.User.Disabled {
		return false
	}
	if who.Has(PSDHead) {
		return true
	}
	return who.Has(Supervisor) && flagUnitID != "" && slices.Contains(who.User.UnitIDs, flagUnitID)
}

// FlagConflict reports whether the flag is about the principal themselves:
// nobody may see or review a flag on their own record, whatever their role.
func FlagConflict(who Principal, flagOfficerID string) bool {
	return who.User.OfficerID != "" && who.User.OfficerID == flagOfficerID
}
