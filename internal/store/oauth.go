package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// OAuthClient is an application registered to sign its users in through the
// hosted login (OAuth 2.0 / OpenID Connect).
type OAuthClient struct {
	ClientID               string
	Name                   string
	Public                 bool   // no secret; PKCE (S256) is required
	SecretHash             string // keyed hash of a confidential client's secret
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

const oauthClientColumns = `client_id, name, public, secret_hash, redirect_uris, post_logout_redirect_uris, created_at, updated_at`

func scanOAuthClient(row interface{ Scan(...any) error }) (*OAuthClient, error) {
	var c OAuthClient
	var redirects, logouts string
	var created, updated int64
	if err := row.Scan(&c.ClientID, &c.Name, &c.Public, &c.SecretHash, &redirects, &logouts, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	if err := json.Unmarshal([]byte(redirects), &c.RedirectURIs); err != nil {
		return nil, fmt.Errorf("oauth client %s redirect uris: %w", c.ClientID, err)
	}
	if err := json.Unmarshal([]byte(logouts), &c.PostLogoutRedirectURIs); err != nil {
		return nil, fmt.Errorf("oauth client %s logout uris: %w", c.ClientID, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// jsonList encodes a string list for a JSON column; nil is stored as [].
func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// CreateOAuthClient stores c. It returns iam.ErrConflict when the client id is taken.
func (db *DB) CreateOAuthClient(ctx context.Context, c *OAuthClient) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO oauth_clients (`+oauthClientColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ClientID, c.Name, c.Public, c.SecretHash, jsonList(c.RedirectURIs), jsonList(c.PostLogoutRedirectURIs),
		micros(c.CreatedAt), micros(c.UpdatedAt))
	return mapErr(err)
}

// FindOAuthClient returns the client with id, or iam.ErrNotFound.
func (db *DB) FindOAuthClient(ctx context.Context, id string) (*OAuthClient, error) {
	return scanOAuthClient(db.r.QueryRowContext(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients WHERE client_id = $1`, id))
}

// FindOAuthClients returns every registered client, oldest first.
func (db *DB) FindOAuthClients(ctx context.Context) ([]*OAuthClient, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients ORDER BY created_at, client_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*OAuthClient{}
	for rows.Next() {
		c, err := scanOAuthClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateOAuthClient saves c's name, URIs and secret hash. It returns
// iam.ErrNotFound when there is no such client.
func (db *DB) UpdateOAuthClient(ctx context.Context, c *OAuthClient) error {
	res, err := db.w.ExecContext(ctx, `UPDATE oauth_clients SET name = $2, secret_hash = $3, redirect_uris = $4,
		post_logout_redirect_uris = $5, updated_at = $6 WHERE client_id = $1`,
		c.ClientID, c.Name, c.SecretHash, jsonList(c.RedirectURIs), jsonList(c.PostLogoutRedirectURIs), micros(c.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteOAuthClient removes the client. Its unredeemed codes die with it (a
// code's client must exist to be redeemed); tokens already issued live on
// until their session ends. It returns iam.ErrNotFound when there is no such client.
func (db *DB) DeleteOAuthClient(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM oauth_clients WHERE client_id = $1`, id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM oauth_codes WHERE client_id = $1 AND used_at IS NULL`, id)
		return mapErr(err)
	})
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

// AddRefreshToken adds the refresh token hash, issued to clientID, to the
// live session sessionID beside the tokens it has, and marks the session
// used at now. It returns iam.ErrNotFound when the session is not live.
func (db *DB) AddRefreshToken(ctx context.Context, sessionID, hash, clientID string, expires, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET last_used_at = $2 WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2`,
			sessionID, micros(now))
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at, client_id) VALUES ($1, $2, $3, $4, $5)`,
			hash, sessionID, micros(now), micros(expires), clientID)
		return mapErr(err)
	})
}

// FindRefreshTokenClient returns the OAuth client the refresh token with hash
// (live or spent) was issued to: "" for the environment's own logins. It
// returns iam.ErrNotFound for an unknown token.
func (db *DB) FindRefreshTokenClient(ctx context.Context, hash string) (string, error) {
	var clientID string
	err := db.r.QueryRowContext(ctx, `SELECT client_id FROM refresh_tokens WHERE hash = $1`, hash).Scan(&clientID)
	return clientID, mapErr(err)
}
