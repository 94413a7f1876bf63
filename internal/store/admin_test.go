package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func seedUser(t *testing.T, db *store.DB, username string, units ...string) access.User {
	t.Helper()
	u := access.User{Username: username, DisplayName: "User " + username, Roles: []access.Role{access.Handler, access.Auditor}, UnitIDs: units}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u, "x", now) }); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUnitsAndTokensOfAccounts: an account's units are replaced as a
// whole; its tokens are listed without secrets, revoked once, only
// through their own account, and stop authenticating when revoked.
func TestUnitsAndTokensOfAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		force, units := seedForce(t, db)
		u := seedUser(t, db, "sam", units[0].ID)
		other := seedUser(t, db, "kim")
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.SetUnits(ctx, u.ID, []string{units[1].ID}) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.UserByID(ctx, u.ID)
		if err != nil || !slices.Equal(got.UnitIDs, []string{units[1].ID}) {
			t.Errorf("units after the change: %v %v", got.UnitIDs, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.SetUnits(ctx, u.ID, []string{"aaaaaaaaaaaaaaaaaaaaaaaaaa"}) })
		if !fault.Is(err, fault.Invalid) {
			t.Errorf("an unknown unit: %v, want invalid", err)
		}

		exp := now.Add(24 * time.Hour)
		tok := store.APIToken{UserID: u.ID, Name: "export job", Roles: []access.Role{access.Auditor}, CreatedAt: now, ExpiresAt: &exp}
		token, hash := access.NewToken("prt_")
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAPIToken(ctx, &tok, hash) }); err != nil {
			t.Fatal(err)
		}
		list, err := db.APITokens(ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].Name != "export job" || !slices.Equal(list[0].Roles, tok.Roles) ||
			list[0].RevokedAt != nil || !list[0].Live(now) || list[0].Live(exp) {
			t.Fatalf("listed tokens: %+v %v", list, err)
		}
		if _, err := db.APITokenByHash(ctx, access.HashToken(token), now); err != nil {
			t.Fatalf("the live token: %v", err)
		}
		revoke := func(userID string) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.RevokeAPIToken(ctx, userID, tok.ID, now)
				return err
			})
		}
		if err := revoke(other.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("revoking through another account: %v, want not found", err)
		}
		if err := revoke(u.ID); err != nil {
			t.Fatal(err)
		}
		if err := revoke(u.ID); !fault.Is(err, fault.Conflict) {
			t.Errorf("revoking twice: %v, want conflict", err)
		}
		if _, err := db.APITokenByHash(ctx, access.HashToken(token), now); !fault.Is(err, fault.Unauthenticated) {
			t.Errorf("the revoked token still authenticates: %v", err)
		}
		list, _ = db.APITokens(ctx, u.ID)
		if len(list) != 1 || list[0].RevokedAt == nil || list[0].Live(now) {
			t.Errorf("after revoking: %+v", list)
		}

		all, err := db.AllUnits(ctx)
		if err != nil || len(all) != 2 || all[0].ForceName != force.Name || all[0].Code != "N" {
			t.Errorf("all units: %+v %v", all, err)
		}
	})
}

// TestAuditLookupsInWords: records are found by what people call them and
// named back; the date range bounds entries; the chain's state and a
// verification through the server's own log read what was written.
func TestAuditLookupsInWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.UseAuditLog(store.NewAuditLog(db, auditSigner(t), 3))
		force, units := seedForce(t, db)
		u := seedUser(t, db, "sam")
		o := officers.Officer{ForceID: force.ID, CollarNumber: "4711", FamilyName: "Carter", Rank: "constable", UnitID: units[0].ID,
			JoinedOn: day("2015-09-01")}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, now) }); err != nil {
			t.Fatal(err)
		}
		if got, err := db.RecordIDByWords(ctx, store.RecordOfficer, "4711"); err != nil || got != o.ID {
			t.Errorf("officer 4711: %q %v", got, err)
		}
		if _, err := db.RecordIDByWords(ctx, store.RecordCase, "CO/2026/999999"); !fault.Is(err, fault.NotFound) {
			t.Errorf("an unknown case: %v, want not found", err)
		}
		if _, err := db.RecordIDByWords(ctx, "vehicle", "x"); !fault.Is(err, fault.Invalid) {
			t.Errorf("an unknown kind: %v, want invalid", err)
		}
		names, err := db.RecordNames(ctx, map[string][]string{"user": {u.ID, "aaaaaaaaaaaaaaaaaaaaaaaaaa"}, "unit": {units[1].ID}})
		if err != nil || names["user"][u.ID] != "sam" || len(names["user"]) != 1 || names["unit"][units[1].ID] != "South" {
			t.Errorf("names: %v %v", names, err)
		}

		for i, at := range []time.Time{day("2026-05-01"), day("2026-05-02").Add(23 * time.Hour), day("2026-05-03")} {
			e := &audit.Entry{At: at, ActorID: u.ID, ActorName: "sam", Action: audit.Consult, RecordType: "officer", RecordID: o.ID,
				Outcome: audit.Success, Reason: "look " + string(rune('a'+i))}
			if err := db.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		page, err := db.AuditEntries(ctx, store.AuditFilter{RecordID: o.ID, From: day("2026-05-02"), To: day("2026-05-03")})
		if err != nil || len(page.Entries) != 1 || page.Entries[0].Reason != "look b" {
			t.Errorf("entries of 2 May: %+v %v", page.Entries, err)
		}

		st, err := db.AuditChainState(ctx)
		if err != nil || st.Head.Seq != 3 || st.Checkpoint == nil || st.Checkpoint.Seq != 3 || st.Checkpoint.Hash != st.Head.Hash {
			t.Errorf("chain state: %+v %v", st, err)
		}
		rep, err := db.VerifyOwnAudit(ctx)
		if err != nil || !rep.OK || rep.Entries != 3 {
			t.Errorf("verification: %+v %v", rep, err)
		}
	})
}

// TestUsersListsEveryAccountAsReadOneByOne: the whole list, read in three
// queries, holds for each account exactly what reading it alone gives,
// in username order, with roles and units.
func TestUsersListsEveryAccountAsReadOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, units := seedForce(t, db)
		seedUser(t, db, "sam", units[0].ID, units[1].ID)
		seedUser(t, db, "alex")
		kim := access.User{Username: "kim", DisplayName: "Kim", Roles: []access.Role{access.Oversight}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &kim, "x", now) }); err != nil {
			t.Fatal(err)
		}
		list, err := db.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range list {
			names = append(names, u.Username)
			one, err := db.UserByID(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if one.Username != u.Username || one.DisplayName != u.DisplayName || one.Disabled != u.Disabled || !one.CreatedAt.Equal(u.CreatedAt) ||
				!slices.Equal(one.Roles, u.Roles) || !slices.Equal(one.UnitIDs, u.UnitIDs) || one.OfficerID != u.OfficerID {
				t.Errorf("%s in the list: %+v; alone: %+v", u.Username, u, one)
			}
		}
		if !slices.IsSorted(names) || !slices.Contains(names, "sam") || !slices.Contains(names, "alex") || !slices.Contains(names, "kim") {
			t.Errorf("users %v", names)
		}
		for _, u := range list {
			if u.Username == "sam" && len(u.UnitIDs) != 2 {
				t.Errorf("sam's units: %v", u.UnitIDs)
			}
		}
	})
}
