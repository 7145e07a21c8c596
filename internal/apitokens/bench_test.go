//go:build linux

package apitokens_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
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
// PostgreSQL, with benchParallelism requests in flight per CPU (as a server
// has many clients; with one, a CPU would wait idle on each database round
// trip). Read them against the raw RS256 signature each request makes:
// BenchmarkRawRS256Sign in internal/token (one CPU) and
// BenchmarkRawRS256SignParallel below (every CPU).
//
// Besides ns/op, which depends on whatever else the machine runs, each
// reports cpu-ns/op: the CPU time per request of this process plus, with
// PostgreSQL, of the server processes serving its connections (found by
// application_name in pg_stat_activity, read from /proc; Linux only).

// benchToken is a server with benchTokens account API tokens, each granting
// a role with two permissions.
type benchToken struct {
	h      http.Handler
	tokens []credentials
	pg     *sql.DB // PostgreSQL only: where to find the server processes
	pgApp  string  // the application_name of the server's connections
}

type credentials struct{ ClientID, Secret string }

// benchTokens is how many tokens the server has: one per client in flight.
const benchTokens = 32

// runParallel is b.RunParallel with benchParallelism clients per CPU, and
// reports cpu-ns/op. bt is nil for benchmarks without a server.
func runParallel(b *testing.B, bt *benchToken, body func(*testing.PB)) {
	b.SetParallelism(benchParallelism)
	before := bt.cpuTime(b)
	b.ResetTimer()
	b.RunParallel(body)
	b.StopTimer()
	after := bt.cpuTime(b)
	var used time.Duration
	for pid, t := range after {
		used += t - before[pid]
	}
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the CPU time used so far by this process (pid 0) and by the
// PostgreSQL backends of bt's connections.
func (bt *benchToken) cpuTime(b *testing.B) map[int]time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	out := map[int]time.Duration{0: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	if bt == nil || bt.pg == nil {
		return out
	}
	rows, err := bt.pg.Query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, bt.pgApp)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // gone, or the server is on another machine
		}
		// Fields after the parenthesised command name: utime and stime are the
		// 12th and 13th, in clock ticks (100 a second on Linux).
		fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		out[pid] = time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return out
}

// benchParallelism is how many requests per CPU are in flight at once.
const benchParallelism = 8

func eachBenchDB(b *testing.B, fn func(b *testing.B, bt *benchToken)) {
	b.Run("sqlite", func(b *testing.B) {
		fn(b, newBenchToken(b, "sqlite:"+filepath.Join(b.TempDir(), "bench.db")))
	})
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		b.Run("postgres", func(b *testing.B) {
			u, err := url.Parse(storetest.PostgresSchema(b, base))
			if err != nil {
				b.Fatal(err)
			}
			app := "hatch-bench-" + uuid.NewString()[:8]
			q := u.Query()
			q.Set("application_name", app)
			u.RawQuery = q.Encode()
			bt := newBenchToken(b, u.String())
			if bt.pg, err = sql.Open("pgx", base); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { bt.pg.Close() })
			bt.pgApp = app
			fn(b, bt)
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
	role := &iam.Role{ID: uuid.NewString(), Key: "BenchService", Name: "BenchService", CreatedAt: now, UpdatedAt: now}
	err = a.DB().InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		for _, key := range []string{"orders.read", "orders.write"} {
			id, err := tx.EnsurePermission(ctx, &iam.Permission{ID: uuid.NewString(), Key: key, Name: key, CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return err
			}
			role.Permissions = append(role.Permissions, id)
		}
		return tx.CreateRole(ctx, role)
	})
	if err != nil {
		b.Fatal(err)
	}
	bt := &benchToken{h: a.Handler()}
	var vendor struct{ Token string }
	bt.post(b, "/auth/vendor", map[string]string{"clientId": cfg.ClientID, "secret": cfg.APIKey}, nil, &vendor)
	bt.tokens = make([]credentials, benchTokens)
	for i := range bt.tokens {
		bt.post(b, "/identity/resources/tenants/api-tokens/v2", map[string]any{"roleIds": []string{role.ID}, "metadata": map[string]string{"service": "billing"}},
			http.Header{"Authorization": {"Bearer " + vendor.Token}, "Frontegg-Tenant-Id": {tn.TenantID}}, &bt.tokens[i])
	}
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

// BenchmarkAuthenticateClientCredentials is POST /identity/resources/auth/v2/api-token,
// by clients that each have their own token (token-per-client) and by clients
// that all share one (one-token: its authentications are numbered one at a
// time, and its refresh families rotate through its 100 slots).
func BenchmarkAuthenticateClientCredentials(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, bt *benchToken) {
		for _, shared := range []bool{false, true} {
			name := map[bool]string{false: "token-per-client", true: "one-token"}[shared]
			b.Run(name, func(b *testing.B) {
				var clients atomic.Int64
				runParallel(b, bt, func(pb *testing.PB) {
					tok := bt.tokens[0]
					if !shared {
						tok = bt.tokens[int(clients.Add(1))%len(bt.tokens)]
					}
					body, _ := json.Marshal(map[string]string{"clientId": tok.ClientID, "secret": tok.Secret})
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
	})
}

// BenchmarkRefreshAPIToken is POST /identity/resources/auth/v2/api-token/token/refresh,
// each client rotating its own family of one token.
func BenchmarkRefreshAPIToken(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, bt *benchToken) {
		runParallel(b, bt, func(pb *testing.PB) {
			var res struct {
				RefreshToken string `json:"refresh_token"`
			}
			bt.post(b, "/identity/resources/auth/v2/api-token", bt.tokens[0], nil, &res)
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
	runParallel(b, nil, func(pb *testing.PB) {
		for pb.Next() {
			if _, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
