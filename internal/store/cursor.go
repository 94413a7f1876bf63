package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// Position is where a paged list stands: the sort key (a time, then an
// id) of the last item the caller was shown. A list resumes after it.
type Position struct {
	At time.Time
	ID string
}

// ErrBadCursor is the cause of every refused cursor: one that this
// database's servers did not give, that was altered, or that was given
// for another list, caller or query.
var ErrBadCursor = errors.New("bad cursor")

// ListKey seals list cursors and digests search text under a secret that
// every server sharing the database holds (see server_secrets).
//
// The key is kept in the database rather than in each server's
// configuration so that a cursor one server gave, another accepts, with
// nothing to set up. What it protects is modest: a cursor only says where
// a list stands, and someone who can read the database can read the
// lists themselves; the key stops a caller from making up a position (the
// cursor was once a way to probe rows the caller may not see).
type ListKey struct{ key []byte }

const listKeyName = "list-cursor"

// ListKey reads the list key, creating it on first use.
func (db *DB) ListKey(ctx context.Context) (ListKey, error) {
	k, err := db.serverSecret(ctx, listKeyName)
	if err != nil {
		return ListKey{}, fmt.Errorf("reading the list cursor key: %w", err)
	}
	return ListKey{key: k}, nil
}

// serverSecret returns the named secret, drawing it the first time. Of
// two servers drawing at once, the first insert wins and both read it.
func (db *DB) serverSecret(ctx context.Context, name string) ([]byte, error) {
	read := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) ([]byte, error) {
		var s string
		if err := q.QueryRowContext(ctx, `SELECT secret FROM server_secrets WHERE name = $1`, name).Scan(&s); err != nil {
			return nil, err
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("server secret %s is not 32 bytes of hex", name)
		}
		return b, nil
	}
	b, err := read(db.read)
	if !errors.Is(err, sql.ErrNoRows) {
		return b, err
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO server_secrets (name, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, hex.EncodeToString(fresh), time.Now().UTC()); err != nil {
		return nil, err
	}
	// Read back through the writer: it has seen the row that won.
	return read(db.write)
}

// cursorVersion leads every cursor, so that a later format can refuse
// this one by name rather than misread it.
const cursorVersion = 1

// Cursor seals a position for one list (list names it: "cases", say) and
// one query: binding holds whatever the cursor must not be reused
// without (the caller, the filters). Neither is in the cursor itself;
// both are covered by its tag.
func (k ListKey) Cursor(list, binding string, p Position) string {
	payload := make([]byte, 0, 1+12+len(p.ID)+sha256.Size)
	payload = append(payload, cursorVersion)
	payload = binary.BigEndian.AppendUint64(payload, uint64(p.At.Unix()))
	payload = binary.BigEndian.AppendUint32(payload, uint32(p.At.Nanosecond()))
	payload = append(payload, p.ID...)
	return base64.RawURLEncoding.EncodeToString(append(payload, k.tag(list, binding, payload)...))
}

// Position opens a cursor sealed by Cursor for the same list and binding.
// Anything else is refused with ErrBadCursor, naming the cursor field.
func (k ListKey) Position(list, binding, cursor string) (Position, error) {
	bad := fault.Wrap(fault.Invalid, ErrBadCursor, "bad cursor")
	bad.Fields = []fault.FieldError{{Field: "cursor", Reason: "is not a cursor this list gave for this query; start again without it"}}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) < 1+12+sha256.Size {
		return Position{}, bad
	}
	payload, tag := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if !hmac.Equal(tag, k.tag(list, binding, payload)) || payload[0] != cursorVersion {
		return Position{}, bad
	}
	secs := int64(binary.BigEndian.Uint64(payload[1:9]))
	nanos := binary.BigEndian.Uint32(payload[9:13])
	p := Position{At: time.Unix(secs, int64(nanos)).UTC(), ID: string(payload[13:])}
	if nanos >= 1e9 || !id.Valid(p.ID) {
		return Position{}, bad
	}
	return p, nil
}

// tag authenticates a cursor's payload together with its list and
// binding; each part is length-prefixed so that no two different triples
// hash alike.
func (k ListKey) tag(list, binding string, payload []byte) []byte {
	m := hmac.New(sha256.New, k.key)
	for _, part := range [][]byte{[]byte("probity list cursor"), []byte(list), []byte(binding), payload} {
		_ = binary.Write(m, binary.BigEndian, uint32(len(part)))
		m.Write(part)
	}
	return m.Sum(nil)
}

// Digest reduces text (a search, say) to a short keyed hash for an audit
// entry: the same text searched twice gives the same digest, so a run of
// probes shows, but the log does not hold the words, and without the key
// nobody can test guesses against it.
func (k ListKey) Digest(purpose, text string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte("probity digest\x00" + purpose + "\x00"))
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:8])
}
