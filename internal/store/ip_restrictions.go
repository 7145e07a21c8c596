package store

import (
	"context"
	"fmt"
	"time"
)

// IPRestriction is one entry of an account's IP allow or block list.
type IPRestriction struct {
	ID          string
	TenantID    string
	IP          string // canonical address or CIDR range
	Strategy    string // ALLOW or BLOCK
	IsActive    bool
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const ipRestrictionColumns = `id, tenant_id, ip, strategy, is_active, description, created_at, updated_at`

func scanIPRestriction(row interface{ Scan(...any) error }) (*IPRestriction, error) {
	var r IPRestriction
	var created, updated int64
	if err := row.Scan(&r.ID, &r.TenantID, &r.IP, &r.Strategy, &r.IsActive, &r.Description, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &r, nil
}

// SaveIPRestriction stores r, replacing the strategy, state and description
// of the account's entry for the same IP if there is one (then r.ID and
// r.CreatedAt become that entry's).
func (db *DB) SaveIPRestriction(ctx context.Context, r *IPRestriction) error {
	return saveIPRestriction(ctx, db.w, r)
}

// SaveIPRestriction is SaveIPRestriction inside a transaction.
func (tx *Tx) SaveIPRestriction(ctx context.Context, r *IPRestriction) error {
	return saveIPRestriction(ctx, tx.tx, r)
}

func saveIPRestriction(ctx context.Context, q querier, r *IPRestriction) error {
	var created int64
	err := q.QueryRowContext(ctx, `INSERT INTO ip_restrictions (`+ipRestrictionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, ip) DO UPDATE SET strategy = excluded.strategy, is_active = excluded.is_active,
			description = excluded.description, updated_at = excluded.updated_at
		RETURNING id, created_at`,
		r.ID, r.TenantID, r.IP, r.Strategy, r.IsActive, r.Description, micros(r.CreatedAt), micros(r.UpdatedAt)).
		Scan(&r.ID, &created)
	if err != nil {
		return fmt.Errorf("save ip restriction: %w", mapErr(err))
	}
	r.CreatedAt = fromMicros(created)
	return nil
}

// FindIPRestrictions returns one page of the account's entries, newest first,
// those whose IP or description contains text when it is set, and how many
// match in all.
func (db *DB) FindIPRestrictions(ctx context.Context, tenantID, text string, page Page) ([]*IPRestriction, int, error) {
	where := ` WHERE tenant_id = $1`
	args := []any{tenantID}
	if text != "" {
		args = append(args, likePattern(text))
		where += ` AND (LOWER(ip) LIKE $2 ESCAPE '\' OR LOWER(description) LIKE $2 ESCAPE '\')`
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ip_restrictions`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	args = append(args, page.limit(), page.Offset)
	list, err := db.queryIPRestrictions(ctx, `SELECT `+ipRestrictionColumns+` FROM ip_restrictions`+where+
		fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT $%d OFFSET $%d`, n+1, n+2), args...)
	return list, total, err
}

// FindAllIPRestrictions returns every entry of the account.
func (db *DB) FindAllIPRestrictions(ctx context.Context, tenantID string) ([]*IPRestriction, error) {
	return db.queryIPRestrictions(ctx, `SELECT `+ipRestrictionColumns+` FROM ip_restrictions WHERE tenant_id = $1 ORDER BY id`, tenantID)
}

func (db *DB) queryIPRestrictions(ctx context.Context, query string, args ...any) ([]*IPRestriction, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*IPRestriction
	for rows.Next() {
		r, err := scanIPRestriction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteIPRestriction removes the account's entry id, or returns iam.ErrNotFound.
func (db *DB) DeleteIPRestriction(ctx context.Context, tenantID, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM ip_restrictions WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	return affectedOne(res, err)
}
