package rbac_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const rolesPath = "/identity/resources/roles/v1"

func TestRolesV1(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn := s.SeedTenant(t, "Acme")
		var created []map[string]any
		v.Do(t, "POST", rolesPath, []map[string]any{
			{"key": "support", "name": "Support", "description": "Helps", "level": 2},
			{"key": "auditor", "name": "Auditor", "level": 3, "isDefault": true},
		}).Want(t, 201).JSON(t, &created)
		if len(created) != 2 || created[0]["tenantId"] != nil || created[0]["level"] != 2.0 || created[1]["isDefault"] != true ||
			created[0]["vendorId"] != s.ClientID || len(created[0]["permissions"].([]any)) != 0 {
			t.Fatalf("created %v", created)
		}
		// The browser client's addRole sends one object, with permission ids.
		readUsers := permissionIDs(t, s, "fe.secure.read.users")[0]
		one := v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", rolesPath,
			map[string]any{"key": "member", "name": "Member", "level": 1, "permissions": []string{readUsers}}).Want(t, 201).Map(t)
		if one["tenantId"] != tn.TenantID || len(one["permissions"].([]any)) != 1 {
			t.Fatalf("account role %v", one)
		}

		before := countRoles(t, s)
		for _, tc := range []struct {
			body   any
			status int
			msg    string
		}{
			{[]map[string]any{{"key": "support", "name": "Again", "level": 0}}, 409, "already exists"},
			{[]map[string]any{{"key": "x", "name": "X", "level": 0}, {"key": "x", "name": "X again", "level": 0}}, 409, "already exists"},
			{[]map[string]any{{"name": "No key", "level": 0}}, 400, "key is required"},
			{[]map[string]any{{"key": "nameless", "level": 0}}, 400, "name is required"},
			{[]map[string]any{{"key": "flat", "name": "Flat"}}, 400, "level is required"},
			{[]map[string]any{{"key": "lvl", "name": "L", "level": "high"}}, 400, "level must be of type number"},
			{[]map[string]any{{"key": "p", "name": "P", "level": 0, "permissions": []string{"nope"}}}, 404, "Permission not found"},
		} {
			v.Do(t, "POST", rolesPath, tc.body).WantError(t, tc.status, tc.msg)
		}
		v.With("frontegg-tenant-id", "nope").Do(t, "POST", rolesPath, map[string]any{"key": "k", "name": "K", "level": 0}).WantError(t, 404, "Account not found")
		if countRoles(t, s) != before {
			t.Fatal("refused creations added roles")
		}

		// Listing: the environment's roles, plus the account's with its header.
		var list []map[string]any
		v.Do(t, "GET", rolesPath, nil).Want(t, 200).JSON(t, &list)
		if hasKey(list, "member") || !hasKey(list, "support") || !hasKey(list, "Admin") {
			t.Fatalf("environment roles %v", keysOf(list))
		}
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "GET", rolesPath, nil).Want(t, 200).JSON(t, &list)
		if !hasKey(list, "member") || !hasKey(list, "support") {
			t.Fatalf("account roles %v", keysOf(list))
		}

		id := created[0]["id"].(string)
		m := v.Do(t, "PATCH", rolesPath+"/"+id, map[string]any{"name": "Customer support", "level": 1, "firstUserRole": true}).Want(t, 200).Map(t)
		if m["name"] != "Customer support" || m["level"] != 1.0 || m["firstUserRole"] != true || m["key"] != "support" {
			t.Fatalf("patched %v", m)
		}
		v.Do(t, "PATCH", rolesPath+"/"+id, map[string]any{"key": "auditor"}).WantError(t, 409, "already exists")
		v.Do(t, "PATCH", rolesPath+"/nope", map[string]any{"name": "x"}).WantError(t, 404, "Role not found")
		v.Do(t, "PATCH", rolesPath+"/"+id, map[string]any{"name": ""}).WantError(t, 400, "name must not be empty")

		// PUT permissions replaces them.
		perms := permissionIDs(t, s, "fe.secure.read.users", "fe.secure.read.roles")
		m = v.Do(t, "PUT", rolesPath+"/"+id+"/permissions", map[string]any{"permissionIds": perms}).Want(t, 200).Map(t)
		if len(m["permissions"].([]any)) != 2 {
			t.Fatalf("role permissions %v", m["permissions"])
		}
		v.Do(t, "PUT", rolesPath+"/"+id+"/permissions", map[string]any{"permissionIds": []string{perms[0], "nope"}}).WantError(t, 404, "Permission not found")
		v.Do(t, "PUT", rolesPath+"/"+id+"/permissions", map[string]any{}).WantError(t, 400, "permissionIds is required")
		if len(role(t, s, id).Permissions) != 2 {
			t.Fatal("a refused change changed the role's permissions")
		}
		m = v.Do(t, "PUT", rolesPath+"/"+id+"/permissions", map[string]any{"permissionIds": []string{}}).Want(t, 200).Map(t)
		if len(m["permissions"].([]any)) != 0 {
			t.Fatalf("cleared permissions %v", m["permissions"])
		}

		// A default role with migrateRole reaches every current member.
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		v.Do(t, "PATCH", rolesPath+"/"+id, map[string]any{"isDefault": true, "migrateRole": true}).Want(t, 200)
		if keys := memberRoleKeys(t, s, u.ID, tn.TenantID); !slices.Contains(keys, "support") {
			t.Fatalf("migrated default role not given: %v", keys)
		}

		v.Do(t, "DELETE", rolesPath+"/"+created[1]["id"].(string), nil).Want(t, 204)
		v.Do(t, "DELETE", rolesPath+"/"+created[1]["id"].(string), nil).WantError(t, 404, "Role not found")
	})
}

func hasKey(roles []map[string]any, key string) bool {
	return slices.Contains(keysOf(roles), key)
}

func keysOf(roles []map[string]any) []string {
	var out []string
	for _, r := range roles {
		out = append(out, r["key"].(string))
	}
	return out
}

// TestDeleteRoleCascade: deleting a role takes it from every user and group
// that held it, so the next token of their members lacks it.
func TestDeleteRoleCascade(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		v := s.Vendor(t)
		tn := s.SeedTenant(t, "Acme")
		doomed := s.SeedRole(t, "", "doomed", "fe.secure.read.audits")
		kept := s.SeedRole(t, "", "kept", "fe.secure.read.users")
		direct := s.SeedUser(t, tn.TenantID, "direct@example.com", "correct horse")
		viaGroup := s.SeedUser(t, tn.TenantID, "group@example.com", "correct horse")
		s.Grant(t, direct.ID, tn.TenantID, doomed, kept)
		vt := v.With("frontegg-tenant-id", tn.TenantID)
		g := vt.Do(t, "POST", "/identity/resources/groups/v1", map[string]any{"name": "Auditors"}).Want(t, 201).Map(t)
		gid := g["id"].(string)
		vt.Do(t, "POST", "/identity/resources/groups/v1/"+gid+"/roles", map[string]any{"roleIds": []string{doomed.ID}}).Want(t, 201)
		vt.Do(t, "POST", "/identity/resources/groups/v1/"+gid+"/users", map[string]any{"userIds": []string{viaGroup.ID}}).Want(t, 201)

		c, _ := s.Login(t, "group@example.com", "correct horse")
		_, res := s.Login(t, "group@example.com", "correct horse")
		if got := apitest.StringList(apitest.Claims(t, res.AccessToken), "roles"); !slices.Equal(got, []string{"doomed"}) {
			t.Fatalf("group member's roles before: %v", got)
		}

		v.Do(t, "DELETE", rolesPath+"/"+doomed.ID, nil).Want(t, 204)
		if _, err := s.DB.FindRole(ctx, doomed.ID); err == nil {
			t.Fatal("deleted role still there")
		}
		if g, err := s.DB.FindGroup(ctx, tn.TenantID, gid, true, false); err != nil || len(g.Roles) != 0 {
			t.Fatalf("group roles after: %v, %v", g, err)
		}
		if keys := memberRoleKeys(t, s, direct.ID, tn.TenantID); !slices.Equal(keys, []string{"kept"}) {
			t.Fatalf("direct holder's roles after: %v", keys)
		}
		var next apitest.LoginResponse
		c.Do(t, "POST", "/identity/resources/auth/v1/user/token/refresh", map[string]any{}).Want(t, 201).JSON(t, &next)
		claims := apitest.Claims(t, next.AccessToken)
		if got := apitest.StringList(claims, "roles"); len(got) != 0 || len(apitest.StringList(claims, "permissions")) != 0 {
			t.Fatalf("group member's token after: roles %v permissions %v", got, apitest.StringList(claims, "permissions"))
		}
	})
}

// TestMoveRole: PUT roles/{id}/tenant moves a role between the environment
// and an account; moved into an account, it leaves every other.
func TestMoveRole(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		acme, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		r := s.SeedRole(t, "", "traveller")
		a, o := s.SeedUser(t, acme.TenantID, "a@example.com", ""), s.SeedUser(t, other.TenantID, "o@example.com", "")
		s.Grant(t, a.ID, acme.TenantID, r)
		s.Grant(t, o.ID, other.TenantID, r)
		m := v.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{"tenantId": acme.TenantID}).Want(t, 200).Map(t)
		if m["tenantId"] != acme.TenantID {
			t.Fatalf("moved role %v", m)
		}
		if len(memberRoleKeys(t, s, o.ID, other.TenantID)) != 0 || len(memberRoleKeys(t, s, a.ID, acme.TenantID)) != 1 {
			t.Fatal("moving into an account should take the role from the others only")
		}
		m = v.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{"tenantId": nil}).Want(t, 200).Map(t)
		if m["tenantId"] != nil {
			t.Fatalf("role back in the environment %v", m)
		}
		v.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{}).WantError(t, 400, "tenantId is required")
		v.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{"tenantId": 3}).WantError(t, 400, "tenantId must be of type string")
		v.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{"tenantId": "nope"}).WantError(t, 404, "Account not found")
		v.Do(t, "PUT", rolesPath+"/nope/tenant", map[string]any{"tenantId": nil}).WantError(t, 404, "Role not found")
		s.SeedRole(t, other.TenantID, "traveller")
		v.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{"tenantId": other.TenantID}).WantError(t, 409, "already exists")
		_, admin := s.UserWith(t, acme.TenantID, "admin@example.com", "fe.secure.write.updateRole", "fe.secure.write.roles")
		admin.Do(t, "PUT", rolesPath+"/"+r.ID+"/tenant", map[string]any{"tenantId": acme.TenantID}).Want(t, 403)
		if role(t, s, r.ID).TenantID != "" {
			t.Fatal("a refused move moved the role")
		}
	})
}

// TestAccountRolesV1ByUser: through roles/v1 a user manages its own
// account's roles only, from permissions it holds.
func TestAccountRolesV1ByUser(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.read.roles", "fe.secure.write.roles",
			"fe.secure.write.updateRole", "fe.secure.delete.role", "fe.secure.read.users")
		readUsers, deleteUsers := permissionIDs(t, s, "fe.secure.read.users")[0], permissionIDs(t, s, "fe.secure.delete.users")[0]
		m := admin.Do(t, "POST", rolesPath, map[string]any{"key": "viewer", "name": "Viewer", "level": 2, "permissions": []string{readUsers}}).Want(t, 201).Map(t)
		if m["tenantId"] != tn.TenantID {
			t.Fatalf("a user's role belongs to its account: %v", m)
		}
		before := countRoles(t, s)
		admin.Do(t, "POST", rolesPath, map[string]any{"key": "deleter", "name": "Deleter", "level": 2, "permissions": []string{deleteUsers}}).
			WantError(t, 403, "You cannot grant permissions you do not hold: fe.secure.delete.users")
		if countRoles(t, s) != before {
			t.Fatal("a refused role was created")
		}
		id := m["id"].(string)
		admin.Do(t, "PUT", rolesPath+"/"+id+"/permissions", map[string]any{"permissionIds": []string{readUsers, deleteUsers}}).WantError(t, 403, "fe.secure.delete.users")
		if len(role(t, s, id).Permissions) != 1 {
			t.Fatal("a refused change changed the role")
		}
		// The environment's roles are the vendor's; another account's are not found.
		envRole := s.SeedRole(t, "", "env-role")
		foreign := s.SeedRole(t, other.TenantID, "foreign")
		admin.Do(t, "PATCH", rolesPath+"/"+envRole.ID, map[string]any{"name": "Mine"}).WantError(t, 403, "environment token")
		admin.Do(t, "DELETE", rolesPath+"/"+envRole.ID, nil).WantError(t, 403, "environment token")
		admin.Do(t, "DELETE", rolesPath+"/"+foreign.ID, nil).WantError(t, 404, "Role not found")
		if role(t, s, envRole.ID).Name != "env-role" || role(t, s, foreign.ID).ID == "" {
			t.Fatal("refused changes changed roles")
		}
		// Making a role default (with migration) is granting it to everyone.
		strong := s.SeedRole(t, tn.TenantID, "strong", "fe.secure.delete.users")
		admin.Do(t, "PATCH", rolesPath+"/"+strong.ID, map[string]any{"isDefault": true, "migrateRole": true}).WantError(t, 403, "fe.secure.delete.users")
		admin.Do(t, "PATCH", rolesPath+"/"+id, map[string]any{"name": "Viewers"}).Want(t, 200)
		admin.Do(t, "DELETE", rolesPath+"/"+id, nil).Want(t, 204)
	})
}
