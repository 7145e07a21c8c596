package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// A live session is one that can still be continued: not revoked, not past
// its absolute end, and holding an unspent refresh token that has not
// expired (a session idle past its refresh token's life is over).
const liveSessionSQL = `revoked_at IS NULL AND expires_at > $2 AND EXISTS (SELECT 1 FROM refresh_tokens t
	WHERE t.session_id = sessions.id AND t.used_at IS NULL AND t.expires_at > $2)`

// FindLiveSessions returns the user's live sessions at now, newest first.
func (db *DB) FindLiveSessions(ctx context.Context, userID string, now time.Time) ([]*iam.Session, error) {
	return querySessions(ctx, db.r, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = $1 AND `+liveSessionSQL+`
		ORDER BY created_at DESC, id DESC`, userID, micros(now))
}

func querySessions(ctx context.Context, q querier, query string, args ...any) ([]*iam.Session, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*iam.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// EndExcessSessions revokes the user's oldest live sessions so that at most
// max remain, never keepID (the session just opened), and returns the ids it
// revoked. max <= 0 means no limit. On PostgreSQL it locks the user's row
// first, so that concurrent logins of one user count one after the other
// (FOR NO KEY UPDATE: the session insert already holds the row's KEY SHARE
// lock through its foreign key, and FOR UPDATE would deadlock two such logins).
func (tx *Tx) EndExcessSessions(ctx context.Context, userID, keepID string, max int, now time.Time) ([]string, error) {
	if max <= 0 {
		return nil, nil
	}
	if tx.Dialect == Postgres {
		if _, err := tx.tx.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE`, userID); err != nil {
			return nil, fmt.Errorf("lock user: %w", err)
		}
	}
	ids, err := queryIDs(ctx, tx.tx, `SELECT id FROM sessions WHERE user_id = $1 AND id <> $3 AND `+liveSessionSQL+`
		ORDER BY created_at DESC, id DESC`, userID, micros(now), keepID)
	if err != nil {
		return nil, err
	}
	if len(ids) < max {
		return nil, nil
	}
	ended := ids[max-1:]
	return ended, revokeSessions(ctx, tx.tx, ended, now)
}

// EndUserSessions revokes every session of the user not yet revoked, except
// keepID (which may be ""), and returns the ids it revoked.
func (db *DB) EndUserSessions(ctx context.Context, userID, keepID string, now time.Time) ([]string, error) {
	var ended []string
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		ended, err = queryIDs(ctx, tx.tx, `SELECT id FROM sessions WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, userID, keepID)
		if err != nil {
			return err
		}
		return revokeSessions(ctx, tx.tx, ended, now)
	})
	return ended, err
}

func revokeSessions(ctx context.Context, q querier, ids []string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{micros(now)}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := q.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND id IN (`+placeholders(2, len(ids))+`)`, args...)
	return mapErr(err)
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
