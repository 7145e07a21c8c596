package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// BenchmarkFindAuthz measures one authorization lookup — a user's effective
// roles and permissions in an account, direct and through groups — the query
// behind every issued token. The user holds 2 roles directly and 4 more
// through 2 groups, 15 permissions each (overlapping), among 500 other
// members with roles and groups of their own.
func BenchmarkFindAuthz(b *testing.B) {
	urls := map[string]string{"sqlite": "sqlite:" + filepath.Join(b.TempDir(), "bench.db")}
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		urls["postgres"] = storetest.PostgresSchema(b, base)
	}
	for _, name := range []string{"sqlite", "postgres"} {
		rawURL, ok := urls[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db, err := store.Open(ctx, rawURL)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			userID, tenantID := seedAuthz(b, db)
			az, err := db.FindAuthz(ctx, userID, tenantID)
			if err != nil || len(az.Roles) != 6 {
				b.Fatalf("FindAuthz: %d roles, %v", len(az.Roles), err)
			}
			b.Run("serial", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.FindAuthz(ctx, userID, tenantID); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("parallel", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := db.FindAuthz(ctx, userID, tenantID); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// seedAuthz fills db with an account, its members, roles and groups, and
// returns the user and account to look up.
func seedAuthz(b *testing.B, db *store.DB) (string, string) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	perms, err := db.FindPermissions(ctx, store.PermissionFilter{})
	if err != nil {
		b.Fatal(err)
	}
	tenant := &iam.Tenant{ID: uuid.NewString(), TenantID: uuid.NewString(), Name: "Bench", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateTenant(ctx, tenant); err != nil {
		b.Fatal(err)
	}
	var roles []*iam.Role
	var newRoles []store.NewRole
	for i := range 20 {
		r := &iam.Role{ID: uuid.NewString(), Key: fmt.Sprintf("role-%d", i), Name: "Role", CreatedAt: now, UpdatedAt: now}
		for j := range 15 {
			r.Permissions = append(r.Permissions, perms[(i*7+j)%len(perms)].ID)
		}
		roles = append(roles, r)
		newRoles = append(newRoles, store.NewRole{Role: r})
	}
	if err := db.CreateRoles(ctx, newRoles); err != nil {
		b.Fatal(err)
	}
	var groups []string
	for i := range 10 {
		g := &iam.Group{ID: uuid.NewString(), TenantID: tenant.TenantID, Name: fmt.Sprintf("group-%d", i), ManagedBy: "frontegg", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateGroup(ctx, g); err != nil {
			b.Fatal(err)
		}
		if err := db.AddGroupRoles(ctx, tenant.TenantID, g.ID, []string{roles[(2*i)%20].ID, roles[(2*i+1)%20].ID}, now); err != nil {
			b.Fatal(err)
		}
		groups = append(groups, g.ID)
	}
	var target string
	for i := range 501 {
		u := &iam.User{ID: uuid.NewString(), Email: fmt.Sprintf("user%d@example.com", i), Metadata: "{}", Provider: "local", CreatedAt: now, UpdatedAt: now}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, store.NewUser{User: u, TenantID: tenant.TenantID, RoleIDs: []string{roles[(i+5)%20].ID, roles[(i+7)%20].ID}})
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.AddGroupMembers(ctx, tenant.TenantID, groups[i%10], []string{u.ID}, now); err != nil {
			b.Fatal(err)
		}
		if err := db.AddGroupMembers(ctx, tenant.TenantID, groups[(i+5)%10], []string{u.ID}, now); err != nil {
			b.Fatal(err)
		}
		target = u.ID
	}
	return target, tenant.TenantID
}
