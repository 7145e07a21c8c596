package store

import (
	"context"
	"fmt"
	"time"
)

// Purged counts what Purge removed.
type Purged struct {
	Sessions, Codes, Messages int64
}

// Purge deletes rows that can no longer matter, so tables do not grow without
// bound:
//   - sessions (with their refresh tokens) that ended — expired or revoked —
//     before graceBefore: no token of theirs can still be accepted, and nodes
//     only need a revocation while its session's access tokens may live, so
//     graceBefore must be at least the longest access-token lifetime ago;
//   - one-time codes expired before now;
//   - messages sent or failed before keepMessagesBefore.
//
// Spent refresh tokens of live sessions stay: presenting one again must still
// revoke its session.
func (db *DB) Purge(ctx context.Context, now, graceBefore, keepMessagesBefore time.Time) (Purged, error) {
	var p Purged
	steps := []struct {
		n     *int64
		query string
		args  []any
	}{
		{&p.Sessions, `DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1`, []any{micros(graceBefore)}},
		{&p.Codes, `DELETE FROM user_codes WHERE expires_at < $1`, []any{micros(now)}},
		// Redeemed authorization codes stay until their session goes (they
		// cascade), so that a replay still revokes it; unredeemed ones expire.
		{&p.Codes, `DELETE FROM oauth_codes WHERE used_at IS NULL AND expires_at < $1`, []any{micros(now)}},
		{&p.Messages, `DELETE FROM outbox WHERE status <> $1 AND created_at < $2`, []any{MessagePending, micros(keepMessagesBefore)}},
	}
	for _, s := range steps {
		res, err := db.w.ExecContext(ctx, s.query, s.args...)
		if err != nil {
			return p, fmt.Errorf("purge: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return p, err
		}
		*s.n += n
	}
	return p, nil
}
