package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

//go:embed migrations
var migrations embed.FS

// ErrSchemaNewer means the database was migrated by a newer Probity. We
// refuse to touch it: an older binary does not know what the newer tables
// mean and could corrupt them.
var ErrSchemaNewer = errors.New("database schema is newer than this binary")

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several servers may start at once against one PostgreSQL; an
		// advisory lock makes them take turns migrating.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, sub, opts...)
}

// SchemaStatus says how the database's schema compares with this binary's.
type SchemaStatus struct {
	Current int64 // version applied to the database
	Latest  int64 // newest version this binary knows
}

// Pending reports whether migrations remain to be applied.
func (s SchemaStatus) Pending() bool { return s.Current < s.Latest }

// Newer reports whether the database is ahead of this binary.
func (s SchemaStatus) Newer() bool { return s.Current > s.Latest }

// Schema reports the schema versions without changing anything.
func (db *DB) Schema(ctx context.Context) (SchemaStatus, error) {
	p, err := db.provider()
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("loading migrations: %w", err)
	}
	var st SchemaStatus
	for _, s := range p.ListSources() {
		st.Latest = max(st.Latest, s.Version)
	}
	current, err := db.appliedVersion(ctx)
	if err != nil {
		return SchemaStatus{}, err
	}
	st.Current = current
	return st, nil
}

// appliedVersion reads goose's version table directly, so that checking a
// database never creates the table (goose's own version lookup would).
func (db *DB) appliedVersion(ctx context.Context) (int64, error) {
	var exists bool
	var q string
	if db.dialect == SQLite {
		q = `SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	} else {
		q = `SELECT to_regclass('goose_db_version') IS NOT NULL`
	}
	if err := db.write.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return 0, fault.Wrap(fault.Unavailable, err, "reading schema version")
	}
	if !exists {
		return 0, nil
	}
	var v int64
	err := db.write.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
	if err != nil {
		return 0, fault.Wrap(fault.Unavailable, err, "reading schema version")
	}
	return v, nil
}

// Migrate applies pending migrations and loads the reference data. A
// database whose schema is newer than this binary is refused, unchanged.
func (db *DB) Migrate(ctx context.Context) (applied []int64, err error) {
	st, err := db.Schema(ctx)
	if err != nil {
		return nil, err
	}
	if st.Newer() {
		return nil, fmt.Errorf("%w: database is at version %d, this binary knows up to %d; upgrade Probity",
			ErrSchemaNewer, st.Current, st.Latest)
	}
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("loading migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("applying migrations: %w", err)
	}
	for _, r := range results {
		applied = append(applied, r.Source.Version)
		db.log.Info("applied migration", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	ref, err := cases.LoadReference()
	if err != nil {
		return applied, err
	}
	if err := db.loadReference(ctx, ref); err != nil {
		return applied, fmt.Errorf("loading reference data: %w", err)
	}
	return applied, nil
}

// loadReference writes each reference set once. A set already loaded under
// the same version must be byte-for-byte the same: a changed file needs a
// new version, or cases recorded under the old one would change meaning.
func (db *DB) loadReference(ctx context.Context, ref *cases.Reference) error {
	return db.InTx(ctx, func(tx *Tx) error {
		now := time.Now().UTC()
		for _, t := range ref.Taxonomies {
			fresh, err := tx.claimReferenceSet(ctx, t.Name, t.Version, t.EffectiveFrom.Time, t.Source, t, now)
			if err != nil || !fresh {
				return err
			}
			// Rows already there are updated, not refused: a set is
			// loaded over its old rows only when a migration has said it
			// corrects that version (00027), and allegations refer to
			// them, so they cannot be deleted and written again.
			for _, c := range t.Categories {
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO complaint_categories
					(taxonomy_version, code, name, confirmed, concern, iopc_code, iopc_code_confirmed) VALUES ($1, $2, $3, $4, $5, $6, $7)
					ON CONFLICT (taxonomy_version, code) DO UPDATE SET name = excluded.name, confirmed = excluded.confirmed,
						concern = excluded.concern, iopc_code = excluded.iopc_code, iopc_code_confirmed = excluded.iopc_code_confirmed`,
					t.Version, c.Code, c.Name, c.Confirmed, c.Concern, c.IOPC.Code, c.IOPC.Confirmed); err != nil {
					return err
				}
				for _, s := range c.Subcategories {
					if _, err := tx.tx.ExecContext(ctx, `INSERT INTO complaint_subcategories
						(taxonomy_version, category_code, code, name, confirmed, concern, protected_characteristic, use_of_force,
							iopc_code, iopc_code_confirmed)
						VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
						ON CONFLICT (taxonomy_version, category_code, code) DO UPDATE SET name = excluded.name,
							confirmed = excluded.confirmed, concern = excluded.concern,
							protected_characteristic = excluded.protected_characteristic, use_of_force = excluded.use_of_force,
							iopc_code = excluded.iopc_code, iopc_code_confirmed = excluded.iopc_code_confirmed`,
						t.Version, c.Code, s.Code, s.Name, s.Confirmed, s.Concern, s.ProtectedCharacteristic, s.UseOfForce,
						s.IOPC.Code, s.IOPC.Confirmed); err != nil {
						return err
					}
				}
			}
		}
		for _, s := range ref.Standards {
			fresh, err := tx.claimReferenceSet(ctx, s.Name, s.Version, s.EffectiveFrom.Time, s.Source, s, now)
			if err != nil || !fresh {
				return err
			}
			for _, st := range s.Standards {
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO conduct_standards
					(standards_version, code, number, title, confirmed) VALUES ($1, $2, $3, $4, $5)`,
					s.Version, st.Code, st.Number, st.Title, st.Confirmed); err != nil {
					return err
				}
			}
		}
		for _, r := range ref.RuleSets {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO rule_sets (code, effective_from, title)
				VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET title = excluded.title`,
				r.Code, r.EffectiveFrom.Time, r.Title); err != nil {
				return err
			}
		}
		return nil
	})
}

// claimReferenceSet records a reference set and reports whether it is new.
// If the same name and version were loaded with different content, that
// is an error: versions are immutable once used.
func (tx *Tx) claimReferenceSet(ctx context.Context, name, version string, from time.Time, source string, content any, now time.Time) (bool, error) {
	b, err := json.Marshal(content)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:])
	var existing string
	err = tx.tx.QueryRowContext(ctx, `SELECT sha256 FROM reference_sets WHERE name = $1 AND version = $2`,
		name, version).Scan(&existing)
	switch {
	case err == nil && existing == digest:
		return false, nil
	case err == nil:
		return false, fmt.Errorf("reference set %s version %s changed since it was loaded; give the new content a new version", name, version)
	case !errors.Is(err, sqlErrNoRows):
		return false, err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO reference_sets (name, version, effective_from, source, sha256, loaded_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, name, version, from, source, digest, now)
	return err == nil, err
}
