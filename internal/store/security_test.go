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

func TestLockUserReportsNewLockouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		u := &iam.User{ID: "u", Email: "u@example.com", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, store.NewUser{User: u}) }); err != nil {
			t.Fatal(err)
		}
		lock := func(id string, until *time.Time, at time.Time) (bool, error) {
			var newly bool
			err := db.InTx(ctx, func(tx *store.Tx) (err error) {
				newly, err = tx.LockUser(ctx, id, until, at)
				return err
			})
			return newly, err
		}
		hour := now.Add(time.Hour)
		for _, tc := range []struct {
			name      string
			until     *time.Time
			at        time.Time
			wantNewly bool
		}{
			{"first lock", &hour, now, true},
			{"extended while locked", &hour, now.Add(time.Minute), false},
			{"after the lock ran out", &hour, hour, true},
			{"until unlocked, while locked for a time", nil, hour.Add(-time.Minute), false},
			{"for a time, while locked until unlocked", &hour, hour.Add(time.Hour), false},
		} {
			got, err := lock("u", tc.until, tc.at)
			if err != nil || got != tc.wantNewly {
				t.Fatalf("%s: newly %v, %v; want %v", tc.name, got, err, tc.wantNewly)
			}
		}
		if got, err := db.FindUser(ctx, "u"); err != nil || !got.Locked || got.LockedUntil == nil || !got.LockedUntil.Equal(hour) {
			t.Fatalf("user %+v, %v: want locked, until %v", got, err, hour)
		}
		if _, err := lock("nobody", nil, now); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("locking an unknown user: %v, want not found", err)
		}
	})
}
