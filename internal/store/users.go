package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

const userColumns = `id, email, username, name, phone_number, profile_picture_url, password_hash, verified, locked,
	locked_until, super_user, invisible, metadata, provider, external_id, active_tenant_id, mfa_enrolled,
	temporary_expires_at, password_changed_at, last_login_at, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*iam.User, error) {
	var u iam.User
	var lockedUntil, tempExp, pwChanged, lastLogin sql.NullInt64
	var created, updated int64
	err := row.Scan(&u.ID, &u.Email, &u.Username, &u.Name, &u.PhoneNumber, &u.ProfilePictureURL, &u.PasswordHash,
		&u.Verified, &u.Locked, &lockedUntil, &u.SuperUser, &u.Invisible, &u.Metadata, &u.Provider, &u.ExternalID,
		&u.ActiveTenantID, &u.MFAEnrolled, &tempExp, &pwChanged, &lastLogin, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	u.LockedUntil, u.TemporaryExpires = timePtr(lockedUntil), timePtr(tempExp)
	u.PasswordChangedAt, u.LastLogin = timePtr(pwChanged), timePtr(lastLogin)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

func lowerOrNull(s string) sql.NullString { return nullString(strings.ToLower(strings.TrimSpace(s))) }

// NewUser is what CreateUser needs: the user, the account it joins and its roles there.
type NewUser struct {
	User     *iam.User
	TenantID string   // public tenant id; the user becomes a member
	RoleIDs  []string // roles in that tenant
	// Invited makes the membership wait for the user to accept an
	// invitation (not activated for the tenant until then).
	Invited bool
}

// CreateUser inserts the user, its membership and its roles. It returns
// iam.ErrConflict when the email or username is taken.
func (tx *Tx) CreateUser(ctx context.Context, n NewUser) error {
	u := n.User
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`, email_lower, username_lower)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
		u.ID, u.Email, u.Username, u.Name, u.PhoneNumber, u.ProfilePictureURL, u.PasswordHash, u.Verified, u.Locked,
		nullMicros(u.LockedUntil), u.SuperUser, u.Invisible, u.Metadata, u.Provider, u.ExternalID, u.ActiveTenantID,
		u.MFAEnrolled, nullMicros(u.TemporaryExpires), nullMicros(u.PasswordChangedAt), nullMicros(u.LastLogin),
		micros(u.CreatedAt), micros(u.UpdatedAt), lowerOrNull(u.Email), lowerOrNull(u.Username))
	if err != nil {
		return fmt.Errorf("create user: %w", mapErr(err))
	}
	if n.TenantID == "" {
		return nil
	}
	return tx.AddMembership(ctx, iam.Membership{UserID: u.ID, TenantID: n.TenantID, ActivatedForTenant: !n.Invited, CreatedAt: u.CreatedAt}, n.RoleIDs)
}

// FindUser returns the user with id, or iam.ErrNotFound.
func (db *DB) FindUser(ctx context.Context, id string) (*iam.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// FindUser is FindUser inside a transaction.
func (tx *Tx) FindUser(ctx context.Context, id string) (*iam.User, error) {
	return scanUser(tx.tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// FindUserByEmail matches email case-insensitively, or returns iam.ErrNotFound.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*iam.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_lower = $1`, strings.ToLower(strings.TrimSpace(email))))
}

// FindUserByUsername matches username case-insensitively, or returns iam.ErrNotFound.
func (db *DB) FindUserByUsername(ctx context.Context, username string) (*iam.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username_lower = $1`, strings.ToLower(strings.TrimSpace(username))))
}

// UpdateUser saves every field of u but its id, password and creation time.
// It returns iam.ErrConflict when the new email or username is taken.
func (db *DB) UpdateUser(ctx context.Context, u *iam.User) error { return updateUser(ctx, db.w, u) }

// UpdateUser is UpdateUser inside a transaction.
func (tx *Tx) UpdateUser(ctx context.Context, u *iam.User) error { return updateUser(ctx, tx.tx, u) }

func updateUser(ctx context.Context, q querier, u *iam.User) error {
	res, err := q.ExecContext(ctx, `UPDATE users SET email = $2, email_lower = $3, username = $4, username_lower = $5,
		name = $6, phone_number = $7, profile_picture_url = $8, verified = $9, locked = $10, locked_until = $11,
		super_user = $12, invisible = $13, metadata = $14, provider = $15, external_id = $16, active_tenant_id = $17,
		mfa_enrolled = $18, temporary_expires_at = $19, last_login_at = $20, updated_at = $21 WHERE id = $1`,
		u.ID, u.Email, lowerOrNull(u.Email), u.Username, lowerOrNull(u.Username), u.Name, u.PhoneNumber,
		u.ProfilePictureURL, u.Verified, u.Locked, nullMicros(u.LockedUntil), u.SuperUser, u.Invisible, u.Metadata,
		u.Provider, u.ExternalID, u.ActiveTenantID, u.MFAEnrolled, nullMicros(u.TemporaryExpires),
		nullMicros(u.LastLogin), micros(u.UpdatedAt))
	return affectedOne(res, err)
}

// SetPassword replaces the user's password hash; the replaced hash joins the
// password history (see rememberPassword). It does not end sessions; callers
// that must (a reset, a change) call RevokeUserSessions in the same transaction.
func (tx *Tx) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	if err := tx.rememberPassword(ctx, userID, now); err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1`,
		userID, hash, micros(now))
	return affectedOne(res, err)
}

// UpgradePasswordHash replaces the hash only if it is still old, so a
// concurrent password change is never overwritten by a login's rehash.
func (db *DB) UpgradePasswordHash(ctx context.Context, userID, old, hash string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, userID, old, hash)
	return mapErr(err)
}

// RecordLogin sets the user's last login time.
func (db *DB) RecordLogin(ctx context.Context, userID string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE users SET last_login_at = $2 WHERE id = $1`, userID, micros(now))
	return mapErr(err)
}

// DeleteUser removes the user and, through cascades, its memberships, roles
// and codes. Its sessions are revoked, not deleted, in the same transaction,
// so that every node's revocation poll refuses their access tokens; it
// returns their ids for the caller to refuse at once on this node.
func (db *DB) DeleteUser(ctx context.Context, id string, now time.Time) ([]string, error) {
	var revoked []string
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if revoked, err = tx.EndUserSessionsExcept(ctx, id, "", now); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
		return affectedOne(res, err)
	})
	return revoked, err
}

// AddMembership makes the user a member of m.TenantID with roleIDs. It returns
// iam.ErrConflict when the user is already a member, and iam.ErrNotFound when
// the tenant does not exist.
func (tx *Tx) AddMembership(ctx context.Context, m iam.Membership, roleIDs []string) error {
	var exists int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants WHERE tenant_id = $1`, m.TenantID).Scan(&exists)
	if err != nil {
		return err
	}
	if exists == 0 {
		return fmt.Errorf("tenant %s: %w", m.TenantID, iam.ErrNotFound)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO user_tenants (user_id, tenant_id, activated, disabled, created_at) VALUES ($1, $2, $3, $4, $5)`,
		m.UserID, m.TenantID, m.ActivatedForTenant, m.Disabled, micros(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("add membership: %w", mapErr(err))
	}
	return tx.AddUserRoles(ctx, m.UserID, m.TenantID, roleIDs, m.CreatedAt)
}

// AddUserRoles gives the user roleIDs in tenantID; roles already held are kept.
func (tx *Tx) AddUserRoles(ctx context.Context, userID, tenantID string, roleIDs []string, now time.Time) error {
	for _, id := range roleIDs {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, tenant_id, role_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, userID, tenantID, id, micros(now))
		if err != nil {
			return fmt.Errorf("add role %s: %w", id, mapErr(err))
		}
	}
	return nil
}

// RemoveMembership takes the user out of tenantID, with its roles there, and
// ends the user's sessions in that tenant.
func (tx *Tx) RemoveMembership(ctx context.Context, userID, tenantID string, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND tenant_id = $2 AND revoked_at IS NULL`,
		userID, tenantID, micros(now))
	return err
}

// SetMembershipActivated marks the user's membership of tenantID accepted (or
// not); iam.ErrNotFound when the user is not a member.
func (tx *Tx) SetMembershipActivated(ctx context.Context, userID, tenantID string, activated bool) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE user_tenants SET activated = $3 WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID, activated)
	return affectedOne(res, err)
}

// SetMembershipDisabled enables or disables the user in one tenant.
func (db *DB) SetMembershipDisabled(ctx context.Context, userID, tenantID string, disabled bool) error {
	res, err := db.w.ExecContext(ctx, `UPDATE user_tenants SET disabled = $3 WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID, disabled)
	return affectedOne(res, err)
}

// FindMemberships returns the user's memberships, oldest first.
func (db *DB) FindMemberships(ctx context.Context, userID string) ([]iam.Membership, error) {
	return findMemberships(ctx, db.r, userID)
}

// FindMemberships is FindMemberships inside a transaction.
func (tx *Tx) FindMemberships(ctx context.Context, userID string) ([]iam.Membership, error) {
	return findMemberships(ctx, tx.tx, userID)
}

func findMemberships(ctx context.Context, q querier, userID string) ([]iam.Membership, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id, tenant_id, activated, disabled, created_at FROM user_tenants
		WHERE user_id = $1 ORDER BY created_at, tenant_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []iam.Membership
	for rows.Next() {
		var m iam.Membership
		var created int64
		if err := rows.Scan(&m.UserID, &m.TenantID, &m.ActivatedForTenant, &m.Disabled, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMicros(created)
		out = append(out, m)
	}
	return out, rows.Err()
}
