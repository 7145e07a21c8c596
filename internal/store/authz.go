package store

import (
	"context"
	"database/sql"
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

// heldRolesSQL selects the ids of the roles a user holds in a tenant ($1
// user, $2 tenant): assigned directly, or through a group of that tenant.
const heldRolesSQL = `SELECT role_id FROM user_roles WHERE user_id = $1 AND tenant_id = $2
	UNION SELECT gr.role_id FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id
	WHERE gm.user_id = $1 AND gm.tenant_id = $2`

// FindAuthz returns the user's effective roles in tenantID (direct and through
// groups; only roles usable there: environment-wide or the tenant's own) and
// the union of their permissions, in one query. Roles are ordered by level
// then key, permissions by key.
func (db *DB) FindAuthz(ctx context.Context, userID, tenantID string) (*Authz, error) {
	rows, err := db.r.QueryContext(ctx, `WITH held AS (`+heldRolesSQL+`)
		SELECT r.id, r.key, r.name, r.description, r.tenant_id, r.level, r.is_default, r.first_user_role, r.created_at,
			r.updated_at, p.id, p.key, p.name, p.description, p.category_id, p.fe_permission, p.assignment_type,
			p.created_at, p.updated_at
		FROM roles r JOIN held ON held.role_id = r.id
		LEFT JOIN role_permissions rp ON rp.role_id = r.id
		LEFT JOIN permissions p ON p.id = rp.permission_id
		WHERE r.tenant_id = '' OR r.tenant_id = $2
		ORDER BY r.level, r.key, r.id, p.key`, userID, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var a Authz
	var role *iam.Role
	perms := map[string]*iam.Permission{}
	for rows.Next() {
		var r iam.Role
		var created, updated int64
		var pID, pKey, pName, pDesc, pCat, pAssign sql.NullString
		var pFe sql.NullBool
		var pCreated, pUpdated sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Key, &r.Name, &r.Description, &r.TenantID, &r.Level, &r.IsDefault, &r.FirstUserRole,
			&created, &updated, &pID, &pKey, &pName, &pDesc, &pCat, &pFe, &pAssign, &pCreated, &pUpdated); err != nil {
			return nil, err
		}
		if role == nil || role.ID != r.ID {
			r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
			r.Permissions = []string{}
			role = &r
			a.Roles = append(a.Roles, role)
		}
		if !pID.Valid {
			continue
		}
		role.Permissions = append(role.Permissions, pID.String)
		p := perms[pID.String]
		if p == nil {
			p = &iam.Permission{ID: pID.String, Key: pKey.String, Name: pName.String, Description: pDesc.String,
				CategoryID: pCat.String, FePermission: pFe.Bool, AssignmentType: pAssign.String,
				CreatedAt: fromMicros(pCreated.Int64), UpdatedAt: fromMicros(pUpdated.Int64)}
			perms[p.ID] = p
			a.Permissions = append(a.Permissions, p)
		}
		p.RoleIDs = append(p.RoleIDs, role.ID)
	}
	slices.SortFunc(a.Permissions, func(x, y *iam.Permission) int { return strings.Compare(x.Key, y.Key) })
	return &a, rows.Err()
}

// DefaultRoleIDs returns the ids of the roles a new member of tenantID gets:
// for the first member of the tenant, the first-user roles (of the environment
// and of the tenant) when there are any; otherwise, and for every later
// member, the default roles of the environment and of the tenant.
func (tx *Tx) DefaultRoleIDs(ctx context.Context, tenantID string) ([]string, error) {
	var members int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE tenant_id = $1`, tenantID).Scan(&members); err != nil {
		return nil, err
	}
	if members == 0 {
		ids, err := queryStrings(ctx, tx.tx, `SELECT id FROM roles WHERE first_user_role = TRUE AND (tenant_id = '' OR tenant_id = $1) ORDER BY id`, tenantID)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return queryStrings(ctx, tx.tx, `SELECT id FROM roles WHERE is_default = TRUE AND (tenant_id = '' OR tenant_id = $1) ORDER BY id`, tenantID)
}

// queryStrings returns the first column of every row.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
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
