package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

const roleColumns = `r.id, r.key, r.name, r.description, r.tenant_id, r.level, r.is_default, r.first_user_role, r.created_at, r.updated_at`

func scanRole(row interface{ Scan(...any) error }) (*iam.Role, error) {
	var r iam.Role
	var created, updated int64
	if err := row.Scan(&r.ID, &r.Key, &r.Name, &r.Description, &r.TenantID, &r.Level, &r.IsDefault, &r.FirstUserRole,
		&created, &updated); err != nil {
		return nil, mapErr(err)
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	r.Permissions = []string{}
	return &r, nil
}

// RoleFilter narrows FindRoles.
type RoleFilter struct {
	// TenantID limits the roles to those usable in that tenant: the
	// environment's and the tenant's own. With TenantID "" only the
	// environment's roles match, unless AllTenants is set.
	TenantID   string
	AllTenants bool
	IDs        []string // only these roles (nil: no limit)
	Levels     []int    // only these levels
	OwnerIDs   []string // only roles owned by these tenants
	Filter     string   // free text over key, name and description
	Unpaged    bool     // every match, ignoring Page's limit and offset
	Page                // SortBy: key, name, description, isDefault, firstUserRole, level, createdAt, updatedAt, permissions, userTenants, groups
}

// roleSorts maps the sort names of GET roles/v2 to SQL.
func roleSorts() map[string]string {
	return map[string]string{
		"key": "r.key", "name": "r.name", "description": "r.description", "isDefault": "r.is_default",
		"firstUserRole": "r.first_user_role", "level": "r.level", "createdAt": "r.created_at", "updatedAt": "r.updated_at",
		"permissions": "(SELECT COUNT(*) FROM role_permissions x WHERE x.role_id = r.id)",
		"userTenants": "(SELECT COUNT(*) FROM user_roles x WHERE x.role_id = r.id)",
		"groups":      "(SELECT COUNT(*) FROM group_roles x WHERE x.role_id = r.id)",
	}
}

// RoleSortable reports whether name is a sort FindRoles accepts.
func RoleSortable(name string) bool { _, ok := roleSorts()[name]; return ok }

// FindRoles returns the roles that match f, each with its permission ids, and
// how many match in all. Unsorted queries order by level then key.
func (db *DB) FindRoles(ctx context.Context, f RoleFilter) ([]*iam.Role, int, error) {
	where, args := ` WHERE 1=1`, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	switch {
	case f.TenantID != "":
		add(`(r.tenant_id = '' OR r.tenant_id = $%d)`, f.TenantID)
	case !f.AllTenants:
		where += ` AND r.tenant_id = ''`
	}
	in := func(col string, n int, v func(i int) any) {
		where += ` AND ` + col + ` IN (` + placeholders(len(args)+1, n) + `)`
		for i := range n {
			args = append(args, v(i))
		}
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		in("r.id", len(f.IDs), func(i int) any { return f.IDs[i] })
	}
	if len(f.Levels) > 0 {
		in("r.level", len(f.Levels), func(i int) any { return f.Levels[i] })
	}
	if len(f.OwnerIDs) > 0 {
		in("r.tenant_id", len(f.OwnerIDs), func(i int) any { return f.OwnerIDs[i] })
	}
	if f.Filter != "" {
		add(`(LOWER(r.key) LIKE $%[1]d ESCAPE '\' OR LOWER(r.name) LIKE $%[1]d ESCAPE '\' OR LOWER(r.description) LIKE $%[1]d ESCAPE '\')`, likePattern(f.Filter))
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM roles r`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + roleColumns + ` FROM roles r` + where
	if f.SortBy == "" {
		query += ` ORDER BY r.level, r.key, r.id`
	} else {
		query += f.orderBy(roleSorts(), "r.key")
	}
	if !f.Unpaged {
		limit := f.Limit
		if limit <= 0 {
			limit = defaultLimit
		}
		args = append(args, limit, f.Offset)
		query += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	}
	roles, err := queryRoles(ctx, db.r, query, args...)
	if err != nil {
		return nil, 0, err
	}
	return roles, total, fillRolePermissions(ctx, db.r, roles)
}

// FindRole returns the role with id and its permission ids, or iam.ErrNotFound.
func (db *DB) FindRole(ctx context.Context, id string) (*iam.Role, error) {
	return findRole(ctx, db.r, id)
}

// FindRole is FindRole inside a transaction.
func (tx *Tx) FindRole(ctx context.Context, id string) (*iam.Role, error) {
	return findRole(ctx, tx.tx, id)
}

func findRole(ctx context.Context, q querier, id string) (*iam.Role, error) {
	r, err := scanRole(q.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM roles r WHERE r.id = $1`, id))
	if err != nil {
		return nil, err
	}
	return r, fillRolePermissions(ctx, q, []*iam.Role{r})
}

func queryRoles(ctx context.Context, q querier, query string, args ...any) ([]*iam.Role, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*iam.Role
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// fillRolePermissions sets the permission ids of roles, ordered by key.
func fillRolePermissions(ctx context.Context, q querier, roles []*iam.Role) error {
	if len(roles) == 0 {
		return nil
	}
	byID := make(map[string]*iam.Role, len(roles))
	args := make([]any, len(roles))
	for i, r := range roles {
		byID[r.ID], args[i] = r, r.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT rp.role_id, rp.permission_id FROM role_permissions rp
		JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id IN (`+placeholders(1, len(args))+`) ORDER BY p.key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var roleID, permID string
		if err := rows.Scan(&roleID, &permID); err != nil {
			return err
		}
		byID[roleID].Permissions = append(byID[roleID].Permissions, permID)
	}
	return rows.Err()
}

// NewRole is a role to create; Migrate gives a default role to every current
// member of the accounts it serves.
type NewRole struct {
	Role    *iam.Role
	Migrate bool
}

// CreateRoles inserts every role with its permissions (Role.Permissions), or
// none. It returns iam.ErrConflict when a key is taken in the role's tenant
// and iam.ErrNotFound when a permission or the role's tenant does not exist.
func (db *DB) CreateRoles(ctx context.Context, roles []NewRole) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, nr := range roles {
			r := nr.Role
			if err := tx.checkTenant(ctx, r.TenantID); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO roles (id, key, name, description, tenant_id, level, is_default,
				first_user_role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				r.ID, r.Key, r.Name, r.Description, r.TenantID, r.Level, r.IsDefault, r.FirstUserRole,
				micros(r.CreatedAt), micros(r.UpdatedAt))
			if err != nil {
				return fmt.Errorf("create role %s: %w", r.Key, mapErr(err))
			}
			if err := tx.insertRolePermissions(ctx, r.ID, r.Permissions); err != nil {
				return err
			}
			if nr.Migrate && r.IsDefault {
				if err := tx.giveRoleToMembers(ctx, r, r.CreatedAt); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// checkTenant returns iam.ErrNotFound unless tenantID is "" or an existing tenant.
func (tx *Tx) checkTenant(ctx context.Context, tenantID string) error {
	if tenantID == "" {
		return nil
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants WHERE tenant_id = $1`, tenantID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("tenant %s: %w", tenantID, iam.ErrNotFound)
	}
	return nil
}

// insertRolePermissions adds permissionIDs to the role; every one must exist.
func (tx *Tx) insertRolePermissions(ctx context.Context, roleID string, permissionIDs []string) error {
	if len(permissionIDs) == 0 {
		return nil
	}
	ids := uniq(permissionIDs)
	args := make([]any, 0, len(ids))
	for id := range ids {
		args = append(args, id)
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM permissions WHERE id IN (`+placeholders(1, len(args))+`)`, args...).Scan(&n); err != nil {
		return err
	}
	if n != len(args) {
		return fmt.Errorf("permissions: %w", iam.ErrNotFound)
	}
	for _, id := range args {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, permission_id) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, roleID, id); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// giveRoleToMembers assigns r to every member of the accounts it serves.
func (tx *Tx) giveRoleToMembers(ctx context.Context, r *iam.Role, now time.Time) error {
	query, args := `INSERT INTO user_roles (user_id, tenant_id, role_id, created_at)
		SELECT user_id, tenant_id, $1, CAST($2 AS BIGINT) FROM user_tenants WHERE 1=1`, []any{r.ID, micros(now)}
	if r.TenantID != "" {
		query, args = query+` AND tenant_id = $3`, append(args, r.TenantID)
	}
	_, err := tx.tx.ExecContext(ctx, query+` ON CONFLICT DO NOTHING`, args...)
	return mapErr(err)
}

// UpdateRole saves r's key, name, description, level and flags. A default
// role with migrate set is also given to every current member of the accounts
// it serves. It returns iam.ErrConflict when the key is taken.
func (db *DB) UpdateRole(ctx context.Context, r *iam.Role, migrate bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE roles SET key = $2, name = $3, description = $4, level = $5, is_default = $6,
			first_user_role = $7, updated_at = $8 WHERE id = $1`, r.ID, r.Key, r.Name, r.Description, r.Level, r.IsDefault,
			r.FirstUserRole, micros(r.UpdatedAt))
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if migrate && r.IsDefault {
			return tx.giveRoleToMembers(ctx, r, r.UpdatedAt)
		}
		return nil
	})
}

// DeleteRole removes the role from every user and group that holds it, then
// the role, in one transaction.
func (db *DB) DeleteRole(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, q := range []string{
			`DELETE FROM user_roles WHERE role_id = $1`,
			`DELETE FROM group_roles WHERE role_id = $1`,
			`DELETE FROM role_permissions WHERE role_id = $1`,
		} {
			if _, err := tx.tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, id)
		return affectedOne(res, err)
	})
}

// SetRolePermissions replaces the role's permissions with permissionIDs. It
// returns iam.ErrNotFound when the role or a permission does not exist.
func (db *DB) SetRolePermissions(ctx context.Context, roleID string, permissionIDs []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.touchRole(ctx, roleID, now); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE role_id = $1`, roleID); err != nil {
			return err
		}
		return tx.insertRolePermissions(ctx, roleID, permissionIDs)
	})
}

// touchRole sets the role's update time, or returns iam.ErrNotFound.
func (tx *Tx) touchRole(ctx context.Context, roleID string, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE roles SET updated_at = $2 WHERE id = $1`, roleID, micros(now))
	return affectedOne(res, err)
}

// MoveRole makes the role environment-wide (tenantID "") or the tenant's own.
// Moved into a tenant, it is taken from users and groups of every other
// tenant. It returns iam.ErrNotFound when the role or tenant does not exist
// and iam.ErrConflict when the tenant already has a role with its key.
func (db *DB) MoveRole(ctx context.Context, roleID, tenantID string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkTenant(ctx, tenantID); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE roles SET tenant_id = $2, updated_at = $3 WHERE id = $1`, roleID, tenantID, micros(now))
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if tenantID == "" {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_roles WHERE role_id = $1 AND tenant_id <> $2`, roleID, tenantID); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM group_roles WHERE role_id = $1
			AND group_id IN (SELECT id FROM user_groups WHERE tenant_id <> $2)`, roleID, tenantID)
		return err
	})
}

// checkRolesOwned returns iam.ErrNotFound unless every id names a role owned
// by ownerID, or any role when ownerID is "".
func (tx *Tx) checkRolesOwned(ctx context.Context, ownerID string, roleIDs []string) error {
	if len(roleIDs) == 0 {
		return nil
	}
	ids := uniq(roleIDs)
	args := make([]any, 0, len(ids)+1)
	for id := range ids {
		args = append(args, id)
	}
	query := `SELECT COUNT(*) FROM roles WHERE id IN (` + placeholders(1, len(args)) + `)`
	if ownerID != "" {
		args = append(args, ownerID)
		query += fmt.Sprintf(` AND tenant_id = $%d`, len(args))
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return fmt.Errorf("roles: %w", iam.ErrNotFound)
	}
	return nil
}

// DistinctRoleLevels returns the levels of the roles that f matches, ascending.
func (db *DB) DistinctRoleLevels(ctx context.Context, f RoleFilter) ([]int, error) {
	roles, _, err := db.FindRoles(ctx, RoleFilter{TenantID: f.TenantID, AllTenants: f.AllTenants, Unpaged: true})
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	out := []int{}
	for _, r := range roles {
		if !seen[r.Level] {
			seen[r.Level] = true
			out = append(out, r.Level)
		}
	}
	return out, nil
}

// DistinctRoleTenants returns the tenants that own roles, limited to tenantID
// when it is not "".
func (db *DB) DistinctRoleTenants(ctx context.Context, tenantID string) ([]string, error) {
	if tenantID != "" {
		return queryStrings(ctx, db.r, `SELECT DISTINCT tenant_id FROM roles WHERE tenant_id = $1`, tenantID)
	}
	return queryStrings(ctx, db.r, `SELECT DISTINCT tenant_id FROM roles WHERE tenant_id <> '' ORDER BY tenant_id`)
}

// RolePermissionKeys returns the permission keys of each role in roleIDs.
func (db *DB) RolePermissionKeys(ctx context.Context, roleIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(roleIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(roleIDs))
	for i, id := range roleIDs {
		args[i] = id
	}
	rows, err := db.r.QueryContext(ctx, `SELECT rp.role_id, p.key FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
		WHERE rp.role_id IN (`+placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var roleID, key string
		if err := rows.Scan(&roleID, &key); err != nil {
			return nil, err
		}
		out[roleID] = append(out[roleID], key)
	}
	return out, rows.Err()
}

// IsMember reports whether the user belongs to the tenant.
func (db *DB) IsMember(ctx context.Context, userID, tenantID string) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID).Scan(&n)
	return n > 0, err
}

// AssignUserRoles gives the member roleIDs in tenantID (kept when already
// held). It returns iam.ErrNotFound when the user is not a member or a role
// is not usable in the tenant.
func (db *DB) AssignUserRoles(ctx context.Context, userID, tenantID string, roleIDs []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		return tx.assignUserRoles(ctx, userID, tenantID, roleIDs, nil, now)
	})
}

// UnassignUserRoles takes roleIDs from the member in tenantID. It returns
// iam.ErrNotFound when the user is not a member.
func (db *DB) UnassignUserRoles(ctx context.Context, userID, tenantID string, roleIDs []string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		return tx.assignUserRoles(ctx, userID, tenantID, nil, roleIDs, time.Time{})
	})
}

// assignUserRoles adds and removes the member's roles in one tenant.
func (tx *Tx) assignUserRoles(ctx context.Context, userID, tenantID string, add, remove []string, now time.Time) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("user %s in tenant %s: %w", userID, tenantID, iam.ErrNotFound)
	}
	if err := tx.CheckRoles(ctx, tenantID, add); err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	for _, id := range remove {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1 AND tenant_id = $2 AND role_id = $3`,
			userID, tenantID, id); err != nil {
			return err
		}
	}
	return tx.AddUserRoles(ctx, userID, tenantID, add, now)
}

// FindMemberRoles returns the roles assigned directly to the user in tenantID,
// by level then key.
func (db *DB) FindMemberRoles(ctx context.Context, userID, tenantID string) ([]*iam.Role, error) {
	return queryRoles(ctx, db.r, `SELECT `+roleColumns+` FROM roles r JOIN user_roles ur ON ur.role_id = r.id
		WHERE ur.user_id = $1 AND ur.tenant_id = $2 ORDER BY r.level, r.key, r.id`, userID, tenantID)
}

// MemberIDs maps each user of a tenant to ids of things it holds there.
type MemberIDs struct {
	UserID string
	IDs    []string
}

// FindUsersRoleIDs returns, for every user in userIDs that belongs to
// tenantID, the ids of the roles assigned to it directly there, in the order
// of userIDs.
func (db *DB) FindUsersRoleIDs(ctx context.Context, tenantID string, userIDs []string) ([]MemberIDs, error) {
	return db.memberIDs(ctx, `SELECT ut.user_id, ur.role_id FROM user_tenants ut
		LEFT JOIN user_roles ur ON ur.user_id = ut.user_id AND ur.tenant_id = ut.tenant_id
		WHERE ut.tenant_id = $1 AND ut.user_id IN (%s) ORDER BY ur.role_id`, tenantID, userIDs)
}

// FindUsersGroupIDs is FindUsersRoleIDs for the groups users belong to.
func (db *DB) FindUsersGroupIDs(ctx context.Context, tenantID string, userIDs []string) ([]MemberIDs, error) {
	return db.memberIDs(ctx, `SELECT ut.user_id, gm.group_id FROM user_tenants ut
		LEFT JOIN group_members gm ON gm.user_id = ut.user_id AND gm.tenant_id = ut.tenant_id
		WHERE ut.tenant_id = $1 AND ut.user_id IN (%s) ORDER BY gm.group_id`, tenantID, userIDs)
}

func (db *DB) memberIDs(ctx context.Context, query, tenantID string, userIDs []string) ([]MemberIDs, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	args := []any{tenantID}
	for _, id := range userIDs {
		args = append(args, id)
	}
	rows, err := db.r.QueryContext(ctx, fmt.Sprintf(query, placeholders(2, len(userIDs))), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byUser := map[string][]string{}
	for rows.Next() {
		var userID string
		var id *string
		if err := rows.Scan(&userID, &id); err != nil {
			return nil, err
		}
		if _, ok := byUser[userID]; !ok {
			byUser[userID] = []string{}
		}
		if id != nil {
			byUser[userID] = append(byUser[userID], *id)
		}
	}
	var out []MemberIDs
	seen := map[string]bool{}
	for _, id := range userIDs {
		if ids, ok := byUser[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, MemberIDs{UserID: id, IDs: ids})
		}
	}
	return out, rows.Err()
}

// RoleChange changes a member's roles in one tenant: Replace sets them to
// Add; otherwise Add are given and Remove taken.
type RoleChange struct {
	TenantID string
	Add      []string
	Remove   []string
	Replace  bool
}

// ChangeUserRoles applies every change to the user's roles, in one
// transaction: all or none. It returns iam.ErrNotFound when the user is not
// a member of a tenant or a role is not usable there.
func (db *DB) ChangeUserRoles(ctx context.Context, userID string, changes []RoleChange, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.ChangeUserRoles(ctx, userID, changes, now) })
}

// ChangeUserRoles is DB.ChangeUserRoles in tx.
func (tx *Tx) ChangeUserRoles(ctx context.Context, userID string, changes []RoleChange, now time.Time) error {
	for _, c := range changes {
		remove := c.Remove
		if c.Replace {
			held, err := queryStrings(ctx, tx.tx, `SELECT role_id FROM user_roles WHERE user_id = $1 AND tenant_id = $2`, userID, c.TenantID)
			if err != nil {
				return err
			}
			remove = held
		}
		if err := tx.assignUserRoles(ctx, userID, c.TenantID, c.Add, remove, now); err != nil {
			return err
		}
	}
	return nil
}

// FindMemberRoleIDs returns the ids of the roles assigned directly to the
// user in tenantID, in id order; none for a user who is not a member.
func (tx *Tx) FindMemberRoleIDs(ctx context.Context, userID, tenantID string) ([]string, error) {
	return queryStrings(ctx, tx.tx, `SELECT role_id FROM user_roles WHERE user_id = $1 AND tenant_id = $2 ORDER BY role_id`, userID, tenantID)
}
