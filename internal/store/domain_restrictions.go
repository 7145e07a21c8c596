package store

import (
	"context"
	"fmt"
	"time"
)

// DomainRestriction is one entry of an account's email-domain allow or block list.
type DomainRestriction struct {
	ID        string
	TenantID  string
	Domain    string // lower case
	Type      string // ALLOW or BLOCK
	CreatedAt time.Time
}

// CreateDomainRestriction adds r; it returns iam.ErrConflict when the
// account's list of that type already holds the domain.
func (db *DB) CreateDomainRestriction(ctx context.Context, r *DomainRestriction) error {
	return createDomainRestriction(ctx, db.w, r)
}

func createDomainRestriction(ctx context.Context, q querier, r *DomainRestriction) error {
	_, err := q.ExecContext(ctx, `INSERT INTO email_domain_restrictions (id, tenant_id, domain, type, created_at) VALUES ($1, $2, $3, $4, $5)`,
		r.ID, r.TenantID, r.Domain, r.Type, micros(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("create domain restriction: %w", mapErr(err))
	}
	return nil
}

// ReplaceDomainRestrictions replaces every entry of the account, of either
// type, with list, in one transaction.
func (db *DB) ReplaceDomainRestrictions(ctx context.Context, tenantID string, list []*DomainRestriction) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM email_domain_restrictions WHERE tenant_id = $1`, tenantID); err != nil {
			return err
		}
		for _, r := range list {
			if err := createDomainRestriction(ctx, tx.tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindDomainRestrictions returns every entry of the account, by type then domain.
func (db *DB) FindDomainRestrictions(ctx context.Context, tenantID string) ([]*DomainRestriction, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, tenant_id, domain, type, created_at FROM email_domain_restrictions
		WHERE tenant_id = $1 ORDER BY type, domain`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*DomainRestriction
	for rows.Next() {
		var r DomainRestriction
		var created int64
		if err := rows.Scan(&r.ID, &r.TenantID, &r.Domain, &r.Type, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMicros(created)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// DeleteDomainRestriction removes the account's entry id, or returns iam.ErrNotFound.
func (db *DB) DeleteDomainRestriction(ctx context.Context, tenantID, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM email_domain_restrictions WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	return affectedOne(res, err)
}
