package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// maxHierarchyDepth bounds the walks of the account tree, a guard against a
// cycle that the writes below never create.
const maxHierarchyDepth = 100

// ErrHierarchyCycle is returned when a parent would become its own descendant.
var ErrHierarchyCycle = errors.New("the parent account is a sub-account of the child")

// HierarchyNode is an account in the tree, Depth steps from the account asked about.
type HierarchyNode struct {
	Tenant *iam.Tenant
	Depth  int
}

// FindDescendants returns every sub-account of tenantID, at any depth
// (children at depth 1), ordered by depth then name.
func (db *DB) FindDescendants(ctx context.Context, tenantID string) ([]HierarchyNode, error) {
	return db.walk(ctx, `WITH RECURSIVE walk(tid, depth) AS (
		SELECT tenant_id, 1 FROM tenants WHERE parent_tenant_id = $1
		UNION ALL SELECT t.tenant_id, w.depth + 1 FROM tenants t JOIN walk w ON t.parent_tenant_id = w.tid WHERE w.depth < $2)`, tenantID)
}

// FindAncestors returns the parent accounts of tenantID up to the root (the
// parent at depth 1), nearest first.
func (db *DB) FindAncestors(ctx context.Context, tenantID string) ([]HierarchyNode, error) {
	return db.walk(ctx, `WITH RECURSIVE walk(tid, depth) AS (
		SELECT parent_tenant_id, 1 FROM tenants WHERE tenant_id = $1 AND parent_tenant_id IS NOT NULL
		UNION ALL SELECT t.parent_tenant_id, w.depth + 1 FROM tenants t JOIN walk w ON t.tenant_id = w.tid
			WHERE t.parent_tenant_id IS NOT NULL AND w.depth < $2)`, tenantID)
}

func (db *DB) walk(ctx context.Context, with, tenantID string) ([]HierarchyNode, error) {
	rows, err := db.r.QueryContext(ctx, with+` SELECT walk.depth, `+tenantColumns+` FROM walk JOIN tenants ON tenants.tenant_id = walk.tid
		ORDER BY walk.depth, name, tenant_id`, tenantID, maxHierarchyDepth)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HierarchyNode
	for rows.Next() {
		var n HierarchyNode
		if n.Tenant, err = scanTenant(prefixScanner{row: rows, dst: []any{&n.Depth}}); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// IsDescendant reports whether tenantID is a sub-account of ancestorID, at any depth.
func (db *DB) IsDescendant(ctx context.Context, ancestorID, tenantID string) (bool, error) {
	return isDescendant(ctx, db.r, ancestorID, tenantID)
}

func isDescendant(ctx context.Context, q querier, ancestorID, tenantID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `WITH RECURSIVE up(tid, depth) AS (
		SELECT parent_tenant_id, 1 FROM tenants WHERE tenant_id = $1 AND parent_tenant_id IS NOT NULL
		UNION ALL SELECT t.parent_tenant_id, u.depth + 1 FROM tenants t JOIN up u ON t.tenant_id = u.tid
			WHERE t.parent_tenant_id IS NOT NULL AND u.depth < $3)
		SELECT COUNT(*) FROM up WHERE tid = $2`, tenantID, ancestorID, maxHierarchyDepth).Scan(&n)
	return n > 0, err
}

// SetTenantParent makes childID a sub-account of parentID, or a root account
// when parentID is "". It returns iam.ErrNotFound when an account does not
// exist and ErrHierarchyCycle when parentID is childID or one of its sub-accounts.
func (db *DB) SetTenantParent(ctx context.Context, childID, parentID string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkTenant(ctx, parentID); err != nil {
			return err
		}
		if parentID != "" {
			cycle, err := isDescendant(ctx, tx.tx, childID, parentID)
			if err != nil {
				return err
			}
			if cycle || parentID == childID {
				return ErrHierarchyCycle
			}
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE tenants SET parent_tenant_id = $2, updated_at = $3 WHERE tenant_id = $1`,
			childID, nullString(parentID), micros(now))
		if err := affectedOne(res, err); err != nil {
			return fmt.Errorf("tenant %s: %w", childID, err)
		}
		return nil
	})
}

// CountDescendants returns how many sub-accounts, at any depth, each tenant has.
func (db *DB) CountDescendants(ctx context.Context, tenantIDs []string) (map[string]int, error) {
	out := make(map[string]int, len(tenantIDs))
	for _, id := range tenantIDs {
		var n int
		err := db.r.QueryRowContext(ctx, `WITH RECURSIVE walk(tid, depth) AS (
			SELECT tenant_id, 1 FROM tenants WHERE parent_tenant_id = $1
			UNION ALL SELECT t.tenant_id, w.depth + 1 FROM tenants t JOIN walk w ON t.parent_tenant_id = w.tid WHERE w.depth < $2)
			SELECT COUNT(*) FROM walk`, id, maxHierarchyDepth).Scan(&n)
		if err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, nil
}

// FindSubAccountAccess returns the member's own sub-account access setting in
// tenantID: nil when it follows the account's default. It returns
// iam.ErrNotFound when the user is not a member.
func (db *DB) FindSubAccountAccess(ctx context.Context, userID, tenantID string) (*bool, error) {
	var v sql.NullBool
	err := db.r.QueryRowContext(ctx, `SELECT sub_account_access FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID).Scan(&v)
	if err != nil {
		return nil, mapErr(err)
	}
	if !v.Valid {
		return nil, nil
	}
	return &v.Bool, nil
}

// SetSubAccountAccess sets whether the member of tenantID may act in its
// sub-accounts, or returns iam.ErrNotFound when the user is not a member.
func (db *DB) SetSubAccountAccess(ctx context.Context, userID, tenantID string, allow bool) error {
	res, err := db.w.ExecContext(ctx, `UPDATE user_tenants SET sub_account_access = $3 WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID, allow)
	return affectedOne(res, err)
}
