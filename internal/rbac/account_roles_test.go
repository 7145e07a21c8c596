package rbac_test

import (
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const rolesV2Path = "/identity/resources/roles/v2"

// TestAccountRoles: an account admin creates roles for its account from the
// permissions it holds, never beyond them.
func TestAccountRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.read.roles", "fe.secure.write.roles",
			"fe.secure.read.users", "fe.secure.write.users")
		_, reader := s.UserWith(t, tn.TenantID, "reader@example.com", "fe.secure.read.roles")
		base := s.SeedRole(t, "", "base")
		v.Do(t, "PATCH", rolesPath+"/"+base.ID, map[string]any{"level": 3}).Want(t, 200)
		held := permissionIDs(t, s, "fe.secure.read.users", "fe.secure.write.users")

		m := admin.Do(t, "POST", rolesV2Path, map[string]any{"key": "helpdesk", "name": "Helpdesk", "baseRoleId": base.ID, "permissionIds": held}).Want(t, 200).Map(t)
		if m["tenantId"] != tn.TenantID || len(m["permissions"].([]any)) != 2 || m["level"] != 3.0 || m["vendorId"] != s.ClientID {
			t.Fatalf("account role %v", m)
		}

		// Beyond the creator's permissions, NEVER-classified, unknown: refused, nothing created.
		deleteUsers := permissionIDs(t, s, "fe.secure.delete.users")[0]
		v.Do(t, "POST", permissionsPath, []map[string]any{{"key": "secret.thing", "name": "Secret", "assignmentType": "NEVER"}}).Want(t, 201)
		v.Do(t, "POST", permissionsPath, []map[string]any{{"key": "always.thing", "name": "Always", "assignmentType": "ALWAYS"}}).Want(t, 201)
		secret, always := permissionIDs(t, s, "secret.thing")[0], permissionIDs(t, s, "always.thing")[0]
		before := countRoles(t, s)
		for _, tc := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{"key": "k1", "name": "K", "baseRoleId": base.ID, "permissionIds": []string{held[0], deleteUsers}}, 403,
				"You cannot grant permissions you do not hold: fe.secure.delete.users"},
			{map[string]any{"key": "k2", "name": "K", "baseRoleId": base.ID, "permissionIds": []string{secret}}, 403, "cannot be given to account roles"},
			{map[string]any{"key": "k3", "name": "K", "baseRoleId": base.ID, "permissionIds": []string{"nope"}}, 404, "Permission not found"},
			{map[string]any{"key": "k4", "name": "K", "baseRoleId": "nope", "permissionIds": []string{}}, 404, "Base role not found"},
			{map[string]any{"key": "k5", "name": "K", "baseRoleId": s.SeedRole(t, other.TenantID, "theirs").ID, "permissionIds": []string{}}, 404, "Base role not found"},
			{map[string]any{"key": "helpdesk", "name": "Again", "baseRoleId": base.ID, "permissionIds": []string{}}, 409, "already exists"},
			{map[string]any{"name": "K", "baseRoleId": base.ID, "permissionIds": []string{}}, 400, "key is required"},
			{map[string]any{"key": "k6", "baseRoleId": base.ID, "permissionIds": []string{}}, 400, "name is required"},
			{map[string]any{"key": "k7", "name": "K", "permissionIds": []string{}}, 400, "baseRoleId is required"},
			{map[string]any{"key": "k8", "name": "K", "baseRoleId": base.ID}, 400, "permissionIds is required"},
		} {
			admin.Do(t, "POST", rolesV2Path, tc.body).WantError(t, tc.status, tc.msg)
		}
		reader.Do(t, "POST", rolesV2Path, map[string]any{"key": "r", "name": "R", "baseRoleId": base.ID, "permissionIds": []string{}}).WantError(t, 403, "Insufficient permissions")
		if got := countRoles(t, s); got != before+1 { // +1: the "theirs" role seeded above
			t.Fatalf("refused creations changed the roles: %d then %d", before, got)
		}

		// ALWAYS permissions join every account role whose creator holds them.
		s.Grant(t, mustUser(t, s, "admin@example.com"), tn.TenantID, s.SeedRole(t, tn.TenantID, "always-holder", "always.thing"))
		admin2, _ := s.Login(t, "admin@example.com", "correct horse")
		m = admin2.Do(t, "POST", rolesV2Path, map[string]any{"key": "plain", "name": "Plain", "baseRoleId": base.ID, "permissionIds": []string{held[0]}}).Want(t, 200).Map(t)
		if perms := m["permissions"].([]any); len(perms) != 2 || !slices.Contains(perms, any(always)) {
			t.Fatalf("ALWAYS permission not added: %v", perms)
		}

		// A vendor names the account.
		v.Do(t, "POST", rolesV2Path, map[string]any{"key": "x", "name": "X", "baseRoleId": base.ID, "permissionIds": []string{}}).WantError(t, 400, "frontegg-tenant-id header is required")
		m = v.With("frontegg-tenant-id", other.TenantID).Do(t, "POST", rolesV2Path,
			map[string]any{"key": "x", "name": "X", "baseRoleId": base.ID, "permissionIds": []string{deleteUsers}}).Want(t, 200).Map(t)
		if m["tenantId"] != other.TenantID {
			t.Fatalf("vendor's account role %v", m)
		}
	})
}

func mustUser(t *testing.T, s *apitest.Server, email string) string {
	t.Helper()
	u, err := s.DB.FindUserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestListRolesV2(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		for i, key := range []string{"alpha", "bravo", "charlie"} {
			v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", rolesPath, map[string]any{"key": key, "name": key, "level": 5 + i}).Want(t, 201)
		}
		v.With("frontegg-tenant-id", other.TenantID).Do(t, "POST", rolesPath, map[string]any{"key": "delta", "name": "delta", "level": 9}).Want(t, 201)
		_, reader := s.UserWith(t, tn.TenantID, "reader@example.com", "fe.secure.read.roles")

		var page struct {
			Items    []map[string]any `json:"items"`
			Metadata struct {
				TotalItems int `json:"totalItems"`
				TotalPages int `json:"totalPages"`
			} `json:"_metadata"`
		}
		// _offset counts pages.
		reader.Do(t, "GET", rolesV2Path+"?_levels=5,6,7&_sortBy=key&_limit=2&_offset=1", nil).Want(t, 200).JSON(t, &page)
		if page.Metadata.TotalItems != 3 || page.Metadata.TotalPages != 2 || len(page.Items) != 1 || page.Items[0]["key"] != "charlie" {
			t.Fatalf("second page %+v", page)
		}
		reader.Do(t, "GET", rolesV2Path+"?_filter=ALPH", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0]["key"] != "alpha" {
			t.Fatalf("filtered %v", keysOf(page.Items))
		}
		reader.Do(t, "GET", rolesV2Path+"?_levels=5,7&_sortBy=level&_order=DESC", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 2 || page.Items[0]["key"] != "charlie" || page.Items[1]["key"] != "alpha" {
			t.Fatalf("levels 5 and 7, descending: %v", keysOf(page.Items))
		}
		v.Do(t, "GET", rolesV2Path+"?_tenantIds="+other.TenantID+"&_sortBy=key", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0]["key"] != "delta" {
			t.Fatalf("vendor by account: %v", keysOf(page.Items))
		}
		reader.Do(t, "GET", rolesV2Path+"?_tenantIds="+other.TenantID, nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("a user saw another account's roles: %v", keysOf(page.Items))
		}
		reader.Do(t, "GET", rolesV2Path+"?_sortBy=color", nil).WantError(t, 400, "_sortBy must be one of")
		reader.Do(t, "GET", rolesV2Path+"?_limit=0", nil).WantError(t, 400, "_limit must be an integer")
		reader.Do(t, "GET", rolesV2Path+"?_order=UP", nil).WantError(t, 400, "_order must be one of")
		reader.Do(t, "GET", rolesV2Path+"?_levels=high", nil).WantError(t, 400, "_levels must be numbers")
		v.Do(t, "GET", rolesV2Path+"?_sortBy=permissions&_order=DESC&_limit=1", nil).Want(t, 200).JSON(t, &page)
		if page.Items[0]["key"] != "Admin" {
			t.Fatalf("most permissions first: %v", keysOf(page.Items))
		}

		var levels []int
		reader.Do(t, "GET", rolesV2Path+"/distinct-levels", nil).Want(t, 200).JSON(t, &levels)
		if !slices.Equal(levels, []int{0, 1, 5, 6, 7}) {
			t.Fatalf("levels %v", levels)
		}
		var tenants []string
		reader.Do(t, "GET", rolesV2Path+"/distinct-tenants", nil).Want(t, 200).JSON(t, &tenants)
		if !slices.Equal(tenants, []string{tn.TenantID}) {
			t.Fatalf("a user's tenants %v", tenants)
		}
		v.Do(t, "GET", rolesV2Path+"/distinct-tenants", nil).Want(t, 200).JSON(t, &tenants)
		if len(tenants) != 2 {
			t.Fatalf("vendor's tenants %v", tenants)
		}
		_, nobody := s.UserWith(t, tn.TenantID, "nobody@example.com")
		for _, path := range []string{rolesV2Path, rolesV2Path + "/distinct-levels", rolesV2Path + "/distinct-tenants", rolesPath} {
			nobody.Do(t, "GET", path, nil).WantError(t, 403, "Insufficient permissions")
		}
	})
}
