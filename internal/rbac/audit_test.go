package rbac_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

// A change of a user's roles, by the user-roles, sub-account or bulk routes,
// is in the log of the account it changed, once, with the role ids the user
// gained and lost and the caller as actor; a refused change, or one that
// changes nothing, records nothing.
func TestUserRoleChangesAreAudited(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn := s.SeedTenant(t, "Acme")
		viewer := s.SeedRole(t, "", "viewer", "fe.secure.read.users")
		other := s.SeedRole(t, "", "other")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		admin, c := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.write.usersRoles", "fe.secure.delete.usersRoles", "fe.secure.read.users")
		vt := v.With("frontegg-tenant-id", tn.TenantID)
		// want checks that tenantID's log holds n entries, the newest (the only
		// one that mentions them) adding added and removing removed.
		want := func(tenantID string, n int, actorType, actorID string, added, removed []string) {
			t.Helper()
			got := s.Audits(t, tenantID, "User roles changed")
			if len(got) != n {
				t.Fatalf("%d entries, want %d: %+v", len(got), n, got)
			}
			e := got[0]
			slices.Sort(added)
			slices.Sort(removed)
			if e.UserID != u.ID || e.Email != u.Email || e.TenantID != tenantID || e.ActorType != actorType || e.ActorID != actorID ||
				e.Severity != "Medium" || len(e.JSON) != 3 || e.JSON["tenantId"] != tenantID ||
				fmt.Sprint(e.JSON["addedRoleIds"]) != fmt.Sprint(added) || fmt.Sprint(e.JSON["removedRoleIds"]) != fmt.Sprint(removed) {
				t.Fatalf("entry %+v, want %s by %s %s adding %v and removing %v", e, tenantID, actorType, actorID, added, removed)
			}
			s.Clock.Advance(time.Second) // the next entry is the newest
		}

		vt.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID, other.ID}}).Want(t, 201)
		want(tn.TenantID, 1, "vendor", s.ClientID, []string{viewer.ID, other.ID}, []string{})
		vt.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID, "nope"}}).WantError(t, 404, "Role not found")
		vt.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID}}).Want(t, 201) // held already
		c.Do(t, "DELETE", userRolesPath(u.ID), map[string]any{"roleIds": []string{other.ID}}).Want(t, 200)
		want(tn.TenantID, 2, "user", admin.ID, []string{}, []string{other.ID})

		// Roles set in sub-accounts: an entry in the log of each account changed.
		for _, id := range []string{"east", "west"} {
			v.Do(t, "POST", "/tenants/resources/sub-tenants/v1", map[string]any{"tenantId": id, "name": id, "parentTenantId": tn.TenantID}).Want(t, 200)
			addMember(t, s, u.ID, id)
		}
		set := func(east, west string) {
			t.Helper()
			v.Do(t, "PATCH", "/identity/resources/sub-tenants/users/v1/"+u.ID+"/roles", map[string]any{"subTenantsRoles": []map[string]any{
				{"tenantId": "east", "roleIds": []string{east}}, {"tenantId": "west", "roleIds": []string{west}}}}).Want(t, 200)
		}
		set(viewer.ID, viewer.ID)
		want("east", 1, "vendor", s.ClientID, []string{viewer.ID}, []string{})
		want("west", 1, "vendor", s.ClientID, []string{viewer.ID}, []string{})
		set(viewer.ID, other.ID)
		want("east", 1, "vendor", s.ClientID, []string{viewer.ID}, []string{})
		want("west", 2, "vendor", s.ClientID, []string{other.ID}, []string{viewer.ID})
		// The vendor's bulk change: an entry where a role was taken (west holds none of them).
		v.Do(t, "PATCH", "/identity/resources/vendor-only/users/v1/"+u.ID+"/roles/bulk",
			map[string]any{"removeRoleIds": []string{viewer.ID}, "tenantIds": []string{"east", "west"}}).Want(t, 200)
		want("east", 2, "vendor", s.ClientID, []string{}, []string{viewer.ID})
		if got := s.Audits(t, "west", "User roles changed"); len(got) != 2 {
			t.Fatalf("west's log has %d entries, want 2", len(got))
		}
		if got := s.Audits(t, tn.TenantID, "User roles changed"); len(got) != 2 {
			t.Fatalf("the parent account's log has %d entries, want 2", len(got))
		}
	})
}
