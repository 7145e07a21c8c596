package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestRotateRefreshToken: a live token rotates once, into a token that expires
// no later than its session; an expired token, or one of a revoked or ended
// session, is refused without being spent; a spent token revokes its session;
// of concurrent rotations of one token exactly one wins.
func TestRotateRefreshToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		tn := &iam.Tenant{ID: "t", TenantID: "t", Name: "T", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		u := &iam.User{ID: "u", Email: "u@example.com", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		open := func(id string, sessionEnds, tokenExpires time.Time) {
			t.Helper()
			s := &iam.Session{ID: id, UserID: "u", TenantID: "t", AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: sessionEnds}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, s, "hash-"+id, tokenExpires) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateTenant(ctx, tn); err != nil {
				return err
			}
			return tx.CreateUser(ctx, store.NewUser{User: u, TenantID: "t"})
		}); err != nil {
			t.Fatal(err)
		}
		later := now.Add(time.Minute)

		open("live", now.Add(time.Hour), now.Add(time.Hour))
		s, err := db.RotateRefreshToken(ctx, "hash-live", "hash-live-2", "", later, now.Add(48*time.Hour))
		if err != nil || s.ID != "live" || !s.LastUsedAt.Equal(later) {
			t.Fatalf("rotate: %+v, %v", s, err)
		}
		if _, err := db.RotateRefreshToken(ctx, "hash-live-2", "hash-live-3", "", later, now.Add(48*time.Hour)); err != nil {
			t.Fatalf("the next token (capped at the session's end) does not rotate: %v", err)
		}
		if _, err := db.RotateRefreshToken(ctx, "hash-live-3", "x", "", now.Add(2*time.Hour), now.Add(3*time.Hour)); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("a token past its session's end: %v, want not found", err)
		}
		if _, err := db.RotateRefreshToken(ctx, "hash-live", "x", "", later, later); !errors.Is(err, store.ErrRefreshReused) {
			t.Fatalf("reuse: %v", err)
		}
		if _, err := db.RotateRefreshToken(ctx, "hash-live-3", "y", "", later, later); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("the family after a reuse: %v, want not found (session revoked)", err)
		}

		open("short", now.Add(time.Hour), now.Add(time.Second))
		if _, err := db.RotateRefreshToken(ctx, "hash-short", "z", "", later, later); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("expired token: %v", err)
		}
		open("revoked", now.Add(time.Hour), now.Add(time.Hour))
		if err := db.RevokeSession(ctx, "u", "revoked", now); err != nil {
			t.Fatal(err)
		}
		for range 2 { // refused, and not spent: the second try is no reuse either
			if _, err := db.RotateRefreshToken(ctx, "hash-revoked", "w", "", later, later); !errors.Is(err, iam.ErrNotFound) {
				t.Fatalf("token of a revoked session: %v", err)
			}
		}
		open("app", now.Add(time.Hour), now.Add(time.Hour))
		for range 2 { // another client's token is refused, and not spent
			if _, err := db.RotateRefreshToken(ctx, "hash-app", "u", "some-app", later, later); !errors.Is(err, iam.ErrNotFound) {
				t.Fatalf("token of another client: %v", err)
			}
		}
		if _, err := db.RotateRefreshToken(ctx, "hash-app", "u", "", later, later); err != nil {
			t.Fatalf("the token at its own client after refusals elsewhere: %v", err)
		}
		if _, err := db.RotateRefreshToken(ctx, "hash-unknown", "v", "", later, later); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}

		open("raced", now.Add(time.Hour), now.Add(time.Hour))
		var wg sync.WaitGroup
		results := make([]error, 8)
		for i := range results {
			wg.Go(func() {
				_, results[i] = db.RotateRefreshToken(ctx, "hash-raced", fmt.Sprintf("raced-%d", i), "", later, now.Add(time.Hour))
			})
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrRefreshReused) && !errors.Is(err, iam.ErrNotFound):
				t.Fatalf("concurrent rotation: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d concurrent rotations won, want 1 (%v)", won, results)
		}
	})
}
