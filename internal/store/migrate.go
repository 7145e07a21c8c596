package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations live in migrations/ as NNNN_name.sql, shared by both dialects, or
// as NNNN_name.sqlite.sql and NNNN_name.postgres.sql where the dialects differ.
// Numbers are never reused; a migration is never edited once released.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the migrations for d, ordered by version.
func migrations(d Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		specific := false
		if base, dialect, ok := strings.Cut(name, "."); ok {
			if Dialect(dialect) != d {
				continue
			}
			name, specific = base, true
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad number", e.Name())
		}
		if prev, dup := byVersion[v]; dup && !specific {
			if prev.name != name {
				return nil, fmt.Errorf("migration number %d used twice", v)
			}
			continue // a dialect-specific file already took this version
		}
		body, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		byVersion[v] = migration{version: v, name: name, sql: string(body)}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every pending migration in one transaction. On PostgreSQL an
// advisory lock makes nodes that start together wait for each other; on SQLite
// the write transaction is taken immediately, which does the same.
func (db *DB) Migrate(ctx context.Context) error { return db.migrateTo(ctx, 0) }

// migrateTo applies the pending migrations up to version last (0: all).
func (db *DB) migrateTo(ctx context.Context, last int) error {
	ms, err := migrations(db.Dialect)
	if err != nil {
		return err
	}
	if last > 0 {
		ms = slices.DeleteFunc(ms, func(m migration) bool { return m.version > last })
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if db.Dialect == Postgres {
			if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7246871)`); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		applied := map[int]bool{}
		rows, err := tx.tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		rows.Close()
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, micros(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
}
