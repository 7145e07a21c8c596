package store

import (
	"context"
	"database/sql"
	"time"
)

// Code is a one-time secret sent to a user (activation, password reset,
// invitation…), stored only as a hash.
type Code struct {
	Hash      string
	Kind      string
	UserID    string
	TenantID  string
	Data      string // JSON
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateCode stores c. When replace is true, the user's other unused codes of
// the same kind die first, so only the newest link works.
func (tx *Tx) CreateCode(ctx context.Context, c *Code, replace bool) error {
	if replace {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = $1 AND kind = $2 AND used_at IS NULL`, c.UserID, c.Kind); err != nil {
			return err
		}
	}
	if c.Data == "" {
		c.Data = "{}"
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_codes (hash, kind, user_id, tenant_id, data, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.Hash, c.Kind, c.UserID, c.TenantID, c.Data, micros(c.CreatedAt), micros(c.ExpiresAt))
	return mapErr(err)
}

// UseCode spends the unexpired, unused code of kind with hash, returning it.
// It returns iam.ErrNotFound for an unknown, expired, spent or wrong-kind code,
// and when userID is not "" and the code is not that user's.
func (tx *Tx) UseCode(ctx context.Context, kind, hash, userID string, now time.Time) (*Code, error) {
	var c Code
	var created, expires int64
	var used sql.NullInt64
	err := tx.tx.QueryRowContext(ctx, `SELECT hash, kind, user_id, tenant_id, data, created_at, expires_at, used_at
		FROM user_codes WHERE hash = $1 AND kind = $2`, hash, kind).
		Scan(&c.Hash, &c.Kind, &c.UserID, &c.TenantID, &c.Data, &created, &expires, &used)
	if err != nil {
		return nil, mapErr(err)
	}
	c.CreatedAt, c.ExpiresAt = fromMicros(created), fromMicros(expires)
	if used.Valid || !c.ExpiresAt.After(now) || (userID != "" && userID != c.UserID) {
		return nil, mapErr(sql.ErrNoRows)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE user_codes SET used_at = $2 WHERE hash = $1 AND used_at IS NULL`, hash, micros(now))
	if err := affectedOne(res, err); err != nil {
		return nil, err
	}
	return &c, nil
}

// PeekCode returns the live code of kind with hash without spending it, or iam.ErrNotFound.
func (db *DB) PeekCode(ctx context.Context, kind, hash string, now time.Time) (*Code, error) {
	var c Code
	var created, expires int64
	err := db.r.QueryRowContext(ctx, `SELECT hash, kind, user_id, tenant_id, data, created_at, expires_at
		FROM user_codes WHERE hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3`, hash, kind, micros(now)).
		Scan(&c.Hash, &c.Kind, &c.UserID, &c.TenantID, &c.Data, &created, &expires)
	if err != nil {
		return nil, mapErr(err)
	}
	c.CreatedAt, c.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &c, nil
}

// DeleteCodes removes the user's unused codes of kind for tenantID, so that
// only a newer one works.
func (tx *Tx) DeleteCodes(ctx context.Context, userID, kind, tenantID string) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = $1 AND kind = $2 AND tenant_id = $3 AND used_at IS NULL`,
		userID, kind, tenantID)
	return mapErr(err)
}

// ConvertCode turns the code with hash, spent or not, into an unused code of
// kind that expires at expiresAt: the same secret then works once more, for
// the next step of a flow. It returns iam.ErrNotFound for an unknown hash.
func (tx *Tx) ConvertCode(ctx context.Context, hash, kind string, expiresAt time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE user_codes SET kind = $2, used_at = NULL, expires_at = $3 WHERE hash = $1`,
		hash, kind, micros(expiresAt))
	return affectedOne(res, err)
}
