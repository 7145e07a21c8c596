package store

import (
	"context"
	"errors"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// UpdateSetting reads the named document into v (which keeps its value when
// the document was never saved), calls fn with whether it was found, and
// saves v when fn returns nil. fn's error is returned unchanged and nothing is
// saved. The whole cycle runs in one transaction that holds off every other
// UpdateSetting of the same document, so concurrent read-modify-write cycles
// lose no change. fn must not block: it runs while the lock is held.
func (db *DB) UpdateSetting(ctx context.Context, tenantID, name string, v any, now time.Time, fn func(found bool) error) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSetting(ctx, tenantID, name); err != nil {
			return err
		}
		err := findSetting(ctx, tx.tx, tenantID, name, v)
		if err != nil && !errors.Is(err, iam.ErrNotFound) {
			return err
		}
		if err := fn(err == nil); err != nil {
			return err
		}
		return saveSetting(ctx, tx.tx, tenantID, name, v, now)
	})
}

// lockSetting serializes writers of one settings document until the
// transaction ends. A row lock would not do: the document may not exist yet.
// SQLite transactions already exclude every other writer.
func (tx *Tx) lockSetting(ctx context.Context, tenantID, name string) error {
	if tx.Dialect != Postgres {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "settings/"+tenantID+"/"+name)
	return err
}
