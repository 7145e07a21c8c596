package rbac_test

import (
	"slices"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

func userRolesPath(userID string) string { return "/identity/resources/users/v1/" + userID + "/roles" }

func TestUserRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		viewer := s.SeedRole(t, "", "viewer", "fe.secure.read.users")
		deleter := s.SeedRole(t, "", "deleter", "fe.secure.delete.users")
		theirs := s.SeedRole(t, other.TenantID, "theirs")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		vt := v.With("frontegg-tenant-id", tn.TenantID)

		var out struct {
			TenantID string           `json:"tenantId"`
			UserID   string           `json:"userId"`
			Roles    []map[string]any `json:"roles"`
		}
		vt.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID, deleter.ID}}).Want(t, 201).JSON(t, &out)
		if out.TenantID != tn.TenantID || out.UserID != u.ID || len(out.Roles) != 2 || out.Roles[0]["key"] == nil {
			t.Fatalf("assigned %+v", out)
		}
		// The next token holds the roles and their permissions.
		_, res := s.Login(t, "ada@example.com", "correct horse")
		claims := apitest.Claims(t, res.AccessToken)
		if got := apitest.StringList(claims, "roles"); !slices.Equal(got, []string{"deleter", "viewer"}) {
			t.Fatalf("roles claim %v", got)
		}
		if got := apitest.StringList(claims, "permissions"); !slices.Equal(got, []string{"fe.secure.delete.users", "fe.secure.read.users"}) {
			t.Fatalf("permissions claim %v", got)
		}
		vt.Do(t, "DELETE", userRolesPath(u.ID), map[string]any{"roleIds": []string{deleter.ID}}).Want(t, 200).JSON(t, &out)
		if len(out.Roles) != 1 || out.Roles[0]["key"] != "viewer" {
			t.Fatalf("after unassign %+v", out)
		}

		for _, tc := range []struct {
			c      *apitest.Client
			method string
			user   string
			body   any
			status int
			msg    string
		}{
			{vt, "POST", u.ID, map[string]any{"roleIds": []string{theirs.ID}}, 404, "Role not found"},
			{vt, "POST", u.ID, map[string]any{"roleIds": []string{"nope"}}, 404, "Role not found"},
			{vt, "POST", "nope", map[string]any{"roleIds": []string{viewer.ID}}, 404, "User not found"},
			{v.With("frontegg-tenant-id", other.TenantID), "POST", u.ID, map[string]any{"roleIds": []string{viewer.ID}}, 404, "User not found"},
			{vt, "POST", u.ID, map[string]any{}, 400, "roleIds is required"},
			{vt, "POST", u.ID, map[string]any{"roleIds": []string{}}, 400, "roleIds must not be empty"},
			{vt, "POST", u.ID, map[string]any{"roleIds": "x"}, 400, "roleIds must be of type array"},
			{v, "POST", u.ID, map[string]any{"roleIds": []string{viewer.ID}}, 400, "frontegg-tenant-id header is required"},
			{vt, "DELETE", u.ID, map[string]any{}, 400, "roleIds is required"},
		} {
			tc.c.Do(t, tc.method, userRolesPath(tc.user), tc.body).WantError(t, tc.status, tc.msg)
		}
		if keys := memberRoleKeys(t, s, u.ID, tn.TenantID); !slices.Equal(keys, []string{"viewer"}) {
			t.Fatalf("refused changes changed the roles: %v", keys)
		}

		// A user assigns only roles it could grant, and needs the permissions to assign or take.
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.write.usersRoles", "fe.secure.delete.usersRoles", "fe.secure.read.users")
		_, nobody := s.UserWith(t, tn.TenantID, "nobody@example.com", "fe.secure.read.users")
		admin.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{deleter.ID}}).WantError(t, 403, "fe.secure.delete.users")
		nobody.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID}}).WantError(t, 403, "Insufficient permissions")
		nobody.Do(t, "DELETE", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID}}).WantError(t, 403, "Insufficient permissions")
		if keys := memberRoleKeys(t, s, u.ID, tn.TenantID); !slices.Equal(keys, []string{"viewer"}) {
			t.Fatalf("refused changes changed the roles: %v", keys)
		}
		admin.Do(t, "DELETE", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID}}).Want(t, 200)
		admin.Do(t, "POST", userRolesPath(u.ID), map[string]any{"roleIds": []string{viewer.ID}}).Want(t, 201)

		// users/v3/roles lists direct roles of members of the account.
		var lists []map[string]any
		admin.Do(t, "GET", "/identity/resources/users/v3/roles?ids="+u.ID+",nope", nil).Want(t, 200).JSON(t, &lists)
		if len(lists) != 1 || lists[0]["userId"] != u.ID || lists[0]["tenantId"] != tn.TenantID || lists[0]["vendorId"] != s.ClientID ||
			len(lists[0]["roleIds"].([]any)) != 1 {
			t.Fatalf("users/v3/roles %v", lists)
		}
		admin.Do(t, "GET", "/identity/resources/users/v3/roles", nil).WantError(t, 400, "ids is required")
		s.UserWith(t, tn.TenantID, "noperm@example.com")
		noperm, _ := s.Login(t, "noperm@example.com", "correct horse")
		noperm.Do(t, "GET", "/identity/resources/users/v3/roles?ids="+u.ID, nil).WantError(t, 403, "Insufficient permissions")
	})
}

func TestBulkRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		a, b, c := s.SeedTenant(t, "A"), s.SeedTenant(t, "B"), s.SeedTenant(t, "C")
		u := s.SeedUser(t, a.TenantID, "ada@example.com", "")
		for _, tn := range []string{b.TenantID, c.TenantID} {
			if err := s.DB.AssignUserRoles(t.Context(), u.ID, tn, nil, s.Clock.Now()); err == nil {
				t.Fatal("assigning in an account the user is not in should fail")
			}
		}
		addMember(t, s, u.ID, b.TenantID)
		global := s.SeedRole(t, "", "global")
		onlyA := s.SeedRole(t, a.TenantID, "only-a")
		old := s.SeedRole(t, "", "old")
		s.Grant(t, u.ID, a.TenantID, old)
		s.Grant(t, u.ID, b.TenantID, old)

		// Synchronous: A and B succeed; only-a fails in B; C (not a member) fails; the rest is kept.
		path := "/identity/resources/vendor-only/users/v1/" + u.ID + "/roles/bulk"
		res := v.Do(t, "PATCH", path, map[string]any{"addRoleIds": []string{global.ID, onlyA.ID}, "removeRoleIds": []string{old.ID},
			"tenantIds": []string{a.TenantID, b.TenantID, c.TenantID}}).Want(t, 200).Map(t)
		if res["affectedTenants"] != 1.0 || res["status"] != "CompletedWithErrors" || res["userId"] != u.ID {
			t.Fatalf("bulk answer %v", res)
		}
		if keys := memberRoleKeys(t, s, u.ID, a.TenantID); !slices.Equal(keys, []string{"global", "only-a"}) {
			t.Fatalf("roles in A %v", keys)
		}
		if keys := memberRoleKeys(t, s, u.ID, b.TenantID); !slices.Equal(keys, []string{"old"}) {
			t.Fatalf("roles in B (its step failed whole) %v", keys)
		}
		status := v.Do(t, "GET", "/identity/resources/vendor-only/users/v1/bulk-roles/status/"+res["taskId"].(string), nil).Want(t, 200).Map(t)
		errs := status["errors"].([]any)
		if status["totalTenants"] != 3.0 || status["processedTenants"] != 3.0 || len(errs) != 2 ||
			errs[0].(map[string]any)["tenantId"] != b.TenantID || errs[1].(map[string]any)["tenantId"] != c.TenantID {
			t.Fatalf("task status %v", status)
		}

		// Without tenantIds: every account of the user.
		res = v.Do(t, "PATCH", path, map[string]any{"removeRoleIds": []string{old.ID}}).Want(t, 200).Map(t)
		if res["affectedTenants"] != 2.0 || res["status"] != "Completed" || len(memberRoleKeys(t, s, u.ID, b.TenantID)) != 0 {
			t.Fatalf("bulk over every account %v", res)
		}

		for _, tc := range []struct {
			path string
			body any
			code int
			msg  string
		}{
			{path, map[string]any{}, 400, "addRoleIds or removeRoleIds must list a role"},
			{path, map[string]any{"addRoleIds": []string{"nope"}}, 404, "Role not found"},
			{path, map[string]any{"addRoleIds": []string{global.ID}, "tenantIds": []string{}}, 400, "tenantIds must not be empty"},
			{"/identity/resources/vendor-only/users/v1/nope/roles/bulk", map[string]any{"addRoleIds": []string{global.ID}}, 404, "User not found"},
		} {
			v.Do(t, "PATCH", tc.path, tc.body).WantError(t, tc.code, tc.msg)
		}
		v.Do(t, "GET", "/identity/resources/vendor-only/users/v1/bulk-roles/status/nope", nil).WantError(t, 404, "Task not found")
		_, admin := s.UserWith(t, a.TenantID, "admin@example.com", "fe.secure.*")
		admin.Do(t, "PATCH", path, map[string]any{"addRoleIds": []string{global.ID}}).Want(t, 403)
	})
}

// TestBulkRolesInBackground: more accounts than BulkSyncLimit are done by the
// background runner; the task is polled until complete.
func TestBulkRolesInBackground(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		first := s.SeedTenant(t, "T0")
		u := s.SeedUser(t, first.TenantID, "ada@example.com", "")
		tenants := []string{first.TenantID}
		for i := 1; i < 12; i++ {
			tn := s.SeedTenant(t, "T")
			addMember(t, s, u.ID, tn.TenantID)
			tenants = append(tenants, tn.TenantID)
		}
		r := s.SeedRole(t, "", "everywhere")
		res := v.Do(t, "PATCH", "/identity/resources/vendor-only/users/v1/"+u.ID+"/roles/bulk", map[string]any{"addRoleIds": []string{r.ID}}).Want(t, 200).Map(t)
		if res["status"] != "NotStarted" {
			t.Fatalf("a large task should be queued: %v", res)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			st := v.Do(t, "GET", "/identity/resources/vendor-only/users/v1/bulk-roles/status/"+res["taskId"].(string), nil).Want(t, 200).Map(t)
			if st["status"] == "Completed" && st["processedTenants"] == 12.0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("task not done: %v", st)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for _, tn := range tenants {
			if keys := memberRoleKeys(t, s, u.ID, tn); !slices.Equal(keys, []string{"everywhere"}) {
				t.Fatalf("roles in %s: %v", tn, keys)
			}
		}
	})
}
