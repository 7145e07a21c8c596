package migration

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// benchUsers is the size of the benchmarked migration.
const benchUsers = 100_000

// BenchmarkBulkMigration measures a bulk migration of 100,000 users with
// imported bcrypt hashes, on SQLite and (with HATCH_TEST_POSTGRES_URL) on
// PostgreSQL, and reports users/s:
//
//   - api: what POST …/migrations/v1/local/bulk does: the rows are staged as
//     a job in one transaction, then a worker migrates them (1,000 a
//     transaction); the request bodies' HTTP transfer is not included.
//   - import: what `hatch import` does: rows go from the reader straight into
//     batches, without staging.
//
// Run: go test -run '^$' -bench BulkMigration -benchtime 1x ./internal/migration/
func BenchmarkBulkMigration(b *testing.B) {
	rows := benchRows(b)
	dbs := map[string]func(b *testing.B) string{
		"sqlite": func(b *testing.B) string { return "sqlite:" + filepath.Join(b.TempDir(), "hatch.db") },
	}
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		dbs["postgres"] = func(b *testing.B) string { return storetest.PostgresSchema(b, base) }
	}
	for _, name := range []string{"sqlite", "postgres"} {
		newURL, ok := dbs[name]
		if !ok {
			continue
		}
		b.Run(name+"/api", func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				w := benchWorker(b, newURL(b))
				ctx := context.Background()
				start := time.Now()
				if _, err := w.Migrator.Enqueue(ctx, KindUsers, rows); err != nil {
					b.Fatal(err)
				}
				if ran, err := w.RunOne(ctx); err != nil || !ran {
					b.Fatalf("run: %v, %v", ran, err)
				}
				elapsed += time.Since(start)
				benchCheck(b, w)
			}
			b.ReportMetric(float64(benchUsers*b.N)/elapsed.Seconds(), "users/s")
		})
		b.Run(name+"/import", func(b *testing.B) {
			var elapsed time.Duration
			var file bytes.Buffer
			for _, r := range rows {
				file.WriteString(r + "\n")
			}
			for b.Loop() {
				w := benchWorker(b, newURL(b))
				start := time.Now()
				sum, err := w.Import(context.Background(), bytes.NewReader(file.Bytes()), "jsonl", io.Discard)
				if err != nil || sum.Migrated != benchUsers {
					b.Fatalf("import: %+v, %v", sum, err)
				}
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(benchUsers*b.N)/elapsed.Seconds(), "users/s")
		})
	}
}

// benchRows returns the rows of the benchmark: users of one account with a
// bcrypt hash, a name, metadata and a verified email, as a migration sends them.
func benchRows(b *testing.B) []string {
	const hash = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy" // a well-formed bcrypt string
	rows := make([]string, benchUsers)
	for i := range rows {
		rows[i] = fmt.Sprintf(`{"tenantId":"bench","email":"user%06d@example.com","name":"User %d","verifyUser":true,`+
			`"metadata":"{\"plan\":\"pro\"}","passwordHash":%q,"passwordHashType":"bcrypt"}`, i, i, hash)
	}
	return rows
}

func benchWorker(b *testing.B, rawURL string) *Worker {
	ctx := context.Background()
	db, err := store.Open(ctx, rawURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	if err := db.CreateTenant(ctx, &iam.Tenant{ID: "bench", TenantID: "bench", Name: "Bench", Metadata: "{}", CreatedAt: now, UpdatedAt: now}); err != nil {
		b.Fatal(err)
	}
	sealer, err := secure.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		b.Fatal(err)
	}
	return NewWorker(&Migrator{DB: db, Sealer: sealer, Now: time.Now}, slog.New(slog.DiscardHandler))
}

func benchCheck(b *testing.B, w *Worker) {
	u, err := w.Migrator.DB.FindUserByEmail(context.Background(), "user099999@example.com")
	if err != nil || u.PasswordHash == "" {
		b.Fatalf("last user: %+v, %v", u, err)
	}
}
