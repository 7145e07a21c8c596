package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// VendorFields are the user fields only the vendor sets.
type VendorFields struct {
	Metadata  string // JSON text (Frontegg's vendorMetadata)
	MFABypass bool
}

// MemberAccess is one membership of a user with the roles held in that tenant.
type MemberAccess struct {
	iam.Membership
	Roles []*iam.Role // each role's Permissions holds permission ids
}

// UserDetails is what the user routes show beside the user row: memberships
// with roles, the permissions those roles grant, and the vendor fields.
type UserDetails struct {
	Tenants     map[string][]MemberAccess // by user id, oldest membership first
	Permissions map[string]*iam.Permission
	Vendor      map[string]VendorFields // by user id
}

// Tenant returns the user's membership of tenantID, or false.
func (d *UserDetails) Tenant(userID, tenantID string) (MemberAccess, bool) {
	for _, m := range d.Tenants[userID] {
		if m.TenantID == tenantID {
			return m, true
		}
	}
	return MemberAccess{}, false
}

// FindUserDetails loads the details of every user in userIDs with five
// queries, whatever their number. Unknown ids get no entries.
func (db *DB) FindUserDetails(ctx context.Context, userIDs []string) (*UserDetails, error) {
	d := &UserDetails{Tenants: map[string][]MemberAccess{}, Permissions: map[string]*iam.Permission{}, Vendor: map[string]VendorFields{}}
	if len(userIDs) == 0 {
		return d, nil
	}
	in, args := inList(1, userIDs)
	if err := db.loadVendorFields(ctx, d, in, args); err != nil {
		return nil, err
	}
	if err := db.loadMemberships(ctx, d, in, args); err != nil {
		return nil, err
	}
	roles, err := db.loadMemberRoles(ctx, d, in, args)
	if err != nil || len(roles) == 0 {
		return d, err
	}
	return d, db.loadRolePermissions(ctx, d, roles, in, args)
}

func (db *DB) loadVendorFields(ctx context.Context, d *UserDetails, in string, args []any) error {
	rows, err := db.r.QueryContext(ctx, `SELECT id, vendor_metadata, mfa_bypass FROM users WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var v VendorFields
		if err := rows.Scan(&id, &v.Metadata, &v.MFABypass); err != nil {
			return err
		}
		d.Vendor[id] = v
	}
	return rows.Err()
}

func (db *DB) loadMemberships(ctx context.Context, d *UserDetails, in string, args []any) error {
	rows, err := db.r.QueryContext(ctx, `SELECT user_id, tenant_id, activated, disabled, created_at FROM user_tenants
		WHERE user_id IN (`+in+`) ORDER BY created_at, tenant_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m MemberAccess
		var created int64
		if err := rows.Scan(&m.UserID, &m.TenantID, &m.ActivatedForTenant, &m.Disabled, &created); err != nil {
			return err
		}
		m.CreatedAt = fromMicros(created)
		m.Roles = []*iam.Role{}
		d.Tenants[m.UserID] = append(d.Tenants[m.UserID], m)
	}
	return rows.Err()
}

// loadMemberRoles fills each membership's roles and returns the roles by id.
func (db *DB) loadMemberRoles(ctx context.Context, d *UserDetails, in string, args []any) (map[string][]*iam.Role, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT ur.user_id, ur.tenant_id, r.id, r.key, r.name, r.description, r.tenant_id,
		r.level, r.is_default, r.first_user_role, r.created_at, r.updated_at
		FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (`+in+`) ORDER BY r.level, r.key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[string][]*iam.Role{}
	for rows.Next() {
		var userID, tenantID string
		var r iam.Role
		var created, updated int64
		if err := rows.Scan(&userID, &tenantID, &r.ID, &r.Key, &r.Name, &r.Description, &r.TenantID, &r.Level,
			&r.IsDefault, &r.FirstUserRole, &created, &updated); err != nil {
			return nil, err
		}
		r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
		r.Permissions = []string{}
		ms := d.Tenants[userID]
		for i := range ms {
			if ms[i].TenantID == tenantID {
				ms[i].Roles = append(ms[i].Roles, &r)
			}
		}
		byID[r.ID] = append(byID[r.ID], &r)
	}
	return byID, rows.Err()
}

// loadRolePermissions fills the permission ids of the loaded roles and the
// permissions they grant.
func (db *DB) loadRolePermissions(ctx context.Context, d *UserDetails, roles map[string][]*iam.Role, in string, args []any) error {
	rows, err := db.r.QueryContext(ctx, `SELECT rp.role_id, p.id, p.key, p.name, p.description, COALESCE(p.category_id, ''),
		p.fe_permission, p.created_at, p.updated_at
		FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
		WHERE rp.role_id IN (SELECT role_id FROM user_roles WHERE user_id IN (`+in+`)) ORDER BY p.key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var roleID string
		var p iam.Permission
		var created, updated int64
		if err := rows.Scan(&roleID, &p.ID, &p.Key, &p.Name, &p.Description, &p.CategoryID, &p.FePermission, &created, &updated); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		for _, r := range roles[roleID] {
			r.Permissions = append(r.Permissions, p.ID)
		}
		if d.Permissions[p.ID] == nil {
			d.Permissions[p.ID] = &p
		}
	}
	return rows.Err()
}

// SetVendorFields saves the user's vendor-only fields that are not nil;
// iam.ErrNotFound when there is no such user.
func (tx *Tx) SetVendorFields(ctx context.Context, userID string, metadata *string, mfaBypass *bool) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET vendor_metadata = COALESCE($2, vendor_metadata),
		mfa_bypass = COALESCE($3, mfa_bypass) WHERE id = $1`, userID, metadata, mfaBypass)
	return affectedOne(res, err)
}

// EndUserTenantSessions revokes the user's live sessions whose active tenant
// is tenantID and returns their ids, so the caller can refuse their access
// tokens at once.
func (tx *Tx) EndUserTenantSessions(ctx context.Context, userID, tenantID string, now time.Time) ([]string, error) {
	return returningIDs(ctx, tx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND tenant_id = $3 AND revoked_at IS NULL
		RETURNING id`, micros(now), userID, tenantID)
}

// MoveTenantUsers moves every member of src into dst, in one transaction:
// each keeps its environment-wide roles (src's own roles do not exist in dst),
// users already in dst keep their membership there, users whose active tenant
// was src get dst, and sessions in src end. It returns the ended session ids,
// and iam.ErrNotFound when either tenant does not exist. src and dst must differ.
func (db *DB) MoveTenantUsers(ctx context.Context, src, dst string, now time.Time) ([]string, error) {
	var ended []string
	err := db.InTx(ctx, func(tx *Tx) error {
		for _, id := range []string{src, dst} {
			if _, err := tx.FindTenant(ctx, id); err != nil {
				return fmt.Errorf("tenant %s: %w", id, err)
			}
		}
		at := micros(now)
		steps := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO user_tenants (user_id, tenant_id, activated, disabled, created_at)
				SELECT user_id, $2, activated, disabled, $3 FROM user_tenants WHERE tenant_id = $1
				ON CONFLICT DO NOTHING`, []any{src, dst, at}},
			{`INSERT INTO user_roles (user_id, tenant_id, role_id, created_at)
				SELECT ur.user_id, $2, ur.role_id, $3 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
				WHERE ur.tenant_id = $1 AND r.tenant_id = '' ON CONFLICT DO NOTHING`, []any{src, dst, at}},
			{`DELETE FROM user_tenants WHERE tenant_id = $1`, []any{src}},
			{`UPDATE users SET active_tenant_id = $2, updated_at = $3 WHERE active_tenant_id = $1`, []any{src, dst, at}},
		}
		for _, st := range steps {
			if _, err := tx.tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return mapErr(err)
			}
		}
		var err error
		ended, err = returningIDs(ctx, tx, `UPDATE sessions SET revoked_at = $2 WHERE tenant_id = $1 AND revoked_at IS NULL RETURNING id`, src, at)
		return err
	})
	return ended, err
}

func returningIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// inList returns "$from, …" and the arguments for ids.
func inList(from int, ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return placeholders(from, len(ids)), args
}

// RoleLevels returns the level of each role in roleIDs that exists.
func (tx *Tx) RoleLevels(ctx context.Context, roleIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(roleIDs) == 0 {
		return out, nil
	}
	in, args := inList(1, roleIDs)
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, level FROM roles WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var level int
		if err := rows.Scan(&id, &level); err != nil {
			return nil, err
		}
		out[id] = level
	}
	return out, rows.Err()
}
