package rbac_test

import (
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

// TestSubAccountRoles: a user with access to its account's sub-accounts
// gives, sets and takes a member's roles there, in one change for several
// sub-accounts, all or none.
func TestSubAccountRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		root := s.SeedTenant(t, "Root")
		for _, id := range []string{"east", "west"} {
			v.Do(t, "POST", "/tenants/resources/sub-tenants/v1", map[string]any{"tenantId": id, "name": id, "parentTenantId": root.TenantID}).Want(t, 200)
		}
		stranger := s.SeedTenant(t, "Stranger")
		ada := s.SeedUser(t, "east", "ada@example.com", "")
		addMember(t, s, ada.ID, "west")
		viewer, other := s.SeedRole(t, "", "viewer", "fe.secure.read.users"), s.SeedRole(t, "", "other")
		deleter := s.SeedRole(t, "", "deleter", "fe.secure.delete.users")
		admin, c := s.UserWith(t, root.TenantID, "admin@example.com", "fe.secure.write.userSubTenants", "fe.secure.delete.userSubTenants", "fe.secure.read.users")
		path := "/identity/resources/sub-tenants/users/v1/" + ada.ID + "/roles"
		body := func(roles ...string) map[string]any {
			return map[string]any{"subTenantsRoles": []map[string]any{{"tenantId": "east", "roleIds": roles}, {"tenantId": "west", "roleIds": roles}}}
		}

		c.Do(t, "POST", path, body(viewer.ID)).WantError(t, 403, "do not have access to this account")
		v.Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/"+admin.ID+"/access", map[string]any{"allowAccess": true}).
			WantError(t, 400, "frontegg-tenant-id header is required")
		v.With("frontegg-tenant-id", root.TenantID).Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/"+admin.ID+"/access", map[string]any{"allowAccess": true}).Want(t, 200)

		out := c.Do(t, "POST", path, body(viewer.ID, other.ID)).Want(t, 200).Map(t)
		if got := out["subTenantsRoles"].([]any); len(got) != 2 || len(got[1].(map[string]any)["roleIds"].([]any)) != 2 {
			t.Fatalf("added %v", out)
		}
		c.Do(t, "PATCH", path, body(other.ID)).Want(t, 200)
		if got := memberRoleKeys(t, s, ada.ID, "west"); !slices.Equal(got, []string{"other"}) {
			t.Fatalf("roles after set %v", got)
		}
		c.Do(t, "DELETE", path, body(other.ID)).Want(t, 200)
		if got := memberRoleKeys(t, s, ada.ID, "east"); len(got) != 0 {
			t.Fatalf("roles after removal %v", got)
		}

		c.Do(t, "POST", path, body(deleter.ID)).WantError(t, 403, "fe.secure.delete.users")
		c.Do(t, "POST", path, map[string]any{"subTenantsRoles": []map[string]any{{"tenantId": "east", "roleIds": []string{viewer.ID}},
			{"tenantId": stranger.TenantID, "roleIds": []string{viewer.ID}}}}).WantError(t, 403, "do not have access")
		c.Do(t, "POST", path, map[string]any{"subTenantsRoles": []map[string]any{{"tenantId": "east", "roleIds": []string{viewer.ID}},
			{"tenantId": root.TenantID, "roleIds": []string{viewer.ID}}}}).WantError(t, 404, "not found")
		if got := memberRoleKeys(t, s, ada.ID, "east"); len(got) != 0 {
			t.Fatalf("a refused change (ada is not in the root account) gave roles elsewhere: %v", got)
		}
		c.Do(t, "POST", path, map[string]any{}).WantError(t, 400, "subTenantsRoles must list an account")
		c.Do(t, "POST", path, map[string]any{"subTenantsRoles": []map[string]any{{"roleIds": []string{}}}}).WantError(t, 400, "tenantId is required")
		_, reader := s.UserWith(t, root.TenantID, "reader@example.com", "fe.secure.read.users")
		reader.Do(t, "POST", path, body(viewer.ID)).WantError(t, 403, "Insufficient permissions")
	})
}
