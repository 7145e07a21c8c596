package store

import (
	"context"
	"database/sql"
)

// QueryRowForTest exposes a raw query to the package's tests.
func (db *DB) QueryRowForTest(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, q, args...)
}

// MigrateToForTest applies the migrations up to version last, so that a test
// can write rows as an older Hatch did before migrating the rest.
func (db *DB) MigrateToForTest(ctx context.Context, last int) error { return db.migrateTo(ctx, last) }

// ExecForTest runs a raw statement on the writer, as another code path or
// another node would.
func (db *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.w.ExecContext(ctx, q, args...)
	return err
}
