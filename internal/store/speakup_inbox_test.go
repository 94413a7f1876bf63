package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestSpeakUpInboxPutsUnreadRepliesFirst: each guardian's inbox puts the
// reports whose reporter wrote after that guardian last read first, then
// the newest; reading a thread clears it for that guardian only, and a
// read mark never moves back.
func TestSpeakUpInboxPutsUnreadRepliesFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var g1, g2 access.User
		reports := map[string]string{} // name -> id
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, u := range []*access.User{&g1, &g2} {
				u.Username, u.DisplayName, u.Roles = "g"+string(rune('1'+i)), "Guardian", []access.Role{access.Guardian}
				if err := tx.CreateUser(ctx, u, "x", now); err != nil {
					return err
				}
			}
			for i, name := range []string{"old", "middle", "new"} {
				rep := speakup.Report{Category: "other", Anonymous: true, What: "report " + name}
				sum := sha256.Sum256([]byte(name))
				if err := tx.CreateSpeakUpReport(ctx, &rep, speakup.Identity{}, hex.EncodeToString(sum[:]), nil,
					now.AddDate(0, 0, i-3)); err != nil {
					return err
				}
				reports[name] = rep.ID
			}
			// The oldest report has a reporter's reply after a guardian's
			// answer.
			for _, m := range []speakup.ThreadMessage{
				{Message: speakup.Message{From: speakup.FromGuardian, At: now, Text: "Thank you."}, GuardianID: g1.ID},
				{Message: speakup.Message{From: speakup.FromReporter, At: now, Text: "More detail."}},
			} {
				if err := tx.AddSpeakUpMessage(ctx, reports["old"], &m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		order := func(userID string) (names []string, unread map[string]int, opened map[string]bool) {
			t.Helper()
			items, err := db.SpeakUpInbox(ctx, userID, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			unread, opened = map[string]int{}, map[string]bool{}
			for _, it := range items {
				for name, id := range reports {
					if id == it.ID {
						names = append(names, name)
						unread[name], opened[name] = it.Unread, it.Opened
					}
				}
				if it.What != "" {
					t.Errorf("the inbox carries a report's text")
				}
			}
			return names, unread, opened
		}
		names, unread, opened := order(g1.ID)
		if want := []string{"old", "new", "middle"}; !equal(names, want) || unread["old"] != 1 || unread["new"] != 0 || opened["old"] {
			t.Fatalf("inbox %v unread %v opened %v, want %v with one unread on old", names, unread, opened, want)
		}
		mark := func(userID, report string, seq int) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.MarkSpeakUpRead(ctx, reports[report], userID, seq) }); err != nil {
				t.Fatal(err)
			}
		}
		mark(g1.ID, "old", 2)
		mark(g1.ID, "old", 1) // an earlier page committing late
		names, unread, opened = order(g1.ID)
		if want := []string{"new", "middle", "old"}; !equal(names, want) || unread["old"] != 0 || !opened["old"] || opened["new"] {
			t.Fatalf("after reading: inbox %v unread %v opened %v, want %v", names, unread, opened, want)
		}
		if names, unread, _ := order(g2.ID); names[0] != "old" || unread["old"] != 1 {
			t.Fatalf("another guardian's inbox %v %v: one guardian's read is not another's", names, unread)
		}
		if items, err := db.SpeakUpInbox(ctx, g1.ID, speakup.StatusClosed, 0); err != nil || len(items) != 0 {
			t.Fatalf("closed reports: %v %v", items, err)
		}
	})
}

// TestSpeakUpRevealRequestsListed: a report's reveal requests come with
// their approvals and whether they were decided.
func TestSpeakUpRevealRequestsListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var us [3]access.User
		var rr speakup.RevealRequest
		var reportID string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range us {
				us[i] = access.User{Username: "g" + string(rune('a'+i)), DisplayName: "G", Roles: []access.Role{access.Guardian}}
				if err := tx.CreateUser(ctx, &us[i], "x", now); err != nil {
					return err
				}
			}
			rep := speakup.Report{Category: "other", What: "named report"}
			sum := sha256.Sum256([]byte("named"))
			if err := tx.CreateSpeakUpReport(ctx, &rep, speakup.Identity{Name: "Pat Reporter", Email: "pat@example.org"},
				hex.EncodeToString(sum[:]), nil, now); err != nil {
				return err
			}
			reportID = rep.ID
			rr = speakup.RevealRequest{ReportID: rep.ID, RequestedBy: us[0].ID, Reason: "a statement is needed", Recipient: "DI Marsh"}
			if err := tx.CreateRevealRequest(ctx, &rr, now); err != nil {
				return err
			}
			_, _, err := tx.ApproveReveal(ctx, rr.ID, us[1].ID, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.SpeakUpRevealRequests(ctx, reportID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != rr.ID || list[0].Recipient != "DI Marsh" || list[0].DecidedAt != nil ||
			!equal(list[0].Approvals, []string{us[1].ID}) {
			t.Fatalf("requests %+v", list)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, _, err := tx.ApproveReveal(ctx, rr.ID, us[2].ID, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if list, err = db.SpeakUpRevealRequests(ctx, reportID); err != nil || list[0].DecidedAt == nil || len(list[0].Approvals) != 2 {
			t.Fatalf("after the second approval: %+v %v", list, err)
		}
		if list, err = db.SpeakUpRevealRequests(ctx, "nonexistent"); err != nil || len(list) != 0 {
			t.Fatalf("no report: %v %v", list, err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
