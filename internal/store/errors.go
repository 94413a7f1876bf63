package store

import "database/sql"

var sqlErrNoRows = sql.ErrNoRows
