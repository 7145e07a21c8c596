package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestProfileCopiesFollowEveryChange: the profile and authorization a DB keeps
// in memory are used while nothing changed, and every change — made by raw
// SQL, as any other code path, node or cascade would — shows in the very next
// read.
func TestProfileCopiesFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		tn := &iam.Tenant{ID: uuid.NewString(), TenantID: uuid.NewString(), Name: "A", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
		a := tn.TenantID
		perms, err := db.FindPermissions(ctx, store.PermissionFilter{Keys: []string{"fe.secure.read.users", "fe.secure.read.roles", "fe.secure.read.groups"}})
		if err != nil || len(perms) != 3 {
			t.Fatal(perms, err)
		}
		groupsP, rolesP, usersP := perms[0].ID, perms[1].ID, perms[2].ID
		role := func(key string, permIDs ...string) *iam.Role {
			r := &iam.Role{ID: uuid.NewString(), Key: key, Name: key, TenantID: a, Permissions: permIDs, CreatedAt: now, UpdatedAt: now}
			if err := db.CreateRoles(ctx, []store.NewRole{{Role: r}}); err != nil {
				t.Fatal(err)
			}
			return r
		}
		direct, viaGroup := role("direct", usersP, rolesP), role("via-group", groupsP)
		u := &iam.User{ID: uuid.NewString(), Email: "ada@example.com", Name: "Ada", Metadata: "{}", Provider: "local", CreatedAt: now, UpdatedAt: now}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, store.NewUser{User: u, TenantID: a, RoleIDs: []string{direct.ID}})
		}); err != nil {
			t.Fatal(err)
		}
		g := &iam.Group{ID: uuid.NewString(), TenantID: a, Name: "g", ManagedBy: "frontegg", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		if err := db.AddGroupRoles(ctx, a, g.ID, []string{viaGroup.ID}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.AddGroupMembers(ctx, a, g.ID, []string{u.ID}, now); err != nil {
			t.Fatal(err)
		}

		authz := func() *store.Authz {
			t.Helper()
			az, err := db.FindAuthz(ctx, u.ID, a)
			if err != nil {
				t.Fatal(err)
			}
			return az
		}
		profile := func() (*iam.User, *store.UserDetails) {
			t.Helper()
			pu, d, err := db.FindUserProfile(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			acc, err := db.FindAccess(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if acc.User.Name != pu.Name || len(acc.Memberships) != len(d.Tenants[u.ID]) {
				t.Fatalf("the two copies disagree: %q/%q, %d/%d memberships", acc.User.Name, pu.Name, len(acc.Memberships), len(d.Tenants[u.ID]))
			}
			return pu, d
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.ExecForTest(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}

		first := authz()
		if got := first.RoleKeys(); !slices.Equal(got, []string{"direct", "via-group"}) {
			t.Fatalf("roles %v", got)
		}
		if authz() != first {
			t.Fatal("an unchanged user's authorization was read again instead of kept")
		}
		if _, d := profile(); len(d.Tenants[u.ID]) != 1 || len(d.Tenants[u.ID][0].Roles) != 1 {
			t.Fatalf("profile %+v", d.Tenants[u.ID])
		}

		exec(`UPDATE users SET name = 'Ada L' WHERE id = $1`, u.ID)
		if pu, _ := profile(); pu.Name != "Ada L" {
			t.Fatalf("after a rename: %q", pu.Name)
		}
		exec(`DELETE FROM role_permissions WHERE role_id = $1 AND permission_id = $2`, direct.ID, rolesP)
		if got := authz().PermissionKeys(); !slices.Equal(got, []string{"fe.secure.read.groups", "fe.secure.read.users"}) {
			t.Fatalf("after a permission left a role: %v", got)
		}
		exec(`DELETE FROM group_members WHERE user_id = $1`, u.ID)
		if got := authz().RoleKeys(); !slices.Equal(got, []string{"direct"}) {
			t.Fatalf("after leaving the group: %v", got)
		}
		exec(`DELETE FROM roles WHERE id = $1`, direct.ID) // cascades to user_roles
		if got := authz().RoleKeys(); len(got) != 0 {
			t.Fatalf("after the role was deleted: %v", got)
		}
		if _, d := profile(); len(d.Tenants[u.ID][0].Roles) != 0 {
			t.Fatalf("profile roles after the role was deleted: %+v", d.Tenants[u.ID][0].Roles)
		}
		exec(`UPDATE user_tenants SET disabled = TRUE WHERE user_id = $1`, u.ID)
		if _, d := profile(); !d.Tenants[u.ID][0].Disabled {
			t.Fatal("a disabled membership still shows enabled")
		}
		exec(`DELETE FROM tenants WHERE tenant_id = $1`, a) // cascades to user_tenants
		if _, d := profile(); len(d.Tenants[u.ID]) != 0 {
			t.Fatalf("memberships after the account was deleted: %+v", d.Tenants[u.ID])
		}
		exec(`DELETE FROM users WHERE id = $1`, u.ID)
		if _, _, err := db.FindUserProfile(ctx, u.ID); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("profile of a deleted user: %v", err)
		}
		if _, err := db.FindAccess(ctx, u.ID); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("memberships of a deleted user: %v", err)
		}
	})
}

// TestRefreshSessionAccess: the versions read with a refresh token's session
// serve its user's access, which follows a change made since the last read.
func TestRefreshSessionAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		tn := &iam.Tenant{ID: uuid.NewString(), TenantID: uuid.NewString(), Name: "A", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
		u := &iam.User{ID: uuid.NewString(), Email: "ada@example.com", Name: "Ada", Metadata: "{}", Provider: "local", CreatedAt: now, UpdatedAt: now}
		sess := &iam.Session{ID: uuid.NewString(), UserID: u.ID, TenantID: tn.TenantID, AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, store.NewUser{User: u, TenantID: tn.TenantID}); err != nil {
				return err
			}
			return tx.CreateSession(ctx, sess, "refresh-hash", now.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		name := func() string {
			t.Helper()
			rs, err := db.FindRefreshSession(ctx, "refresh-hash")
			if err != nil || rs.ID != sess.ID || rs.UserID != u.ID {
				t.Fatalf("FindRefreshSession = %+v, %v", rs, err)
			}
			acc, err := rs.Access(ctx)
			if err != nil || len(acc.Memberships) != 1 {
				t.Fatalf("Access = %+v, %v", acc, err)
			}
			return acc.User.Name
		}
		if got := name(); got != "Ada" {
			t.Fatalf("name %q", got)
		}
		if err := db.ExecForTest(ctx, `UPDATE users SET name = 'Ada L' WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		if got := name(); got != "Ada L" {
			t.Fatalf("after a rename: %q", got)
		}
		if _, err := db.FindRefreshSession(ctx, "no-such-hash"); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
	})
}
