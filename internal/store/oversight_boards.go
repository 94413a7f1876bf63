package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/probity/probity/internal/boards"
	"github.com/probity/probity/internal/fault"
)

// The oversight body's accountability boards and the leadership posts
// (internal/oversight). Each change is made on a record read in the same
// transaction and saved only if nobody saved it since (its version); the
// caller audits it in that transaction.

var errStale = fault.Errorf(fault.Conflict, "the record changed since it was read: read it again")

// CreateMeeting stores a new meeting.
func (tx *Tx) CreateMeeting(ctx context.Context, m boards.Meeting) error {
	attendees, err := json.Marshal(m.Attendees)
	if err != nil {
		return fmt.Errorf("recording a meeting: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO oversight_meetings (id, title, held_on, attendees, state, created_by, created_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		m.ID, m.Title, dateOnly(m.HeldOn), string(attendees), string(m.State), m.CreatedBy, m.CreatedAt.UTC(), m.Version)
	if err != nil {
		return fmt.Errorf("recording a meeting: %w", err)
	}
	return nil
}

// MeetingSummary is a meeting as the list shows it.
type MeetingSummary struct {
	boards.Meeting
	Items, OpenActions, Actions int
}

// Meetings lists every meeting, the latest first, with counts of its
// agenda items and actions.
func (db *DB) Meetings(ctx context.Context) ([]MeetingSummary, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+meetingColumns+`,
		(SELECT COUNT(*) FROM oversight_agenda_items i WHERE i.meeting_id = m.id),
		(SELECT COUNT(*) FROM oversight_actions a WHERE a.meeting_id = m.id AND a.state = 'open'),
		(SELECT COUNT(*) FROM oversight_actions a WHERE a.meeting_id = m.id)
		FROM oversight_meetings m ORDER BY m.held_on DESC, m.created_at DESC, m.id`)
	if err != nil {
		return nil, fmt.Errorf("reading meetings: %w", err)
	}
	defer rows.Close()
	out := []MeetingSummary{}
	for rows.Next() {
		var s MeetingSummary
		if s.Meeting, err = scanMeeting(rows, &s.Items, &s.OpenActions, &s.Actions); err != nil {
			return nil, fmt.Errorf("reading meetings: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const meetingColumns = `m.id, m.title, m.held_on, m.attendees, m.state, m.minutes, m.minuted_by, m.minuted_at, m.created_by, m.created_at, m.version`

func scanMeeting(row interface{ Scan(...any) error }, more ...any) (boards.Meeting, error) {
	var m boards.Meeting
	var attendees, state string
	var minutedAt sql.NullTime
	dest := append([]any{&m.ID, &m.Title, &m.HeldOn, &attendees, &state, &m.Minutes, &m.MinutedBy, &minutedAt, &m.CreatedBy,
		&m.CreatedAt, &m.Version}, more...)
	if err := row.Scan(dest...); err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(attendees), &m.Attendees); err != nil {
		return m, fmt.Errorf("meeting %s: attendees: %w", m.ID, err)
	}
	m.State, m.HeldOn, m.CreatedAt = boards.MeetingState(state), m.HeldOn.UTC(), m.CreatedAt.UTC()
	m.MinutedAt = utcPtr(minutedAt)
	m.Agenda, m.Actions = []boards.AgendaItem{}, []boards.Action{}
	return m, nil
}

// Meeting reads a meeting with its agenda and actions.
func (db *DB) Meeting(ctx context.Context, id string) (boards.Meeting, error) {
	return readMeeting(ctx, db.read, id)
}

// Meeting reads a meeting to change it in this transaction.
func (tx *Tx) Meeting(ctx context.Context, id string) (boards.Meeting, error) {
	return readMeeting(ctx, tx.tx, id)
}

func readMeeting(ctx context.Context, q querier, id string) (boards.Meeting, error) {
	m, err := scanMeeting(q.QueryRowContext(ctx, `SELECT `+meetingColumns+` FROM oversight_meetings m WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fault.Errorf(fault.NotFound, "no such meeting")
	}
	if err != nil {
		return m, fmt.Errorf("reading meeting: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, title, requirement_id, plan_id, measure_id, notes FROM oversight_agenda_items
		WHERE meeting_id = $1 ORDER BY seq`, id)
	if err != nil {
		return m, fmt.Errorf("reading agenda: %w", err)
	}
	for rows.Next() {
		var it boards.AgendaItem
		if err := rows.Scan(&it.ID, &it.Title, &it.RequirementID, &it.PlanID, &it.MeasureID, &it.Notes); err != nil {
			rows.Close()
			return m, fmt.Errorf("reading agenda: %w", err)
		}
		m.Agenda = append(m.Agenda, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, fmt.Errorf("reading agenda: %w", err)
	}
	if m.Actions, err = actions(ctx, q, `WHERE a.meeting_id = $1 ORDER BY a.seq`, id); err != nil {
		return m, err
	}
	return m, nil
}

const actionColumns = `a.id, a.meeting_id, a.text, a.owner, a.due_on, a.state, a.answer, a.answered_by, a.answered_at, a.note,
	a.closed_by, a.closed_at, a.set_by, a.set_at, a.version`

func actions(ctx context.Context, q querier, where string, args ...any) ([]boards.Action, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+actionColumns+` FROM oversight_actions a `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading actions: %w", err)
	}
	defer rows.Close()
	out := []boards.Action{}
	for rows.Next() {
		var a boards.Action
		var state string
		var answered, closed sql.NullTime
		if err := rows.Scan(&a.ID, &a.MeetingID, &a.Text, &a.Owner, &a.DueOn, &state, &a.Answer, &a.AnsweredBy, &answered, &a.Note,
			&a.ClosedBy, &closed, &a.SetBy, &a.SetAt, &a.Version); err != nil {
			return nil, fmt.Errorf("reading actions: %w", err)
		}
		a.State, a.DueOn, a.SetAt = boards.ActionState(state), a.DueOn.UTC(), a.SetAt.UTC()
		a.AnsweredAt, a.ClosedAt = utcPtr(answered), utcPtr(closed)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PendingActions lists every action the board has not closed, open or
// answered, at whichever meeting it was set: the earliest due first.
func (db *DB) PendingActions(ctx context.Context) ([]boards.Action, error) {
	return actions(ctx, db.read, `WHERE a.state <> 'closed' ORDER BY a.due_on, a.set_at, a.id`)
}

// bumpMeeting saves a meeting's new version (and minutes), refusing it if
// the meeting changed since it was read at readVersion.
func (tx *Tx) bumpMeeting(ctx context.Context, m boards.Meeting, readVersion int) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oversight_meetings SET state = $1, minutes = $2, minuted_by = $3, minuted_at = $4, version = $5
		WHERE id = $6 AND version = $7`, string(m.State), m.Minutes, m.MinutedBy, nullTime(m.MinutedAt), m.Version, m.ID, readVersion)
	if err != nil {
		return fmt.Errorf("saving meeting: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStale
	}
	return nil
}

// SaveMinutes stores the minutes recorded on a meeting read at readVersion.
func (tx *Tx) SaveMinutes(ctx context.Context, m boards.Meeting, readVersion int) error {
	return tx.bumpMeeting(ctx, m, readVersion)
}

// AddAgendaItem stores an item added to a meeting read at readVersion.
func (tx *Tx) AddAgendaItem(ctx context.Context, m boards.Meeting, it boards.AgendaItem, readVersion int) error {
	if err := tx.bumpMeeting(ctx, m, readVersion); err != nil {
		return err
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_agenda_items (id, meeting_id, seq, title, requirement_id, plan_id, measure_id, notes)
		VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM oversight_agenda_items WHERE meeting_id = $2), $3, $4, $5, $6, $7)`,
		it.ID, m.ID, it.Title, it.RequirementID, it.PlanID, it.MeasureID, it.Notes)
	if err != nil {
		return fmt.Errorf("adding agenda item: %w", err)
	}
	return nil
}

// AddAction stores an action set on a meeting read at readVersion.
func (tx *Tx) AddAction(ctx context.Context, m boards.Meeting, a boards.Action, readVersion int) error {
	m.Version = readVersion + 1
	if err := tx.bumpMeeting(ctx, m, readVersion); err != nil {
		return err
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oversight_actions (id, meeting_id, seq, text, owner, due_on, state, set_by, set_at, version)
		VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM oversight_actions WHERE meeting_id = $2), $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, m.ID, a.Text, a.Owner, dateOnly(a.DueOn), string(a.State), a.SetBy, a.SetAt.UTC(), a.Version)
	if err != nil {
		return fmt.Errorf("setting action: %w", err)
	}
	return nil
}

// Action reads one action of a meeting.
func (tx *Tx) Action(ctx context.Context, meetingID, actionID string) (boards.Action, error) {
	as, err := actions(ctx, tx.tx, `WHERE a.meeting_id = $1 AND a.id = $2`, meetingID, actionID)
	if err != nil {
		return boards.Action{}, err
	}
	if len(as) == 0 {
		return boards.Action{}, fault.Errorf(fault.NotFound, "no such action")
	}
	return as[0], nil
}

// SaveAction stores an action moved on from the one read at readVersion.
func (tx *Tx) SaveAction(ctx context.Context, a boards.Action, readVersion int) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oversight_actions SET state = $1, answer = $2, answered_by = $3, answered_at = $4, note = $5,
		closed_by = $6, closed_at = $7, version = $8 WHERE id = $9 AND version = $10`,
		string(a.State), a.Answer, a.AnsweredBy, nullTime(a.AnsweredAt), a.Note, a.ClosedBy, nullTime(a.ClosedAt), a.Version, a.ID, readVersion)
	if err != nil {
		return fmt.Errorf("saving action: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStale
	}
	return nil
}

// CreatePost stores a new leadership post.
func (tx *Tx) CreatePost(ctx context.Context, p boards.Post) error {
	consultees, err := json.Marshal(p.RequiredConsultees)
	if err != nil {
		return fmt.Errorf("recording a post: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO oversight_posts (id, kind, title, appointing_authority, required_consultees, state,
		created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.ID, string(p.Kind), p.Title, p.AppointingAuthority, string(consultees), string(p.State), p.CreatedAt.UTC(), p.Version)
	if err != nil {
		return fmt.Errorf("recording a post: %w", err)
	}
	return nil
}

const postColumns = `p.id, p.kind, p.title, p.appointing_authority, p.required_consultees, p.state, p.holder, p.holder_since, p.term_ends,
	p.acting_holder, p.last_on, p.created_at, p.version`

func scanPost(row interface{ Scan(...any) error }) (boards.Post, error) {
	var p boards.Post
	var kind, consultees, state string
	var since, ends, last sql.NullTime
	if err := row.Scan(&p.ID, &kind, &p.Title, &p.AppointingAuthority, &consultees, &state, &p.Holder, &since, &ends, &p.ActingHolder,
		&last, &p.CreatedAt, &p.Version); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(consultees), &p.RequiredConsultees); err != nil {
		return p, fmt.Errorf("post %s: required consultees: %w", p.ID, err)
	}
	p.Kind, p.State, p.CreatedAt = boards.PostKind(kind), boards.PostState(state), p.CreatedAt.UTC()
	p.HolderSince, p.TermEnds, p.LastOn = utcPtr(since), utcPtr(ends), utcPtr(last)
	return p, nil
}

// Posts lists the leadership posts, chief officer first.
func (db *DB) Posts(ctx context.Context) ([]boards.Post, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+postColumns+` FROM oversight_posts p ORDER BY
		CASE p.kind WHEN 'chief-officer' THEN 1 WHEN 'deputy' THEN 2 ELSE 3 END, p.title, p.id`)
	if err != nil {
		return nil, fmt.Errorf("reading posts: %w", err)
	}
	defer rows.Close()
	out := []boards.Post{}
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("reading posts: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Post reads one post.
func (db *DB) Post(ctx context.Context, id string) (boards.Post, error) {
	return readPost(ctx, db.read, id)
}

// Post reads a post to change it in this transaction.
func (tx *Tx) Post(ctx context.Context, id string) (boards.Post, error) {
	return readPost(ctx, tx.tx, id)
}

func readPost(ctx context.Context, q querier, id string) (boards.Post, error) {
	p, err := scanPost(q.QueryRowContext(ctx, `SELECT `+postColumns+` FROM oversight_posts p WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.Errorf(fault.NotFound, "no such post")
	}
	if err != nil {
		return p, fmt.Errorf("reading post: %w", err)
	}
	return p, nil
}

// SavePost stores a post moved on from the one read at readVersion, with
// the event that moved it (nil when the event was stored already and only
// changed, see SaveEvent).
func (tx *Tx) SavePost(ctx context.Context, p boards.Post, e *boards.Event, readVersion int) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oversight_posts SET state = $1, holder = $2, holder_since = $3, term_ends = $4,
		acting_holder = $5, last_on = $6, version = $7 WHERE id = $8 AND version = $9`,
		string(p.State), p.Holder, nullDate(p.HolderSince), nullDate(p.TermEnds), p.ActingHolder, nullDate(p.LastOn), p.Version, p.ID, readVersion)
	if err != nil {
		return fmt.Errorf("saving post: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStale
	}
	if e == nil {
		return nil
	}
	consultations, err := json.Marshal(orEmpty(e.Consultations))
	if err != nil {
		return fmt.Errorf("recording a post's event: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO oversight_post_events (id, post_id, seq, kind, holder, on_day, reason, appointing_authority,
		consultations, decision, decided_on, term_ends, status, notes, recorded_by, recorded_at)
		VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM oversight_post_events WHERE post_id = $2), $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15)`,
		e.ID, p.ID, string(e.Kind), e.Holder, dateOnly(e.On), e.Reason, e.AppointingAuthority, string(consultations), e.Decision,
		nullDate(e.DecidedOn), nullDate(e.TermEnds), string(e.Status), e.Notes, e.RecordedBy, e.RecordedAt.UTC())
	if err != nil {
		return fmt.Errorf("recording a post's event: %w", err)
	}
	return nil
}

func orEmpty(cs []boards.Consultation) []boards.Consultation {
	if cs == nil {
		return []boards.Consultation{}
	}
	return cs
}

// SaveEvent stores a proposed appointment confirmed or withdrawn, with
// its record as it now stands (a confirmation may correct it).
func (tx *Tx) SaveEvent(ctx context.Context, e boards.Event) error {
	consultations, err := json.Marshal(orEmpty(e.Consultations))
	if err != nil {
		return fmt.Errorf("saving appointment: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE oversight_post_events SET status = $1, reason = $2, consultations = $3, decision = $4,
		decided_on = $5, recorded_by = $6, recorded_at = $7, holder = $8, on_day = $9, term_ends = $10, appointing_authority = $11, notes = $12
		WHERE id = $13 AND post_id = $14 AND kind = 'appointment'`,
		string(e.Status), e.Reason, string(consultations), e.Decision, nullDate(e.DecidedOn), e.RecordedBy, e.RecordedAt.UTC(),
		e.Holder, dateOnly(e.On), nullDate(e.TermEnds), e.AppointingAuthority, e.Notes, e.ID, e.PostID)
	if err != nil {
		return fmt.Errorf("saving appointment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "no such appointment")
	}
	return nil
}

const eventColumns = `e.id, e.post_id, e.kind, e.holder, e.on_day, e.reason, e.appointing_authority, e.consultations, e.decision,
	e.decided_on, e.term_ends, e.status, e.notes, e.recorded_by, e.recorded_at`

// PostEvents is a post's timeline in the order things happened.
func (db *DB) PostEvents(ctx context.Context, postID string) ([]boards.Event, error) {
	return postEvents(ctx, db.read, `WHERE e.post_id = $1 ORDER BY e.on_day, e.seq`, postID)
}

// PostEvent reads one event of a post to change it in this transaction.
func (tx *Tx) PostEvent(ctx context.Context, postID, eventID string) (boards.Event, error) {
	es, err := postEvents(ctx, tx.tx, `WHERE e.post_id = $1 AND e.id = $2`, postID, eventID)
	if err != nil {
		return boards.Event{}, err
	}
	if len(es) == 0 {
		return boards.Event{}, fault.Errorf(fault.NotFound, "no such appointment")
	}
	return es[0], nil
}

func postEvents(ctx context.Context, q querier, where string, args ...any) ([]boards.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventColumns+` FROM oversight_post_events e `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading a post's timeline: %w", err)
	}
	defer rows.Close()
	out := []boards.Event{}
	for rows.Next() {
		var e boards.Event
		var kind, consultations, status string
		var decided, ends sql.NullTime
		if err := rows.Scan(&e.ID, &e.PostID, &kind, &e.Holder, &e.On, &e.Reason, &e.AppointingAuthority, &consultations, &e.Decision,
			&decided, &ends, &status, &e.Notes, &e.RecordedBy, &e.RecordedAt); err != nil {
			return nil, fmt.Errorf("reading a post's timeline: %w", err)
		}
		if err := json.Unmarshal([]byte(consultations), &e.Consultations); err != nil {
			return nil, fmt.Errorf("event %s: consultations: %w", e.ID, err)
		}
		e.Kind, e.Status, e.On, e.RecordedAt = boards.EventKind(kind), boards.AppointmentStatus(status), e.On.UTC(), e.RecordedAt.UTC()
		e.DecidedOn, e.TermEnds = utcPtr(decided), utcPtr(ends)
		out = append(out, e)
	}
	return out, rows.Err()
}
