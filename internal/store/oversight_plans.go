package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
)

// The oversight body's requirements, notices and the chief officer's plans
// (migration 00024). The domain decides every change; these functions
// store what it decided and read it back. Callers audit in the same
// transaction.

var _ oversight.RequirementLookup = (*DB)(nil)

// CreateRequirement stores a new requirement, giving it an id.
func (tx *Tx) CreateRequirement(ctx context.Context, r *oversight.Requirement) error {
	r.ID, r.Version = id.New(), 1
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_requirements (id, title, body, reason, due_on, set_by, set_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.Title, r.Text, r.Reason, dateOnly(r.DueOn), r.SetBy, r.SetAt.UTC(), r.Version)
	if err != nil {
		return fmt.Errorf("storing a requirement: %w", err)
	}
	for i, m := range r.Measures {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_requirement_measures (requirement_id, position, measure) VALUES ($1, $2, $3)`,
			r.ID, i, m); err != nil {
			return fmt.Errorf("storing a requirement's measures: %w", err)
		}
	}
	return nil
}

// Requirements lists every requirement, the soonest due first.
func (db *DB) Requirements(ctx context.Context) ([]oversight.Requirement, error) {
	return requirements(ctx, db.read, `ORDER BY r.due_on, r.set_at, r.id`)
}

// Requirement reads one requirement.
func (db *DB) Requirement(ctx context.Context, reqID string) (oversight.Requirement, error) {
	rs, err := requirements(ctx, db.read, `WHERE r.id = $1`, reqID)
	if err != nil {
		return oversight.Requirement{}, err
	}
	if len(rs) == 0 {
		return oversight.Requirement{}, fault.Errorf(fault.NotFound, "no such requirement")
	}
	return rs[0], nil
}

// RequirementRefs finds the requirements of ids, for records that link to
// them; ids it does not hold are left out.
func (db *DB) RequirementRefs(ctx context.Context, ids []string) (map[string]oversight.RequirementRef, error) {
	out := map[string]oversight.RequirementRef{}
	if len(ids) == 0 {
		return out, nil
	}
	q := mq{}
	vs := make([]string, len(ids))
	copy(vs, ids)
	rs, err := requirements(ctx, db.read, `WHERE r.id IN `+q.list(vs), q.args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[r.ID] = r.Ref()
	}
	return out, nil
}

func requirements(ctx context.Context, q querier, where string, args ...any) ([]oversight.Requirement, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.title, r.body, r.reason, r.due_on, r.set_by, r.set_at, r.version
		FROM oversight_requirements r `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading requirements: %w", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (r oversight.Requirement, err error) {
		err = rows.Scan(&r.ID, &r.Title, &r.Text, &r.Reason, &r.DueOn, &r.SetBy, &r.SetAt, &r.Version)
		r.DueOn, r.SetAt = r.DueOn.UTC(), r.SetAt.UTC()
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading requirements: %w", err)
	}
	for i := range out {
		ms, err := strs(ctx, q, `SELECT measure FROM oversight_requirement_measures WHERE requirement_id = $1 ORDER BY position`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("reading a requirement's measures: %w", err)
		}
		out[i].Measures = ms
	}
	return out, nil
}

func strs(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateNotice stores a new notice, giving it an id. A notice naming no
// such requirement is refused.
func (tx *Tx) CreateNotice(ctx context.Context, n *oversight.Notice) error {
	n.ID = id.New()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_notices (id, reasons, state, issued_by, issued_at, version)
		VALUES ($1, $2, $3, $4, $5, $6)`, n.ID, n.Reasons, string(n.State), n.IssuedBy, n.IssuedAt.UTC(), n.Version)
	if err != nil {
		return fmt.Errorf("storing a notice: %w", err)
	}
	for _, r := range n.RequirementIDs {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_notice_requirements (notice_id, requirement_id) VALUES ($1, $2)`, n.ID, r)
		if err := constraintError(err, "the notice names a requirement twice", "the notice names no such requirement"); err != nil {
			return fmt.Errorf("storing a notice's requirements: %w", err)
		}
	}
	return nil
}

// EndNotice stores a notice lifted or escalated, refusing it if the notice
// changed since it was read (readVersion).
func (tx *Tx) EndNotice(ctx context.Context, n oversight.Notice, readVersion int) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oversight_notices SET state = $1, ended_by = $2, ended_at = $3, end_reasons = $4, version = $5
		WHERE id = $6 AND version = $7`, string(n.State), n.EndedBy, n.EndedAt.UTC(), n.EndReasons, n.Version, n.ID, readVersion)
	if err != nil {
		return fmt.Errorf("ending a notice: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return fault.Errorf(fault.Conflict, "the notice changed since it was opened: read it again")
	}
	return nil
}

// Notices lists every notice, the latest first.
func (db *DB) Notices(ctx context.Context) ([]oversight.Notice, error) {
	return notices(ctx, db.read, `ORDER BY n.issued_at DESC, n.id`)
}

// Notice reads one notice in a transaction.
func (tx *Tx) Notice(ctx context.Context, noticeID string) (oversight.Notice, error) {
	ns, err := notices(ctx, tx.tx, `WHERE n.id = $1`, noticeID)
	if err != nil {
		return oversight.Notice{}, err
	}
	if len(ns) == 0 {
		return oversight.Notice{}, fault.Errorf(fault.NotFound, "no such notice")
	}
	return ns[0], nil
}

func notices(ctx context.Context, q querier, where string, args ...any) ([]oversight.Notice, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.reasons, n.state, n.issued_by, n.issued_at, n.ended_by, n.ended_at, n.end_reasons, n.version
		FROM oversight_notices n `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading notices: %w", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (n oversight.Notice, err error) {
		var state string
		var ended sql.NullTime
		err = rows.Scan(&n.ID, &n.Reasons, &state, &n.IssuedBy, &n.IssuedAt, &n.EndedBy, &ended, &n.EndReasons, &n.Version)
		n.State, n.IssuedAt, n.EndedAt = oversight.NoticeState(state), n.IssuedAt.UTC(), utcPtr(ended)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading notices: %w", err)
	}
	for i := range out {
		if out[i].RequirementIDs, err = strs(ctx, q, `SELECT nr.requirement_id FROM oversight_notice_requirements nr
			JOIN oversight_requirements r ON r.id = nr.requirement_id WHERE nr.notice_id = $1 ORDER BY r.due_on, r.id`, out[i].ID); err != nil {
			return nil, fmt.Errorf("reading a notice's requirements: %w", err)
		}
	}
	return out, nil
}

// CreatePlan stores a new plan and its first revision, giving it an id.
func (tx *Tx) CreatePlan(ctx context.Context, p *oversight.Plan) error {
	p.ID = id.New()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_plans (id, requirement_id, title, state, created_by, created_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.RequirementID, p.Title, string(p.State), p.CreatedBy, p.CreatedAt.UTC(), p.Version)
	if err := constraintError(err, "", "the plan answers no such requirement"); err != nil {
		return fmt.Errorf("storing a plan: %w", err)
	}
	return tx.saveRevision(ctx, p.ID, p.Latest())
}

// SavePlan stores a plan the domain changed, refusing it if the plan
// changed since it was read (readVersion). Only the last revision can have
// changed: submitted revisions are never rewritten.
func (tx *Tx) SavePlan(ctx context.Context, p oversight.Plan, readVersion int) error {
	var closedAt any
	if p.ClosedAt != nil {
		closedAt = p.ClosedAt.UTC()
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE oversight_plans SET state = $1, closed_by = $2, closed_at = $3, version = $4
		WHERE id = $5 AND version = $6`, string(p.State), p.ClosedBy, closedAt, p.Version, p.ID, readVersion)
	if err != nil {
		return fmt.Errorf("saving a plan: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return fault.Errorf(fault.Conflict, "the plan changed since it was opened: it is shown as it now stands")
	}
	return tx.saveRevision(ctx, p.ID, p.Latest())
}

func (tx *Tx) saveRevision(ctx context.Context, planID string, r oversight.Revision) error {
	var at any
	if r.SubmittedAt != nil {
		at = r.SubmittedAt.UTC()
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_revisions (plan_id, n, submitted_by, submitted_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (plan_id, n) DO UPDATE SET submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at
		WHERE oversight_revisions.submitted_at IS NULL`, planID, r.N, r.SubmittedBy, at); err != nil {
		return fmt.Errorf("saving a plan's revision: %w", err)
	}
	var assessed bool
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM oversight_assessments WHERE plan_id = $1 AND revision = $2`, planID, r.N).
		Scan(&assessed); err != nil {
		return fmt.Errorf("saving a plan's revision: %w", err)
	}
	if assessed {
		return nil // an assessed revision is settled
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM oversight_commitments WHERE plan_id = $1 AND revision = $2`, planID, r.N); err != nil {
		return fmt.Errorf("saving a plan's commitments: %w", err)
	}
	for i, c := range r.Commitments {
		group, err := json.Marshal(c.Group)
		if err != nil {
			return fmt.Errorf("saving a plan's commitments: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_commitments
			(plan_id, revision, position, body, measure, group_labels, stat, baseline, target, target_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			planID, r.N, i, c.Text, c.Measure, string(group), string(c.Stat), c.Baseline, c.Target, dateOnly(c.TargetOn)); err != nil {
			return fmt.Errorf("saving a plan's commitments: %w", err)
		}
	}
	a := r.Assessment
	if a == nil {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_assessments
		(plan_id, revision, outcome, reasons, conditions, resubmit_by, assessed_by, assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		planID, r.N, string(a.Outcome), a.Reasons, a.Conditions, nullDate(a.ResubmitBy), a.AssessedBy, a.AssessedAt.UTC()); err != nil {
		return fmt.Errorf("saving an assessment: %w", err)
	}
	for i, d := range a.Commitments {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_verdicts (plan_id, revision, position, verdict, reasons)
			VALUES ($1, $2, $3, $4, $5)`, planID, r.N, i, string(d.Verdict), d.Reasons); err != nil {
			return fmt.Errorf("saving an assessment's verdicts: %w", err)
		}
	}
	return nil
}

// Plans lists the plans answering a requirement ("" for every plan),
// oldest first.
func (db *DB) Plans(ctx context.Context, requirementID string) ([]oversight.Plan, error) {
	if requirementID == "" {
		return plans(ctx, db.read, `ORDER BY p.created_at, p.id`)
	}
	return plans(ctx, db.read, `WHERE p.requirement_id = $1 ORDER BY p.created_at, p.id`, requirementID)
}

// Plan reads one plan with its revisions.
func (db *DB) Plan(ctx context.Context, planID string) (oversight.Plan, error) {
	return onePlan(ctx, db.read, planID)
}

// Plan reads one plan in a transaction, to change it.
func (tx *Tx) Plan(ctx context.Context, planID string) (oversight.Plan, error) {
	return onePlan(ctx, tx.tx, planID)
}

func onePlan(ctx context.Context, q querier, planID string) (oversight.Plan, error) {
	ps, err := plans(ctx, q, `WHERE p.id = $1`, planID)
	if err != nil {
		return oversight.Plan{}, err
	}
	if len(ps) == 0 {
		return oversight.Plan{}, fault.Errorf(fault.NotFound, "no such plan")
	}
	return ps[0], nil
}

func plans(ctx context.Context, q querier, where string, args ...any) ([]oversight.Plan, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.requirement_id, p.title, p.state, p.created_by, p.created_at, p.closed_by, p.closed_at, p.version
		FROM oversight_plans p `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading plans: %w", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (p oversight.Plan, err error) {
		var state string
		var closed sql.NullTime
		err = rows.Scan(&p.ID, &p.RequirementID, &p.Title, &state, &p.CreatedBy, &p.CreatedAt, &p.ClosedBy, &closed, &p.Version)
		p.State, p.CreatedAt, p.ClosedAt = oversight.PlanState(state), p.CreatedAt.UTC(), utcPtr(closed)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading plans: %w", err)
	}
	for i := range out {
		if out[i].Revisions, err = revisions(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func revisions(ctx context.Context, q querier, planID string) ([]oversight.Revision, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.n, v.submitted_by, v.submitted_at, a.outcome, a.reasons, a.conditions, a.resubmit_by,
		a.assessed_by, a.assessed_at FROM oversight_revisions v
		LEFT JOIN oversight_assessments a ON a.plan_id = v.plan_id AND a.revision = v.n WHERE v.plan_id = $1 ORDER BY v.n`, planID)
	if err != nil {
		return nil, fmt.Errorf("reading a plan's revisions: %w", err)
	}
	defer rows.Close()
	var out []oversight.Revision
	for rows.Next() {
		var r oversight.Revision
		var submitted, resubmit, assessedAt sql.NullTime
		var outcome, reasons, conditions, assessedBy sql.NullString
		if err := rows.Scan(&r.N, &r.SubmittedBy, &submitted, &outcome, &reasons, &conditions, &resubmit, &assessedBy, &assessedAt); err != nil {
			return nil, fmt.Errorf("reading a plan's revisions: %w", err)
		}
		r.SubmittedAt = utcPtr(submitted)
		if outcome.Valid {
			a := &oversight.Assessment{Outcome: oversight.Outcome(outcome.String), Reasons: reasons.String, Conditions: conditions.String,
				AssessedBy: assessedBy.String, AssessedAt: assessedAt.Time.UTC()}
			if resubmit.Valid {
				t := dateOnly(resubmit.Time.UTC())
				a.ResubmitBy = &t
			}
			r.Assessment = a
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading a plan's revisions: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].Commitments, err = commitments(ctx, q, planID, out[i].N); err != nil {
			return nil, err
		}
		if a := out[i].Assessment; a != nil {
			if a.Commitments, err = verdicts(ctx, q, planID, out[i].N); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func commitments(ctx context.Context, q querier, planID string, n int) ([]oversight.Commitment, error) {
	rows, err := q.QueryContext(ctx, `SELECT body, measure, group_labels, stat, baseline, target, target_on FROM oversight_commitments
		WHERE plan_id = $1 AND revision = $2 ORDER BY position`, planID, n)
	if err != nil {
		return nil, fmt.Errorf("reading a plan's commitments: %w", err)
	}
	defer rows.Close()
	out := []oversight.Commitment{}
	for rows.Next() {
		var c oversight.Commitment
		var group, stat string
		if err := rows.Scan(&c.Text, &c.Measure, &group, &stat, &c.Baseline, &c.Target, &c.TargetOn); err != nil {
			return nil, fmt.Errorf("reading a plan's commitments: %w", err)
		}
		if err := json.Unmarshal([]byte(group), &c.Group); err != nil {
			return nil, fmt.Errorf("reading a commitment's labels: %w", err)
		}
		c.Stat, c.TargetOn = measures.Stat(stat), c.TargetOn.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

func verdicts(ctx context.Context, q querier, planID string, n int) ([]oversight.CommitmentDecision, error) {
	rows, err := q.QueryContext(ctx, `SELECT verdict, reasons FROM oversight_verdicts WHERE plan_id = $1 AND revision = $2 ORDER BY position`, planID, n)
	if err != nil {
		return nil, fmt.Errorf("reading an assessment's verdicts: %w", err)
	}
	defer rows.Close()
	out := []oversight.CommitmentDecision{}
	for rows.Next() {
		var d oversight.CommitmentDecision
		var v string
		if err := rows.Scan(&v, &d.Reasons); err != nil {
			return nil, fmt.Errorf("reading an assessment's verdicts: %w", err)
		}
		d.Verdict = oversight.Verdict(v)
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddComment stores a comment on a plan.
func (tx *Tx) AddComment(ctx context.Context, c oversight.Comment) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_comments (id, plan_id, body, by_user, at) VALUES ($1, $2, $3, $4, $5)`,
		id.New(), c.PlanID, c.Text, c.By, c.At.UTC())
	if err := constraintError(err, "", "no such plan"); err != nil {
		return fmt.Errorf("storing a comment: %w", err)
	}
	return nil
}

// Comments lists the comments on the plans answering a requirement, oldest
// first.
func (db *DB) Comments(ctx context.Context, requirementID string) ([]oversight.Comment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.plan_id, c.body, c.by_user, c.at FROM oversight_comments c
		JOIN oversight_plans p ON p.id = c.plan_id WHERE p.requirement_id = $1 ORDER BY c.at, c.id`, requirementID)
	if err != nil {
		return nil, fmt.Errorf("reading comments: %w", err)
	}
	defer rows.Close()
	var out []oversight.Comment
	for rows.Next() {
		var c oversight.Comment
		if err := rows.Scan(&c.PlanID, &c.Text, &c.By, &c.At); err != nil {
			return nil, fmt.Errorf("reading comments: %w", err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
