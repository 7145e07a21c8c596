package rbac_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/store"
)

// TestSeededModel checks what every environment starts with: Frontegg's
// built-in permissions in their categories, an Admin role that the first
// user of a new account gets and that reaches every built-in permission, and
// a Read Only default role.
func TestSeededModel(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		var perms []map[string]any
		v.Do(t, "GET", "/identity/resources/permissions/v1", nil).Want(t, 200).JSON(t, &perms)
		byKey := map[string]map[string]any{}
		for _, p := range perms {
			byKey[p["key"].(string)] = p
		}
		for _, key := range []string{"fe.secure.read.users", "fe.secure.write.users", "fe.secure.delete.users", "fe.secure.read.roles",
			"fe.secure.write.roles", "fe.secure.read.groups", "fe.secure.write.groups", "fe.secure.read.tenantApiTokens",
			"fe.secure.read.securityPolicy", "fe.secure.write.securityPolicy", "fe.secure.read.audits",
			"fe.account-settings.delete.account", "fe.account-hierarchy.write.subAccount", "fe.secure.read.samlConfiguration",
			"fe.connectivity.read.webhooks", "fe.secure.*"} {
			p := byKey[key]
			if p == nil || p["fePermission"] != true || p["categoryId"] == nil {
				t.Errorf("permission %s: %v", key, p)
			}
		}
		var roles []map[string]any
		v.Do(t, "GET", "/identity/resources/roles/v1", nil).Want(t, 200).JSON(t, &roles)
		keys := map[string]map[string]any{}
		for _, r := range roles {
			keys[r["key"].(string)] = r
		}
		admin, readOnly := keys["Admin"], keys["ReadOnly"]
		if admin == nil || admin["firstUserRole"] != true || admin["tenantId"] != nil || admin["vendorId"] != s.ClientID {
			t.Fatalf("Admin role: %v", admin)
		}
		if readOnly == nil || readOnly["isDefault"] != true || readOnly["name"] != "Read Only" {
			t.Fatalf("Read Only role: %v", readOnly)
		}

		// The first member of a new account gets Admin, the next Read Only.
		tn := s.SeedTenant(t, "Acme")
		ctx := context.Background()
		var first, second []string
		err := s.DB.InTx(ctx, func(tx *store.Tx) (err error) {
			first, err = tx.DefaultRoleIDs(ctx, tn.TenantID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		owner := s.SeedUser(t, tn.TenantID, "owner@example.com", "correct horse")
		s.DB.InTx(ctx, func(tx *store.Tx) (err error) {
			second, err = tx.DefaultRoleIDs(ctx, tn.TenantID)
			return err
		})
		if !slices.Equal(first, []string{admin["id"].(string)}) || !slices.Equal(second, []string{readOnly["id"].(string)}) {
			t.Fatalf("default roles: first %v, then %v", first, second)
		}
		if err := s.DB.AssignUserRoles(ctx, owner.ID, tn.TenantID, first, s.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		_, login := s.Login(t, "owner@example.com", "correct horse")
		claims := apitest.Claims(t, login.AccessToken)
		if got := apitest.StringList(claims, "roles"); !slices.Equal(got, []string{"Admin"}) {
			t.Errorf("roles claim %v", got)
		}
		if got := apitest.StringList(claims, "permissions"); !slices.Contains(got, "fe.secure.*") || !slices.Contains(got, "fe.account-settings.delete.account") {
			t.Errorf("permissions claim %v", got)
		}
	})
}
