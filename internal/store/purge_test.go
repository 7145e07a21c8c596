package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

func TestPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		tn := &iam.Tenant{ID: "t", TenantID: "t", Name: "T", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		u := &iam.User{ID: "u", Email: "u@example.com", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		session := func(id string, expires time.Time) *iam.Session {
			return &iam.Session{ID: id, UserID: "u", TenantID: "t", AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: expires}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateTenant(ctx, tn); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, store.NewUser{User: u, TenantID: "t"}); err != nil {
				return err
			}
			for id, exp := range map[string]time.Time{"old": now.Add(-48 * time.Hour), "live": now.Add(time.Hour), "revoked": now.Add(time.Hour)} {
				if err := tx.CreateSession(ctx, session(id, exp), "hash-"+id, exp); err != nil {
					return err
				}
			}
			return tx.CreateCode(ctx, &store.Code{Hash: "c", Kind: "k", UserID: "u", CreatedAt: now, ExpiresAt: now.Add(-time.Minute)}, false)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeSession(ctx, "u", "revoked", now.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		p, err := db.Purge(ctx, now, now.Add(-24*time.Hour), now)
		if err != nil {
			t.Fatal(err)
		}
		if p.Sessions != 2 || p.Codes != 1 {
			t.Fatalf("purged %+v, want 2 sessions and 1 code", p)
		}
		if _, err := db.FindSession(ctx, "live"); err != nil {
			t.Fatalf("live session purged: %v", err)
		}
		if _, err := db.FindSessionByRefreshToken(ctx, "hash-old"); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("refresh token of a purged session: %v", err)
		}
	})
}
