package apitokens_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// The client-credential routes through the real HTTP handler (middleware,
// router, store, signing) on SQLite and, when HATCH_TEST_POSTGRES_URL is set,
// PostgreSQL, with 8 concurrent requests per CPU (as a server has many clients;
// with one a CPU would wait idle on each database round trip). Read them against the raw RS256
// signature each request makes: BenchmarkRawRS256Sign in internal/token (one
// CPU) and BenchmarkRawRS256SignParallel below (every CPU).

// benchToken is a server with one account API token granting a role with two permissions.
type benchToken struct {
	h                http.Handler
	clientID, secret string
}

// benchParallelism is how many requests per CPU are in flight at once.
const benchParallelism = 8

func eachBenchDB(b *testing.B, fn func(b *testing.B, bt *benchToken)) {
	b.Run("sqlite", func(b *testing.B) {
		fn(b, newBenchToken(b, "sqlite:"+filepath.Join(b.TempDir(), "bench.db")))
	})
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		b.Run("postgres", func(b *testing.B) {
			fn(b, newBenchToken(b, storetest.PostgresSchema(b, base)))
		})
	}
}

func newBenchToken(b *testing.B, rawURL string) *benchToken {
	b.Helper()
	cfg := &config.Config{
		Addr: "127.0.0.1:0", DatabaseURL: rawURL, BaseURL: "http://hatch.bench",
		ClientID: uuid.NewString(), APIKey: "bench-key",
		MasterKey:    base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)),
		MaxBodyBytes: 1 << 20, ShutdownGrace: time.Second, OutboxInterval: time.Second,
		LogLevel: "error", LogFormat: "text",
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, app.Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	a.Start(ctx)
	b.Cleanup(func() { cancel(); a.Close() })

	now := time.Now()
	tn := &iam.Tenant{ID: uuid.NewString(), Name: "Bench", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
	tn.TenantID = tn.ID
	role := &iam.Role{ID: uuid.NewString(), Key: "Service", Name: "Service", CreatedAt: now, UpdatedAt: now}
	err = a.DB().InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		for _, key := range []string{"orders.read", "orders.write"} {
			p := &iam.Permission{ID: uuid.NewString(), Key: key, Name: key, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreatePermission(ctx, p); err != nil {
				return err
			}
			role.Permissions = append(role.Permissions, p.ID)
		}
		return tx.CreateRole(ctx, role)
	})
	if err != nil {
		b.Fatal(err)
	}
	bt := &benchToken{h: a.Handler()}
	var vendor struct{ Token string }
	bt.post(b, "/auth/vendor", map[string]string{"clientId": cfg.ClientID, "secret": cfg.APIKey}, nil, &vendor)
	var tok struct{ ClientID, Secret string }
	bt.post(b, "/identity/resources/tenants/api-tokens/v2", map[string]any{"roleIds": []string{role.ID}, "metadata": map[string]string{"service": "billing"}},
		http.Header{"Authorization": {"Bearer " + vendor.Token}, "Frontegg-Tenant-Id": {tn.TenantID}}, &tok)
	bt.clientID, bt.secret = tok.ClientID, tok.Secret
	return bt
}

// serve POSTs the JSON body to path through the handler.
func (bt *benchToken) serve(path string, body []byte, header ...http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	for _, h := range header {
		for k, v := range h {
			req.Header[k] = v
		}
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	bt.h.ServeHTTP(rec, req)
	return rec
}

// post serves body and decodes a 2xx answer into out.
func (bt *benchToken) post(b *testing.B, path string, body any, header http.Header, out any) {
	raw, _ := json.Marshal(body)
	rec := bt.serve(path, raw, header)
	if rec.Code/100 != 2 {
		b.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticateClientCredentials is POST /identity/resources/auth/v2/api-token
// with one token from every goroutine (its refresh families all rotate through its 100 slots).
func BenchmarkAuthenticateClientCredentials(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, bt *benchToken) {
		body, _ := json.Marshal(map[string]string{"clientId": bt.clientID, "secret": bt.secret})
		b.SetParallelism(benchParallelism)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec := bt.serve("/identity/resources/auth/v2/api-token", body)
				if rec.Code != 200 {
					b.Errorf("status %d: %s", rec.Code, rec.Body)
					return
				}
			}
		})
	})
}

// BenchmarkRefreshAPIToken is POST /identity/resources/auth/v2/api-token/token/refresh,
// each goroutine rotating its own family of the one token.
func BenchmarkRefreshAPIToken(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, bt *benchToken) {
		b.SetParallelism(benchParallelism)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var res struct {
				RefreshToken string `json:"refresh_token"`
			}
			bt.post(b, "/identity/resources/auth/v2/api-token", map[string]string{"clientId": bt.clientID, "secret": bt.secret}, nil, &res)
			for pb.Next() {
				body, _ := json.Marshal(map[string]string{"refreshToken": res.RefreshToken})
				rec := bt.serve("/identity/resources/auth/v2/api-token/token/refresh", body)
				if rec.Code != 200 {
					b.Errorf("status %d: %s", rec.Code, rec.Body)
					return
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkRawRS256SignParallel is the bound of both: one RS256 signature per
// request, on every CPU.
func BenchmarkRawRS256SignParallel(b *testing.B) {
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	priv.Precompute()
	sum := sha256.Sum256([]byte("payload"))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
