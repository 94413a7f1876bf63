package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// nextReference allocates the next human reference for a kind and year.
// Two cases can never share a reference. On SQLite the counter row is
// updated inside the caller's transaction (there is one writer anyway),
// so a rolled-back case gives its number back. On PostgreSQL the number
// is taken in a transaction of its own on a pool kept for it, committed
// at once, like a sequence: every complaint would otherwise hold the
// counter's row lock, and so queue every other, for the whole of its
// transaction. A case that then rolls back leaves a gap.
func (tx *Tx) nextReference(ctx context.Context, k cases.Kind, year int) (string, error) {
	var q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	} = tx.tx
	if tx.db.refs != nil {
		q = tx.db.refs
	}
	var n int
	err := q.QueryRowContext(ctx, `INSERT INTO case_references (prefix, year, last_number) VALUES ($1, $2, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last_number = case_references.last_number + 1
		RETURNING last_number`, k.ReferencePrefix(), year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("allocating reference: %w", err)
	}
	return cases.FormatReference(k, year, n), nil
}

// CreateCase stores a validated, prepared case with its allegations,
// subjects and parties, gives it an id and a reference, and opens its
// timeline. Subjects and officer parties must be officers on record.
func (tx *Tx) CreateCase(ctx context.Context, c *cases.Case, actor string, now time.Time) error {
	if err := tx.checkOfficersExist(ctx, c); err != nil {
		return err
	}
	c.ID = id.New()
	now = now.UTC()
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	ref, err := tx.nextReference(ctx, c.Kind, c.ReceivedAt.UTC().Year())
	if err != nil {
		return err
	}
	c.Reference = ref
	if c.RelatedCaseID != "" {
		if err := tx.followEarlier(ctx, c); err != nil {
			return err
		}
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO cases
		(id, reference, kind, force_id, unit_id, state, rule_set, summary, arose_on, received_at, restricted, version, created_at, updated_at,
		 next_due_at, next_due_clock, handling_ground, investigation_exception, referral_ground, related_case_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18, $19)`,
		c.ID, c.Reference, string(c.Kind), c.ForceID, nullString(c.UnitID), string(c.State), c.RuleSet, c.Summary,
		dateOnly(c.AroseOn), c.ReceivedAt.UTC(), c.Restricted, c.Version, now, nullTime(c.NextDueAt), c.NextDueClock,
		c.HandlingGround, c.InvestigationException, c.ReferralGround, nullString(c.RelatedCaseID))
	if err := constraintError(err, "case reference already used", "force_id, unit_id or rule_set names no such record"); err != nil {
		return fmt.Errorf("recording case: %w", err)
	}
	for i := range c.Allegations {
		if err := tx.insertAllegation(ctx, c.ID, &c.Allegations[i]); err != nil {
			return fmt.Errorf("recording case %s allegation %d: %w", c.Reference, i+1, err)
		}
	}
	for _, p := range c.Parties {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO case_parties (id, case_id, role, person_id, officer_id)
			VALUES ($1, $2, $3, $4, $5)`, id.New(), c.ID, string(p.Role), nullString(p.PersonID), nullString(p.OfficerID))
		if err := constraintError(err, "party already recorded", "a party names no such person or officer"); err != nil {
			return fmt.Errorf("recording case %s parties: %w", c.Reference, err)
		}
	}
	recorded := cases.RecordedEvent(*c, now, actor)
	if err := tx.AppendEvent(ctx, c.ID, &recorded); err != nil {
		return err
	}
	if err := tx.openVettingReviews(ctx, c, now); err != nil {
		return fmt.Errorf("recording case %s: %w", c.Reference, err)
	}
	return tx.refreshSearch(ctx, c.ID)
}

// followEarlier applies the rule-set override for a matter related to an
// earlier case, reading the earlier case's state and rule set as they
// stand inside this transaction rather than as a caller reports them.
func (tx *Tx) followEarlier(ctx context.Context, c *cases.Case) error {
	var earlier cases.Case
	var kind, state string
	err := tx.tx.QueryRowContext(ctx, `SELECT id, kind, state, rule_set FROM cases WHERE id = $1`, c.RelatedCaseID).
		Scan(&earlier.ID, &kind, &state, &earlier.RuleSet)
	if errors.Is(err, sql.ErrNoRows) {
		var f fault.Fields
		f.Add("related_case_id", "names no case")
		return f.Err("invalid case")
	}
	if err != nil {
		return fmt.Errorf("reading the related case: %w", err)
	}
	earlier.Kind, earlier.State = cases.Kind(kind), cases.State(state)
	c.FollowEarlier(earlier)
	return nil
}

// checkOfficersExist names the field of any subject or party that is not
// an officer on record, so the caller learns which one is wrong rather
// than that some foreign key failed.
func (tx *Tx) checkOfficersExist(ctx context.Context, c *cases.Case) error {
	var f fault.Fields
	known := map[string]bool{}
	exists := func(officerID string) (bool, error) {
		if v, ok := known[officerID]; ok {
			return v, nil
		}
		var n int
		err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM officers WHERE id = $1`, officerID).Scan(&n)
		known[officerID] = n > 0
		return n > 0, err
	}
	for i, a := range c.Allegations {
		for j, s := range a.Subjects {
			ok, err := exists(s.OfficerID)
			if err != nil {
				return err
			}
			if !ok {
				f.Add(fmt.Sprintf("allegations[%d].subjects[%d].officer_id", i, j), "is not an officer on record")
			}
		}
	}
	for i, p := range c.Parties {
		if p.OfficerID == "" {
			continue
		}
		ok, err := exists(p.OfficerID)
		if err != nil {
			return err
		}
		if !ok {
			f.Add(fmt.Sprintf("parties[%d].officer_id", i), "is not an officer on record")
		}
	}
	return f.Err("invalid case")
}

func (tx *Tx) insertAllegation(ctx context.Context, caseID string, a *cases.Allegation) error {
	a.ID = id.New()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO allegations
		(id, case_id, seq, taxonomy_version, category, subcategory, protected_characteristic, description, occurred_on, standards_version,
			source_category, domestic_abuse)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, caseID, a.Seq, a.TaxonomyVersion, nullString(a.Category), nullString(a.Subcategory), a.ProtectedCharacteristic,
		a.Description, nullDate(a.OccurredOn), nullString(a.StandardsVersion), a.SourceCategory, a.DomesticAbuse)
	if err := constraintError(err, "allegation already recorded", "category or sub-category is not in the taxonomy"); err != nil {
		return err
	}
	for _, s := range a.Standards {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO allegation_standards (allegation_id, standards_version, standard_code)
			VALUES ($1, $2, $3)`, a.ID, a.StandardsVersion, s)
		if err := constraintError(err, "standard named twice", "standard is not a standard of professional behaviour"); err != nil {
			return err
		}
	}
	for _, s := range a.Subjects {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO subjects (allegation_id, officer_id, severity, finding, outcome)
			VALUES ($1, $2, $3, $4, $5)`, a.ID, s.OfficerID, s.Severity, s.Finding, s.Outcome)
		if err := constraintError(err, "officer named twice as a subject", "subject is not an officer on record"); err != nil {
			return err
		}
	}
	return nil
}

// AppendEvent adds an entry to a case's timeline, numbered after the last.
func (tx *Tx) AppendEvent(ctx context.Context, caseID string, e *cases.Event) error {
	e.ID = id.New()
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return err
	}
	err = tx.tx.QueryRowContext(ctx, `INSERT INTO case_events (id, case_id, seq, at, actor, type, detail, to_state)
		SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7 FROM case_events WHERE case_id = $2
		RETURNING seq`, e.ID, caseID, e.At.UTC(), e.Actor, e.Type, string(detail), eventToState(e)).Scan(&e.Seq)
	if err := constraintError(err, "timeline entry clashed; retry", "case not found"); err != nil {
		return fmt.Errorf("appending %s to case %s: %w", e.Type, caseID, err)
	}
	return nil
}

// eventToState is the state an entry moved its case into, kept in
// case_events.to_state for the measures (migration 00016): "to" of a step,
// "state" of the entry that recorded the case, "" for anything else.
func eventToState(e *cases.Event) string {
	switch e.Type {
	case cases.EventStateChanged, "action":
		return e.Detail["to"]
	case "recorded":
		return e.Detail["state"]
	}
	return ""
}

const caseColumns = `id, reference, kind, force_id, COALESCE(unit_id, ''), state, rule_set, summary, arose_on,
	received_at, restricted, version, created_at, updated_at, next_due_at, next_due_clock,
	handling_ground, investigation_exception, referral_ground, COALESCE(related_case_id, '')`

func scanCase(r interface{ Scan(...any) error }) (cases.Case, error) {
	var c cases.Case
	var kind, state string
	var due sql.NullTime
	err := r.Scan(&c.ID, &c.Reference, &kind, &c.ForceID, &c.UnitID, &state, &c.RuleSet, &c.Summary, &c.AroseOn,
		&c.ReceivedAt, &c.Restricted, &c.Version, &c.CreatedAt, &c.UpdatedAt, &due, &c.NextDueClock,
		&c.HandlingGround, &c.InvestigationException, &c.ReferralGround, &c.RelatedCaseID)
	c.NextDueAt = utcPtr(due)
	c.Kind, c.State = cases.Kind(kind), cases.State(state)
	c.AroseOn, c.ReceivedAt = c.AroseOn.UTC(), c.ReceivedAt.UTC()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// Case returns a case with its allegations, subjects and parties.
func (db *DB) Case(ctx context.Context, caseID string) (cases.Case, error) {
	return db.caseWhere(ctx, "id", caseID)
}

// CaseByReference returns a case by its human reference.
func (db *DB) CaseByReference(ctx context.Context, ref string) (cases.Case, error) {
	return db.caseWhere(ctx, "reference", ref)
}

func (db *DB) caseWhere(ctx context.Context, column, value string) (cases.Case, error) {
	// column is one of two constants above, never caller input.
	c, err := scanCase(db.read.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+column+` = $1`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fault.Errorf(fault.NotFound, "case %s not found", value)
	}
	if err != nil {
		return c, fmt.Errorf("reading case %s: %w", value, err)
	}
	if c.Allegations, err = db.allegations(ctx, c.ID); err != nil {
		return c, fmt.Errorf("reading case %s: %w", c.Reference, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT role, COALESCE(person_id, ''), COALESCE(officer_id, '')
		FROM case_parties WHERE case_id = $1 ORDER BY role, id`, c.ID)
	if err != nil {
		return c, fmt.Errorf("reading case %s parties: %w", c.Reference, err)
	}
	c.Parties, err = collect(rows, func(r *sql.Rows) (p cases.Party, err error) {
		var role string
		err = r.Scan(&role, &p.PersonID, &p.OfficerID)
		p.Role = cases.PartyRole(role)
		return p, err
	})
	return c, err
}

func (db *DB) allegations(ctx context.Context, caseID string) ([]cases.Allegation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, seq, taxonomy_version, COALESCE(category, ''), COALESCE(subcategory, ''),
		protected_characteristic, description, occurred_on, COALESCE(standards_version, ''), source_category, domestic_abuse
		FROM allegations WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r *sql.Rows) (a cases.Allegation, err error) {
		var occurred sql.NullTime
		err = r.Scan(&a.ID, &a.Seq, &a.TaxonomyVersion, &a.Category, &a.Subcategory, &a.ProtectedCharacteristic,
			&a.Description, &occurred, &a.StandardsVersion, &a.SourceCategory, &a.DomesticAbuse)
		a.OccurredOn = utcPtr(occurred)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	byID := map[string]*cases.Allegation{}
	for i := range list {
		byID[list[i].ID] = &list[i]
		list[i].Subjects = []cases.Subject{}
	}
	rows, err = db.read.QueryContext(ctx, `SELECT s.allegation_id, s.officer_id, s.severity, s.finding, s.outcome,
		s.left_force, s.advisory_list, s.barred_list
		FROM subjects s JOIN allegations a ON a.id = s.allegation_id WHERE a.case_id = $1 ORDER BY a.seq, s.officer_id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var aid string
		var s cases.Subject
		if err := rows.Scan(&aid, &s.OfficerID, &s.Severity, &s.Finding, &s.Outcome, &s.Left, &s.AdvisoryList, &s.BarredList); err != nil {
			return nil, err
		}
		byID[aid].Subjects = append(byID[aid].Subjects, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT st.allegation_id, st.standard_code
		FROM allegation_standards st JOIN allegations a ON a.id = st.allegation_id WHERE a.case_id = $1
		ORDER BY a.seq, st.standard_code`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var aid, code string
		if err := rows.Scan(&aid, &code); err != nil {
			return nil, err
		}
		byID[aid].Standards = append(byID[aid].Standards, code)
	}
	return list, rows.Err()
}

// Timeline returns a case's events in order.
func (db *DB) Timeline(ctx context.Context, caseID string) ([]cases.Event, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, seq, at, actor, type, detail FROM case_events
		WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("reading timeline of %s: %w", caseID, err)
	}
	return collect(rows, func(r *sql.Rows) (e cases.Event, err error) {
		var detail string
		if err = r.Scan(&e.ID, &e.Seq, &e.At, &e.Actor, &e.Type, &detail); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		return e, json.Unmarshal([]byte(detail), &e.Detail)
	})
}

// CaseCount counts cases, for health pages and tests.
func (db *DB) CaseCount(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n)
	return n, err
}

// CaseSummary is a line in a list of cases.
type CaseSummary struct {
	ID           string     `json:"id"`
	Reference    string     `json:"reference"`
	Kind         string     `json:"kind"`
	State        string     `json:"state"`
	UnitID       string     `json:"unit_id,omitempty"`
	ReceivedAt   time.Time  `json:"received_at"`
	Restricted   bool       `json:"restricted"`
	NextDueAt    *time.Time `json:"next_due_at,omitempty"`
	NextDueClock string     `json:"next_due_clock,omitempty"`
}
