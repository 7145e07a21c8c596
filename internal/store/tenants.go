package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

const tenantColumns = `id, tenant_id, name, metadata, is_reseller, COALESCE(parent_tenant_id, ''), address, timezone,
	date_format, time_format, currency, logo_url, website, application_url, creator_name, creator_email, locked,
	created_at, updated_at`

func scanTenant(row interface{ Scan(...any) error }) (*iam.Tenant, error) {
	var t iam.Tenant
	var created, updated int64
	err := row.Scan(&t.ID, &t.TenantID, &t.Name, &t.Metadata, &t.IsReseller, &t.ParentTenantID, &t.Address,
		&t.Timezone, &t.DateFormat, &t.TimeFormat, &t.Currency, &t.LogoURL, &t.Website, &t.ApplicationURL,
		&t.CreatorName, &t.CreatorEmail, &t.Locked, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// CreateTenant inserts t. It returns iam.ErrConflict when the tenant id is taken.
func (db *DB) CreateTenant(ctx context.Context, t *iam.Tenant) error {
	return createTenant(ctx, db.w, t)
}

// CreateTenant is CreateTenant inside a transaction.
func (tx *Tx) CreateTenant(ctx context.Context, t *iam.Tenant) error {
	return createTenant(ctx, tx.tx, t)
}

func createTenant(ctx context.Context, q querier, t *iam.Tenant) error {
	_, err := q.ExecContext(ctx, `INSERT INTO tenants (`+strings.ReplaceAll(tenantColumns, "COALESCE(parent_tenant_id, '')", "parent_tenant_id")+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		t.ID, t.TenantID, t.Name, t.Metadata, t.IsReseller, nullString(t.ParentTenantID), t.Address, t.Timezone,
		t.DateFormat, t.TimeFormat, t.Currency, t.LogoURL, t.Website, t.ApplicationURL, t.CreatorName, t.CreatorEmail,
		t.Locked, micros(t.CreatedAt), micros(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create tenant: %w", mapErr(err))
	}
	return nil
}

// FindTenant returns the tenant with the public id tenantID, or iam.ErrNotFound.
func (db *DB) FindTenant(ctx context.Context, tenantID string) (*iam.Tenant, error) {
	return scanTenant(db.r.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE tenant_id = $1`, tenantID))
}

// FindTenant is FindTenant inside a transaction.
func (tx *Tx) FindTenant(ctx context.Context, tenantID string) (*iam.Tenant, error) {
	return scanTenant(tx.tx.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE tenant_id = $1`, tenantID))
}

// FindTenantsByIDs returns the tenants with these public ids, in no set order;
// unknown ids are skipped.
func (db *DB) FindTenantsByIDs(ctx context.Context, tenantIDs []string) ([]*iam.Tenant, error) {
	if len(tenantIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(tenantIDs))
	for i, id := range tenantIDs {
		args[i] = id
	}
	return db.queryTenants(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE tenant_id IN (`+placeholders(1, len(args))+`) ORDER BY created_at, id`, args...)
}

// TenantFilter narrows FindTenants.
type TenantFilter struct {
	Filter    string   // matched against name and tenant id
	TenantIDs []string // when set, only these public ids
	Page
}

// FindTenants returns a page of tenants and the total that match.
func (db *DB) FindTenants(ctx context.Context, f TenantFilter) ([]*iam.Tenant, int, error) {
	where, args := " WHERE 1=1", []any{}
	if f.Filter != "" {
		args = append(args, likePattern(f.Filter))
		where += fmt.Sprintf(` AND (LOWER(name) LIKE $%d ESCAPE '\' OR LOWER(tenant_id) LIKE $%[1]d ESCAPE '\')`, len(args))
	}
	if len(f.TenantIDs) > 0 {
		where += ` AND tenant_id IN (` + placeholders(len(args)+1, len(f.TenantIDs)) + `)`
		for _, id := range f.TenantIDs {
			args = append(args, id)
		}
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := f.orderBy(map[string]string{"name": "name", "createdAt": "created_at", "updatedAt": "updated_at", "tenantId": "tenant_id"}, "created_at")
	args = append(args, f.limit(), f.Offset)
	items, err := db.queryTenants(ctx, `SELECT `+tenantColumns+` FROM tenants`+where+order+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	return items, total, err
}

func (db *DB) queryTenants(ctx context.Context, query string, args ...any) ([]*iam.Tenant, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*iam.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindTenantForUpdate is FindTenant that also holds the row until the
// transaction ends, so a read-modify-write of the tenant loses no concurrent
// change. (SQLite transactions already exclude other writers.)
func (tx *Tx) FindTenantForUpdate(ctx context.Context, tenantID string) (*iam.Tenant, error) {
	lock := ""
	if tx.Dialect == Postgres {
		lock = " FOR UPDATE"
	}
	return scanTenant(tx.tx.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE tenant_id = $1`+lock, tenantID))
}

// UpdateTenant saves every field of t but its ids and creation time. It
// returns iam.ErrNotFound when there is no such tenant.
func (db *DB) UpdateTenant(ctx context.Context, t *iam.Tenant) error {
	return updateTenant(ctx, db.w, t)
}

// UpdateTenant is UpdateTenant inside a transaction.
func (tx *Tx) UpdateTenant(ctx context.Context, t *iam.Tenant) error {
	return updateTenant(ctx, tx.tx, t)
}

func updateTenant(ctx context.Context, q querier, t *iam.Tenant) error {
	res, err := q.ExecContext(ctx, `UPDATE tenants SET name = $2, metadata = $3, is_reseller = $4, parent_tenant_id = $5,
		address = $6, timezone = $7, date_format = $8, time_format = $9, currency = $10, logo_url = $11, website = $12,
		application_url = $13, creator_name = $14, creator_email = $15, locked = $16, updated_at = $17 WHERE tenant_id = $1`,
		t.TenantID, t.Name, t.Metadata, t.IsReseller, nullString(t.ParentTenantID), t.Address, t.Timezone, t.DateFormat,
		t.TimeFormat, t.Currency, t.LogoURL, t.Website, t.ApplicationURL, t.CreatorName, t.CreatorEmail, t.Locked,
		micros(t.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteTenant removes the tenant, its memberships, its own roles and settings,
// and ends every session whose active account it was, in one transaction. It
// returns iam.ErrNotFound when there is no such tenant.
func (db *DB) DeleteTenant(ctx context.Context, tenantID string, now time.Time) error {
	_, err := db.DeleteTenantRevoking(ctx, tenantID, now)
	return err
}

// DeleteTenantRevoking is DeleteTenant that also returns the ids of the
// sessions it ended, so that the caller can refuse their access tokens at once
// rather than at the next revocation poll.
func (db *DB) DeleteTenantRevoking(ctx context.Context, tenantID string, now time.Time) ([]string, error) {
	var revoked []string
	err := db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM tenants WHERE tenant_id = $1`, tenantID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM roles WHERE tenant_id = $1`,
			`DELETE FROM settings WHERE tenant_id = $1`,
			`UPDATE tenants SET parent_tenant_id = NULL WHERE parent_tenant_id = $1`,
		} {
			if _, err := tx.tx.ExecContext(ctx, q, tenantID); err != nil {
				return err
			}
		}
		rows, err := tx.tx.QueryContext(ctx, `UPDATE sessions SET revoked_at = $2 WHERE tenant_id = $1 AND revoked_at IS NULL RETURNING id`,
			tenantID, micros(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			revoked = append(revoked, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return revoked, nil
}

// affectedOne turns "no row changed" into iam.ErrNotFound.
func affectedOne(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return iam.ErrNotFound
	}
	return nil
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}
