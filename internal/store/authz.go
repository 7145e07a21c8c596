package store

import (
	"context"

	"github.com/hatchid/hatch/internal/iam"
)

// Authz is what a user may do in one tenant: the roles held there and the
// union of their permissions.
type Authz struct {
	Roles       []*iam.Role
	Permissions []*iam.Permission
}

// RoleKeys returns the keys of a.Roles.
func (a *Authz) RoleKeys() []string {
	out := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		out[i] = r.Key
	}
	return out
}

// PermissionKeys returns the keys of a.Permissions.
func (a *Authz) PermissionKeys() []string {
	out := make([]string, len(a.Permissions))
	for i, p := range a.Permissions {
		out[i] = p.Key
	}
	return out
}

// userRolesSQL selects the ids of the roles a user holds in a tenant ($1 user, $2 tenant).
const userRolesSQL = `SELECT role_id FROM user_roles WHERE user_id = $1 AND tenant_id = $2`

// FindAuthz returns the user's roles and permissions in tenantID, with two queries.
func (db *DB) FindAuthz(ctx context.Context, userID, tenantID string) (*Authz, error) {
	var a Authz
	rows, err := db.r.QueryContext(ctx, `SELECT r.id, r.key, r.name, r.description, r.tenant_id, r.level, r.is_default,
		r.first_user_role, r.created_at, r.updated_at FROM roles r WHERE r.id IN (`+userRolesSQL+`) ORDER BY r.level, r.key`, userID, tenantID)
	if err != nil {
		return nil, err
	}
	byID := map[string]*iam.Role{}
	for rows.Next() {
		var r iam.Role
		var created, updated int64
		if err := rows.Scan(&r.ID, &r.Key, &r.Name, &r.Description, &r.TenantID, &r.Level, &r.IsDefault, &r.FirstUserRole, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
		r.Permissions = []string{}
		a.Roles = append(a.Roles, &r)
		byID[r.ID] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(a.Roles) == 0 {
		return &a, err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT rp.role_id, p.id, p.key, p.name, p.description, COALESCE(p.category_id, ''),
		p.fe_permission, p.created_at, p.updated_at
		FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
		WHERE rp.role_id IN (`+userRolesSQL+`) ORDER BY p.key`, userID, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var roleID string
		var p iam.Permission
		var created, updated int64
		if err := rows.Scan(&roleID, &p.ID, &p.Key, &p.Name, &p.Description, &p.CategoryID, &p.FePermission, &created, &updated); err != nil {
			return nil, err
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		if r := byID[roleID]; r != nil {
			r.Permissions = append(r.Permissions, p.ID)
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			a.Permissions = append(a.Permissions, &p)
		}
	}
	return &a, rows.Err()
}

// DefaultRoleIDs returns the ids of the roles new members of tenantID get:
// default roles of the environment and of the tenant.
func (tx *Tx) DefaultRoleIDs(ctx context.Context, tenantID string) ([]string, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id FROM roles WHERE is_default = TRUE AND (tenant_id = '' OR tenant_id = $1) ORDER BY id`, tenantID)
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

// CheckRoles returns iam.ErrNotFound unless every id names a role usable in
// tenantID (environment-wide or owned by it).
func (tx *Tx) CheckRoles(ctx context.Context, tenantID string, roleIDs []string) error {
	if len(roleIDs) == 0 {
		return nil
	}
	args := []any{tenantID}
	for _, id := range roleIDs {
		args = append(args, id)
	}
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT id) FROM roles WHERE (tenant_id = '' OR tenant_id = $1) AND id IN (`+
		placeholders(2, len(roleIDs))+`)`, args...).Scan(&n)
	if err != nil {
		return err
	}
	if n != len(uniq(roleIDs)) {
		return iam.ErrNotFound
	}
	return nil
}

func uniq(ss []string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}
