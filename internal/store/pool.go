package store

import "database/sql"

// PoolStats are the connection pools' figures for monitoring: "write"
// and "read" for SQLite (one writer, many readers), "primary" for
// PostgreSQL, where one pool does both.
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.read.DB == db.write {
		return map[string]sql.DBStats{"primary": db.write.Stats()}
	}
	return map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
}
