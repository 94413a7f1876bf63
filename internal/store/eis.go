package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// EISData reads every officer and every allegation against one into the
// early-intervention system's dataset. It streams two queries rather than
// loading records one by one: a national force has ~100,000 officers and
// a few hundred thousand allegations.
//
// At national scale the allegations' join is most of the cost, so the
// engine is asked for as little as gives the same dataset: the small
// category tables are read once and applied here rather than joined to
// every row, and on PostgreSQL the case is looked up only for an
// allegation with no date of its own (its date is the case's), rather
// than every case being joined. The officers are read on a second
// connection while the engine works on the allegations.
func (db *DB) EISData(ctx context.Context) (eis.Dataset, error) {
	var ds eis.Dataset
	tax, err := db.eisTaxonomy(ctx)
	if err != nil {
		return ds, err
	}
	// The officers are read on a second connection meanwhile; every
	// return waits for that read to end.
	ctx, cancel := context.WithCancel(ctx)
	var officers []eis.Officer
	var index map[string]int32
	var officersErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		officers, index, officersErr = db.eisOfficers(ctx)
	}()
	defer func() {
		cancel()
		<-read
	}()
	// The allegation's own date when known, else the day its case arose.
	arose, cases := "c.arose_on", "JOIN cases c ON c.id = a.case_id"
	if db.dialect == Postgres {
		// A join would hash every case in the nation (PostgreSQL plans
		// it as one); the case's date is needed only without the
		// allegation's. allegations.case_id is NOT NULL and references
		// cases, so the join never dropped a row.
		arose, cases = "CASE WHEN a.occurred_on IS NULL THEN (SELECT c.arose_on FROM cases c WHERE c.id = a.case_id) END", ""
	}
	query := `SELECT s.officer_id, a.case_id, a.occurred_on, ` + arose + `, a.taxonomy_version,
		COALESCE(a.category, ''), COALESCE(a.subcategory, ''), a.domestic_abuse, s.finding
		FROM subjects s
		JOIN allegations a ON a.id = s.allegation_id ` + cases
	// start waits for the officers, which the rows name by id.
	start := func() (*eisReader, error) {
		<-read
		if officersErr != nil {
			return nil, fmt.Errorf("reading officers for early intervention: %w", officersErr)
		}
		ds.Officers = officers
		return &eisReader{ds: &ds, index: index, kinds: eisKinds{tax: tax, seen: map[string]eisKind{}}, findings: map[string]string{}}, nil
	}
	if db.dialect == Postgres {
		err = db.eisAllegationsPG(ctx, query, start)
	} else {
		err = db.eisAllegations(ctx, query, start)
	}
	if err != nil {
		return ds, err
	}
	return ds, ds.Prepare()
}

// eisAllegations reads the allegations through database/sql, adding them
// with the reader start returns.
func (db *DB) eisAllegations(ctx context.Context, query string, start func() (*eisReader, error)) error {
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("reading allegations for early intervention: %w", err)
	}
	defer rows.Close()
	r, err := start()
	if err != nil {
		return err
	}
	var officerID, caseID, taxonomy, category, subcategory, finding sql.RawBytes
	var occurred, arose sql.NullTime
	var domestic bool
	for rows.Next() {
		if err := rows.Scan(&officerID, &caseID, &occurred, &arose, &taxonomy, &category, &subcategory, &domestic, &finding); err != nil {
			return fmt.Errorf("reading allegations for early intervention: %w", err)
		}
		on := occurred
		if !on.Valid {
			on = arose
		}
		if err := r.add(officerID, caseID, on, taxonomy, category, subcategory, domestic, finding); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading allegations for early intervention: %w", err)
	}
	return nil
}

// eisAllegationsPG reads the allegations straight from pgx, whose rows
// hold each value as bytes: through database/sql every text value would
// become a string of its own and an interface around it, some two and a
// half million allocations for a nation, most of them thrown away at once
// (a category, a finding, an officer's id only looked up).
func (db *DB) eisAllegationsPG(ctx context.Context, query string, start func() (*eisReader, error)) error {
	err := db.pgxRows(ctx, query, 9, func(types *pgtype.Map, fields []pgconn.FieldDescription, rows pgx.Rows) error {
		r, err := start()
		if err != nil {
			return err
		}
		var occurred, arose pgtype.Date
		var domestic bool
		scanOccurred := types.PlanScan(fields[2].DataTypeOID, fields[2].Format, &occurred)
		scanArose := types.PlanScan(fields[3].DataTypeOID, fields[3].Format, &arose)
		scanDomestic := types.PlanScan(fields[7].DataTypeOID, fields[7].Format, &domestic)
		for rows.Next() {
			v := rows.RawValues()
			if err := scanOccurred.Scan(v[2], &occurred); err != nil {
				return err
			}
			if err := scanArose.Scan(v[3], &arose); err != nil {
				return err
			}
			if err := scanDomestic.Scan(v[7], &domestic); err != nil {
				return err
			}
			on := sql.NullTime{Time: occurred.Time, Valid: occurred.Valid}
			if !on.Valid {
				on = sql.NullTime{Time: arose.Time, Valid: arose.Valid}
			}
			if err := r.add(v[0], v[1], on, v[4], v[5], v[6], domestic, v[8]); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errNotPgx) {
		// A pool on another driver (none today): the general path.
		return db.eisAllegations(ctx, query, start)
	}
	if err != nil {
		return fmt.Errorf("reading allegations for early intervention: %w", err)
	}
	return nil
}

var errNotPgx = errors.New("not a pgx connection")

// pgxRows runs query on a reader's pgx connection and hands each its rows,
// their columns (there must be columns of them) and the connection's type
// map, for a read that decodes values from pgx's bytes itself. It answers
// errNotPgx when the pool is on another driver.
func (db *DB) pgxRows(ctx context.Context, query string, columns int, each func(*pgtype.Map, []pgconn.FieldDescription, pgx.Rows) error) error {
	conn, err := db.read.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := pgxConnOf(dc)
		if pc == nil {
			return errNotPgx
		}
		rows, err := pc.Query(ctx, query)
		if err != nil {
			return classify(err)
		}
		defer rows.Close()
		fields := rows.FieldDescriptions()
		if len(fields) != columns {
			return fmt.Errorf("%d columns, want %d", len(fields), columns)
		}
		if err := each(pc.TypeMap(), fields, rows); err != nil {
			return err
		}
		return classify(rows.Err())
	})
}

// eisReader adds allegation rows to a dataset. It takes each text value
// as bytes, valid only until the next row, and keeps a string only for
// what the dataset holds: the case id, and one copy of each category,
// concern and finding.
type eisReader struct {
	ds       *eis.Dataset
	index    map[string]int32 // officer id: index in ds.Officers
	kinds    eisKinds
	findings map[string]string
}

func (r *eisReader) add(officerID, caseID []byte, on sql.NullTime, taxonomy, category, subcategory []byte, domestic bool, finding []byte) error {
	oi, ok := r.index[string(officerID)]
	if !ok {
		return nil // an officer added since the officers were read
	}
	if !on.Valid {
		return fmt.Errorf("reading allegations for early intervention: an allegation on case %s has no date", caseID)
	}
	k := r.kinds.of(taxonomy, category, subcategory, domestic)
	// A few findings recur across hundreds of thousands of rows.
	f, ok := r.findings[string(finding)]
	if !ok {
		f = string(finding)
		r.findings[f] = f
	}
	r.ds.Allegations = append(r.ds.Allegations, eis.Allegation{Officer: oi, Case: string(caseID), On: eis.DayOf(on.Time),
		Category: k.category, Subcategory: k.subcategory, Concern: k.concern, UseOfForce: k.useOfForce, Finding: f})
	return nil
}

// eisOfficersSQL reads every officer for the early-intervention dataset.
const eisOfficersSQL = `SELECT o.id, f.code, o.collar_number, COALESCE(o.unit_id, ''), o.rank, o.sex, o.ethnicity,
	o.joined_on, o.left_on, o.joined_on_known, o.ethnicity_group
	FROM officers o JOIN forces f ON f.id = o.force_id`

// eisOfficers reads every officer, and indexes them by id.
func (db *DB) eisOfficers(ctx context.Context) ([]eis.Officer, map[string]int32, error) {
	r := eisOfficerReader{index: map[string]int32{}, words: map[string]string{}}
	if db.dialect == Postgres {
		err := db.eisOfficersPG(ctx, &r)
		if !errors.Is(err, errNotPgx) {
			return r.officers, r.index, err
		}
	}
	rows, err := db.read.QueryContext(ctx, eisOfficersSQL)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var id, force, collar, unit, rank, sex, ethnicity, group sql.RawBytes
	var joined time.Time
	var left sql.NullTime
	var joinedKnown bool
	for rows.Next() {
		if err := rows.Scan(&id, &force, &collar, &unit, &rank, &sex, &ethnicity, &joined, &left, &joinedKnown, &group); err != nil {
			return nil, nil, err
		}
		r.add(id, force, collar, unit, rank, sex, ethnicity, group, joined, left, joinedKnown)
	}
	return r.officers, r.index, rows.Err()
}

// eisOfficersPG reads every officer straight from pgx's row bytes, as
// eisAllegationsPG reads the allegations.
func (db *DB) eisOfficersPG(ctx context.Context, r *eisOfficerReader) error {
	return db.pgxRows(ctx, eisOfficersSQL, 11, func(types *pgtype.Map, fields []pgconn.FieldDescription, rows pgx.Rows) error {
		var joined, left pgtype.Date
		var joinedKnown bool
		scanJoined := types.PlanScan(fields[7].DataTypeOID, fields[7].Format, &joined)
		scanLeft := types.PlanScan(fields[8].DataTypeOID, fields[8].Format, &left)
		scanKnown := types.PlanScan(fields[9].DataTypeOID, fields[9].Format, &joinedKnown)
		for rows.Next() {
			v := rows.RawValues()
			if err := scanJoined.Scan(v[7], &joined); err != nil {
				return err
			}
			if err := scanLeft.Scan(v[8], &left); err != nil {
				return err
			}
			if err := scanKnown.Scan(v[9], &joinedKnown); err != nil {
				return err
			}
			if !joined.Valid {
				return fmt.Errorf("officer %s has no joining date", v[0])
			}
			r.add(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[10], joined.Time, sql.NullTime{Time: left.Time, Valid: left.Valid}, joinedKnown)
		}
		return nil
	})
}

// eisOfficerReader adds officer rows, given as bytes valid until the next
// row. An officer's id and key are strings of their own; the force, unit,
// rank, sex and ethnicity, which a nation's officers share, are kept once
// each.
type eisOfficerReader struct {
	officers []eis.Officer
	index    map[string]int32
	words    map[string]string
}

func (r *eisOfficerReader) add(id, force, collar, unit, rank, sex, ethnicity, group []byte, joined time.Time, left sql.NullTime, joinedKnown bool) {
	o := eis.Officer{ID: string(id), Force: r.word(force), Unit: r.word(unit), Rank: r.word(rank), Sex: r.word(sex),
		Ethnicity: r.word(ethnicity), EthnicityGroup: r.word(group)}
	o.Key = o.Force + "/" + string(collar)
	o.Joined, o.Left = eis.DayOf(joined), eis.NoDay
	if !joinedKnown {
		// An import with no joining date fills joined_on with the
		// first allegation's date (docs/importing.md): read as one it
		// would tell a supervisor that an officer of many years had
		// days of service.
		o.Joined = eis.NoDay
	}
	if left.Valid {
		o.Left = eis.DayOf(left.Time)
	}
	r.index[o.ID] = int32(len(r.officers))
	r.officers = append(r.officers, o)
}

// word is b as a string, one copy for each value however many rows hold it.
func (r *eisOfficerReader) word(b []byte) string {
	if w, ok := r.words[string(b)]; ok {
		return w
	}
	w := string(b)
	r.words[w] = w
	return w
}

// eisTaxonomy is what the early-intervention system takes from the
// complaint categories: each category's and sub-category's concern, and
// which sub-categories are uses of force, by taxonomy version.
type eisTaxonomy struct {
	categories    map[[2]string]string // taxonomy version, code: concern
	subcategories map[[3]string]eisSubcategory
}

type eisSubcategory struct {
	concern    string
	useOfForce bool
}

func (db *DB) eisTaxonomy(ctx context.Context) (eisTaxonomy, error) {
	tax := eisTaxonomy{categories: map[[2]string]string{}, subcategories: map[[3]string]eisSubcategory{}}
	rows, err := db.read.QueryContext(ctx, `SELECT taxonomy_version, code, concern FROM complaint_categories`)
	if err != nil {
		return tax, fmt.Errorf("reading complaint categories for early intervention: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var version, code, concern string
		err := r.Scan(&version, &code, &concern)
		tax.categories[[2]string{version, code}] = concern
		return struct{}{}, err
	})
	if err != nil {
		return tax, fmt.Errorf("reading complaint categories for early intervention: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT taxonomy_version, category_code, code, concern, use_of_force FROM complaint_subcategories`)
	if err != nil {
		return tax, fmt.Errorf("reading complaint sub-categories for early intervention: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var version, category, code string
		var sc eisSubcategory
		err := r.Scan(&version, &category, &code, &sc.concern, &sc.useOfForce)
		tax.subcategories[[3]string{version, category, code}] = sc
		return struct{}{}, err
	})
	if err != nil {
		return tax, fmt.Errorf("reading complaint sub-categories for early intervention: %w", err)
	}
	return tax, nil
}

// eisKind is what an allegation's taxonomy version, category,
// sub-category and domestic-abuse flag make of it.
type eisKind struct {
	category, subcategory, concern string
	useOfForce                     bool
}

// eisKinds works out each combination once: a nation's allegations fall
// into a few dozen.
type eisKinds struct {
	tax  eisTaxonomy
	seen map[string]eisKind
	key  []byte
}

// of is the kind of an allegation. The concern of a sub-category (abuse
// of position for a sexual purpose) outranks its category's, and either
// outranks the domestic-abuse flag. An empty category or sub-category is
// one not recorded (NULL), which names no row of the taxonomy.
func (ks *eisKinds) of(version, category, subcategory []byte, domestic bool) eisKind {
	ks.key = append(append(append(append(append(ks.key[:0], version...), 0), category...), 0), subcategory...)
	ks.key = append(ks.key, 0)
	if domestic {
		ks.key[len(ks.key)-1] = 1
	}
	if k, ok := ks.seen[string(ks.key)]; ok {
		return k
	}
	v, c, sub := string(version), string(category), string(subcategory)
	k := eisKind{category: c, subcategory: sub}
	var sc eisSubcategory
	var catConcern string
	if c != "" {
		catConcern = ks.tax.categories[[2]string{v, c}]
		if sub != "" {
			sc = ks.tax.subcategories[[3]string{v, c, sub}]
		}
	}
	k.useOfForce = sc.useOfForce
	switch {
	case sc.concern != "":
		k.concern = sc.concern
	case catConcern != "":
		k.concern = catConcern
	case domestic:
		k.concern = "domestic abuse"
	}
	ks.seen[string(ks.key)] = k
	return k
}

// EISRun is one run or evaluation of the early-intervention system.
type EISRun struct {
	ID     string          `json:"id"`
	At     time.Time       `json:"at"`
	Kind   string          `json:"kind"` // run | evaluation
	Model  string          `json:"model"`
	Params json.RawMessage `json:"params"`
	Report json.RawMessage `json:"report,omitempty"`
}

// SaveEISRun stores a run or an evaluation.
func (tx *Tx) SaveEISRun(ctx context.Context, r *EISRun) error {
	if r.ID == "" {
		r.ID = id.New()
	}
	params, report := string(r.Params), string(r.Report)
	if params == "" {
		params = "{}"
	}
	if report == "" {
		report = "{}"
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO eis_runs (id, at, kind, model, params, report) VALUES ($1, $2, $3, $4, $5, $6)`,
		r.ID, r.At.UTC(), r.Kind, r.Model, params, report)
	if err != nil {
		return fmt.Errorf("saving early-intervention %s: %w", r.Kind, err)
	}
	return nil
}

// FlagRun is a run's outcome as saved: how many flags it raised, and how
// many it did not raise again because one for the same reason is open.
type FlagRun struct {
	Run          EISRun
	Raised, Kept int
	Scored       int
	AsOf, Note   string
}

// SaveFlagRun stores a run of the early-intervention system and the flags
// it raises, with an audit entry naming actor, in one transaction.
func (db *DB) SaveFlagRun(ctx context.Context, rep *eis.RunReport, params json.RawMessage, actor string, now time.Time) (FlagRun, error) {
	out := FlagRun{Run: EISRun{At: now, Kind: "run", Model: rep.Model.Kind, Params: params}, Scored: rep.Scored, AsOf: rep.AsOf, Note: rep.Note}
	err := db.InTx(ctx, func(tx *Tx) error {
		out.Raised, out.Kept = 0, 0
		if err := tx.SaveEISRun(ctx, &out.Run); err != nil {
			return err
		}
		for _, c := range rep.Candidates {
			fl := &eis.Flag{OfficerID: c.OfficerID, RunID: out.Run.ID, RaisedAt: now, Source: c.Source, RuleName: c.RuleName,
				Score: c.Score, Explanation: c.Explanation, UnitID: c.UnitID}
			ok, err := tx.RaiseFlag(ctx, fl)
			if err != nil {
				return err
			}
			if ok {
				out.Raised++
			} else {
				out.Kept++
			}
		}
		return tx.Audit(ctx, &audit.Entry{At: now, ActorName: actor, Action: audit.Collect, RecordType: "eis-run",
			RecordID: out.Run.ID, Outcome: audit.Success, Reason: fmt.Sprintf("scored %d officers as of %s; raised %d flags (%d already had one open)",
				rep.Scored, rep.AsOf, out.Raised, out.Kept)})
	})
	if err != nil {
		return out, fmt.Errorf("saving the early-intervention run: %w", err)
	}
	return out, nil
}

// LatestEISRun returns the latest run of the given kind.
func (db *DB) LatestEISRun(ctx context.Context, kind string) (EISRun, error) {
	var r EISRun
	var params, report string
	err := db.read.QueryRowContext(ctx, `SELECT id, at, kind, model, params, report FROM eis_runs WHERE kind = $1
		ORDER BY at DESC, id DESC LIMIT 1`, kind).Scan(&r.ID, &r.At, &r.Kind, &r.Model, &params, &report)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.Errorf(fault.NotFound, "no early-intervention %s yet", kind)
	}
	if err != nil {
		return r, fmt.Errorf("reading the latest early-intervention %s: %w", kind, err)
	}
	r.At = r.At.UTC()
	r.Params, r.Report = json.RawMessage(params), json.RawMessage(report)
	return r, nil
}

// RaiseFlag stores a new open flag unless the officer already has one not
// yet closed for the same reason; it reports whether it raised one.
func (tx *Tx) RaiseFlag(ctx context.Context, f *eis.Flag) (bool, error) {
	if f.ID == "" {
		f.ID = id.New()
	}
	f.State, f.Version, f.UpdatedAt = eis.FlagOpen, 1, f.RaisedAt
	ex, err := json.Marshal(f.Explanation)
	if err != nil {
		return false, err
	}
	// The partial unique index on (officer, source, rule) among flags not
	// closed makes a duplicate do nothing, even from two runs at once.
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO eis_flags (id, officer_id, run_id, raised_at, source, rule_name, score, explanation,
		state, intervention, unit_id, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $4, 1) ON CONFLICT DO NOTHING`,
		f.ID, f.OfficerID, f.RunID, f.RaisedAt.UTC(), f.Source, f.RuleName, f.Score, string(ex), f.State, nullString(f.UnitID))
	if err := constraintError(err, "flag already exists", "officer, run or unit not found"); err != nil {
		return false, fmt.Errorf("raising a flag on officer %s: %w", f.OfficerID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const flagColumns = `id, officer_id, run_id, raised_at, source, rule_name, score, explanation, state, intervention,
	COALESCE(unit_id, ''), updated_at, version`

func scanFlag(r interface{ Scan(...any) error }) (eis.Flag, error) {
	var f eis.Flag
	var ex string
	err := r.Scan(&f.ID, &f.OfficerID, &f.RunID, &f.RaisedAt, &f.Source, &f.RuleName, &f.Score, &ex, &f.State, &f.Intervention,
		&f.UnitID, &f.UpdatedAt, &f.Version)
	if err != nil {
		return f, err
	}
	f.RaisedAt, f.UpdatedAt = f.RaisedAt.UTC(), f.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(ex), &f.Explanation); err != nil {
		return f, fmt.Errorf("flag %s: explanation: %w", f.ID, err)
	}
	return f, nil
}

// Flag returns one flag with its notes.
func (db *DB) Flag(ctx context.Context, flagID string) (eis.Flag, error) {
	f, err := scanFlag(db.read.QueryRowContext(ctx, `SELECT `+flagColumns+` FROM eis_flags WHERE id = $1`, flagID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fault.Errorf(fault.NotFound, "flag not found")
	}
	if err != nil {
		return f, fmt.Errorf("reading flag %s: %w", flagID, err)
	}
	f.Notes, err = db.flagNotes(ctx, flagID)
	return f, err
}

func (db *DB) flagNotes(ctx context.Context, flagID string) ([]eis.FlagNote, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, flag_id, author_id, at, action, text FROM eis_flag_notes
		WHERE flag_id = $1 ORDER BY version, id`, flagID)
	if err != nil {
		return nil, fmt.Errorf("reading notes of flag %s: %w", flagID, err)
	}
	return collect(rows, func(r *sql.Rows) (n eis.FlagNote, err error) {
		err = r.Scan(&n.ID, &n.FlagID, &n.AuthorID, &n.At, &n.Action, &n.Text)
		n.At = n.At.UTC()
		return n, err
	})
}

// FlagQuery selects flags for a queue.
type FlagQuery struct {
	State string // "" for every state
	// Units limits the flags to these units when AllUnits is false.
	Units    []string
	AllUnits bool
	// ExcludeOfficerID leaves out the flags on this officer: the caller's
	// own record, which nobody may see flagged.
	ExcludeOfficerID string
	OfficerID        string    // "" for every officer
	After            *Position // resume after this flag; nil for the start
	Limit            int
}

// FlagPage is one page of flags.
type FlagPage struct {
	Items []eis.Flag
	More  bool // rows follow the last item
}

// FlagPosition is where a list of flags stands after f.
func FlagPosition(f eis.Flag) Position { return Position{At: f.RaisedAt, ID: f.ID} }

// Flags lists flags, newest first. The unit and officer conditions scope
// the query to what the caller may see; the caller still decides each
// flag with the access policy.
func (db *DB) Flags(ctx context.Context, q FlagQuery) (FlagPage, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	if !q.AllUnits && len(q.Units) == 0 {
		return FlagPage{}, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := []string{"1 = 1"}
	if q.State != "" {
		where = append(where, "state = "+arg(q.State))
	}
	if q.OfficerID != "" {
		where = append(where, "officer_id = "+arg(q.OfficerID))
	}
	if q.ExcludeOfficerID != "" {
		where = append(where, "officer_id <> "+arg(q.ExcludeOfficerID))
	}
	if !q.AllUnits {
		var ph []string
		for _, u := range q.Units {
			ph = append(ph, arg(u))
		}
		where = append(where, "unit_id IN ("+strings.Join(ph, ", ")+")")
	}
	if q.After != nil {
		a, b := arg(q.After.At.UTC()), arg(q.After.ID)
		where = append(where, "(raised_at < "+a+" OR (raised_at = "+a+" AND id > "+b+"))")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+flagColumns+` FROM eis_flags WHERE `+strings.Join(where, " AND ")+
		` ORDER BY raised_at DESC, id LIMIT `+arg(q.Limit+1), args...)
	if err != nil {
		return FlagPage{}, fmt.Errorf("listing flags: %w", err)
	}
	items, err := collect(rows, func(r *sql.Rows) (eis.Flag, error) { return scanFlag(r) })
	if err != nil {
		return FlagPage{}, fmt.Errorf("listing flags: %w", err)
	}
	page := FlagPage{Items: items}
	if len(items) > q.Limit {
		page.Items, page.More = items[:q.Limit], true
	}
	return page, nil
}

// SaveReview stores a reviewed flag and the reviewer's note, if the flag
// is still at the version the reviewer read: of two reviewers acting at
// once, one wins and the other is told the flag changed.
func (tx *Tx) SaveReview(ctx context.Context, f *eis.Flag, readVersion int, note *eis.FlagNote) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE eis_flags SET state = $1, intervention = $2, updated_at = $3, version = version + 1
		WHERE id = $4 AND version = $5`, f.State, f.Intervention, note.At.UTC(), f.ID, readVersion)
	if err != nil {
		return fmt.Errorf("saving review of flag %s: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.Conflict, "the flag changed since it was read; reload it and try again")
	}
	f.Version, f.UpdatedAt = readVersion+1, note.At.UTC()
	note.ID, note.FlagID = id.New(), f.ID
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO eis_flag_notes (id, flag_id, author_id, at, action, text, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, note.ID, note.FlagID, note.AuthorID, note.At.UTC(), note.Action, note.Text, f.Version)
	if err != nil {
		return fmt.Errorf("saving the note on flag %s: %w", f.ID, err)
	}
	f.Notes = append(f.Notes, *note)
	return nil
}

// FlagGroup counts serving officers and open flags in one group of a
// protected characteristic.
type FlagGroup struct {
	Attribute string `json:"attribute"` // sex | ethnicity
	Group     string `json:"group"`
	Officers  int    `json:"officers"`
	Flagged   int    `json:"flagged"` // officers with a flag not yet closed
}

// FlagGroups counts, by sex and by ethnicity where recorded, the serving
// officers and those with a flag not yet closed. Ethnicity is by the
// force's own groups when any officer has one (an import's mapping
// declared them), else by the ONS groups.
func (db *DB) FlagGroups(ctx context.Context, now time.Time) ([]FlagGroup, error) {
	var out []FlagGroup
	var ownGroups int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM officers WHERE ethnicity_group <> ''`).Scan(&ownGroups); err != nil {
		return nil, fmt.Errorf("counting officers in the force's ethnicity groups: %w", err)
	}
	ethnicity := "ethnicity"
	if ownGroups > 0 {
		ethnicity = "ethnicity_group"
	}
	for _, col := range []string{"sex", ethnicity} {
		attribute := col
		if col == ethnicity {
			attribute = "ethnicity"
		}
		rows, err := db.read.QueryContext(ctx, `SELECT o.`+col+`, COUNT(*),
			SUM(CASE WHEN EXISTS (SELECT 1 FROM eis_flags f WHERE f.officer_id = o.id AND f.state <> 'closed') THEN 1 ELSE 0 END)
			FROM officers o WHERE o.`+col+` <> '' AND (o.left_on IS NULL OR o.left_on > $1)
			GROUP BY o.`+col+` ORDER BY o.`+col, dateOnly(now))
		if err != nil {
			return nil, fmt.Errorf("counting flags by %s: %w", col, err)
		}
		groups, err := collect(rows, func(r *sql.Rows) (g FlagGroup, err error) {
			g.Attribute = attribute
			err = r.Scan(&g.Group, &g.Officers, &g.Flagged)
			return g, err
		})
		if err != nil {
			return nil, fmt.Errorf("counting flags by %s: %w", col, err)
		}
		out = append(out, groups...)
	}
	return out, nil
}
