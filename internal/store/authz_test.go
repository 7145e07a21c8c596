package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestFindAuthz: effective roles are the direct ones and those of the user's
// groups in the same account, each once; permissions are their union, each
// once, with the roles that grant them.
func TestFindAuthz(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		tenant := func(name string) string {
			tn := &iam.Tenant{ID: uuid.NewString(), TenantID: uuid.NewString(), Name: name, Metadata: "{}", CreatedAt: now, UpdatedAt: now}
			if err := db.CreateTenant(ctx, tn); err != nil {
				t.Fatal(err)
			}
			return tn.TenantID
		}
		a, b := tenant("A"), tenant("B")
		perms, err := db.FindPermissions(ctx, store.PermissionFilter{Keys: []string{"fe.secure.read.users", "fe.secure.read.roles", "fe.secure.read.groups"}})
		if err != nil || len(perms) != 3 {
			t.Fatal(perms, err)
		}
		groupsP, rolesP, usersP := perms[0].ID, perms[1].ID, perms[2].ID // by key
		role := func(key, tenantID string, level int, permIDs ...string) *iam.Role {
			r := &iam.Role{ID: uuid.NewString(), Key: key, Name: key, TenantID: tenantID, Level: level, Permissions: permIDs, CreatedAt: now, UpdatedAt: now}
			if err := db.CreateRoles(ctx, []store.NewRole{{Role: r}}); err != nil {
				t.Fatal(err)
			}
			return r
		}
		direct := role("direct", "", 1, usersP, rolesP)
		viaGroup := role("via-group", a, 0, usersP, groupsP)
		inB := role("in-b", b, 0, groupsP)
		u := &iam.User{ID: uuid.NewString(), Email: "ada@example.com", Metadata: "{}", Provider: "local", CreatedAt: now, UpdatedAt: now}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, store.NewUser{User: u, TenantID: a, RoleIDs: []string{direct.ID}}); err != nil {
				return err
			}
			return tx.AddMembership(ctx, iam.Membership{UserID: u.ID, TenantID: b, CreatedAt: now}, []string{inB.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"one", "two"} { // two groups with the same role: it counts once
			g := &iam.Group{ID: uuid.NewString(), TenantID: a, Name: name, ManagedBy: "frontegg", CreatedAt: now, UpdatedAt: now}
			if err := db.CreateGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
			if err := db.AddGroupRoles(ctx, a, g.ID, []string{viaGroup.ID, direct.ID}, now); err != nil {
				t.Fatal(err)
			}
			if err := db.AddGroupMembers(ctx, a, g.ID, []string{u.ID}, now); err != nil {
				t.Fatal(err)
			}
		}

		az, err := db.FindAuthz(ctx, u.ID, a)
		if err != nil {
			t.Fatal(err)
		}
		if got := az.RoleKeys(); !slices.Equal(got, []string{"via-group", "direct"}) {
			t.Fatalf("roles in A %v", got)
		}
		if got := az.PermissionKeys(); !slices.Equal(got, []string{"fe.secure.read.groups", "fe.secure.read.roles", "fe.secure.read.users"}) {
			t.Fatalf("permissions in A %v", got)
		}
		if got := az.Roles[1].Permissions; !slices.Equal(got, []string{rolesP, usersP}) {
			t.Fatalf("permissions of direct %v", got)
		}
		if got := az.Permissions[2].RoleIDs; !slices.Equal(got, []string{viaGroup.ID, direct.ID}) {
			t.Fatalf("roles granting read.users %v", got)
		}
		az, err = db.FindAuthz(ctx, u.ID, b)
		if err != nil || !slices.Equal(az.RoleKeys(), []string{"in-b"}) {
			t.Fatalf("roles in B %v, %v", az.RoleKeys(), err)
		}
		az, err = db.FindAuthz(ctx, u.ID, tenant("C"))
		if err != nil || len(az.Roles) != 0 || len(az.Permissions) != 0 {
			t.Fatalf("roles where the user is not a member %+v, %v", az, err)
		}
	})
}
