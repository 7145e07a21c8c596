package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// UserSource is an external system asked on login for users Hatch does not
// know yet (Frontegg's user pools).
type UserSource struct {
	ID          string
	Name        string
	Type        string // auth0, cognito, firebase, custom-code, federation
	Description string
	Index       int    // sources are asked in ascending Index
	Config      string // JSON without secrets
	Secrets     string // sealed JSON of the secret fields
	AppIDs      []string
	UsersCount  int // filled by FindUserSources
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const sourceColumns = `id, name, type, description, position, config, secrets, created_at, updated_at`

func scanSource(row interface{ Scan(...any) error }) (*UserSource, error) {
	var s UserSource
	var created, updated int64
	if err := row.Scan(&s.ID, &s.Name, &s.Type, &s.Description, &s.Index, &s.Config, &s.Secrets, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	s.AppIDs = []string{}
	return &s, nil
}

// CreateUserSource inserts s with its applications.
func (db *DB) CreateUserSource(ctx context.Context, s *UserSource) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_sources (`+sourceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			s.ID, s.Name, s.Type, s.Description, s.Index, s.Config, s.Secrets, micros(s.CreatedAt), micros(s.UpdatedAt))
		if err != nil {
			return fmt.Errorf("create user source: %w", mapErr(err))
		}
		return tx.AssignUserSource(ctx, s.ID, s.AppIDs)
	})
}

// UpdateUserSource saves s's name, description, index, configuration and secrets.
func (db *DB) UpdateUserSource(ctx context.Context, s *UserSource) error {
	res, err := db.w.ExecContext(ctx, `UPDATE user_sources SET name = $2, description = $3, position = $4, config = $5, secrets = $6,
		updated_at = $7 WHERE id = $1`, s.ID, s.Name, s.Description, s.Index, s.Config, s.Secrets, micros(s.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteUserSource removes the source and its assignments. Users it brought stay.
func (db *DB) DeleteUserSource(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM user_sources WHERE id = $1`, id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM user_source_apps WHERE source_id = $1`, id)
		return err
	})
}

// FindUserSource returns the source with id and its applications, or iam.ErrNotFound.
func (db *DB) FindUserSource(ctx context.Context, id string) (*UserSource, error) {
	s, err := scanSource(db.r.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM user_sources WHERE id = $1`, id))
	if err != nil {
		return nil, err
	}
	if err := db.fillSourceApps(ctx, map[string]*UserSource{s.ID: s}); err != nil {
		return nil, err
	}
	return s, nil
}

// FindUserSources returns every source in asking order, with its applications
// and the number of users it brought.
func (db *DB) FindUserSources(ctx context.Context) ([]*UserSource, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+sourceColumns+` FROM user_sources ORDER BY position, created_at, id`)
	if err != nil {
		return nil, err
	}
	var out []*UserSource
	byID := map[string]*UserSource{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	if err := db.fillSourceApps(ctx, byID); err != nil {
		return nil, err
	}
	counts, err := db.r.QueryContext(ctx, `SELECT source_id, COUNT(*) FROM migrated_users WHERE source_id <> '' GROUP BY source_id`)
	if err != nil {
		return nil, err
	}
	defer counts.Close()
	for counts.Next() {
		var id string
		var n int
		if err := counts.Scan(&id, &n); err != nil {
			return nil, err
		}
		if s := byID[id]; s != nil {
			s.UsersCount = n
		}
	}
	return out, counts.Err()
}

func (db *DB) fillSourceApps(ctx context.Context, byID map[string]*UserSource) error {
	rows, err := db.r.QueryContext(ctx, `SELECT source_id, app_id FROM user_source_apps ORDER BY app_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var src, app string
		if err := rows.Scan(&src, &app); err != nil {
			return err
		}
		if s := byID[src]; s != nil {
			s.AppIDs = append(s.AppIDs, app)
		}
	}
	return rows.Err()
}

// AssignUserSource adds applications to a source; ones it has already stay.
func (tx *Tx) AssignUserSource(ctx context.Context, sourceID string, appIDs []string) error {
	return insertRows(ctx, tx, "user_source_apps", []string{"source_id", "app_id"}, len(appIDs),
		func(i int) []any { return []any{sourceID, appIDs[i]} }, " ON CONFLICT DO NOTHING")
}

// AssignUserSource adds applications to a source, or returns iam.ErrNotFound for an unknown source.
func (db *DB) AssignUserSource(ctx context.Context, sourceID string, appIDs []string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.sourceExists(ctx, sourceID); err != nil {
			return err
		}
		return tx.AssignUserSource(ctx, sourceID, appIDs)
	})
}

// UnassignUserSource removes applications from a source, or returns
// iam.ErrNotFound for an unknown source.
func (db *DB) UnassignUserSource(ctx context.Context, sourceID string, appIDs []string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.sourceExists(ctx, sourceID); err != nil {
			return err
		}
		for _, app := range appIDs {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_source_apps WHERE source_id = $1 AND app_id = $2`, sourceID, app); err != nil {
				return err
			}
		}
		return nil
	})
}

func (tx *Tx) sourceExists(ctx context.Context, id string) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_sources WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return iam.ErrNotFound
	}
	return nil
}

// FindSourceUsers returns a page of the users a source brought, oldest first, and their total.
func (db *DB) FindSourceUsers(ctx context.Context, sourceID string, p Page) ([]*iam.User, int, error) {
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrated_users WHERE source_id = $1`, sourceID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE id IN (SELECT user_id FROM migrated_users WHERE source_id = $1)
		ORDER BY created_at, id LIMIT $2 OFFSET $3`, sourceID, p.limit(), p.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*iam.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// SetPasswordIfEmpty gives a user that has no password one, and reports
// whether it did; a password set meanwhile (a reset, say) is never overwritten.
func (db *DB) SetPasswordIfEmpty(ctx context.Context, userID, hash string, now time.Time) (bool, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3
		WHERE id = $1 AND password_hash = ''`, userID, hash, micros(now))
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
