package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestAppSecrets: the first secrets stored stay (concurrent first reads
// agree), renewal replaces only what it names.
func TestAppSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		app := &iam.Application{ID: "app", Name: "App", AccessType: iam.FreeAccess, IsActive: true, Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		if err := db.SaveApplication(ctx, app); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		got := make([]*store.AppSecrets, 6)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := db.SaveAppSecrets(ctx, "app", store.AppSecrets{Client: "c" + string(rune('0'+i)), Shared: "s" + string(rune('0'+i))}, false, false, now)
				if err != nil {
					t.Error(err)
				}
				got[i] = s
			}()
		}
		wg.Wait()
		for _, s := range got[1:] {
			if s == nil || got[0] == nil || *s != *got[0] {
				t.Fatalf("concurrent first secrets differ: %+v", got)
			}
		}
		first := *got[0]
		renewed, err := db.SaveAppSecrets(ctx, "app", store.AppSecrets{Client: "new-client", Shared: "ignored"}, true, false, now)
		if err != nil || renewed.Client != "new-client" || renewed.Shared != first.Shared {
			t.Fatalf("renewed client secret: %+v %v", renewed, err)
		}
		renewed, err = db.SaveAppSecrets(ctx, "app", store.AppSecrets{Client: "ignored", Shared: "new-shared"}, false, true, now)
		if err != nil || renewed.Client != "new-client" || renewed.Shared != "new-shared" {
			t.Fatalf("renewed shared secret: %+v %v", renewed, err)
		}
		if rec, err := db.FindOAuthClientRecord(ctx, "app"); err != nil || rec.Secret != "new-client" || rec.Client != nil || rec.App.ID != "app" {
			t.Fatalf("record %+v %v", rec, err)
		}
		if _, err := db.SaveAppSecrets(ctx, "nope", first, true, true, now); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unknown application: %v", err)
		}

		// Application clients are OAuth clients of their application.
		c := &store.AppClient{ID: "agent", AppID: "app", Name: "Agent", Type: "Agent", Secret: "sealed", RedirectURLs: []string{"https://a.example/cb"},
			ExternalMetadata: `{"a":1}`, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateAppClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAppClient(ctx, &store.AppClient{ID: "x", AppID: "nope", Name: "X", Type: "Agent", CreatedAt: now, UpdatedAt: now}); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("client of an unknown application: %v", err)
		}
		rec, err := db.FindOAuthClientRecord(ctx, "agent")
		if err != nil || rec.Client == nil || rec.Client.Name != "Agent" || rec.Secret != "sealed" || rec.App.ID != "app" ||
			!slices.Equal(rec.Client.RedirectURLs, c.RedirectURLs) || rec.Client.ExternalMetadata != `{"a":1}` {
			t.Fatalf("client record %+v %v", rec, err)
		}
		if _, err := db.FindOAuthClientRecord(ctx, "nope"); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unknown client: %v", err)
		}
		c.Name, c.ExternalMetadata = "Agent 2", ""
		if err := db.UpdateAppClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindAppClient(ctx, "agent"); err != nil || got.Name != "Agent 2" || got.ExternalMetadata != "" {
			t.Fatalf("updated %+v %v", got, err)
		}
		if cs, err := db.FindAppClients(ctx, "app"); err != nil || len(cs) != 1 {
			t.Fatalf("clients %+v %v", cs, err)
		}
		if _, err := db.FindAppClients(ctx, "nope"); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("clients of an unknown application: %v", err)
		}
		if err := db.DeleteApplication(ctx, "app"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindAppClient(ctx, "agent"); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("client of a deleted application: %v", err)
		}
	})
}

// TestOAuthClientsBecomeApplications: the clients registered through the
// former /oauth/resources/clients/v1 routes (table oauth_clients) become
// applications with their names and URLs, and the refresh tokens of
// confidential ones keep needing a secret.
func TestOAuthClientsBecomeApplications(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		ctx := context.Background()
		db, err := store.Open(ctx, rawURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.MigrateToForTest(ctx, 93); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO oauth_clients (client_id, name, public, secret_hash, redirect_uris, post_logout_redirect_uris, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, []any{"pub", "Public app", true, "", `["https://p.example/cb"]`, `[]`, now.UnixMicro()}},
			{`INSERT INTO oauth_clients (client_id, name, public, secret_hash, redirect_uris, post_logout_redirect_uris, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, []any{"conf", "Back end", false, "abc", `["https://c.example/cb"]`, `["https://c.example/"]`, now.UnixMicro()}},
			{`INSERT INTO sessions (id, user_id, tenant_id, auth_time, created_at, last_used_at, expires_at) VALUES ('s', 'u', 't', $1, $1, $1, $2)`,
				[]any{now.UnixMicro(), now.Add(time.Hour).UnixMicro()}},
			{`INSERT INTO refresh_tokens (hash, session_id, created_at, expires_at, client_id) VALUES ('h-conf', 's', $1, $2, 'conf'), ('h-pub', 's', $1, $2, 'pub')`,
				[]any{now.UnixMicro(), now.Add(time.Hour).UnixMicro()}},
		} {
			if err := db.ExecForTest(ctx, q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		conf, err := db.FindApplication(ctx, "conf")
		if err != nil || conf.Name != "Back end" || !conf.IsActive || conf.AccessType != iam.FreeAccess ||
			!slices.Equal(conf.RedirectURLs, []string{"https://c.example/cb"}) || !slices.Equal(conf.LogoutURLs, []string{"https://c.example/"}) ||
			!conf.CreatedAt.Equal(now) {
			t.Fatalf("migrated confidential client %+v %v", conf, err)
		}
		if rec, err := db.FindOAuthClientRecord(ctx, "conf"); err != nil || rec.Secret != "" {
			t.Fatalf("a hashed secret cannot carry over: %+v %v", rec, err)
		}
		if pub, err := db.FindApplication(ctx, "pub"); err != nil || len(pub.LogoutURLs) != 0 || len(pub.RedirectURLs) != 1 {
			t.Fatalf("migrated public client %+v %v", pub, err)
		}
		for hash, want := range map[string]store.RefreshClient{"h-conf": {ClientID: "conf", Authenticated: true}, "h-pub": {ClientID: "pub"}} {
			if got, err := db.FindRefreshTokenClient(ctx, hash); err != nil || got != want {
				t.Errorf("refresh token %s: %+v %v, want %+v", hash, got, err, want)
			}
		}
	})
}
