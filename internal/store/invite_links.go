package store

import (
	"context"
	"encoding/json"
	"time"
)

// InviteLink is an invitation link of an account: whoever holds its token
// may join TenantID with RoleIDs until ExpiresAt.
type InviteLink struct {
	ID              string
	TenantID        string
	UserID          string // the member who owns the link; "" for a general link
	TokenHash       string
	TokenSealed     string // the token, sealed, for showing it again
	RoleIDs         []string
	ShouldSendEmail bool // tell the owner when someone uses the link
	ExpiresAt       time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

const inviteLinkColumns = `id, tenant_id, user_id, token_hash, token_sealed, role_ids, should_send_email, expires_at, created_at, updated_at`

func scanInviteLink(row interface{ Scan(...any) error }) (*InviteLink, error) {
	var l InviteLink
	var roles string
	var expires, created, updated int64
	if err := row.Scan(&l.ID, &l.TenantID, &l.UserID, &l.TokenHash, &l.TokenSealed, &roles, &l.ShouldSendEmail,
		&expires, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	if err := json.Unmarshal([]byte(roles), &l.RoleIDs); err != nil {
		return nil, err
	}
	l.ExpiresAt, l.CreatedAt, l.UpdatedAt = fromMicros(expires), fromMicros(created), fromMicros(updated)
	return &l, nil
}

func roleIDsJSON(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	raw, _ := json.Marshal(ids)
	return string(raw)
}

// CreateInviteLink stores l. When l has an owner, the owner's earlier link of
// that account is replaced, in the same transaction.
func (db *DB) CreateInviteLink(ctx context.Context, l *InviteLink) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if l.UserID != "" {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM invite_links WHERE tenant_id = $1 AND user_id = $2`, l.TenantID, l.UserID); err != nil {
				return err
			}
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO invite_links (`+inviteLinkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			l.ID, l.TenantID, l.UserID, l.TokenHash, l.TokenSealed, roleIDsJSON(l.RoleIDs), l.ShouldSendEmail,
			micros(l.ExpiresAt), micros(l.CreatedAt), micros(l.UpdatedAt))
		return mapErr(err)
	})
}

// FindInviteLinks returns every link of every account, newest first.
func (db *DB) FindInviteLinks(ctx context.Context) ([]*InviteLink, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+inviteLinkColumns+` FROM invite_links ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*InviteLink
	for rows.Next() {
		l, err := scanInviteLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// FindUserInviteLink returns the link userID owns in tenantID, or iam.ErrNotFound.
func (db *DB) FindUserInviteLink(ctx context.Context, tenantID, userID string) (*InviteLink, error) {
	return scanInviteLink(db.r.QueryRowContext(ctx, `SELECT `+inviteLinkColumns+` FROM invite_links
		WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID))
}

// FindInviteLinkByToken returns the link whose token hashes to tokenHash, or
// iam.ErrNotFound. Expiry is the caller's to check.
func (db *DB) FindInviteLinkByToken(ctx context.Context, tokenHash string) (*InviteLink, error) {
	return findInviteLinkByToken(ctx, db.r, tokenHash)
}

// FindInviteLinkByToken is FindInviteLinkByToken inside a transaction.
func (tx *Tx) FindInviteLinkByToken(ctx context.Context, tokenHash string) (*InviteLink, error) {
	return findInviteLinkByToken(ctx, tx.tx, tokenHash)
}

func findInviteLinkByToken(ctx context.Context, q querier, tokenHash string) (*InviteLink, error) {
	return scanInviteLink(q.QueryRowContext(ctx, `SELECT `+inviteLinkColumns+` FROM invite_links WHERE token_hash = $1`, tokenHash))
}

// UpdateInviteLink saves l's expiry, roles and email choice; iam.ErrNotFound
// when the link is gone.
func (db *DB) UpdateInviteLink(ctx context.Context, l *InviteLink) error {
	res, err := db.w.ExecContext(ctx, `UPDATE invite_links SET expires_at = $2, role_ids = $3, should_send_email = $4, updated_at = $5
		WHERE id = $1`, l.ID, micros(l.ExpiresAt), roleIDsJSON(l.RoleIDs), l.ShouldSendEmail, micros(l.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteInviteLink removes the link with id, or returns iam.ErrNotFound.
func (db *DB) DeleteInviteLink(ctx context.Context, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM invite_links WHERE id = $1`, id)
	return affectedOne(res, err)
}
