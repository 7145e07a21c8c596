package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// ErrRefreshReused is returned when a spent refresh token is presented again.
// Its whole session has been revoked by the time the caller sees this.
var ErrRefreshReused = errors.New("refresh token reused")

const sessionColumns = `id, user_id, tenant_id, ip, user_agent, amr, acr, auth_time, created_at, last_used_at, expires_at, revoked_at`

func scanSession(row interface{ Scan(...any) error }) (*iam.Session, error) {
	var s iam.Session
	var amr string
	var authTime, created, lastUsed, expires int64
	var revoked sql.NullInt64
	if err := row.Scan(&s.ID, &s.UserID, &s.TenantID, &s.IP, &s.UserAgent, &amr, &s.ACR, &authTime, &created,
		&lastUsed, &expires, &revoked); err != nil {
		return nil, mapErr(err)
	}
	if amr != "" {
		s.AMR = strings.Split(amr, " ")
	}
	s.AuthTime, s.CreatedAt, s.LastUsedAt = fromMicros(authTime), fromMicros(created), fromMicros(lastUsed)
	s.ExpiresAt, s.RevokedAt = fromMicros(expires), timePtr(revoked)
	return &s, nil
}

// CreateSession stores a new session and its first refresh token (by hash).
func (tx *Tx) CreateSession(ctx context.Context, s *iam.Session, refreshHash string, refreshExpires time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL)`,
		s.ID, s.UserID, s.TenantID, s.IP, s.UserAgent, strings.Join(s.AMR, " "), s.ACR, micros(s.AuthTime),
		micros(s.CreatedAt), micros(s.LastUsedAt), micros(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", mapErr(err))
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		refreshHash, s.ID, micros(s.CreatedAt), micros(refreshExpires))
	return mapErr(err)
}

// RotateRefreshToken spends the refresh token oldHash and issues newHash in
// the same session, in one transaction, and returns the session.
//
// The token must have been issued to the OAuth client clientID ("" for the
// environment's own logins): a token of another client is refused like an
// unknown one and stays unspent, so that an application's tokens are
// refreshed only where its secret and access rules are checked.
//
// It returns iam.ErrNotFound when the token is unknown, another client's or
// expired or its session is revoked or over, and ErrRefreshReused when the
// token was already spent: then the whole session is revoked before
// returning, so every token of the family dies. Of two concurrent rotations
// of one token exactly one succeeds; the other sees ErrRefreshReused.
func (db *DB) RotateRefreshToken(ctx context.Context, oldHash, newHash, clientID string, now, newExpires time.Time) (*iam.Session, error) {
	if db.Dialect == Postgres {
		// The happy path in one round trip; anything else (unknown, another
		// client's, expired, spent, session over) takes the transaction below,
		// which tells them apart.
		s, err := scanSession(db.w.QueryRowContext(ctx, rotateInOneStatement, oldHash, micros(now), newHash, micros(newExpires), clientID))
		if !errors.Is(err, iam.ErrNotFound) {
			return s, err
		}
	}
	var out *iam.Session
	reused := false
	err := db.InTx(ctx, func(tx *Tx) error {
		// The happy path is three statements: spend the token (yielding its
		// session, expiry and OAuth client), read and touch the session, and
		// insert the next token. A failure below rolls all of it back.
		var sessionID string
		var expires int64
		var tokenClient sql.NullString
		var clientAuthenticated bool
		err := tx.tx.QueryRowContext(ctx, `UPDATE refresh_tokens SET used_at = $2 WHERE hash = $1 AND used_at IS NULL
			RETURNING session_id, expires_at, client_id, client_authenticated`, oldHash, micros(now)).
			Scan(&sessionID, &expires, &tokenClient, &clientAuthenticated)
		if errors.Is(err, sql.ErrNoRows) {
			// Unknown (not found), or spent already — perhaps a moment ago by a
			// concurrent rotation: a reuse, which revokes the whole session.
			if err := tx.tx.QueryRowContext(ctx, `SELECT session_id FROM refresh_tokens WHERE hash = $1`, oldHash).Scan(&sessionID); err != nil {
				return mapErr(err)
			}
			reused = true
			_, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, sessionID, micros(now))
			return err
		}
		if err != nil {
			return mapErr(err)
		}
		if fromMicros(expires).Before(now) || tokenClient.String != clientID {
			return iam.ErrNotFound // rolls the spending back
		}
		s, err := scanSession(tx.tx.QueryRowContext(ctx, `UPDATE sessions SET last_used_at = $2 WHERE id = $1 RETURNING `+sessionColumns,
			sessionID, micros(now)))
		if err != nil {
			return err
		}
		if s.RevokedAt != nil || !s.ExpiresAt.After(now) {
			return iam.ErrNotFound
		}
		if newExpires.After(s.ExpiresAt) {
			newExpires = s.ExpiresAt
		}
		// The new token belongs to the OAuth client the spent one was issued
		// to, and needs the client's secret if the spent one did.
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at, client_id, client_authenticated)
			VALUES ($1, $2, $3, $4, $5, $6)`, newHash, sessionID, micros(now), micros(newExpires), tokenClient, clientAuthenticated); err != nil {
			return mapErr(err)
		}
		out = s
		return nil
	})
	if err == nil && reused {
		return nil, ErrRefreshReused
	}
	return out, err
}

// rotateInOneStatement is RotateRefreshToken's happy path for PostgreSQL, as
// one statement (so one implicit transaction): spend the token if it is live,
// issued to the client $5 and its session live too, touch the session, insert the next token (expiring no
// later than the session), and return the session. It returns no row when any
// of that does not hold; a concurrent rotation of the same token waits on the
// token's row and then finds it spent.
const rotateInOneStatement = `WITH spent AS (
		UPDATE refresh_tokens SET used_at = $2
		WHERE hash = $1 AND used_at IS NULL AND expires_at >= $2 AND COALESCE(client_id, '') = $5
			AND EXISTS (SELECT 1 FROM sessions WHERE id = refresh_tokens.session_id AND revoked_at IS NULL AND expires_at > $2)
		RETURNING session_id, client_id, client_authenticated),
	touched AS (
		UPDATE sessions SET last_used_at = $2 FROM spent
		WHERE sessions.id = spent.session_id AND sessions.revoked_at IS NULL AND sessions.expires_at > $2
		RETURNING sessions.*, spent.client_id AS spent_client_id, spent.client_authenticated AS spent_client_authenticated),
	minted AS (
		INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at, client_id, client_authenticated)
		SELECT $3, id, $2, LEAST($4::BIGINT, expires_at), spent_client_id, spent_client_authenticated FROM touched)
	SELECT ` + sessionColumns + ` FROM touched`

// FindSessionByRefreshToken returns the session a refresh token (live or spent) belongs to.
func (db *DB) FindSessionByRefreshToken(ctx context.Context, hash string) (*iam.Session, error) {
	return scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE id = (SELECT session_id FROM refresh_tokens WHERE hash = $1)`, hash))
}

// FindSession returns the session with id, or iam.ErrNotFound.
func (db *DB) FindSession(ctx context.Context, id string) (*iam.Session, error) {
	return scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id))
}

// SetSessionTenant moves a live session to another active tenant.
func (db *DB) SetSessionTenant(ctx context.Context, sessionID, tenantID string) error {
	res, err := db.w.ExecContext(ctx, `UPDATE sessions SET tenant_id = $2 WHERE id = $1 AND revoked_at IS NULL`, sessionID, tenantID)
	return affectedOne(res, err)
}

// FindUserSessions returns the user's live sessions at now, newest first.
func (db *DB) FindUserSessions(ctx context.Context, userID string, now time.Time) ([]*iam.Session, error) {
	return querySessions(ctx, db.r, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`, userID, micros(now))
}

// RevokeSession ends one session of userID; it returns iam.ErrNotFound when
// there is no such live session.
func (db *DB) RevokeSession(ctx context.Context, userID, sessionID string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE sessions SET revoked_at = $3 WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL`,
		userID, sessionID, micros(now))
	return affectedOne(res, err)
}

// RevokeUserSessions ends every live session of the user except keepID (which may be "").
func (db *DB) RevokeUserSessions(ctx context.Context, userID, keepID string, now time.Time) error {
	return revokeUserSessions(ctx, db.w, userID, keepID, now)
}

// RevokeUserSessions is RevokeUserSessions inside a transaction.
func (tx *Tx) RevokeUserSessions(ctx context.Context, userID, keepID string, now time.Time) error {
	return revokeUserSessions(ctx, tx.tx, userID, keepID, now)
}

func revokeUserSessions(ctx context.Context, q querier, userID, keepID string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
		userID, keepID, micros(now))
	return mapErr(err)
}

// RevokedSession is a session id and when it was revoked.
type RevokedSession struct {
	ID        string
	RevokedAt time.Time
	ExpiresAt time.Time
}

// FindRevokedSessions returns sessions revoked at or after since, oldest first.
// Nodes poll it to refuse access tokens of ended sessions.
func (db *DB) FindRevokedSessions(ctx context.Context, since time.Time) ([]RevokedSession, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, revoked_at, expires_at FROM sessions WHERE revoked_at >= $1 ORDER BY revoked_at`, micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RevokedSession
	for rows.Next() {
		var r RevokedSession
		var revoked, expires int64
		if err := rows.Scan(&r.ID, &revoked, &expires); err != nil {
			return nil, err
		}
		r.RevokedAt, r.ExpiresAt = fromMicros(revoked), fromMicros(expires)
		out = append(out, r)
	}
	return out, rows.Err()
}

// EndUserSessionsExcept ends every live session of the user except keepID
// (which may be "") and returns the ids it ended, so the caller can refuse
// their access tokens on this node at once (token.Revocations.Add).
func (tx *Tx) EndUserSessionsExcept(ctx context.Context, userID, keepID string, now time.Time) ([]string, error) {
	return returningIDs(ctx, tx, `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL
		RETURNING id`, userID, keepID, micros(now))
}

// StepUpSession records a second factor proven in a live session: its amr,
// acr and auth_time change, and the tokens it issues from now on carry them.
// It also adds the refresh token refreshHash to the session. It returns
// iam.ErrNotFound when the session is not live at now.
func (tx *Tx) StepUpSession(ctx context.Context, s *iam.Session, refreshHash string, refreshExpires, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET amr = $2, acr = $3, auth_time = $4, last_used_at = $5
		WHERE id = $1 AND revoked_at IS NULL AND expires_at > $5`,
		s.ID, strings.Join(s.AMR, " "), s.ACR, micros(s.AuthTime), micros(now))
	if err := affectedOne(res, err); err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		refreshHash, s.ID, micros(now), micros(refreshExpires))
	return mapErr(err)
}
