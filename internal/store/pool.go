package store

import "database/sql"

// PoolStats are the connection pools' figures for monitoring: "write"
// and "read" for SQLite (one writer, many readers), "primary" for
// PostgreSQL, where one pool does both, and "replica-1", "replica-2", ...
// for its read replicas.
func (db *DB) PoolStats() map[string]sql.DBStats {
	out := map[string]sql.DBStats{}
	if db.read.DB == db.write {
		out["primary"] = db.write.Stats()
	} else {
		out["write"], out["read"] = db.write.Stats(), db.read.DB.Stats()
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
// writer connection). A store that batches its commits can report its
// batch queue here too.
func (db *DB) QueueDepths() map[string]int64 {
	return map[string]int64{"write": db.writeWaiting.Load()}
}
