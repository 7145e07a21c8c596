package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
)

// Storage for the security policies: creating a policy document only once,
// counting failed logins and locking users, remembering replaced password
// hashes, and the rate-limit windows of public routes.

// CreateSetting stores v as the named document unless one exists, in which
// case it returns iam.ErrConflict and changes nothing.
func (db *DB) CreateSetting(ctx context.Context, tenantID, name string, v any, now time.Time) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("setting %s: %w", name, err)
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO settings (tenant_id, name, value, updated_at) VALUES ($1, $2, $3, $4)`,
		tenantID, name, string(raw), micros(now))
	return mapErr(err)
}

// RecordLoginFailure counts one failed first factor of userID at now and
// returns the number of failures now counted. Failures whose latest one is
// older than forgetBefore are forgotten first, so the count restarts at 1.
// One statement, so concurrent failures on several nodes are all counted.
func (db *DB) RecordLoginFailure(ctx context.Context, userID string, now, forgetBefore time.Time) (int, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `INSERT INTO login_failures (user_id, failures, last_failure_at) VALUES ($1, 1, $2)
		ON CONFLICT (user_id) DO UPDATE SET
			failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END,
			last_failure_at = excluded.last_failure_at
		RETURNING failures`, userID, micros(now), micros(forgetBefore)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("record login failure: %w", mapErr(err))
	}
	return n, nil
}

// ClearLoginFailures forgets the user's failed logins.
func (db *DB) ClearLoginFailures(ctx context.Context, userID string) error {
	return clearLoginFailures(ctx, db.w, userID)
}

// ClearLoginFailures is ClearLoginFailures inside a transaction.
func (tx *Tx) ClearLoginFailures(ctx context.Context, userID string) error {
	return clearLoginFailures(ctx, tx.tx, userID)
}

func clearLoginFailures(ctx context.Context, q querier, userID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM login_failures WHERE user_id = $1`, userID)
	return mapErr(err)
}

// LockUser locks the user until until, or until an administrator unlocks it
// when until is nil, and forgets its failed logins. It reports whether the
// user was unlocked at now, so that a new lockout can be told from one
// extended: of two concurrent calls only one reports it. It returns
// iam.ErrNotFound when the user does not exist.
func (tx *Tx) LockUser(ctx context.Context, userID string, until *time.Time, now time.Time) (bool, error) {
	set, args := `locked_until = $3`, []any{userID, micros(now), nullMicros(until)}
	if until == nil {
		set, args = `locked = TRUE`, args[:2]
	}
	// The condition is evaluated again on the row a concurrent lock committed
	// (PostgreSQL) or after it (SQLite's one writer), so only one sees it unlocked.
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET `+set+`, updated_at = $2
		WHERE id = $1 AND NOT locked AND (locked_until IS NULL OR locked_until <= $2)`, args...)
	err = affectedOne(res, err)
	newly := err == nil
	if errors.Is(err, iam.ErrNotFound) {
		res, err = tx.tx.ExecContext(ctx, `UPDATE users SET `+set+`, updated_at = $2 WHERE id = $1`, args...)
		err = affectedOne(res, err)
	}
	if err != nil {
		return false, err
	}
	return newly, clearLoginFailures(ctx, tx.tx, userID)
}

// PasswordHistoryLimit is how many replaced password hashes are kept per
// user: the most a password history policy can look back, besides the
// current password.
const PasswordHistoryLimit = 24

// rememberPassword moves the user's current password hash, if any, into the
// password history, keeping the newest PasswordHistoryLimit entries.
func (tx *Tx) rememberPassword(ctx context.Context, userID string, now time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO password_history (id, user_id, hash, replaced_at)
		SELECT $2, id, password_hash, $3 FROM users WHERE id = $1 AND password_hash <> ''`, userID, uuid.NewString(), micros(now))
	if err != nil {
		return fmt.Errorf("remember password: %w", mapErr(err))
	}
	_, err = tx.tx.ExecContext(ctx, `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN (
		SELECT id FROM password_history WHERE user_id = $1 ORDER BY replaced_at DESC, id DESC LIMIT $2)`,
		userID, PasswordHistoryLimit)
	return mapErr(err)
}

// FindPasswordHistory returns up to n of the user's replaced password hashes,
// newest first.
func (db *DB) FindPasswordHistory(ctx context.Context, userID string, n int) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT hash FROM password_history WHERE user_id = $1
		ORDER BY replaced_at DESC, id DESC LIMIT $2`, userID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// HitRateLimit counts one request against key in the fixed window starting at
// windowStart and returns the requests counted in that window so far. A
// request in a newer window restarts the count. One statement, so nodes
// sharing the database share the count.
func (db *DB) HitRateLimit(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING hits`, key, micros(windowStart)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("rate limit: %w", mapErr(err))
	}
	return n, nil
}

// DeleteRateLimitsBefore drops the counters of windows that started before t.
func (db *DB) DeleteRateLimitsBefore(ctx context.Context, t time.Time) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_start < $1`, micros(t))
	return mapErr(err)
}
