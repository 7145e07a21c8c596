package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// UserEmail is one of a user's email addresses. The primary address is the
// user's own email (users.email); it is listed with the user's id as its id.
// The others live in user_emails.
type UserEmail struct {
	ID             string
	UserID         string
	Email          string
	Verified       bool
	Primary        bool
	FailedAttempts int // wrong verification codes since the last code was sent
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// allEmails lists primary and additional addresses with the same columns.
const allEmails = `(SELECT id, id AS user_id, email, email_lower, verified, TRUE AS is_primary, 0 AS failed_attempts,
		created_at, updated_at FROM users WHERE email_lower IS NOT NULL
	UNION ALL
	SELECT id, user_id, email, email_lower, verified, FALSE, failed_attempts, created_at, updated_at FROM user_emails) e`

const userEmailColumns = `id, user_id, email, verified, is_primary, failed_attempts, created_at, updated_at`

func scanUserEmail(row interface{ Scan(...any) error }) (*UserEmail, error) {
	var e UserEmail
	var created, updated int64
	if err := row.Scan(&e.ID, &e.UserID, &e.Email, &e.Verified, &e.Primary, &e.FailedAttempts, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// CreateUserEmail adds e as an additional address of e.UserID. It returns
// iam.ErrConflict when any user already has the address, as primary or not.
func (tx *Tx) CreateUserEmail(ctx context.Context, e *UserEmail) error {
	lower := strings.ToLower(strings.TrimSpace(e.Email))
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_lower = $1`, lower).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("user email %s: %w", e.Email, iam.ErrConflict)
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_emails (id, user_id, email, email_lower, verified, failed_attempts, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 0, $6, $7)`, e.ID, e.UserID, e.Email, lower, e.Verified, micros(e.CreatedAt), micros(e.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create user email: %w", mapErr(err))
	}
	return nil
}

// FindUserEmails returns every address of the user, the primary first.
func (db *DB) FindUserEmails(ctx context.Context, userID string) ([]*UserEmail, error) {
	return db.queryUserEmails(ctx, `SELECT `+userEmailColumns+` FROM `+allEmails+` WHERE user_id = $1
		ORDER BY is_primary DESC, created_at, id`, userID)
}

// FindUserEmail returns the user's address email (primary or not), or iam.ErrNotFound.
func (tx *Tx) FindUserEmail(ctx context.Context, userID, email string) (*UserEmail, error) {
	return scanUserEmail(tx.tx.QueryRowContext(ctx, `SELECT `+userEmailColumns+` FROM `+allEmails+`
		WHERE user_id = $1 AND email_lower = $2`, userID, strings.ToLower(strings.TrimSpace(email))))
}

// UserEmailFilter narrows ListUserEmails. Empty fields do not filter.
type UserEmailFilter struct {
	UserIDs  []string
	Email    string // exact, case-insensitive
	TenantID string // addresses of this tenant's members only
	Page
}

// ListUserEmails returns a page of addresses, primary and additional, and the total that match.
func (db *DB) ListUserEmails(ctx context.Context, f UserEmailFilter) ([]*UserEmail, int, error) {
	var w whereBuilder
	if len(f.UserIDs) > 0 {
		w.in("user_id", f.UserIDs)
	}
	if f.Email != "" {
		w.add(`email_lower = $%d`, strings.ToLower(strings.TrimSpace(f.Email)))
	}
	if f.TenantID != "" {
		w.add(`user_id IN (SELECT user_id FROM user_tenants WHERE tenant_id = $%d)`, f.TenantID)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+allEmails+` WHERE 1=1`+w.sql, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args := append(w.args, f.limit(), f.Offset)
	items, err := db.queryUserEmails(ctx, `SELECT `+userEmailColumns+` FROM `+allEmails+` WHERE 1=1`+w.sql+
		f.orderBy(map[string]string{"userId": "user_id", "email": "email_lower"}, "email_lower")+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	return items, total, err
}

func (db *DB) queryUserEmails(ctx context.Context, q string, args ...any) ([]*UserEmail, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*UserEmail
	for rows.Next() {
		e, err := scanUserEmail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetUserEmailVerified marks the additional address id verified or not and
// clears its failed attempts; iam.ErrNotFound when there is no such address.
func (tx *Tx) SetUserEmailVerified(ctx context.Context, id string, verified bool, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE user_emails SET verified = $2, failed_attempts = 0, updated_at = $3 WHERE id = $1`,
		id, verified, micros(now))
	return affectedOne(res, err)
}

// AddUserEmailFailure counts one wrong verification code against the additional address id.
func (db *DB) AddUserEmailFailure(ctx context.Context, id string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE user_emails SET failed_attempts = failed_attempts + 1 WHERE id = $1`, id)
	return mapErr(err)
}

// DeleteUserEmail removes the user's additional address id; iam.ErrNotFound
// when the user has no such additional address.
func (tx *Tx) DeleteUserEmail(ctx context.Context, userID, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM user_emails WHERE id = $1 AND user_id = $2`, id, userID)
	return affectedOne(res, err)
}

// FindEmailOwner returns the id of the user that has email, as primary or
// additional address, or iam.ErrNotFound.
func (tx *Tx) FindEmailOwner(ctx context.Context, email string) (string, error) {
	var id string
	err := tx.tx.QueryRowContext(ctx, `SELECT user_id FROM `+allEmails+` WHERE email_lower = $1`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&id)
	return id, mapErr(err)
}
