// Package storetest runs a test against every storage backend: SQLite always,
// PostgreSQL when HATCH_TEST_POSTGRES_URL is set. Each run gets a fresh,
// migrated database (a temporary file, or a schema of its own on PostgreSQL).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "HATCH_TEST_POSTGRES_URL"

// Each runs fn as a subtest named "sqlite" and, when PostgreSQL is configured,
// as one named "postgres", each with its own migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	EachURL(t, func(t *testing.T, rawURL string) {
		db, err := store.Open(context.Background(), rawURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
}

// EachURL is Each for tests that open the database themselves (for example to
// boot the whole server): fn gets a database URL that nothing else uses.
func EachURL(t *testing.T, fn func(t *testing.T, rawURL string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, "sqlite:"+filepath.Join(t.TempDir(), "hatch.db"))
	})
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		fn(t, PostgresSchema(t, base))
	})
}

// PostgresSchema creates a fresh schema in the database at base, drops it when
// the test ends, and returns a URL whose connections use it.
func PostgresSchema(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := "t_" + strings.ToLower(secure.RandomString(12))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema (is PostgreSQL running at %s?): %v", base, err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return fmt.Sprint(u)
}
