package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// MigratedUser is a user made by a migration or a user source, with what
// Hatch keeps of its origin.
type MigratedUser struct {
	User                *iam.User
	TenantID            string   // public tenant id; the user becomes a member
	RoleIDs             []string // roles in that tenant
	JobID               string   // the bulk job that made it, if any
	SourceID            string   // the user source it came from, if any
	VendorMetadata      string
	PhoneNumberType     string // auth or mfa
	AuthenticatorSecret string // the TOTP seed, sealed with the aad MigratedTOTPAAD
}

// MigratedTOTPAAD is the aad TOTP seeds of migrated users are sealed with.
const MigratedTOTPAAD = "migrated-totp"

// Origin is what migrated_users holds for one user.
type Origin struct {
	UserID              string
	JobID               string
	SourceID            string
	VendorMetadata      string
	PhoneNumberType     string
	AuthenticatorSecret string // sealed with MigratedTOTPAAD
	CreatedAt           time.Time
}

var userInsertColumns = append(strings.Split(strings.Join(strings.Fields(userColumns), ""), ","), "email_lower", "username_lower")

func userInsertValues(u *iam.User) []any {
	return []any{u.ID, u.Email, u.Username, u.Name, u.PhoneNumber, u.ProfilePictureURL, u.PasswordHash, u.Verified, u.Locked,
		nullMicros(u.LockedUntil), u.SuperUser, u.Invisible, u.Metadata, u.Provider, u.ExternalID, u.ActiveTenantID,
		u.MFAEnrolled, nullMicros(u.TemporaryExpires), nullMicros(u.PasswordChangedAt), nullMicros(u.LastLogin),
		micros(u.CreatedAt), micros(u.UpdatedAt), lowerOrNull(u.Email), lowerOrNull(u.Username)}
}

// InsertMigratedUsers inserts users with their memberships, roles and
// origins, in multi-row statements. A user whose id, email or username is
// already taken is skipped, not an error: inserted[i] reports whether users[i]
// went in. Every tenant and role must exist (the caller checks).
func (tx *Tx) InsertMigratedUsers(ctx context.Context, users []MigratedUser) (inserted []bool, err error) {
	inserted = make([]bool, len(users))
	made, err := insertReturning(ctx, tx, "users", userInsertColumns, len(users),
		func(i int) []any { return userInsertValues(users[i].User) }, "id")
	if err != nil {
		return nil, fmt.Errorf("insert migrated users: %w", err)
	}
	var ok []MigratedUser
	type userRole struct {
		user *MigratedUser
		role string
	}
	var roles []userRole
	for i := range users {
		if made[users[i].User.ID] {
			inserted[i] = true
			for _, r := range users[i].RoleIDs {
				roles = append(roles, userRole{&users[i], r})
			}
			ok = append(ok, users[i])
		}
	}
	err = insertRows(ctx, tx, "user_tenants", []string{"user_id", "tenant_id", "activated", "disabled", "created_at"}, len(ok),
		func(i int) []any {
			return []any{ok[i].User.ID, ok[i].TenantID, true, false, micros(ok[i].User.CreatedAt)}
		}, "")
	if err != nil {
		return nil, fmt.Errorf("insert migrated memberships: %w", err)
	}
	err = insertRows(ctx, tx, "user_roles", []string{"user_id", "tenant_id", "role_id", "created_at"}, len(roles),
		func(i int) []any {
			m := roles[i].user
			return []any{m.User.ID, m.TenantID, roles[i].role, micros(m.User.CreatedAt)}
		}, " ON CONFLICT DO NOTHING")
	if err != nil {
		return nil, fmt.Errorf("insert migrated roles: %w", err)
	}
	err = insertRows(ctx, tx, "migrated_users", []string{"user_id", "job_id", "source_id", "vendor_metadata", "phone_number_type",
		"authenticator_secret", "created_at"}, len(ok),
		func(i int) []any {
			m := ok[i]
			return []any{m.User.ID, m.JobID, m.SourceID, m.VendorMetadata, m.PhoneNumberType, m.AuthenticatorSecret, micros(m.User.CreatedAt)}
		}, "")
	if err != nil {
		return nil, fmt.Errorf("insert migrated origins: %w", err)
	}
	return inserted, nil
}

// FindOrigin returns where a migrated user came from, or iam.ErrNotFound for
// a user no migration made.
func (db *DB) FindOrigin(ctx context.Context, userID string) (*Origin, error) {
	var o Origin
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT user_id, job_id, source_id, vendor_metadata, phone_number_type, authenticator_secret,
		created_at FROM migrated_users WHERE user_id = $1`, userID).Scan(&o.UserID, &o.JobID, &o.SourceID, &o.VendorMetadata,
		&o.PhoneNumberType, &o.AuthenticatorSecret, &created)
	if err != nil {
		return nil, mapErr(err)
	}
	o.CreatedAt = fromMicros(created)
	return &o, nil
}

// ExistingEmails returns which of emails (compared lower-cased) users already have.
func (tx *Tx) ExistingEmails(ctx context.Context, emails []string) (map[string]bool, error) {
	return existingValues(ctx, tx.tx, `SELECT email_lower FROM users WHERE email_lower IN `, lowered(emails))
}

// ExistingUsernames returns which of usernames (compared lower-cased) users already have.
func (tx *Tx) ExistingUsernames(ctx context.Context, usernames []string) (map[string]bool, error) {
	return existingValues(ctx, tx.tx, `SELECT username_lower FROM users WHERE username_lower IN `, lowered(usernames))
}

// ExistingTenants returns which of the public tenant ids exist.
func (tx *Tx) ExistingTenants(ctx context.Context, tenantIDs []string) (map[string]bool, error) {
	return existingValues(ctx, tx.tx, `SELECT tenant_id FROM tenants WHERE tenant_id IN `, tenantIDs)
}

// RoleTenants returns, for each of roleIDs that exists, the tenant owning it
// ("" for an environment-wide role).
func (tx *Tx) RoleTenants(ctx context.Context, roleIDs []string) (map[string]string, error) {
	out := map[string]string{}
	err := queryIn(ctx, tx.tx, `SELECT id, tenant_id FROM roles WHERE id IN `, roleIDs, func(scan func(...any) error) error {
		var id, tenant string
		if err := scan(&id, &tenant); err != nil {
			return err
		}
		out[id] = tenant
		return nil
	})
	return out, err
}

// DefaultRoles returns every default role as id → owning tenant ("" for environment-wide).
func (tx *Tx) DefaultRoles(ctx context.Context) (map[string]string, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, tenant_id FROM roles WHERE is_default = TRUE ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, tenant string
		if err := rows.Scan(&id, &tenant); err != nil {
			return nil, err
		}
		out[id] = tenant
	}
	return out, rows.Err()
}

func lowered(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// existingValues runs prefix + "(…)" over values and returns the first column as a set.
func existingValues(ctx context.Context, q querier, prefix string, values []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := queryIn(ctx, q, prefix, values, func(scan func(...any) error) error {
		var v string
		if err := scan(&v); err != nil {
			return err
		}
		out[v] = true
		return nil
	})
	return out, err
}

// queryIn runs prefix + "($1, …)" over values in chunks and calls each for every row.
func queryIn(ctx context.Context, q querier, prefix string, values []string, each func(scan func(...any) error) error) error {
	const per = 500
	for start := 0; start < len(values); start += per {
		chunk := values[start:min(start+per, len(values))]
		args := make([]any, len(chunk))
		for i, v := range chunk {
			args[i] = v
		}
		rows, err := q.QueryContext(ctx, prefix+"("+placeholders(1, len(chunk))+")", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := each(rows.Scan); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// InsertTenantsIfMissing inserts the tenants whose ids are free and reports
// which went in; a tenant whose id exists is left as it is.
func (tx *Tx) InsertTenantsIfMissing(ctx context.Context, tenants []*iam.Tenant) (inserted []bool, err error) {
	cols := strings.Split(strings.Join(strings.Fields(strings.ReplaceAll(tenantColumns, "COALESCE(parent_tenant_id, '')", "parent_tenant_id")), ""), ",")
	made, err := insertReturning(ctx, tx, "tenants", cols, len(tenants), func(i int) []any {
		t := tenants[i]
		return []any{t.ID, t.TenantID, t.Name, t.Metadata, t.IsReseller, nullString(t.ParentTenantID), t.Address, t.Timezone,
			t.DateFormat, t.TimeFormat, t.Currency, t.LogoURL, t.Website, t.ApplicationURL, t.CreatorName, t.CreatorEmail,
			t.Locked, micros(t.CreatedAt), micros(t.UpdatedAt)}
	}, "tenant_id")
	if err != nil {
		return nil, fmt.Errorf("insert tenants: %w", err)
	}
	inserted = make([]bool, len(tenants))
	for i, t := range tenants {
		inserted[i] = made[t.TenantID]
	}
	return inserted, nil
}

// insertReturning inserts n rows like insertRows, skipping rows that collide
// with a unique index, and returns the set of the returning column of the
// rows that went in.
func insertReturning(ctx context.Context, tx *Tx, table string, columns []string, n int, row func(i int) []any, returning string) (map[string]bool, error) {
	made := map[string]bool{}
	per := rowsPerStatement(tx.Dialect, len(columns))
	for start := 0; start < n; start += per {
		query, args := multiInsert(table, columns, start, min(start+per, n), row)
		rows, err := tx.tx.QueryContext(ctx, query+" ON CONFLICT DO NOTHING RETURNING "+returning, args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			made[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return made, nil
}
