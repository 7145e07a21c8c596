package store

import (
	"context"
	"database/sql"
)

// QueryRowForTest exposes a raw query to the package's tests.
func (db *DB) QueryRowForTest(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, q, args...)
}
