package store

import (
	"cmp"
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

// RoleKeys returns the keys of a.Roles, each once (an account's role may
// share its key with one of the environment's).
func (a *Authz) RoleKeys() []string {
	out := make([]string, 0, len(a.Roles))
	for _, r := range a.Roles {
		if !slices.Contains(out, r.Key) {
			out = append(out, r.Key)
		}
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

// findAuthz returns the user's effective roles in tenantID (direct and through
// groups; only roles usable there: environment-wide or the tenant's own) and
// the union of their permissions, in two queries: the roles with their
// permission ids, then each permission once. Roles are ordered by level then
// key, permissions by key. Rows stay narrow on purpose: a permission's columns
// are read once however many roles hold it.
func (db *DB) findAuthz(ctx context.Context, userID, tenantID string) (*Authz, error) {
	var a Authz
	rows, err := db.r.QueryContext(ctx, `WITH held AS (`+heldRolesSQL+`)
		SELECT r.id, r.key, r.name, r.description, r.tenant_id, r.level, r.is_default, r.first_user_role, r.created_at,
			r.updated_at, NULL FROM roles r JOIN held ON held.role_id = r.id WHERE r.tenant_id = '' OR r.tenant_id = $2
		UNION ALL SELECT rp.role_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, rp.permission_id
		FROM role_permissions rp JOIN held ON held.role_id = rp.role_id`, userID, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[string]*iam.Role{}
	type pair struct{ role, permission string }
	var pairs []pair
	for rows.Next() {
		var id string
		var key, name, desc, tenant, permID sql.NullString
		var level, created, updated sql.NullInt64
		var isDefault, firstUser sql.NullBool
		if err := rows.Scan(&id, &key, &name, &desc, &tenant, &level, &isDefault, &firstUser, &created, &updated, &permID); err != nil {
			return nil, err
		}
		if permID.Valid {
			pairs = append(pairs, pair{id, permID.String})
			continue
		}
		r := &iam.Role{ID: id, Key: key.String, Name: name.String, Description: desc.String, TenantID: tenant.String,
			Level: int(level.Int64), IsDefault: isDefault.Bool, FirstUserRole: firstUser.Bool,
			CreatedAt: fromMicros(created.Int64), UpdatedAt: fromMicros(updated.Int64), Permissions: []string{}}
		byID[id] = r
		a.Roles = append(a.Roles, r)
	}
	if err := rows.Err(); err != nil || len(a.Roles) == 0 {
		return &a, err
	}
	rows.Close()
	slices.SortFunc(a.Roles, func(x, y *iam.Role) int {
		return cmp.Or(cmp.Compare(x.Level, y.Level), strings.Compare(x.Key, y.Key), strings.Compare(x.ID, y.ID))
	})
	rows, err = db.r.QueryContext(ctx, `SELECT `+permissionColumns+` FROM permissions p WHERE p.id IN (
		SELECT rp.permission_id FROM role_permissions rp JOIN roles r ON r.id = rp.role_id
		WHERE rp.role_id IN (`+heldRolesSQL+`) AND (r.tenant_id = '' OR r.tenant_id = $2)) ORDER BY p.key`, userID, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p iam.Permission
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.Key, &p.Name, &p.Description, &p.CategoryID, &p.FePermission, &p.AssignmentType,
			&created, &updated); err != nil {
			return nil, err
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		a.Permissions = append(a.Permissions, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	held := map[pair]bool{}
	for _, pr := range pairs {
		held[pr] = true
	}
	for _, p := range a.Permissions { // by key
		for _, r := range a.Roles { // by level and key
			if held[pair{r.ID, p.ID}] {
				r.Permissions = append(r.Permissions, p.ID)
				p.RoleIDs = append(p.RoleIDs, r.ID)
			}
		}
	}
	return &a, nil
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
