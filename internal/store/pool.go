package store

import "database/sql"

// PoolStats are the connection pools' figures for monitoring: "write"
// and "read" for SQLite (one writer, many readers); for PostgreSQL
// "primary", where one pool does both, "references" (case references,
// taken outside the transactions that use them), "audit" (the group
// committer's connection), and "replica-1", "replica-2", ... for its read
// replicas.
func (db *DB) PoolStats() map[string]sql.DBStats {
	out := map[string]sql.DBStats{}
	if db.read.DB == db.write {
		out["primary"] = db.write.Stats()
	} else {
		out["write"], out["read"] = db.write.Stats(), db.read.DB.Stats()
	}
	if db.refs != nil {
		out["references"] = db.refs.Stats()
	}
	if db.groupPool != nil {
		out["audit"] = db.groupPool.Stats()
	}
	if db.replicas != nil {
		for _, r := range db.replicas.list {
			out[r.name] = r.db.Stats()
		}
	}
	return out
}

// QueueDepths are the queues of work waiting inside the store, by name:
// "write" counts the transactions waiting to begin (on SQLite, for its one
// writer connection); "group" the units handed to the group committer
// (audit entries of reads, and on SQLite intake) that it has yet to take.
func (db *DB) QueueDepths() map[string]int64 {
	return map[string]int64{"write": db.writeWaiting.Load(), "group": db.groupWaiting.Load()}
}
