package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestFindAccess reads what FindUser and FindMemberships read,
// for users with no, one and several memberships.
func TestFindAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		tenants := make([]*iam.Tenant, 3)
		for i := range tenants {
			tn := &iam.Tenant{ID: uuid.NewString(), Name: "T", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
			tn.TenantID = tn.ID
			tenants[i] = tn
		}
		newUser := func(email string) *iam.User {
			return &iam.User{ID: uuid.NewString(), Email: email, Metadata: "{}", Provider: "local", CreatedAt: now, UpdatedAt: now}
		}
		lone, one, many := newUser("lone@example.com"), newUser("one@example.com"), newUser("many@example.com")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, tn := range tenants {
				if err := tx.CreateTenant(ctx, tn); err != nil {
					return err
				}
			}
			if err := tx.CreateUser(ctx, store.NewUser{User: lone}); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, store.NewUser{User: one, TenantID: tenants[0].TenantID}); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, store.NewUser{User: many, TenantID: tenants[2].TenantID}); err != nil {
				return err
			}
			for i, tn := range tenants[:2] {
				m := iam.Membership{UserID: many.ID, TenantID: tn.TenantID, Disabled: i == 1, CreatedAt: now.Add(time.Duration(i+1) * time.Second)}
				if err := tx.AddMembership(ctx, m, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*iam.User{lone, one, many} {
			acc, err := db.FindAccess(ctx, u.ID)
			if err != nil {
				t.Fatalf("%s: %v", u.Email, err)
			}
			wantUser, err := db.FindUser(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantMs, err := db.FindMemberships(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(acc.User, wantUser) {
				t.Errorf("%s: user\n got %+v\nwant %+v", u.Email, acc.User, wantUser)
			}
			if !reflect.DeepEqual(acc.Memberships, wantMs) {
				t.Errorf("%s: memberships\n got %+v\nwant %+v", u.Email, acc.Memberships, wantMs)
			}
		}
		if _, err := db.FindAccess(ctx, uuid.NewString()); !errors.Is(err, iam.ErrNotFound) {
			t.Errorf("unknown user: err = %v, want iam.ErrNotFound", err)
		}
	})
}

// TestStatementsReusedInTransactions runs the same statements inside and
// outside transactions, many times over, as prepared statements are reused:
// a statement first met inside a transaction must not wait for the
// connection that transaction holds (SQLite has a single writer connection).
func TestStatementsReusedInTransactions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		now := time.Now().UTC()
		for i := range 20 {
			tn := &iam.Tenant{ID: uuid.NewString(), Name: "T", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
			tn.TenantID = tn.ID
			if i%2 == 1 {
				if err := db.CreateTenant(ctx, tn); err != nil {
					t.Fatalf("round %d outside a transaction: %v", i, err)
				}
			} else if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
				t.Fatalf("round %d in a transaction: %v", i, err) // first: the statement is met inside a transaction
			}
			if _, err := db.FindTenant(ctx, tn.TenantID); err != nil {
				t.Fatalf("round %d: %v", i, err)
			}
		}
	})
}
