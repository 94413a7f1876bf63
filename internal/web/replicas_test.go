package web_test

import (
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestReplicaReadsFollowTheirWriter runs against the streaming replica
// ./scripts/test starts: the case list is served by the replica, except to
// a user who has just written and whose write the replica has not yet
// replayed: that user's list comes from the primary, while others' lists
// still come from the replica.
func TestReplicaReadsFollowTheirWriter(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	replicaURL := storetest.OnReplica(t, loc)
	db := storetest.Open(t, loc)
	f := newFixture(t, db, true)
	if err := db.AddReplicas(ctx, []string{replicaURL}, store.ReplicaOptions{}); err != nil {
		t.Fatal(err)
	}
	writer, other := f.login(t, access.Handler), f.login(t, access.PSDHead)
	list := func(c *client) (primary, replica uint64) {
		t.Helper()
		before := maps.Clone(db.RoutedReads())
		if rec := c.do(t, "GET", "/api/v1/cases", "", ""); rec.Code != 200 {
			t.Fatalf("case list: %d %s", rec.Code, rec.Body)
		}
		after := db.RoutedReads()
		return after["primary"] - before["primary"], after["replica-1"] - before["replica-1"]
	}

	storetest.CaughtUp(t, db)
	if p, r := list(writer); p != 0 || r == 0 {
		t.Errorf("a caller with nothing to see of their own: %d reads on the primary, %d on the replica", p, r)
	}
	storetest.CaughtUp(t, db)
	if rec := writer.do(t, "POST", "/api/v1/cases/"+f.cases[relOwn]+"/notes", "application/json", `{"text":"seen at once"}`); rec.Code != 201 {
		t.Fatalf("note: %d %s", rec.Code, rec.Body)
	}
	// No poll since the note: no replica is known to hold it.
	if p, r := list(writer); p == 0 || r != 0 {
		t.Errorf("the writer's next list: %d reads on the primary, %d on the replica; want the primary", p, r)
	}
	if p, r := list(other); p != 0 || r == 0 {
		t.Errorf("another user's list: %d reads on the primary, %d on the replica; want the replica", p, r)
	}
	storetest.CaughtUp(t, db)
	if p, r := list(writer); p != 0 || r == 0 {
		t.Errorf("the writer's list once the replica has the note: %d reads on the primary, %d on the replica", p, r)
	}

	// /metrics reports the replica's pool, state and reads.
	m := f.login(t, access.Admin).do(t, "GET", "/metrics", "", "")
	body := m.Body.String()
	for _, want := range []string{
		`probity_db_connections_max{pool="replica-1"}`,
		`probity_db_connections_max{pool="primary"}`,
		`probity_db_replica_up{pool="replica-1"} 1`,
		`probity_db_replica_lag_seconds{pool="replica-1"}`,
		`probity_db_routed_reads_total{pool="primary"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !regexp.MustCompile(`probity_db_routed_reads_total\{pool="replica-1"\} [1-9]`).MatchString(body) {
		t.Errorf("metrics count no reads on the replica:\n%s", body)
	}
	checkExposition(t, body)
}
