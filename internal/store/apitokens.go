package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hatchid/hatch/internal/iam"
)

// Errors CreateAPIToken and UpdateAPIToken return when the token refers to
// something that is not there. Each also matches iam.ErrNotFound.
var (
	ErrUnknownTenant     = fmt.Errorf("account: %w", iam.ErrNotFound)
	ErrUnknownMember     = fmt.Errorf("member of the account: %w", iam.ErrNotFound)
	ErrUnknownRole       = fmt.Errorf("role: %w", iam.ErrNotFound)
	ErrUnknownPermission = fmt.Errorf("permission: %w", iam.ErrNotFound)
)

const apiTokenColumns = `t.id, t.type, t.tenant_id, COALESCE(t.user_id, ''), COALESCE(t.created_by_user_id, ''), t.secret_hash,
	t.description, t.metadata, t.expires_at, t.created_at, t.updated_at`

func scanAPIToken(row interface{ Scan(...any) error }, extra ...any) (*iam.APIToken, error) {
	var t iam.APIToken
	var expires sql.NullInt64
	var created, updated int64
	dest := append([]any{&t.ID, &t.Type, &t.TenantID, &t.UserID, &t.CreatedByUserID, &t.SecretHash, &t.Description,
		&t.Metadata, &expires, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, mapErr(err)
	}
	t.ExpiresAt, t.CreatedAt, t.UpdatedAt = timePtr(expires), fromMicros(created), fromMicros(updated)
	return &t, nil
}

// CreateAPIToken stores t with its roles and permissions. It returns
// ErrUnknownTenant, ErrUnknownMember (the owner is not a member of the
// account), ErrUnknownRole (a role that is neither environment-wide nor the
// account's) or ErrUnknownPermission, and iam.ErrConflict when the id is taken.
func (db *DB) CreateAPIToken(ctx context.Context, t *iam.APIToken) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateAPIToken(ctx, t) })
}

// CreateAPIToken is DB.CreateAPIToken in tx.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *iam.APIToken) error {
	if _, err := tx.FindTenant(ctx, t.TenantID); err != nil {
		if errors.Is(err, iam.ErrNotFound) {
			return ErrUnknownTenant
		}
		return err
	}
	if owner := t.Owner(); owner != "" {
		var n int
		err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, owner, t.TenantID).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrUnknownMember
		}
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO api_tokens (id, type, tenant_id, user_id, created_by_user_id, owner_user_id,
		secret_hash, description, metadata, expires_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		t.ID, t.Type, t.TenantID, nullString(t.UserID), nullString(t.CreatedByUserID), nullString(t.Owner()), t.SecretHash,
		t.Description, t.Metadata, nullMicros(t.ExpiresAt), micros(t.CreatedAt), micros(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create api token: %w", mapAPITokenErr(err))
	}
	return tx.setAPITokenGrants(ctx, t)
}

// setAPITokenGrants replaces the token's roles and permissions with t's.
func (tx *Tx) setAPITokenGrants(ctx context.Context, t *iam.APIToken) error {
	if err := tx.CheckRoles(ctx, t.TenantID, t.RoleIDs); err != nil {
		if errors.Is(err, iam.ErrNotFound) {
			return ErrUnknownRole
		}
		return err
	}
	if len(t.PermissionIDs) > 0 {
		args := make([]any, len(t.PermissionIDs))
		for i, id := range t.PermissionIDs {
			args[i] = id
		}
		var n int
		err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT id) FROM permissions WHERE id IN (`+placeholders(1, len(args))+`)`, args...).Scan(&n)
		if err != nil {
			return err
		}
		if n != len(uniq(t.PermissionIDs)) {
			return ErrUnknownPermission
		}
	}
	for _, q := range []string{`DELETE FROM api_token_roles WHERE token_id = $1`, `DELETE FROM api_token_permissions WHERE token_id = $1`} {
		if _, err := tx.tx.ExecContext(ctx, q, t.ID); err != nil {
			return err
		}
	}
	for id := range uniq(t.RoleIDs) {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO api_token_roles (token_id, role_id) VALUES ($1, $2)`, t.ID, id); err != nil {
			return fmt.Errorf("add role %s: %w", id, mapAPITokenErr(err))
		}
	}
	for id := range uniq(t.PermissionIDs) {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO api_token_permissions (token_id, permission_id) VALUES ($1, $2)`, t.ID, id); err != nil {
			return fmt.Errorf("add permission %s: %w", id, mapAPITokenErr(err))
		}
	}
	return nil
}

// mapAPITokenErr is mapErr that also reads a foreign-key violation (a row
// deleted by a concurrent request) as iam.ErrNotFound.
func mapAPITokenErr(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return fmt.Errorf("%w: %s", iam.ErrNotFound, pgErr.ConstraintName)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return fmt.Errorf("%w: %s", iam.ErrNotFound, sqErr.Error())
	}
	return mapErr(err)
}

// UpdateAPIToken saves t's description, metadata, roles and permissions and
// its update time. It returns iam.ErrNotFound when there is no such token of
// t's type in t's account, and ErrUnknownRole or ErrUnknownPermission as
// CreateAPIToken does.
func (db *DB) UpdateAPIToken(ctx context.Context, t *iam.APIToken) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET description = $4, metadata = $5, updated_at = $6
			WHERE id = $1 AND tenant_id = $2 AND type = $3`, t.ID, t.TenantID, t.Type, t.Description, t.Metadata, micros(t.UpdatedAt))
		if err := affectedOne(res, err); err != nil {
			return err
		}
		return tx.setAPITokenGrants(ctx, t)
	})
}

// APITokenFilter selects tokens of one type in one account, and for personal
// tokens of one user.
type APITokenFilter struct {
	TenantID string
	Type     string
	UserID   string // personal tokens of this user only; ignored for account tokens
}

func (f APITokenFilter) where() (string, []any) {
	where, args := ` WHERE t.tenant_id = $1 AND t.type = $2`, []any{f.TenantID, f.Type}
	if f.UserID != "" {
		where += ` AND t.user_id = $3`
		args = append(args, f.UserID)
	}
	return where, args
}

// FindAPIToken returns the token id if it matches f, with its roles and
// permissions, or iam.ErrNotFound.
func (db *DB) FindAPIToken(ctx context.Context, f APITokenFilter, id string) (*iam.APIToken, error) {
	where, args := f.where()
	args = append(args, id)
	list, err := db.findAPITokens(ctx, where+fmt.Sprintf(` AND t.id = $%d`, len(args)), args)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, iam.ErrNotFound
	}
	return list[0], nil
}

// FindAPITokens returns the tokens that match f, oldest first, with their
// roles and permissions.
func (db *DB) FindAPITokens(ctx context.Context, f APITokenFilter) ([]*iam.APIToken, error) {
	where, args := f.where()
	return db.findAPITokens(ctx, where, args)
}

func (db *DB) findAPITokens(ctx context.Context, where string, args []any) ([]*iam.APIToken, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t`+where+` ORDER BY t.created_at, t.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*iam.APIToken
	byID := map[string]*iam.APIToken{}
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		t.RoleIDs, t.PermissionIDs = []string{}, []string{}
		out = append(out, t)
		byID[t.ID] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT 'r', g.token_id, g.role_id FROM api_token_roles g WHERE g.token_id IN (SELECT t.id FROM api_tokens t`+where+`)
		UNION ALL SELECT 'p', g.token_id, g.permission_id FROM api_token_permissions g WHERE g.token_id IN (SELECT t.id FROM api_tokens t`+where+`)
		ORDER BY 1, 2, 3`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, tokenID, id string
		if err := rows.Scan(&kind, &tokenID, &id); err != nil {
			return nil, err
		}
		if t := byID[tokenID]; t != nil && kind == "r" {
			t.RoleIDs = append(t.RoleIDs, id)
		} else if t != nil {
			t.PermissionIDs = append(t.PermissionIDs, id)
		}
	}
	return out, rows.Err()
}

// DeleteAPIToken deletes the token id if it matches f, and records its
// revocation at now so that every node refuses its access tokens. It returns
// iam.ErrNotFound when there is no such token.
func (db *DB) DeleteAPIToken(ctx context.Context, f APITokenFilter, id string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.DeleteAPIToken(ctx, f, id, now) })
}

// DeleteAPIToken is DB.DeleteAPIToken in tx.
func (tx *Tx) DeleteAPIToken(ctx context.Context, f APITokenFilter, id string, now time.Time) error {
	where, args := f.where()
	args = append(args, id)
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id IN (SELECT t.id FROM api_tokens t`+where+
		fmt.Sprintf(` AND t.id = $%d)`, len(args)), args...)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	return revokeAPIToken(ctx, tx.tx, id, now)
}

// revokeAPIToken records a revocation of id (a token or a refresh family) at now.
func revokeAPIToken(ctx context.Context, q querier, id string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO api_token_revocations (id, revoked_at, suspension) VALUES ($1, $2, FALSE)
		ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at, suspension = FALSE`, id, micros(now))
	return mapErr(err)
}

// activeAPITokenFrom and activeAPITokenWhere join a token (t) with what keeps
// it working: its account (not locked), its owner's membership (not
// disabled) and, for personal tokens, its user (u, not locked). $1 is now.
const (
	activeAPITokenFrom = ` FROM api_tokens t
	JOIN tenants tn ON tn.tenant_id = t.tenant_id
	LEFT JOIN user_tenants m ON m.user_id = t.owner_user_id AND m.tenant_id = t.tenant_id
	LEFT JOIN users u ON u.id = t.user_id`
	activeAPITokenWhere = ` WHERE (t.expires_at IS NULL OR t.expires_at > $1) AND tn.locked = FALSE
	AND COALESCE(m.disabled, FALSE) = FALSE AND COALESCE(u.locked, FALSE) = FALSE`
)

// ActiveAPIToken is a token that works at the time it was read, with what its
// access tokens carry of its user (personal tokens only) and, for account
// tokens, the role and permission keys it grants then.
type ActiveAPIToken struct {
	*iam.APIToken
	Roles        []string // account tokens only: a personal token holds its user's (FindAuthz)
	Permissions  []string // account tokens only
	UserEmail    string
	UserMetadata string
}

// FindActiveAPIToken returns the token id if it works at now: not expired, its
// account not locked, its owner still an enabled member and, for personal
// tokens, its user not locked. Otherwise it returns iam.ErrNotFound. For an
// account token it reads the roles and permissions the token grants in the
// same query.
func (db *DB) FindActiveAPIToken(ctx context.Context, id string, now time.Time) (*ActiveAPIToken, error) {
	rows, err := db.r.QueryContext(ctx, findActiveAPITokenSQL, micros(now), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a := ActiveAPIToken{Roles: []string{}, Permissions: []string{}}
	for rows.Next() {
		var kind, key sql.NullString
		t, err := scanAPIToken(rows, &a.UserEmail, &a.UserMetadata, &kind, &key)
		if err != nil {
			return nil, err
		}
		a.APIToken = t
		switch kind.String {
		case "r":
			a.Roles = append(a.Roles, key.String)
		case "p":
			a.Permissions = append(a.Permissions, key.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if a.APIToken == nil {
		return nil, iam.ErrNotFound
	}
	return &a, nil
}

// findActiveAPITokenSQL is the token ($2) if active at $1, once per role or
// permission it grants (kind 'r' or 'p', and the key), or once with NULLs.
const findActiveAPITokenSQL = `WITH granted_roles AS (SELECT role_id FROM api_token_roles WHERE token_id = $2),
	grants (kind, grant_key) AS (
		SELECT 'r', key FROM roles WHERE id IN (SELECT role_id FROM granted_roles)
		UNION SELECT 'p', key FROM permissions
		WHERE id IN (SELECT permission_id FROM role_permissions WHERE role_id IN (SELECT role_id FROM granted_roles))
			OR id IN (SELECT permission_id FROM api_token_permissions WHERE token_id = $2))
	SELECT ` + apiTokenColumns + `, COALESCE(u.email, ''), COALESCE(u.metadata, ''), g.kind, g.grant_key` +
	activeAPITokenFrom + ` LEFT JOIN grants g ON TRUE` + activeAPITokenWhere + ` AND t.id = $2 ORDER BY g.kind, g.grant_key`

// FindActiveAPITokenIDs returns the ids of the tokens of tokenType that work at
// now (see FindActiveAPIToken), in tenantID or, when it is "", in every account.
func (db *DB) FindActiveAPITokenIDs(ctx context.Context, tokenType, tenantID string, now time.Time) ([]string, error) {
	q, args := `SELECT t.id`+activeAPITokenFrom+activeAPITokenWhere+` AND t.type = $2`, []any{micros(now), tokenType}
	if tenantID != "" {
		q += ` AND t.tenant_id = $3`
		args = append(args, tenantID)
	}
	return scanStrings(db.r.QueryContext(ctx, q+` ORDER BY t.id`, args...))
}

// scanStrings reads a one-column result; an empty result is an empty slice.
func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindPermissionKeys returns the keys of the permissions that roleIDs hold and
// of permissionIDs, sorted and without repeats; unknown ids are skipped.
func (db *DB) FindPermissionKeys(ctx context.Context, roleIDs, permissionIDs []string) ([]string, error) {
	if len(roleIDs)+len(permissionIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(roleIDs)+len(permissionIDs))
	for _, id := range slices.Concat(roleIDs, permissionIDs) {
		args = append(args, id)
	}
	cond := []string{}
	if len(roleIDs) > 0 {
		cond = append(cond, `id IN (SELECT permission_id FROM role_permissions WHERE role_id IN (`+placeholders(1, len(roleIDs))+`))`)
	}
	if len(permissionIDs) > 0 {
		cond = append(cond, `id IN (`+placeholders(len(roleIDs)+1, len(permissionIDs))+`)`)
	}
	where := cond[0]
	if len(cond) == 2 {
		where += " OR " + cond[1]
	}
	return scanStrings(db.r.QueryContext(ctx, `SELECT DISTINCT key FROM permissions WHERE `+where+` ORDER BY key`, args...))
}

// APITokenRefresh is a refresh token of a client-credential token, stored by hash.
type APITokenRefresh struct {
	TokenID   string
	FamilyID  string // the sid of the access tokens issued with it
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// StartAPITokenFamily stores the first refresh token of a new family of
// r.TokenID, in one transaction. Families are numbered per token; family n
// takes slot n mod keep and so replaces family n - keep: a token never has
// more than keep live families, and the authentication after the keep-th
// invalidates the oldest. Numbering increments the token's row, which locks
// it until the transaction ends, so concurrent authentications on any node
// are numbered without gaps or repeats. It returns iam.ErrNotFound when the
// token is gone.
func (db *DB) StartAPITokenFamily(ctx context.Context, r APITokenRefresh, keep int) error {
	args := []any{r.TokenID, keep, r.FamilyID, r.Hash, micros(r.CreatedAt), micros(r.ExpiresAt)}
	if db.Dialect == Postgres {
		// One statement, so that the row lock lasts no network round trip.
		res, err := db.w.ExecContext(ctx, startFamilyPostgresSQL, args...)
		return affectedOne(res, err)
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.tx.QueryRowContext(ctx, countAuthenticationSQL, r.TokenID).Scan(&n); err != nil {
			return mapErr(err)
		}
		_, err := tx.tx.ExecContext(ctx, startFamilySQL, append(args, n)...)
		return mapAPITokenErr(err)
	})
}

const (
	countAuthenticationSQL = `UPDATE api_tokens SET refresh_seq = refresh_seq + 1 WHERE id = $1 RETURNING refresh_seq`
	startFamilySQL         = `INSERT INTO api_token_refresh_tokens (token_id, slot, seq, family_id, hash, prev_hash, created_at, expires_at)
		VALUES ($1, ($7 - 1) % $2, $7, $3, $4, NULL, $5, $6)` + familyUpsertSQL
	startFamilyPostgresSQL = `WITH n AS (` + countAuthenticationSQL + `)
		INSERT INTO api_token_refresh_tokens (token_id, slot, seq, family_id, hash, prev_hash, created_at, expires_at)
		SELECT $1, (refresh_seq - 1) % $2, refresh_seq, $3, $4, NULL, $5, $6 FROM n` + familyUpsertSQL
)

// familyUpsertSQL puts a new family in its slot. The seq guard keeps a slot
// from ever going back to an older family.
const familyUpsertSQL = ` ON CONFLICT (token_id, slot) DO UPDATE SET seq = excluded.seq, family_id = excluded.family_id,
	hash = excluded.hash, prev_hash = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at
	WHERE api_token_refresh_tokens.seq < excluded.seq`

// RotateAPITokenRefresh spends the refresh token oldHash and makes newHash its
// family's live token until expires, in one statement, and returns the
// family's token and family ids. Of concurrent rotations of one token exactly
// one succeeds.
//
// It returns iam.ErrNotFound when oldHash is unknown, expired or evicted, and
// ErrRefreshReused (with the ids) when oldHash was the family's last spent
// token: the family is then deleted and its revocation recorded at now, so its
// access tokens are refused too. Older spent tokens are not kept and are
// simply unknown.
func (db *DB) RotateAPITokenRefresh(ctx context.Context, oldHash, newHash string, now, expires time.Time) (tokenID, familyID string, err error) {
	err = db.w.QueryRowContext(ctx, `UPDATE api_token_refresh_tokens SET hash = $2, prev_hash = $1, expires_at = $4
		WHERE hash = $1 AND expires_at > $3 RETURNING token_id, family_id`, oldHash, newHash, micros(now), micros(expires)).Scan(&tokenID, &familyID)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return tokenID, familyID, mapErr(err)
	}
	err = db.r.QueryRowContext(ctx, `SELECT token_id, family_id FROM api_token_refresh_tokens WHERE prev_hash = $1`, oldHash).Scan(&tokenID, &familyID)
	if err != nil {
		return "", "", mapErr(err)
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM api_token_refresh_tokens WHERE token_id = $1 AND family_id = $2`, tokenID, familyID); err != nil {
			return err
		}
		return revokeAPIToken(ctx, tx.tx, familyID, now)
	})
	if err != nil {
		return "", "", err
	}
	return tokenID, familyID, ErrRefreshReused
}

// RevokedAPIToken is a revoked or suspended API token or refresh family.
type RevokedAPIToken struct {
	ID         string
	RevokedAt  time.Time
	Suspension bool // only access tokens issued up to RevokedAt are refused
}

// FindAPITokenRevocations returns the revocations recorded at or after since,
// and those the database's triggers recorded without a time, which it stamps
// with now first (so every node sees them at the same time, at its next poll).
func (db *DB) FindAPITokenRevocations(ctx context.Context, since, now time.Time) ([]RevokedAPIToken, error) {
	var unstamped int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_token_revocations WHERE revoked_at IS NULL`).Scan(&unstamped); err != nil {
		return nil, err
	}
	if unstamped > 0 {
		if _, err := db.w.ExecContext(ctx, `UPDATE api_token_revocations SET revoked_at = $1 WHERE revoked_at IS NULL`, micros(now)); err != nil {
			return nil, err
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, revoked_at, suspension FROM api_token_revocations WHERE revoked_at >= $1 ORDER BY revoked_at`, micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RevokedAPIToken
	for rows.Next() {
		var r RevokedAPIToken
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.Suspension); err != nil {
			return nil, err
		}
		r.RevokedAt = fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
