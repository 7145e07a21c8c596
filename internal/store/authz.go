package store

import (
	"context"
	"slices"
	"strings"

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

// FindAuthz returns the user's roles in tenantID, by level then key, and the
// union of their permissions, by key, in one query (each role's rows carry
// its permissions; a role without any has one row with empty permission
// columns). Every login and token refresh reads it.
func (db *DB) FindAuthz(ctx context.Context, userID, tenantID string) (*Authz, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT r.id, r.key, r.name, r.description, r.tenant_id, r.level, r.is_default,
		r.first_user_role, r.created_at, r.updated_at, COALESCE(p.id, ''), COALESCE(p.key, ''), COALESCE(p.name, ''),
		COALESCE(p.description, ''), COALESCE(p.category_id, ''), COALESCE(p.fe_permission, FALSE),
		COALESCE(p.created_at, 0), COALESCE(p.updated_at, 0)
		FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id LEFT JOIN permissions p ON p.id = rp.permission_id
		WHERE r.id IN (`+userRolesSQL+`) ORDER BY r.level, r.key, r.id, p.key`, userID, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var a Authz
	roles, perms := map[string]*iam.Role{}, map[string]*iam.Permission{}
	for rows.Next() {
		var r iam.Role
		var p iam.Permission
		var rCreated, rUpdated, pCreated, pUpdated int64
		if err := rows.Scan(&r.ID, &r.Key, &r.Name, &r.Description, &r.TenantID, &r.Level, &r.IsDefault, &r.FirstUserRole,
			&rCreated, &rUpdated, &p.ID, &p.Key, &p.Name, &p.Description, &p.CategoryID, &p.FePermission, &pCreated, &pUpdated); err != nil {
			return nil, err
		}
		role := roles[r.ID]
		if role == nil {
			r.CreatedAt, r.UpdatedAt = fromMicros(rCreated), fromMicros(rUpdated)
			r.Permissions = []string{}
			role = &r
			roles[r.ID] = role
			a.Roles = append(a.Roles, role)
		}
		if p.ID == "" {
			continue
		}
		role.Permissions = append(role.Permissions, p.ID)
		if perms[p.ID] == nil {
			p.CreatedAt, p.UpdatedAt = fromMicros(pCreated), fromMicros(pUpdated)
			perms[p.ID] = &p
			a.Permissions = append(a.Permissions, &p)
		}
	}
	slices.SortFunc(a.Permissions, func(x, y *iam.Permission) int { return strings.Compare(x.Key, y.Key) })
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
