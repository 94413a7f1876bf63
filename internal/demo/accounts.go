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
}

// Accounts lists the demo logins: one per role, named for the role.
func Accounts() []Account {
	out := make([]Account, len(access.Roles))
	for i, r := range access.Roles {
		out[i] = Account{Username: string(r), Roles: []access.Role{r}}
	}
	return out
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
