package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// FindPermissionCategories returns every category with the ids of its
// permissions, oldest first.
func (db *DB) FindPermissionCategories(ctx context.Context) ([]*iam.PermissionCategory, error) {
	return db.queryCategories(ctx, ``)
}

// FindPermissionCategory returns the category with id, or iam.ErrNotFound.
func (db *DB) FindPermissionCategory(ctx context.Context, id string) (*iam.PermissionCategory, error) {
	out, err := db.queryCategories(ctx, ` WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, iam.ErrNotFound
	}
	return out[0], nil
}

func (db *DB) queryCategories(ctx context.Context, where string, args ...any) ([]*iam.PermissionCategory, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.name, c.description, c.fe_category, c.created_at, c.updated_at, p.id
		FROM permission_categories c LEFT JOIN permissions p ON p.category_id = c.id`+where+`
		ORDER BY c.created_at, c.id, p.key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*iam.PermissionCategory
	for rows.Next() {
		var c iam.PermissionCategory
		var created, updated int64
		var permID sql.NullString
		if err := rows.Scan(&c.ID, &c.Name, &c.Description, &c.FeCategory, &created, &updated, &permID); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != c.ID {
			c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
			c.PermissionIDs = []string{}
			out = append(out, &c)
		}
		if permID.Valid {
			last := out[len(out)-1]
			last.PermissionIDs = append(last.PermissionIDs, permID.String)
		}
	}
	return out, rows.Err()
}

// CreatePermissionCategory inserts c. It returns iam.ErrConflict when the id is taken.
func (db *DB) CreatePermissionCategory(ctx context.Context, c *iam.PermissionCategory) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO permission_categories (id, name, description, fe_category, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, c.Name, c.Description, c.FeCategory, micros(c.CreatedAt), micros(c.UpdatedAt))
	return mapErr(err)
}

// UpdatePermissionCategory saves c's name and description.
func (db *DB) UpdatePermissionCategory(ctx context.Context, c *iam.PermissionCategory) error {
	res, err := db.w.ExecContext(ctx, `UPDATE permission_categories SET name = $2, description = $3, updated_at = $4 WHERE id = $1`,
		c.ID, c.Name, c.Description, micros(c.UpdatedAt))
	return affectedOne(res, err)
}

// DeletePermissionCategory removes the category; its permissions stay, without one.
func (db *DB) DeletePermissionCategory(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE permissions SET category_id = NULL WHERE category_id = $1`, id); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM permission_categories WHERE id = $1`, id)
		return affectedOne(res, err)
	})
}

const permissionColumns = `p.id, p.key, p.name, p.description, COALESCE(p.category_id, ''), p.fe_permission, p.assignment_type,
	p.created_at, p.updated_at`

// PermissionFilter narrows FindPermissions; empty fields do not filter.
type PermissionFilter struct {
	IDs  []string
	Keys []string
}

// FindPermissions returns the permissions that match f, with the ids of the
// roles holding each, ordered by key.
func (db *DB) FindPermissions(ctx context.Context, f PermissionFilter) ([]*iam.Permission, error) {
	return findPermissions(ctx, db.r, f)
}

// FindPermissions is FindPermissions inside a transaction.
func (tx *Tx) FindPermissions(ctx context.Context, f PermissionFilter) ([]*iam.Permission, error) {
	return findPermissions(ctx, tx.tx, f)
}

func findPermissions(ctx context.Context, q querier, f PermissionFilter) ([]*iam.Permission, error) {
	where, args := ` WHERE 1=1`, []any{}
	for col, vals := range map[string][]string{"p.id": f.IDs, "p.key": f.Keys} {
		if vals == nil {
			continue
		}
		if len(vals) == 0 {
			return nil, nil
		}
		where += ` AND ` + col + ` IN (` + placeholders(len(args)+1, len(vals)) + `)`
		for _, v := range vals {
			args = append(args, v)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT `+permissionColumns+`, rp.role_id FROM permissions p
		LEFT JOIN role_permissions rp ON rp.permission_id = p.id`+where+` ORDER BY p.key, rp.role_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*iam.Permission
	for rows.Next() {
		var p iam.Permission
		var created, updated int64
		var roleID sql.NullString
		if err := rows.Scan(&p.ID, &p.Key, &p.Name, &p.Description, &p.CategoryID, &p.FePermission, &p.AssignmentType,
			&created, &updated, &roleID); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != p.ID {
			p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
			p.RoleIDs = []string{}
			out = append(out, &p)
		}
		if roleID.Valid {
			last := out[len(out)-1]
			last.RoleIDs = append(last.RoleIDs, roleID.String)
		}
	}
	return out, rows.Err()
}

// FindPermission returns the permission with id and its roles, or iam.ErrNotFound.
func (db *DB) FindPermission(ctx context.Context, id string) (*iam.Permission, error) {
	ps, err := db.FindPermissions(ctx, PermissionFilter{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, iam.ErrNotFound
	}
	return ps[0], nil
}

// CreatePermissions inserts every permission or none. It returns
// iam.ErrConflict when a key is taken and iam.ErrNotFound when a category does
// not exist.
func (db *DB) CreatePermissions(ctx context.Context, ps []*iam.Permission) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, p := range ps {
			if err := tx.checkCategory(ctx, p.CategoryID); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO permissions (id, key, name, description, category_id, fe_permission,
				assignment_type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				p.ID, p.Key, p.Name, p.Description, nullString(p.CategoryID), p.FePermission, p.AssignmentType,
				micros(p.CreatedAt), micros(p.UpdatedAt))
			if err != nil {
				return fmt.Errorf("create permission %s: %w", p.Key, mapErr(err))
			}
		}
		return nil
	})
}

// checkCategory returns iam.ErrNotFound unless id is "" or names a category.
func (tx *Tx) checkCategory(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM permission_categories WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("category %s: %w", id, iam.ErrNotFound)
	}
	return nil
}

// UpdatePermission saves p's key, name, description and category. It returns
// iam.ErrConflict when the key is taken and iam.ErrNotFound when the
// permission or the category does not exist.
func (db *DB) UpdatePermission(ctx context.Context, p *iam.Permission) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkCategory(ctx, p.CategoryID); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE permissions SET key = $2, name = $3, description = $4, category_id = $5,
			updated_at = $6 WHERE id = $1`, p.ID, p.Key, p.Name, p.Description, nullString(p.CategoryID), micros(p.UpdatedAt))
		return affectedOne(res, err)
	})
}

// DeletePermission removes the permission from every role, then the permission.
func (db *DB) DeletePermission(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE permission_id = $1`, id); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM permissions WHERE id = $1`, id)
		return affectedOne(res, err)
	})
}

// SetPermissionRoles makes the permission held by exactly roleIDs among the
// roles owned by ownerID (an account), or among every role of the
// environment when ownerID is "": those roles gain it, the others in that set
// lose it; roles outside the set are untouched. It returns iam.ErrNotFound
// when the permission does not exist or a role is not in the set.
func (db *DB) SetPermissionRoles(ctx context.Context, permissionID, ownerID string, roleIDs []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE permissions SET updated_at = $2 WHERE id = $1`, permissionID, micros(now))
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if err := tx.checkRolesOwned(ctx, ownerID, roleIDs); err != nil {
			return err
		}
		scope, args := ``, []any{permissionID}
		if ownerID != "" {
			scope, args = ` AND role_id IN (SELECT id FROM roles WHERE tenant_id = $2)`, append(args, ownerID)
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE permission_id = $1`+scope, args...); err != nil {
			return err
		}
		for _, roleID := range roleIDs {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, permission_id) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, roleID, permissionID); err != nil {
				return mapErr(err)
			}
			if err := tx.touchRole(ctx, roleID, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetPermissionsAssignmentType classifies every permission in ids, or none.
// It returns iam.ErrNotFound when one does not exist.
func (db *DB) SetPermissionsAssignmentType(ctx context.Context, ids []string, assignmentType string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			res, err := tx.tx.ExecContext(ctx, `UPDATE permissions SET assignment_type = $2, updated_at = $3 WHERE id = $1`,
				id, assignmentType, micros(now))
			if err := affectedOne(res, err); err != nil {
				return fmt.Errorf("permission %s: %w", id, err)
			}
		}
		return nil
	})
}
