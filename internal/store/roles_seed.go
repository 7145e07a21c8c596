package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// SeedRole gives the user, in tenantID, the role roleKey owned by that
// account, holding the permission keys; the permissions and the role are
// created when missing. It is for seeding data (tests, imports); the roles
// API manages roles in full.
func (db *DB) SeedRole(ctx context.Context, userID, tenantID, roleKey string, permissionKeys []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO roles (id, key, name, tenant_id, created_at, updated_at) VALUES ($1, $2, $2, $3, $4, $4)
			ON CONFLICT (tenant_id, key) DO NOTHING`, uuid.NewString(), roleKey, tenantID, micros(now))
		if err != nil {
			return fmt.Errorf("seed role: %w", mapErr(err))
		}
		var roleID string
		if err := tx.tx.QueryRowContext(ctx, `SELECT id FROM roles WHERE tenant_id = $1 AND key = $2`, tenantID, roleKey).Scan(&roleID); err != nil {
			return mapErr(err)
		}
		for _, key := range permissionKeys {
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO permissions (id, key, name, fe_permission, created_at, updated_at)
				VALUES ($1, $2, $2, TRUE, $3, $3) ON CONFLICT (key) DO NOTHING`, uuid.NewString(), key, micros(now))
			if err != nil {
				return fmt.Errorf("seed permission %s: %w", key, mapErr(err))
			}
			_, err = tx.tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, permission_id)
				SELECT $1, id FROM permissions WHERE key = $2 ON CONFLICT DO NOTHING`, roleID, key)
			if err != nil {
				return fmt.Errorf("seed role permission %s: %w", key, mapErr(err))
			}
		}
		return tx.AddUserRoles(ctx, userID, tenantID, []string{roleID}, now)
	})
}
