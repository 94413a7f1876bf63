package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
)

// openPool opens a database/sql pool on the named driver whose every
// error passes through classify (faults.go). Classifying in the driver,
// under database/sql, rather than at each of the store's calls, means no
// path can miss it: a write outside a transaction, a read, a row scanned
// after its query started, a commit, a connection the pool opens. The
// pool is used exactly as sql.Open's would be. observe, when not nil, is
// told of each statement before it runs (Options.OnStatement).
func openPool(name, dsn string, observe func(query string, args []driver.NamedValue)) (*sql.DB, error) {
	probe, err := sql.Open(name, dsn)
	if err != nil {
		return nil, err
	}
	d := probe.Driver()
	_ = probe.Close()
	var c driver.Connector
	if dc, ok := d.(driver.DriverContext); ok {
		if c, err = dc.OpenConnector(dsn); err != nil {
			return nil, err
		}
	} else {
		c = dsnConnector{dsn: dsn, d: d}
	}
	return sql.OpenDB(faultConnector{c: c, observe: observe}), nil
}

// dsnConnector is database/sql's own connector for a driver that has
// none: Open with the DSN.
type dsnConnector struct {
	dsn string
	d   driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

type faultConnector struct {
	c       driver.Connector
	observe func(query string, args []driver.NamedValue)
}

func (f faultConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := f.c.Connect(ctx)
	if err != nil {
		return nil, classify(err)
	}
	return &faultConn{c: c, observe: f.observe}, nil
}

func (f faultConnector) Driver() driver.Driver { return f.c.Driver() }

// Close closes the driver's connector when it holds something open.
func (f faultConnector) Close() error {
	if c, ok := f.c.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// faultConn forwards every call to the driver's connection and classifies
// its errors. Where the driver lacks an optional interface, it answers as
// database/sql would have without one (driver.ErrSkip, a plain Prepare or
// Begin, no check), so the pool behaves exactly as it would unwrapped.
type faultConn struct {
	c       driver.Conn
	observe func(query string, args []driver.NamedValue)
}

var (
	_ driver.Conn               = (*faultConn)(nil)
	_ driver.ConnPrepareContext = (*faultConn)(nil)
	_ driver.ConnBeginTx        = (*faultConn)(nil)
	_ driver.ExecerContext      = (*faultConn)(nil)
	_ driver.QueryerContext     = (*faultConn)(nil)
	_ driver.Pinger             = (*faultConn)(nil)
	_ driver.SessionResetter    = (*faultConn)(nil)
	_ driver.Validator          = (*faultConn)(nil)
	_ driver.NamedValueChecker  = (*faultConn)(nil)
)

func (f *faultConn) Prepare(query string) (driver.Stmt, error) {
	return f.PrepareContext(context.Background(), query)
}

func (f *faultConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var s driver.Stmt
	var err error
	if p, ok := f.c.(driver.ConnPrepareContext); ok {
		s, err = p.PrepareContext(ctx, query)
	} else {
		s, err = f.c.Prepare(query)
	}
	if err != nil {
		return nil, classify(err)
	}
	return &faultStmt{s: s, conn: f.c, query: query, observe: f.observe}, nil
}

func (f *faultConn) Close() error { return classify(f.c.Close()) }

func (f *faultConn) Begin() (driver.Tx, error) {
	return f.BeginTx(context.Background(), driver.TxOptions{})
}

func (f *faultConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var t driver.Tx
	var err error
	if b, ok := f.c.(driver.ConnBeginTx); ok {
		t, err = b.BeginTx(ctx, opts)
	} else {
		if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) || opts.ReadOnly {
			return nil, errors.New("sql: driver does not support non-default isolation level or read-only transactions")
		}
		//lint:ignore SA1019 the fallback database/sql itself uses for a driver without BeginTx
		t, err = f.c.Begin()
	}
	if err != nil {
		return nil, classify(err)
	}
	return faultTx{t}, nil
}

func (f *faultConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := f.c.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	if f.observe != nil {
		f.observe(query, args)
	}
	r, err := e.ExecContext(ctx, query, args)
	return r, classify(err)
}

func (f *faultConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := f.c.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	if f.observe != nil {
		f.observe(query, args)
	}
	r, err := q.QueryContext(ctx, query, args)
	if err != nil {
		return nil, classify(err)
	}
	return wrapRows(r), nil
}

func (f *faultConn) Ping(ctx context.Context) error {
	if p, ok := f.c.(driver.Pinger); ok {
		return classify(p.Ping(ctx))
	}
	return nil
}

func (f *faultConn) ResetSession(ctx context.Context) error {
	if r, ok := f.c.(driver.SessionResetter); ok {
		return classify(r.ResetSession(ctx))
	}
	return nil
}

func (f *faultConn) IsValid() bool {
	if v, ok := f.c.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (f *faultConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := f.c.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type faultTx struct{ t driver.Tx }

func (f faultTx) Commit() error   { return classify(f.t.Commit()) }
func (f faultTx) Rollback() error { return classify(f.t.Rollback()) }

// faultStmt is a prepared statement whose errors are classified. The
// argument check follows database/sql's order: the statement's own
// checker, then its connection's, then the default. (Neither driver's
// statements are column converters, the older form of the check.)
type faultStmt struct {
	s       driver.Stmt
	conn    driver.Conn
	query   string
	observe func(query string, args []driver.NamedValue)
}

var (
	_ driver.StmtExecContext   = (*faultStmt)(nil)
	_ driver.StmtQueryContext  = (*faultStmt)(nil)
	_ driver.NamedValueChecker = (*faultStmt)(nil)
)

func (f *faultStmt) Close() error  { return classify(f.s.Close()) }
func (f *faultStmt) NumInput() int { return f.s.NumInput() }

func (f *faultStmt) Exec(args []driver.Value) (driver.Result, error) {
	//lint:ignore SA1019 forwarded, for a driver without ExecContext
	r, err := f.s.Exec(args)
	return r, classify(err)
}

func (f *faultStmt) Query(args []driver.Value) (driver.Rows, error) {
	//lint:ignore SA1019 forwarded, for a driver without QueryContext
	r, err := f.s.Query(args)
	if err != nil {
		return nil, classify(err)
	}
	return wrapRows(r), nil
}

func (f *faultStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if f.observe != nil {
		f.observe(f.query, args)
	}
	if e, ok := f.s.(driver.StmtExecContext); ok {
		r, err := e.ExecContext(ctx, args)
		return r, classify(err)
	}
	values, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	return f.Exec(values)
}

func (f *faultStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if f.observe != nil {
		f.observe(f.query, args)
	}
	if q, ok := f.s.(driver.StmtQueryContext); ok {
		r, err := q.QueryContext(ctx, args)
		if err != nil {
			return nil, classify(err)
		}
		return wrapRows(r), nil
	}
	values, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	return f.Query(values)
}

func (f *faultStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := f.s.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	if c, ok := f.conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func namedToValues(named []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, errors.New("sql: driver does not support the use of Named Parameters")
		}
		out[i] = nv.Value
	}
	return out, nil
}

// faultRows classifies the errors of reading rows: a connection that
// drops while a result streams in fails at Next, not at the query.
// io.EOF, the end of the rows, passes through as it is (classify leaves
// it alone).
type faultRows struct{ r driver.Rows }

var (
	_ driver.RowsColumnTypeScanType         = faultRows{}
	_ driver.RowsColumnTypeDatabaseTypeName = faultRows{}
	_ driver.RowsColumnTypeLength           = faultRows{}
	_ driver.RowsColumnTypeNullable         = faultRows{}
	_ driver.RowsColumnTypePrecisionScale   = faultRows{}
	_ driver.RowsNextResultSet              = faultRows{}
)

func wrapRows(r driver.Rows) driver.Rows { return faultRows{r} }

func (f faultRows) Columns() []string              { return f.r.Columns() }
func (f faultRows) Close() error                   { return classify(f.r.Close()) }
func (f faultRows) Next(dest []driver.Value) error { return classify(f.r.Next(dest)) }

func (f faultRows) HasNextResultSet() bool {
	if n, ok := f.r.(driver.RowsNextResultSet); ok {
		return n.HasNextResultSet()
	}
	return false
}

func (f faultRows) NextResultSet() error {
	if n, ok := f.r.(driver.RowsNextResultSet); ok {
		return classify(n.NextResultSet())
	}
	return errors.New("sql: driver does not support multiple result sets")
}

func (f faultRows) ColumnTypeScanType(i int) reflect.Type {
	if c, ok := f.r.(driver.RowsColumnTypeScanType); ok {
		return c.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (f faultRows) ColumnTypeDatabaseTypeName(i int) string {
	if c, ok := f.r.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return c.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (f faultRows) ColumnTypeLength(i int) (int64, bool) {
	if c, ok := f.r.(driver.RowsColumnTypeLength); ok {
		return c.ColumnTypeLength(i)
	}
	return 0, false
}

func (f faultRows) ColumnTypeNullable(i int) (bool, bool) {
	if c, ok := f.r.(driver.RowsColumnTypeNullable); ok {
		return c.ColumnTypeNullable(i)
	}
	return false, false
}

func (f faultRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if c, ok := f.r.(driver.RowsColumnTypePrecisionScale); ok {
		return c.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
