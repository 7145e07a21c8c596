package store

import (
	"context"
	"fmt"

	"github.com/hatchid/hatch/internal/iam"
)

// EnsurePermission inserts p unless a permission with its key exists, and
// returns the id of the one stored under the key.
func (tx *Tx) EnsurePermission(ctx context.Context, p *iam.Permission) (string, error) {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO permissions (id, key, name, description, category_id, fe_permission, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`, p.ID, p.Key, p.Name, p.Description, nullString(p.CategoryID),
		p.FePermission, micros(p.CreatedAt), micros(p.UpdatedAt))
	if err != nil {
		return "", fmt.Errorf("create permission: %w", mapErr(err))
	}
	var id string
	err = tx.tx.QueryRowContext(ctx, `SELECT id FROM permissions WHERE key = $1`, p.Key).Scan(&id)
	return id, mapErr(err)
}

// CreateRole inserts r with its permissions (r.Permissions, by id). It returns
// iam.ErrConflict when the key is taken in r's account.
func (tx *Tx) CreateRole(ctx context.Context, r *iam.Role) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO roles (id, key, name, description, tenant_id, level, is_default, first_user_role, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, r.ID, r.Key, r.Name, r.Description, r.TenantID, r.Level, r.IsDefault,
		r.FirstUserRole, micros(r.CreatedAt), micros(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create role: %w", mapErr(err))
	}
	for _, id := range r.Permissions {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, permission_id) VALUES ($1, $2)`, r.ID, id); err != nil {
			return fmt.Errorf("add permission %s to role: %w", id, mapErr(err))
		}
	}
	return nil
}
