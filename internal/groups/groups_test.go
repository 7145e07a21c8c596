package groups_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/store"
)

const groupsPath = "/identity/resources/groups/v1"

func TestGroups(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.read.groups", "fe.secure.write.groups", "fe.secure.delete.groups",
			"fe.secure.write.groupsRoles", "fe.secure.write.groupsUsers", "fe.secure.delete.groupsUsers", "fe.secure.read.users")
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		stranger := s.SeedUser(t, other.TenantID, "stranger@example.com", "")
		viewer := s.SeedRole(t, "", "viewer", "fe.secure.read.users")

		g := admin.Do(t, "POST", groupsPath, map[string]any{"name": "Support", "color": "#fff", "description": "Helps", "metadata": `{"x":1}`}).Want(t, 201).Map(t)
		if g["name"] != "Support" || g["managedBy"] != "frontegg" || g["metadata"] != `{"x":1}` || len(g["roles"].([]any)) != 0 {
			t.Fatalf("created group %v", g)
		}
		id := g["id"].(string)
		admin.Do(t, "POST", groupsPath, map[string]any{"name": "Support"}).WantError(t, 409, "already exists")
		admin.Do(t, "POST", groupsPath, map[string]any{}).WantError(t, 400, "name is required")
		admin.Do(t, "POST", groupsPath, map[string]any{"name": " "}).WantError(t, 400, "name must not be empty")
		admin.Do(t, "POST", groupsPath, map[string]any{"name": 4}).WantError(t, 400, "name must be of type string")

		admin.Do(t, "POST", groupsPath+"/"+id+"/roles", map[string]any{"roleIds": []string{viewer.ID}}).Want(t, 201)
		admin.Do(t, "POST", groupsPath+"/"+id+"/users", map[string]any{"userIds": []string{ada.ID}}).Want(t, 201)
		for _, tc := range []struct {
			method, path string
			body         any
			status       int
			msg          string
		}{
			{"POST", groupsPath + "/" + id + "/users", map[string]any{"userIds": []string{stranger.ID}}, 404, "User not found"},
			{"POST", groupsPath + "/" + id + "/roles", map[string]any{"roleIds": []string{s.SeedRole(t, other.TenantID, "theirs").ID}}, 404, "Role not found"},
			{"POST", groupsPath + "/nope/roles", map[string]any{"roleIds": []string{viewer.ID}}, 404, "Group not found"},
			{"POST", groupsPath + "/nope/users", map[string]any{"userIds": []string{ada.ID}}, 404, "Group not found"},
			{"POST", groupsPath + "/" + id + "/users", map[string]any{}, 400, "userIds is required"},
			{"DELETE", groupsPath + "/" + id + "/roles", map[string]any{"roleIds": []string{}}, 400, "roleIds must not be empty"},
			{"PATCH", groupsPath + "/nope", map[string]any{"name": "x"}, 404, "Group not found"},
			{"GET", groupsPath + "/nope", nil, 404, "Group not found"},
			{"GET", groupsPath + "?_groupsRelations=everything", nil, 400, "_groupsRelations must be one of"},
		} {
			admin.Do(t, tc.method, tc.path, tc.body).WantError(t, tc.status, tc.msg)
		}

		var one map[string]any
		admin.Do(t, "GET", groupsPath+"/"+id+"?_groupsRelations=rolesAndUsers", nil).Want(t, 200).JSON(t, &one)
		users, roles := one["users"].([]any), one["roles"].([]any)
		if len(users) != 1 || users[0].(map[string]any)["email"] != "ada@example.com" || users[0].(map[string]any)["activatedForTenant"] != true ||
			len(roles) != 1 || roles[0].(map[string]any)["key"] != "viewer" {
			t.Fatalf("group with relations %v", one)
		}
		var list struct{ Groups []map[string]any }
		admin.Do(t, "GET", groupsPath+"?_groupsRelations=users", nil).Want(t, 200).JSON(t, &list)
		if len(list.Groups) != 1 || len(list.Groups[0]["users"].([]any)) != 1 || len(list.Groups[0]["roles"].([]any)) != 0 {
			t.Fatalf("groups with users %v", list)
		}
		admin.Do(t, "POST", groupsPath+"/bulkGet?_groupsRelations=roles", map[string]any{"groupsIds": []string{id, "nope"}}).Want(t, 201).JSON(t, &list)
		if len(list.Groups) != 1 || len(list.Groups[0]["roles"].([]any)) != 1 {
			t.Fatalf("bulkGet %v", list)
		}
		admin.Do(t, "POST", groupsPath+"/bulkGet", map[string]any{}).WantError(t, 400, "groupsIds is required")

		var byUser []map[string]any
		admin.Do(t, "GET", "/identity/resources/users/v3/groups?ids="+ada.ID+","+stranger.ID, nil).Want(t, 200).JSON(t, &byUser)
		if len(byUser) != 1 || byUser[0]["userId"] != ada.ID || len(byUser[0]["groupIds"].([]any)) != 1 {
			t.Fatalf("users/v3/groups %v", byUser)
		}
		admin.Do(t, "GET", "/identity/resources/users/v3/groups", nil).WantError(t, 400, "ids is required")

		m := admin.Do(t, "PATCH", groupsPath+"/"+id, map[string]any{"name": "Customer support"}).Want(t, 200).Map(t)
		if m["name"] != "Customer support" || m["color"] != "#fff" {
			t.Fatalf("patched %v", m)
		}

		// Another account's groups are out of reach; its own admin cannot see this one.
		_, theirAdmin := s.UserWith(t, other.TenantID, "their@example.com", "fe.secure.read.groups", "fe.secure.delete.groups")
		theirAdmin.Do(t, "GET", groupsPath+"/"+id, nil).WantError(t, 404, "Group not found")
		theirAdmin.Do(t, "DELETE", groupsPath+"/"+id, nil).WantError(t, 404, "Group not found")

		admin.Do(t, "DELETE", groupsPath+"/"+id+"/users", map[string]any{"userIds": []string{ada.ID}}).Want(t, 200)
		admin.Do(t, "DELETE", groupsPath+"/"+id+"/roles", map[string]any{"roleIds": []string{viewer.ID}}).Want(t, 200)
		admin.Do(t, "DELETE", groupsPath+"/"+id, nil).Want(t, 200)
		admin.Do(t, "DELETE", groupsPath+"/"+id, nil).WantError(t, 404, "Group not found")
	})
}

// TestGroupRolesReachToken: a group's roles are part of every member's
// effective roles and permissions, in the access token, and leave it when
// the user leaves the group.
func TestGroupRolesReachToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		v := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID)
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		direct := s.SeedRole(t, "", "direct", "fe.secure.read.users")
		viaGroup := s.SeedRole(t, tn.TenantID, "via-group", "fe.secure.read.users", "fe.secure.read.groups")
		s.Grant(t, ada.ID, tn.TenantID, direct)
		g := v.Do(t, "POST", groupsPath, map[string]any{"name": "Readers"}).Want(t, 201).Map(t)
		gid := g["id"].(string)
		v.Do(t, "POST", groupsPath+"/"+gid+"/roles", map[string]any{"roleIds": []string{viaGroup.ID}}).Want(t, 201)
		v.Do(t, "POST", groupsPath+"/"+gid+"/users", map[string]any{"userIds": []string{ada.ID}}).Want(t, 201)

		c, res := s.Login(t, "ada@example.com", "correct horse")
		claims := apitest.Claims(t, res.AccessToken)
		if got := apitest.StringList(claims, "roles"); !slices.Equal(got, []string{"direct", "via-group"}) {
			t.Fatalf("roles %v", got)
		}
		if got := apitest.StringList(claims, "permissions"); !slices.Equal(got, []string{"fe.secure.read.groups", "fe.secure.read.users"}) {
			t.Fatalf("permissions %v (each once)", got)
		}
		c.Do(t, "GET", groupsPath, nil).Want(t, 200) // fe.secure.read.groups came through the group

		az, err := s.DB.FindAuthz(context.Background(), ada.ID, tn.TenantID)
		if err != nil || len(az.Roles) != 2 || len(az.Permissions) != 2 || len(az.Permissions[1].RoleIDs) != 2 {
			t.Fatalf("FindAuthz %+v, %v", az, err)
		}

		v.Do(t, "DELETE", groupsPath+"/"+gid+"/users", map[string]any{"userIds": []string{ada.ID}}).Want(t, 200)
		var next apitest.LoginResponse
		c.Do(t, "POST", "/identity/resources/auth/v1/user/token/refresh", map[string]any{}).Want(t, 201).JSON(t, &next)
		if got := apitest.StringList(apitest.Claims(t, next.AccessToken), "roles"); !slices.Equal(got, []string{"direct"}) {
			t.Fatalf("roles after leaving the group %v", got)
		}
	})
}

// TestGroupGrants: giving a group roles, or users to a group with roles, is
// granting: the caller must hold the permissions it passes on.
func TestGroupGrants(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		tn := s.SeedTenant(t, "Acme")
		v := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID)
		_, manager := s.UserWith(t, tn.TenantID, "manager@example.com", "fe.secure.write.groupsRoles", "fe.secure.write.groupsUsers", "fe.secure.read.groups")
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", "")
		strong := s.SeedRole(t, "", "strong", "fe.secure.delete.users")
		g := v.Do(t, "POST", groupsPath, map[string]any{"name": "Strong"}).Want(t, 201).Map(t)
		gid := g["id"].(string)
		manager.Do(t, "POST", groupsPath+"/"+gid+"/roles", map[string]any{"roleIds": []string{strong.ID}}).WantError(t, 403, "fe.secure.delete.users")
		v.Do(t, "POST", groupsPath+"/"+gid+"/roles", map[string]any{"roleIds": []string{strong.ID}}).Want(t, 201)
		manager.Do(t, "POST", groupsPath+"/"+gid+"/users", map[string]any{"userIds": []string{ada.ID}}).WantError(t, 403, "fe.secure.delete.users")
		if grp, _ := s.DB.FindGroup(ctx, tn.TenantID, gid, false, true); len(grp.Members) != 0 {
			t.Fatal("a refused grant added a member")
		}
		_, nobody := s.UserWith(t, tn.TenantID, "nobody@example.com")
		nobody.Do(t, "POST", groupsPath, map[string]any{"name": "Mine"}).WantError(t, 403, "Insufficient permissions")
		nobody.Do(t, "DELETE", groupsPath+"/"+gid, nil).WantError(t, 403, "Insufficient permissions")
		if gs, _, _ := s.DB.FindGroups(ctx, store.GroupFilter{TenantID: tn.TenantID, Unpaged: true}); len(gs) != 1 {
			t.Fatalf("refused calls changed the groups: %d", len(gs))
		}
	})
}

func TestGroupsConfigAndPaging(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.read.groups", "fe.secure.write.groups", "fe.secure.write.groupsRoles")
		cfg := admin.Do(t, "GET", groupsPath+"/config", nil).Want(t, 200).Map(t)
		if cfg["enabled"] != true || cfg["rolesEnabled"] != true {
			t.Fatalf("default config %v", cfg)
		}
		for _, name := range []string{"c", "a", "b"} {
			admin.Do(t, "POST", groupsPath, map[string]any{"name": name}).Want(t, 201)
		}
		var page struct {
			Items    []map[string]any                     `json:"items"`
			Metadata struct{ TotalItems, TotalPages int } `json:"_metadata"`
		}
		admin.Do(t, "GET", "/identity/resources/groups/v2?_sortBy=name&_limit=2&_offset=1", nil).Want(t, 200).JSON(t, &page)
		if page.Metadata.TotalItems != 3 || page.Metadata.TotalPages != 2 || len(page.Items) != 2 || page.Items[0]["name"] != "b" {
			t.Fatalf("page %+v", page)
		}
		admin.Do(t, "GET", "/identity/resources/groups/v2?_sortBy=color", nil).WantError(t, 400, "_sortBy must be one of")

		admin.Do(t, "POST", groupsPath+"/config", map[string]any{"rolesEnabled": false}).Want(t, 201)
		var gs struct{ Groups []map[string]any }
		admin.Do(t, "GET", groupsPath, nil).Want(t, 200).JSON(t, &gs)
		r := s.SeedRole(t, "", "any")
		admin.Do(t, "POST", groupsPath+"/"+gs.Groups[0]["id"].(string)+"/roles", map[string]any{"roleIds": []string{r.ID}}).WantError(t, 400, "Roles on groups are disabled")
		admin.Do(t, "POST", groupsPath+"/config", map[string]any{"enabled": false}).Want(t, 201)
		admin.Do(t, "POST", groupsPath, map[string]any{"name": "d"}).WantError(t, 400, "Groups are disabled")
		// The setting is the account's: the environment and other accounts keep the default.
		if cfg := s.Vendor(t).Do(t, "GET", groupsPath+"/config", nil).Want(t, 200).Map(t); cfg["enabled"] != true {
			t.Fatalf("environment config %v", cfg)
		}
		_, reader := s.UserWith(t, tn.TenantID, "reader@example.com", "fe.secure.read.groups")
		reader.Do(t, "POST", groupsPath+"/config", map[string]any{"enabled": true}).WantError(t, 403, "Insufficient permissions")
		if cfg := admin.Do(t, "GET", groupsPath+"/config", nil).Want(t, 200).Map(t); cfg["enabled"] != false {
			t.Fatalf("a refused change changed the config: %v", cfg)
		}
	})
}
