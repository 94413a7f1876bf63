package store

import (
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPG opens a pool on a PostgreSQL server with Probity's session
// settings. JIT compilation is off unless the URL sets it (?jit=on):
// Probity's queries are short, and PostgreSQL would otherwise compile any
// whose estimated cost passes jit_above_cost, such as the case list's
// count with its need-to-know scope, spending some 90 ms of CPU on each
// to save a few.
func openPG(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	return sql.OpenDB(faultConnector{c: stdlib.GetConnector(*cfg)}), nil
}

// pgxConnOf is the pgx connection under one of a pool's driver
// connections (as sql.Conn.Raw hands it over), or nil on another driver.
func pgxConnOf(dc any) *pgx.Conn {
	if f, ok := dc.(*faultConn); ok {
		dc = f.c
	}
	if c, ok := dc.(*stdlib.Conn); ok {
		return c.Conn()
	}
	return nil
}
