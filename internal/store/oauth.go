package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// jsonList encodes a string list for a JSON column; nil is stored as [].
func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// parseList decodes a JSON column written by jsonList; it never returns nil.
func parseList(raw string) ([]string, error) {
	out := []string{}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// AuthorizationCode is an OAuth authorization code, bound to the client, the
// redirect URI and the PKCE challenge of its request and to the session
// whose login it proves.
type AuthorizationCode struct {
	Hash          string
	ClientID      string
	RedirectURI   string
	SessionID     string
	UserID        string
	Scope         string
	Nonce         string
	CodeChallenge string // S256; "" when the request sent none
	CreatedAt     time.Time
	ExpiresAt     time.Time
}

// CreateAuthorizationCode stores c.
func (db *DB) CreateAuthorizationCode(ctx context.Context, c *AuthorizationCode) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO oauth_codes (hash, client_id, redirect_uri, session_id, user_id, scope, nonce,
		code_challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		c.Hash, c.ClientID, c.RedirectURI, c.SessionID, c.UserID, c.Scope, c.Nonce, c.CodeChallenge,
		micros(c.CreatedAt), micros(c.ExpiresAt))
	return mapErr(err)
}

// ErrCodeReplayed is returned when a redeemed authorization code is presented
// again. The session the code was issued for has been revoked by the time
// the caller sees it.
var ErrCodeReplayed = errors.New("authorization code replayed")

// RedeemAuthorizationCode spends the code with hash and returns it. It returns
// iam.ErrNotFound for an unknown or expired code, and, with the code,
// ErrCodeReplayed when the code was already redeemed: then its session is
// revoked in the same transaction (RFC 6749 §4.1.2: tokens issued on a
// replayed code should die). Of two concurrent redemptions exactly one succeeds.
func (db *DB) RedeemAuthorizationCode(ctx context.Context, hash string, now time.Time) (*AuthorizationCode, error) {
	var c AuthorizationCode
	replayed := false
	err := db.InTx(ctx, func(tx *Tx) error {
		var created, expires int64
		var used sql.NullInt64
		err := tx.tx.QueryRowContext(ctx, `SELECT hash, client_id, redirect_uri, session_id, user_id, scope, nonce, code_challenge,
			created_at, expires_at, used_at FROM oauth_codes WHERE hash = $1`, hash).
			Scan(&c.Hash, &c.ClientID, &c.RedirectURI, &c.SessionID, &c.UserID, &c.Scope, &c.Nonce, &c.CodeChallenge,
				&created, &expires, &used)
		if err != nil {
			return mapErr(err)
		}
		c.CreatedAt, c.ExpiresAt = fromMicros(created), fromMicros(expires)
		claimed, err := spendOnce(ctx, tx, "oauth_codes", hash, c.SessionID, used, now)
		if err != nil || !claimed {
			replayed = err == nil
			return err
		}
		if !c.ExpiresAt.After(now) {
			return iam.ErrNotFound
		}
		return nil
	})
	if err == nil && replayed {
		return &c, ErrCodeReplayed
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// spendOnce marks the one-time secret with hash in table (refresh_tokens or
// oauth_codes, whose used_at was read as used) spent at now, and reports
// whether this call spent it. When it was already spent — a replay, or a
// concurrent call that won — it revokes sessionID instead, in the same
// transaction, and reports false.
func spendOnce(ctx context.Context, tx *Tx, table, hash, sessionID string, used sql.NullInt64, now time.Time) (bool, error) {
	if !used.Valid {
		res, err := tx.tx.ExecContext(ctx, `UPDATE `+table+` SET used_at = $2 WHERE hash = $1 AND used_at IS NULL`, hash, micros(now))
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, err
		}
		if n == 1 {
			return true, nil
		}
	}
	_, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, sessionID, micros(now))
	return false, err
}

// FindLiveSessionByRefreshToken returns the session of the unspent, unexpired
// refresh token with hash when that session is live at now, without spending
// the token. It returns iam.ErrNotFound otherwise.
func (db *DB) FindLiveSessionByRefreshToken(ctx context.Context, hash string, now time.Time) (*iam.Session, error) {
	return scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE id = (SELECT session_id FROM refresh_tokens WHERE hash = $1 AND used_at IS NULL AND expires_at > $2)
		AND revoked_at IS NULL AND expires_at > $2`, hash, micros(now)))
}

// RefreshClient is the OAuth client a refresh token was issued to.
type RefreshClient struct {
	ClientID string // "" for the environment's own logins
	// Authenticated is true when the client proved its secret as the
	// token's family was issued: every refresh must prove it again.
	Authenticated bool
}

// AddRefreshToken adds the refresh token hash, issued to client, to the live
// session sessionID beside the tokens it has, and marks the session used at
// now. It returns iam.ErrNotFound when the session is not live.
func (db *DB) AddRefreshToken(ctx context.Context, sessionID, hash string, client RefreshClient, expires, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET last_used_at = $2 WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2`,
			sessionID, micros(now))
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at, client_id, client_authenticated)
			VALUES ($1, $2, $3, $4, $5, $6)`, hash, sessionID, micros(now), micros(expires), client.ClientID, client.Authenticated)
		return mapErr(err)
	})
}

// FindRefreshTokenClient returns the OAuth client the refresh token with hash
// (live or spent) was issued to. It returns iam.ErrNotFound for an unknown token.
func (db *DB) FindRefreshTokenClient(ctx context.Context, hash string) (RefreshClient, error) {
	var c RefreshClient
	err := db.r.QueryRowContext(ctx, `SELECT client_id, client_authenticated FROM refresh_tokens WHERE hash = $1`, hash).
		Scan(&c.ClientID, &c.Authenticated)
	return c, mapErr(err)
}
