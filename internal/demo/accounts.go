package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/store"
)

// Account is a demo login.
type Account struct {
	Username string
	Roles    []access.Role
	Does     string // one line on what the login is for, for the start-up banner
}

// roleWork says what each role does in the demo, as EnsureAccounts sets
// the accounts up, so a newcomer knows which login to try for what.
var roleWork = map[access.Role]string{
	access.Handler:      "records complaints, works the public complaints queue and three units' cases through each statutory step",
	access.Investigator: "investigates three units' cases and reports what each investigation found",
	access.Authority:    "the appropriate authority: decides how cases are handled, whether there is a case to answer, and outcomes, in every unit",
	access.PSDHead:      "head of professional standards: every unit's cases, the overdue and unassigned queues, break-glass uses",
	access.Supervisor:   "reviews early-intervention flags on three units' officers and records what was done",
	access.Guardian:     "freedom-to-speak-up guardian: answers speak-up reports; the only role that may learn who made one",
	access.Oversight:    "the oversight body: reads the cases the force shares with it",
	access.Auditor:      "asks the audit log who saw or changed a record, and checks its hash chain; sees no case content",
	access.Admin:        "manages accounts, roles, units and API tokens; sees no case content",
	access.Vetting:      "the vetting unit: decides the vetting reviews that allegations open, seeing each allegation's category and case reference only",
	access.ChiefOffice:  "the chief officer's office: answers the oversight body's requirements with plans of measurable commitments; sees no case content",
}

// Accounts lists the demo logins: one per role, named for the role, in
// the order of access.Roles.
func Accounts() []Account {
	out := make([]Account, len(access.Roles))
	for i, r := range access.Roles {
		out[i] = Account{Username: string(r), Roles: []access.Role{r}, Does: roleWork[r]}
	}
	return out
}

// PublicPage is an address anyone may use without signing in.
type PublicPage struct {
	Path string
	Does string
}

// PublicPages lists the public addresses the demo banner points to.
func PublicPages() []PublicPage {
	return []PublicPage{
		{"/complain", "make a complaint, as a member of the public would"},
		{"/complaint-status", "follow a complaint with the reference and receipt code it was given"},
		{"/speak-up", "report wrongdoing in confidence as a member of staff, anonymously if wished"},
		{"/public", "the force's figures on complaints and misconduct, by quarter, with nothing that identifies anyone"},
		{"/public/hearings", "read the notices of misconduct hearings and their outcomes the force has published"},
		{"/public/oversight", "what the oversight body has asked of the chief officer, the plans and how they are judged"},
		{"/public/leadership", "who leads the force and how each was appointed"},
		{"/open-data", "every published figure as CSV and JSON, under the Open Government Licence"},
	}
}

// EnsureAccounts creates the demo accounts, or resets their password, so
// that the password printed at start-up is the one that works. Handlers,
// investigators and supervisors are given a few units; the appropriate
// authority and the head of professional standards see every unit.
func EnsureAccounts(ctx context.Context, db *store.DB, password string, hasher access.Hasher, now time.Time) error {
	if err := access.CheckPassword(password); err != nil {
		return err
	}
	hash, err := hasher.Hash(password)
	if err != nil {
		return err
	}
	forces, err := db.Forces(ctx)
	if err != nil {
		return err
	}
	var allUnits, intakeUnits []string
	for _, f := range forces {
		units, err := db.Units(ctx, f.ID)
		if err != nil {
			return err
		}
		for _, u := range units {
			if u.Code == intake.IntakeUnitCode {
				intakeUnits = append(intakeUnits, u.ID)
				continue
			}
			allUnits = append(allUnits, u.ID)
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, a := range Accounts() {
			existing, _, err := db.UserByUsername(ctx, a.Username)
			if err == nil {
				if err := tx.SetPassword(ctx, existing.ID, hash, now); err != nil {
					return err
				}
				continue
			}
			if !fault.Is(err, fault.NotFound) {
				return err
			}
			u := access.User{Username: a.Username, DisplayName: "Demo " + a.Username, Roles: a.Roles}
			switch a.Roles[0] {
			case access.Handler:
				// The handler also works the public complaints queue.
				u.UnitIDs = append(slices.Clone(allUnits[:min(3, len(allUnits))]), intakeUnits...)
			case access.Investigator, access.Supervisor:
				u.UnitIDs = allUnits[:min(3, len(allUnits))]
			case access.Authority, access.PSDHead:
				u.UnitIDs = append(slices.Clone(allUnits), intakeUnits...)
			}
			if err := tx.CreateUser(ctx, &u, hash, now); err != nil {
				return fmt.Errorf("creating demo account %s: %w", a.Username, err)
			}
		}
		return nil
	})
}
