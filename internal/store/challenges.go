package store

import (
	"context"
	"database/sql"
	"time"
)

// Challenge is a short-lived step of an authentication: an MFA token, a
// one-time code sent by SMS or email, a WebAuthn ceremony, a pending
// enrollment, a magic link. The client holds a token whose SHA-256 is ID.
type Challenge struct {
	ID        string
	Kind      string
	UserID    string // "" while no user is known
	ParentID  string // the challenge this one belongs to, or ""
	CodeHash  string // for codes people type: see the factors package
	Data      string // JSON, owned by the kind
	Attempts  int    // wrong codes so far
	CreatedAt time.Time
	ExpiresAt time.Time
}

const challengeColumns = `id, kind, user_id, parent_id, code_hash, data, attempts, created_at, expires_at`

func scanChallenge(row interface{ Scan(...any) error }) (*Challenge, error) {
	var c Challenge
	var user sql.NullString
	var created, expires int64
	if err := row.Scan(&c.ID, &c.Kind, &user, &c.ParentID, &c.CodeHash, &c.Data, &c.Attempts, &created, &expires); err != nil {
		return nil, mapErr(err)
	}
	c.UserID, c.CreatedAt, c.ExpiresAt = user.String, fromMicros(created), fromMicros(expires)
	return &c, nil
}

// challengeRetention is how long dead challenges stay before CreateChallenge
// deletes them.
const challengeRetention = 24 * time.Hour

// CreateChallenge stores c. When replace is true, the user's other live
// challenges of the same kind and parent die first, so only the newest works.
// It also deletes challenges that expired more than a day ago.
func (tx *Tx) CreateChallenge(ctx context.Context, c *Challenge, replace bool) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM auth_challenges WHERE expires_at < $1`,
		micros(c.CreatedAt.Add(-challengeRetention))); err != nil {
		return mapErr(err)
	}
	if replace && c.UserID != "" {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE auth_challenges SET used_at = $4
			WHERE user_id = $1 AND kind = $2 AND parent_id = $3 AND used_at IS NULL`,
			c.UserID, c.Kind, c.ParentID, micros(c.CreatedAt)); err != nil {
			return mapErr(err)
		}
	}
	if c.Data == "" {
		c.Data = "{}"
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO auth_challenges (`+challengeColumns+`, used_at)
		VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, NULL)`,
		c.ID, c.Kind, nullString(c.UserID), c.ParentID, c.CodeHash, c.Data, micros(c.CreatedAt), micros(c.ExpiresAt))
	return mapErr(err)
}

// FindChallenge returns the live challenge of kind with id: unused and
// unexpired at now. It returns iam.ErrNotFound otherwise.
func (db *DB) FindChallenge(ctx context.Context, id, kind string, now time.Time) (*Challenge, error) {
	return scanChallenge(db.r.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM auth_challenges
		WHERE id = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3`, id, kind, micros(now)))
}

// FindLatestChallenge returns the user's newest live challenge of kind under
// parentID ("" for none), or iam.ErrNotFound.
func (db *DB) FindLatestChallenge(ctx context.Context, userID, kind, parentID string, now time.Time) (*Challenge, error) {
	return scanChallenge(db.r.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM auth_challenges
		WHERE user_id = $1 AND kind = $2 AND parent_id = $3 AND used_at IS NULL AND expires_at > $4
		ORDER BY created_at DESC LIMIT 1`, userID, kind, parentID, micros(now)))
}

// CountChallenges returns how many challenges of kind were created for the
// user since since, used or not: how many codes were sent (dead challenges
// stay a day, see CreateChallenge).
func (tx *Tx) CountChallenges(ctx context.Context, userID, kind string, since time.Time) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM auth_challenges
		WHERE user_id = $1 AND kind = $2 AND parent_id = '' AND created_at >= $3`, userID, kind, micros(since)).Scan(&n)
	return n, mapErr(err)
}

// FailChallenge counts a wrong code against the challenge id and returns the
// attempts made so far. Once they reach limit the challenge dies, so no
// further code, right or wrong, is accepted for it.
func (db *DB) FailChallenge(ctx context.Context, id string, limit int, now time.Time) (int, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `UPDATE auth_challenges SET attempts = attempts + 1,
		used_at = CASE WHEN attempts + 1 >= $2 THEN $3 ELSE used_at END
		WHERE id = $1 RETURNING attempts`, id, limit, micros(now)).Scan(&n)
	return n, mapErr(err)
}

// SpendChallenge marks the live challenge id used. Of two concurrent calls
// exactly one succeeds; the other, and any call for a dead challenge, gets
// iam.ErrNotFound.
func (tx *Tx) SpendChallenge(ctx context.Context, id string, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE auth_challenges SET used_at = $2
		WHERE id = $1 AND used_at IS NULL AND expires_at > $2`, id, micros(now))
	return affectedOne(res, err)
}

// SpendChallenge is SpendChallenge in a transaction of its own.
func (db *DB) SpendChallenge(ctx context.Context, id string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.SpendChallenge(ctx, id, now) })
}
