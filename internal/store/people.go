package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/people"
)

// The additional data bound into each sealed value: a ciphertext copied to
// another row or column fails to open instead of showing the wrong person.
func personAAD(personID, field string) string { return "people/" + personID + "/" + field }

var personFields = []string{"name", "email", "phone", "address"}

func personValues(p *people.Person) []*string {
	return []*string{&p.Name, &p.Email, &p.Phone, &p.Address}
}

// CreatePerson validates a member of the public and stores them with their
// name and contact details sealed.
func (tx *Tx) CreatePerson(ctx context.Context, p *people.Person, now time.Time) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if tx.db.keys == nil {
		return fault.Errorf(fault.Internal, "no data key configured: cannot store personal data")
	}
	if p.ID == "" {
		p.ID = id.New()
	}
	p.CreatedAt = now.UTC()
	sealed := make([]any, len(personFields))
	for i, v := range personValues(p) {
		s, err := tx.db.keys.SealOptional(*v, personAAD(p.ID, personFields[i]))
		if err != nil {
			return fmt.Errorf("sealing %s: %w", personFields[i], err)
		}
		sealed[i] = s
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO people (id, name_sealed, email_sealed, phone_sealed, address_sealed, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, append([]any{p.ID}, append(sealed, p.CreatedAt)...)...)
	return constraintError(err, "person already exists", "")
}

// Person reads and unseals one member of the public.
func (db *DB) Person(ctx context.Context, personID string) (people.Person, error) {
	var p people.Person
	sealed := make([]string, len(personFields))
	err := db.read.QueryRowContext(ctx, `SELECT id, name_sealed, email_sealed, phone_sealed, address_sealed, created_at
		FROM people WHERE id = $1`, personID).Scan(&p.ID, &sealed[0], &sealed[1], &sealed[2], &sealed[3], &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.Errorf(fault.NotFound, "person %s not found", personID)
	}
	if err != nil {
		return p, fmt.Errorf("reading person %s: %w", personID, err)
	}
	if db.keys == nil {
		return p, fault.Errorf(fault.Internal, "no data key configured: cannot read personal data")
	}
	for i, v := range personValues(&p) {
		plain, err := db.keys.OpenOptional(sealed[i], personAAD(p.ID, personFields[i]))
		if err != nil {
			return p, fmt.Errorf("unsealing %s of person %s: %w", personFields[i], personID, err)
		}
		*v = plain
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return p, nil
}
