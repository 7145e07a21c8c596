package store

import (
	"context"
	"database/sql"

	"github.com/hatchid/hatch/internal/iam"
)

// findUserWithMemberships returns the user and its memberships, oldest
// first, in one query: FindUser and FindMemberships together, which every
// token refresh needs (one database round trip fewer). It returns
// iam.ErrNotFound when there is no such user.
func (db *DB) findUserWithMemberships(ctx context.Context, userID string) (*iam.User, []iam.Membership, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+`, m_tenant_id, m_activated, m_disabled, m_created_at
		FROM users LEFT JOIN (SELECT user_id AS m_user_id, tenant_id AS m_tenant_id, activated AS m_activated,
			disabled AS m_disabled, created_at AS m_created_at FROM user_tenants WHERE user_id = $1) m ON m.m_user_id = users.id
		WHERE users.id = $1 ORDER BY m_created_at, m_tenant_id`, userID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var u *iam.User
	var ms []iam.Membership
	for rows.Next() {
		var tenantID sql.NullString
		var activated, disabled sql.NullBool
		var created sql.NullInt64
		row, err := scanUser(scanWith{rows, []any{&tenantID, &activated, &disabled, &created}})
		if err != nil {
			return nil, nil, err
		}
		if u == nil {
			u = row
		}
		if tenantID.Valid {
			ms = append(ms, iam.Membership{UserID: u.ID, TenantID: tenantID.String, ActivatedForTenant: activated.Bool,
				Disabled: disabled.Bool, CreatedAt: fromMicros(created.Int64)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, iam.ErrNotFound
	}
	return u, ms, nil
}

// scanWith scans a row into the destinations a scan function passes, then
// into extra: it lets scanUser read a row that carries more columns.
type scanWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }
