package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Settings are JSON documents keyed by name, for the environment (tenantID "")
// or for one account. Each domain owns the shape of its documents.

// FindSetting decodes the named document into v. It returns iam.ErrNotFound
// when the document was never saved, leaving v untouched.
func (db *DB) FindSetting(ctx context.Context, tenantID, name string, v any) error {
	return findSetting(ctx, db.r, tenantID, name, v)
}

// FindSetting is FindSetting inside a transaction.
func (tx *Tx) FindSetting(ctx context.Context, tenantID, name string, v any) error {
	return findSetting(ctx, tx.tx, tenantID, name, v)
}

func findSetting(ctx context.Context, q querier, tenantID, name string, v any) error {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE tenant_id = $1 AND name = $2`, tenantID, name).Scan(&raw)
	if err != nil {
		return mapErr(err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("setting %s: %w", name, err)
	}
	return nil
}

// SaveSetting stores v as the named document.
func (db *DB) SaveSetting(ctx context.Context, tenantID, name string, v any, now time.Time) error {
	return saveSetting(ctx, db.w, tenantID, name, v, now)
}

// SaveSetting is SaveSetting inside a transaction.
func (tx *Tx) SaveSetting(ctx context.Context, tenantID, name string, v any, now time.Time) error {
	return saveSetting(ctx, tx.tx, tenantID, name, v, now)
}

func saveSetting(ctx context.Context, q querier, tenantID, name string, v any, now time.Time) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("setting %s: %w", name, err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO settings (tenant_id, name, value, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		tenantID, name, string(raw), micros(now))
	return mapErr(err)
}

// DeleteSetting removes the named document; deleting a missing one is not an error.
func (db *DB) DeleteSetting(ctx context.Context, tenantID, name string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM settings WHERE tenant_id = $1 AND name = $2`, tenantID, name)
	return mapErr(err)
}
