package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// SaveTransition stores a case after a workflow action: its new state, its
// subjects' severities, findings and outcomes, its next deadline, and the
// event recording the action. It succeeds only if the case is still at
// the version the caller read, so that of two people acting at once, one
// wins and the other is told the case changed.
func (tx *Tx) SaveTransition(ctx context.Context, c *cases.Case, readVersion int, ev *cases.Event, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE cases SET state = $1, version = version + 1, updated_at = $2,
		next_due_at = $3, next_due_clock = $4, handling_ground = $7, investigation_exception = $8, referral_ground = $9
		WHERE id = $5 AND version = $6`,
		string(c.State), now.UTC(), nullTime(c.NextDueAt), c.NextDueClock, c.ID, readVersion,
		c.HandlingGround, c.InvestigationException, c.ReferralGround)
	if err != nil {
		return fmt.Errorf("saving case %s: %w", c.Reference, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.Conflict, "case %s changed since it was read (version %d); reload it and try again", c.Reference, readVersion)
	}
	c.Version = readVersion + 1
	for _, a := range c.Allegations {
		for _, s := range a.Subjects {
			// outcome_at dates the outcome when it changes: the officer's
			// record says from it whether a warning is still in force.
			if _, err := tx.tx.ExecContext(ctx, `UPDATE subjects SET severity = $1, finding = $2, outcome = $3,
				outcome_at = CASE WHEN outcome <> $3 THEN $6 ELSE outcome_at END,
				left_force = $7, advisory_list = $8, barred_list = $9
				WHERE allegation_id = $4 AND officer_id = $5`, s.Severity, s.Finding, s.Outcome, a.ID, s.OfficerID, now.UTC(),
				s.Left, s.AdvisoryList, s.BarredList); err != nil {
				return fmt.Errorf("saving findings of case %s: %w", c.Reference, err)
			}
		}
	}
	return tx.AppendEvent(ctx, c.ID, ev)
}

// SetNextDue stores a case's earliest open deadline without changing its
// version: deadlines follow from the case, they are not an edit of it.
func (tx *Tx) SetNextDue(ctx context.Context, caseID string, due *time.Time, clock string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE cases SET next_due_at = $1, next_due_clock = $2 WHERE id = $3`,
		nullTime(due), clock, caseID)
	return err
}

// Note is a free-text note on a case.
type Note struct {
	ID       string    `json:"id"`
	CaseID   string    `json:"case_id"`
	AuthorID string    `json:"author_id"`
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
}

// AddNote stores a note and indexes it for search.
func (tx *Tx) AddNote(ctx context.Context, n *Note) error {
	n.ID = id.New()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO case_notes (id, case_id, author_id, at, text) VALUES ($1, $2, $3, $4, $5)`,
		n.ID, n.CaseID, n.AuthorID, n.At.UTC(), n.Text)
	if err := constraintError(err, "", "case not found"); err != nil {
		return err
	}
	return tx.refreshSearch(ctx, n.CaseID)
}

// Notes lists a case's notes, oldest first.
func (db *DB) Notes(ctx context.Context, caseID string) ([]Note, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, case_id, author_id, at, text FROM case_notes WHERE case_id = $1 ORDER BY at, id`, caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (n Note, err error) {
		err = r.Scan(&n.ID, &n.CaseID, &n.AuthorID, &n.At, &n.Text)
		n.At = n.At.UTC()
		return n, err
	})
}

// Document is a file attached to a case.
type Document struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	SHA256     string    `json:"sha256"`
	Filename   string    `json:"filename"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// AddDocument stores a file's content once under its SHA-256 and links it
// to the case.
func (tx *Tx) AddDocument(ctx context.Context, d *Document, content []byte) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO blobs (sha256, size, media_type, content, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (sha256) DO NOTHING`, d.SHA256, d.Size, d.MediaType, content, d.UploadedAt.UTC())
	if err != nil {
		return fmt.Errorf("storing file %s: %w", d.SHA256, err)
	}
	d.ID = id.New()
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO case_documents (id, case_id, sha256, filename, media_type, size, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, d.CaseID, d.SHA256, d.Filename, d.MediaType, d.Size, d.UploadedBy, d.UploadedAt.UTC())
	return constraintError(err, "", "case not found")
}

const documentColumns = `id, case_id, sha256, filename, media_type, size, uploaded_by, uploaded_at`

func scanDocument(r interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := r.Scan(&d.ID, &d.CaseID, &d.SHA256, &d.Filename, &d.MediaType, &d.Size, &d.UploadedBy, &d.UploadedAt)
	d.UploadedAt = d.UploadedAt.UTC()
	return d, err
}

// Documents lists a case's files.
func (db *DB) Documents(ctx context.Context, caseID string) ([]Document, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+` FROM case_documents WHERE case_id = $1 ORDER BY uploaded_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (Document, error) { return scanDocument(r) })
}

// DocumentContent returns one file of a case with its content.
func (db *DB) DocumentContent(ctx context.Context, caseID, docID string) (Document, []byte, error) {
	d, err := scanDocument(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM case_documents WHERE id = $1 AND case_id = $2`, docID, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, fault.Errorf(fault.NotFound, "document not found")
	}
	if err != nil {
		return d, nil, err
	}
	var content []byte
	if err := db.read.QueryRowContext(ctx, `SELECT content FROM blobs WHERE sha256 = $1`, d.SHA256).Scan(&content); err != nil {
		return d, nil, fmt.Errorf("reading file %s: %w", d.SHA256, err)
	}
	return d, content, nil
}

// refreshSearch rebuilds a case's search text from its summary,
// allegations and notes, in this transaction.
//
// In a group commit it does so once for the whole group, just before
// COMMIT and outside the units' savepoints (committer.run): FTS5 writes
// out what it holds at every savepoint's end, so indexing inside each
// unit wrote a new index segment per complaint, merged again later
// (4.2 pages of case_search_data a complaint, and 5% of intake's CPU).
// The text is still indexed in the transaction that changed it, so a case
// is searchable exactly when it is committed.
func (tx *Tx) refreshSearch(ctx context.Context, caseID string) error {
	if tx.grouped {
		tx.search = append(tx.search, caseID)
		return nil
	}
	return tx.indexSearch(ctx, caseID)
}

// indexSearch is refreshSearch done at once.
func (tx *Tx) indexSearch(ctx context.Context, caseID string) error {
	var parts []string
	rows, err := tx.tx.QueryContext(ctx, `SELECT summary FROM cases WHERE id = $1
		UNION ALL SELECT description FROM allegations WHERE case_id = $1
		UNION ALL SELECT text FROM case_notes WHERE case_id = $1`, caseID)
	if err != nil {
		return err
	}
	parts, err = collect(rows, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) })
	if err != nil {
		return err
	}
	body := strings.Join(parts, "\n")
	if tx.db.dialect == SQLite {
		// FTS5 cannot index case_id, so a row is found by its rowid, which
		// is kept equal to the case's own rowid: a lookup, not a scan.
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM case_search WHERE rowid = (SELECT rowid FROM cases WHERE id = $1)`, caseID); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO case_search (rowid, case_id, body)
			SELECT rowid, id, $2 FROM cases WHERE id = $1`, caseID, body)
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO case_search (case_id, body) VALUES ($1, $2)
		ON CONFLICT (case_id) DO UPDATE SET body = excluded.body`, caseID, body)
	return err
}

// ftsQuery turns what a person typed into an FTS5 query of quoted words,
// all required, so that FTS5's own operators in the input cannot make the
// query fail or mean something else.
func ftsQuery(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " ")
}

// PriorAllegation is one allegation against an officer, for the pattern
// panel and the officer's history.
type PriorAllegation struct {
	OfficerID   string    `json:"officer_id"`
	ForceCode   string    `json:"force"`
	CaseID      string    `json:"case_id"`
	Reference   string    `json:"reference"`
	ReceivedAt  time.Time `json:"received_at"`
	State       string    `json:"state"`
	Category    string    `json:"category"`
	Subcategory string    `json:"subcategory,omitempty"`
	Concern     string    `json:"concern,omitempty"`
	Finding     string    `json:"finding,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Restricted  bool      `json:"-"`
}

// AllegationsAgainst lists every allegation against an officer and against
// any record of the same person in another force (same national id),
// newest first, whatever the outcome.
//
// The officers are one set, the officer and the other records of the same
// person, so that both engines look each of them up in the subjects'
// officer index; "officer_id = $1 OR officer_id IN (...)" led PostgreSQL
// to scan every subject and every allegation.
func (db *DB) AllegationsAgainst(ctx context.Context, officerID string) ([]PriorAllegation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.officer_id, f.code, c.id, c.reference, c.received_at, c.state,
			COALESCE(a.category, ''), COALESCE(a.subcategory, ''),
			COALESCE(NULLIF(sc.concern, ''), NULLIF(cat.concern, ''), CASE WHEN a.domestic_abuse THEN 'domestic abuse' ELSE '' END), s.finding, s.outcome, c.restricted
		FROM subjects s
		JOIN allegations a ON a.id = s.allegation_id
		JOIN cases c ON c.id = a.case_id
		JOIN forces f ON f.id = c.force_id
		LEFT JOIN complaint_categories cat ON cat.taxonomy_version = a.taxonomy_version AND cat.code = a.category
		LEFT JOIN complaint_subcategories sc ON sc.taxonomy_version = a.taxonomy_version AND sc.category_code = a.category AND sc.code = a.subcategory
		WHERE s.officer_id IN (SELECT CAST($1 AS TEXT)
		                       UNION SELECT o2.id FROM officers o1 JOIN officers o2 ON o2.national_id = o1.national_id
		                       WHERE o1.id = $1 AND o1.national_id <> '')
		ORDER BY c.received_at DESC, c.id, a.seq`, officerID)
	if err != nil {
		return nil, fmt.Errorf("reading allegations against %s: %w", officerID, err)
	}
	return collect(rows, func(r *sql.Rows) (p PriorAllegation, err error) {
		err = r.Scan(&p.OfficerID, &p.ForceCode, &p.CaseID, &p.Reference, &p.ReceivedAt, &p.State, &p.Category, &p.Subcategory,
			&p.Concern, &p.Finding, &p.Outcome, &p.Restricted)
		p.ReceivedAt = p.ReceivedAt.UTC()
		return p, err
	})
}
