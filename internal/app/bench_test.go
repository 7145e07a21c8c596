package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/app"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// The hot paths through the real HTTP handler (router, middleware, store,
// tokens) with production argon2id parameters, on SQLite and, when
// HATCH_TEST_POSTGRES_URL is set, PostgreSQL. Compare with the raw bounds:
// BenchmarkArgon2idDefault (internal/secure), BenchmarkRawRS256Sign and
// BenchmarkRawRS256Verify (internal/token).

type benchApp struct {
	h        http.Handler
	email    string
	password string
}

func eachBenchDB(b *testing.B, fn func(b *testing.B, ba *benchApp)) {
	b.Run("sqlite", func(b *testing.B) {
		fn(b, newBenchApp(b, "sqlite:"+filepath.Join(b.TempDir(), "bench.db")))
	})
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		b.Run("postgres", func(b *testing.B) {
			fn(b, newBenchApp(b, storetest.PostgresSchema(b, base)))
		})
	}
}

func newBenchApp(b *testing.B, rawURL string) *benchApp {
	b.Helper()
	cfg := &config.Config{
		Addr: "127.0.0.1:0", DatabaseURL: rawURL, BaseURL: "http://hatch.bench",
		ClientID: uuid.NewString(), APIKey: "bench-key",
		MasterKey:    base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)),
		MaxBodyBytes: 1 << 20, ShutdownGrace: time.Second, OutboxInterval: time.Second,
		LogLevel: "error", LogFormat: "text",
	}
	a, err := app.New(context.Background(), cfg, app.Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.Start(ctx)
	b.Cleanup(func() { cancel(); a.Close() })

	ba := &benchApp{h: a.Handler(), email: "bench@example.com", password: "correct horse battery staple"}
	now := time.Now()
	tn := &iam.Tenant{ID: uuid.NewString(), Name: "Bench", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
	tn.TenantID = tn.ID
	u := &iam.User{ID: uuid.NewString(), Email: ba.email, Verified: true, Metadata: "{}", Provider: "local",
		PasswordHash: secure.NewHasher(secure.DefaultArgon2).Hash(ba.password), CreatedAt: now, UpdatedAt: now}
	err = a.DB().InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		return tx.CreateUser(ctx, store.NewUser{User: u, TenantID: tn.TenantID})
	})
	if err != nil {
		b.Fatal(err)
	}
	return ba
}

func (ba *benchApp) do(b *testing.B, method, path, bearer string, body any) (int, map[string]any) {
	raw, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	ba.h.ServeHTTP(rec, req)
	var out map[string]any
	json.NewDecoder(io.LimitReader(rec.Body, 1<<20)).Decode(&out)
	return rec.Code, out
}

func (ba *benchApp) login(b *testing.B) map[string]any {
	code, out := ba.do(b, "POST", "/identity/resources/auth/v1/user", "", map[string]string{"email": ba.email, "password": ba.password})
	if code != 200 {
		b.Fatalf("login: %d %v", code, out)
	}
	return out
}

// BenchmarkLogin is a full password login: lookup, argon2id verification,
// session and refresh token insert, RS256 signature.
func BenchmarkLogin(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, ba *benchApp) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ba.login(b)
			}
		})
	})
}

// BenchmarkRefresh is a user-token refresh with rotation: one write
// transaction and one RS256 signature. Each goroutine rotates its own session.
func BenchmarkRefresh(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, ba *benchApp) {
		b.RunParallel(func(pb *testing.PB) {
			refresh := ba.login(b)["refreshToken"].(string)
			for pb.Next() {
				code, out := ba.do(b, "POST", "/identity/resources/auth/v1/user/token/refresh", "", map[string]string{"refreshToken": refresh})
				if code != 201 {
					b.Fatalf("refresh: %d %v", code, out)
				}
				refresh = out["refreshToken"].(string)
			}
		})
	})
}

// BenchmarkAuthenticatedRoute is token validation on GET users/v2/me: one
// RS256 verification plus the route's own reads.
func BenchmarkAuthenticatedRoute(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, ba *benchApp) {
		access := ba.login(b)["accessToken"].(string)
		if code, out := ba.do(b, "GET", "/identity/resources/users/v2/me", access, nil); code != 200 {
			b.Skipf("users/v2/me answered %d %v", code, out)
		}
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if code, _ := ba.do(b, "GET", "/identity/resources/users/v2/me", access, nil); code != 200 {
					b.Fatalf("me: %d", code)
				}
			}
		})
	})
}
