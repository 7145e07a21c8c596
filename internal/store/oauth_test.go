package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestAuthorizationCodeRedeemedOnce: of concurrent redemptions of one code
// exactly one wins; every other sees ErrCodeReplayed and the session is
// revoked; refresh tokens rotated from a client's token stay the client's.
func TestAuthorizationCodeRedeemedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		sess := &iam.Session{ID: "s", UserID: "u", TenantID: "t", AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, sess, "cookie", now.Add(time.Hour)) }); err != nil {
			t.Fatal(err)
		}
		code := &store.AuthorizationCode{Hash: "h", ClientID: "c", RedirectURI: "https://a.example/cb", SessionID: "s", UserID: "u",
			CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
		if err := db.CreateAuthorizationCode(ctx, code); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.RedeemAuthorizationCode(ctx, "h", now)
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		won, replayed := 0, 0
		for err := range results {
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrCodeReplayed):
				replayed++
			default:
				t.Fatalf("redeem: %v", err)
			}
		}
		if won != 1 || replayed != 7 {
			t.Fatalf("won %d, replayed %d", won, replayed)
		}
		if s, err := db.FindSession(ctx, "s"); err != nil || s.RevokedAt == nil {
			t.Fatalf("session after replay: %+v %v", s, err)
		}
		if _, err := db.RedeemAuthorizationCode(ctx, "unknown", now); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}

		// A client's refresh token hands its client, and whether the client
		// authenticated, to the token that replaces it.
		live := &iam.Session{ID: "s2", UserID: "u", TenantID: "t", AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, live, "cookie2", now.Add(time.Hour)) }); err != nil {
			t.Fatal(err)
		}
		confidential := store.RefreshClient{ClientID: "client-x", Authenticated: true}
		public := store.RefreshClient{ClientID: "client-y"}
		if err := db.AddRefreshToken(ctx, "s2", "app-1", confidential, now.Add(time.Hour), now); err != nil {
			t.Fatal(err)
		}
		if err := db.AddRefreshToken(ctx, "s2", "pub-1", public, now.Add(time.Hour), now); err != nil {
			t.Fatal(err)
		}
		// Only as the client's: as another's (the environment's here) it is
		// refused and stays unspent.
		if _, err := db.RotateRefreshToken(ctx, "app-1", "stray", "", now, now.Add(time.Hour)); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("another client's token rotated: %v", err)
		}
		for old, next := range map[string]string{"app-1": "app-2", "pub-1": "pub-2"} {
			c, _ := db.FindRefreshTokenClient(ctx, old)
			if _, err := db.RotateRefreshToken(ctx, old, next, c.ClientID, now, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		for hash, want := range map[string]store.RefreshClient{"app-2": confidential, "pub-2": public, "cookie2": {}} {
			if got, err := db.FindRefreshTokenClient(ctx, hash); err != nil || got != want {
				t.Errorf("client of %s: %+v %v, want %+v", hash, got, err, want)
			}
		}
		if _, err := db.FindLiveSessionByRefreshToken(ctx, "app-1", now); !errors.Is(err, iam.ErrNotFound) {
			t.Errorf("a spent token's session was found live: %v", err)
		}
		if s, err := db.FindLiveSessionByRefreshToken(ctx, "cookie2", now); err != nil || s.ID != "s2" {
			t.Errorf("live session: %+v %v", s, err)
		}
		if err := db.AddRefreshToken(ctx, "s", "late", confidential, now.Add(time.Hour), now); !errors.Is(err, iam.ErrNotFound) {
			t.Errorf("token added to a revoked session: %v", err)
		}
	})
}
