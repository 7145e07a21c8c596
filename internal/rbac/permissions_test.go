package rbac_test

import (
	"context"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/store"
)

const (
	categoriesPath  = "/identity/resources/permissions/v1/categories"
	permissionsPath = "/identity/resources/permissions/v1"
)

func TestPermissionCategories(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		c := v.Do(t, "POST", categoriesPath, map[string]any{"id": "billing", "name": " Billing ", "description": "Invoices"}).Want(t, 201).Map(t)
		if c["id"] != "billing" || c["name"] != "Billing" || c["feCategory"] != false || c["createdAt"] == nil {
			t.Fatalf("created category %v", c)
		}
		generated := v.Do(t, "POST", categoriesPath, map[string]any{"name": "Reports"}).Want(t, 201).Map(t)
		v.Do(t, "POST", categoriesPath, map[string]any{"id": "billing", "name": "Again"}).WantError(t, 409, "already exists")
		v.Do(t, "POST", categoriesPath, map[string]any{"description": "no name"}).WantError(t, 400, "name is required")
		v.Do(t, "POST", categoriesPath, map[string]any{"name": 5}).WantError(t, 400, "name must be of type string")

		m := v.Do(t, "PATCH", categoriesPath+"/billing", map[string]any{"name": "Billing and plans"}).Want(t, 200).Map(t)
		if m["name"] != "Billing and plans" || m["description"] != "Invoices" {
			t.Fatalf("patched category %v", m)
		}
		v.Do(t, "PATCH", categoriesPath+"/nope", map[string]any{"name": "x"}).WantError(t, 404, "Category not found")
		v.Do(t, "PATCH", categoriesPath+"/billing", map[string]any{"name": " "}).WantError(t, 400, "name must not be empty")

		// Frontegg's own categories cannot change.
		var all []map[string]any
		v.Do(t, "GET", categoriesPath, nil).Want(t, 200).JSON(t, &all)
		var fe map[string]any
		for _, c := range all {
			if c["feCategory"] == true {
				fe = c
			}
		}
		if fe == nil || len(fe["permissionIds"].([]any)) == 0 {
			t.Fatalf("no Frontegg category with permissions in %v", all)
		}
		v.Do(t, "PATCH", categoriesPath+"/"+fe["id"].(string), map[string]any{"name": "Mine"}).WantError(t, 400, "cannot be changed")
		v.Do(t, "DELETE", categoriesPath+"/"+fe["id"].(string), nil).WantError(t, 400, "cannot be changed")

		// Deleting a category keeps its permissions, without a category.
		p := v.Do(t, "POST", permissionsPath, []map[string]any{{"key": "billing.read", "name": "Read billing", "categoryId": "billing"}}).Want(t, 201)
		var created []map[string]any
		p.JSON(t, &created)
		v.Do(t, "DELETE", categoriesPath+"/billing", nil).Want(t, 200)
		v.Do(t, "DELETE", categoriesPath+"/billing", nil).WantError(t, 404, "Category not found")
		left, err := s.DB.FindPermission(context.Background(), created[0]["id"].(string))
		if err != nil || left.CategoryID != "" {
			t.Fatalf("permission after its category went: %+v, %v", left, err)
		}

		// Users read categories with fe.secure.read.permissions; only the vendor changes them.
		tn := s.SeedTenant(t, "Acme")
		_, reader := s.UserWith(t, tn.TenantID, "reader@example.com", "fe.secure.read.permissions")
		_, nobody := s.UserWith(t, tn.TenantID, "nobody@example.com")
		reader.Do(t, "GET", categoriesPath, nil).Want(t, 200)
		nobody.Do(t, "GET", categoriesPath, nil).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "PATCH", categoriesPath+"/"+generated["id"].(string), map[string]any{"name": "Hacked"}).Want(t, 403)
		reader.Do(t, "POST", categoriesPath, map[string]any{"name": "Mine"}).Want(t, 403)
		if got, _ := s.DB.FindPermissionCategory(context.Background(), generated["id"].(string)); got.Name != "Reports" {
			t.Fatalf("a refused change changed the category: %+v", got)
		}
	})
}

func TestPermissions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		v := s.Vendor(t)
		v.Do(t, "POST", categoriesPath, map[string]any{"id": "docs", "name": "Documents"}).Want(t, 201)
		var created []map[string]any
		v.Do(t, "POST", permissionsPath, []map[string]any{
			{"key": "docs.read", "name": "Read documents", "categoryId": "docs"},
			{"key": "docs.write", "name": "Write documents", "description": "Edit", "assignmentType": "NEVER"},
		}).Want(t, 201).JSON(t, &created)
		if len(created) != 2 || created[0]["key"] != "docs.read" || created[0]["categoryId"] != "docs" || created[0]["fePermission"] != false ||
			created[1]["assignmentType"] != "NEVER" || created[1]["categoryId"] != nil || len(created[0]["roleIds"].([]any)) != 0 {
			t.Fatalf("created %v", created)
		}
		readID, writeID := created[0]["id"].(string), created[1]["id"].(string)

		before, _ := s.DB.FindPermissions(ctx, store.PermissionFilter{})
		for _, tc := range []struct {
			body   any
			status int
			msg    string
		}{
			{[]map[string]any{{"key": "a.b", "name": "A"}, {"key": "a.b", "name": "B"}}, 409, "listed twice"},
			{[]map[string]any{{"key": "c.d", "name": "C"}, {"key": "docs.read", "name": "Again"}}, 409, "already exists"},
			{[]map[string]any{{"key": "fe.secure.mine", "name": "Mine"}}, 400, "reserved"},
			{[]map[string]any{{"key": "has space", "name": "X"}}, 400, "must not contain spaces"},
			{[]map[string]any{{"key": "e.f"}}, 400, "name is required"},
			{[]map[string]any{{"name": "No key"}}, 400, "key is required"},
			{[]map[string]any{{"key": "g.h", "name": "G", "categoryId": "nope"}}, 404, "Category nope not found"},
			{[]map[string]any{{"key": "i.j", "name": "I", "assignmentType": "SOMETIMES"}}, 400, "assignmentType must be one of"},
			{[]map[string]any{}, 400, "at least one"},
			{`[{"key": 1}]`, 400, "key must be of type string"},
		} {
			v.Do(t, "POST", permissionsPath, tc.body).WantError(t, tc.status, tc.msg)
		}
		if after, _ := s.DB.FindPermissions(ctx, store.PermissionFilter{}); len(after) != len(before) {
			t.Fatalf("refused creations added permissions: %d then %d", len(before), len(after))
		}

		p := v.Do(t, "PATCH", permissionsPath+"/"+readID, map[string]any{"name": "Read docs", "categoryId": ""}).Want(t, 200).Map(t)
		if p["name"] != "Read docs" || p["key"] != "docs.read" || p["categoryId"] != nil {
			t.Fatalf("patched %v", p)
		}
		v.Do(t, "PATCH", permissionsPath+"/"+readID, map[string]any{"key": "docs.write"}).WantError(t, 409, "already exists")
		v.Do(t, "PATCH", permissionsPath+"/"+readID, map[string]any{"categoryId": "nope"}).WantError(t, 404, "Category nope not found")
		v.Do(t, "PATCH", permissionsPath+"/nope", map[string]any{"name": "x"}).WantError(t, 404, "Permission not found")
		feID := permissionIDs(t, s, "fe.secure.read.users")[0]
		v.Do(t, "PATCH", permissionsPath+"/"+feID, map[string]any{"name": "Mine"}).WantError(t, 400, "cannot be changed")
		v.Do(t, "DELETE", permissionsPath+"/"+feID, nil).WantError(t, 400, "cannot be changed")

		// PUT {id}/roles sets exactly which roles hold the permission.
		tn := s.SeedTenant(t, "Acme")
		r1, r2 := s.SeedRole(t, "", "editor", "docs.read"), s.SeedRole(t, tn.TenantID, "viewer")
		p = v.Do(t, "PUT", permissionsPath+"/"+readID+"/roles", map[string]any{"roleIds": []string{r2.ID}}).Want(t, 200).Map(t)
		if ids := p["roleIds"].([]any); len(ids) != 1 || ids[0] != r2.ID {
			t.Fatalf("roles of the permission %v", p["roleIds"])
		}
		if len(role(t, s, r1.ID).Permissions) != 0 || len(role(t, s, r2.ID).Permissions) != 1 {
			t.Fatal("PUT roles did not move the permission")
		}
		v.Do(t, "PUT", permissionsPath+"/"+readID+"/roles", map[string]any{"roleIds": []string{"nope"}}).WantError(t, 404, "Role not found")
		v.Do(t, "PUT", permissionsPath+"/"+readID+"/roles", map[string]any{}).WantError(t, 400, "roleIds is required")
		v.Do(t, "PUT", permissionsPath+"/nope/roles", map[string]any{"roleIds": []string{}}).WantError(t, 404, "Permission not found")

		// Classification.
		var classified []map[string]any
		v.Do(t, "PUT", permissionsPath+"/classification", map[string]any{"permissionIds": []string{readID, writeID}, "type": "ALWAYS"}).
			Want(t, 200).JSON(t, &classified)
		if len(classified) != 2 || classified[0]["assignmentType"] != "ALWAYS" || classified[1]["assignmentType"] != "ALWAYS" {
			t.Fatalf("classified %v", classified)
		}
		v.Do(t, "PUT", permissionsPath+"/classification", map[string]any{"permissionIds": []string{readID}, "type": "MAYBE"}).WantError(t, 400, "type must be one of")
		v.Do(t, "PUT", permissionsPath+"/classification", map[string]any{"type": "NEVER"}).WantError(t, 400, "permissionIds is required")
		v.Do(t, "PUT", permissionsPath+"/classification", map[string]any{"permissionIds": []string{readID, "nope"}, "type": "NEVER"}).WantError(t, 404, "Permission not found")
		if got, _ := s.DB.FindPermission(ctx, readID); got.AssignmentType != "ALWAYS" {
			t.Fatalf("a refused classification changed %s to %s", got.Key, got.AssignmentType)
		}

		// Delete takes the permission from its roles.
		v.Do(t, "DELETE", permissionsPath+"/"+readID, nil).Want(t, 204)
		v.Do(t, "DELETE", permissionsPath+"/"+readID, nil).WantError(t, 404, "Permission not found")
		if len(role(t, s, r2.ID).Permissions) != 0 {
			t.Fatal("deleted permission still on a role")
		}

		// Users read permissions with fe.secure.read.permissions and cannot change them.
		_, reader := s.UserWith(t, tn.TenantID, "reader@example.com", "fe.secure.read.permissions")
		_, nobody := s.UserWith(t, tn.TenantID, "nobody@example.com")
		reader.Do(t, "GET", permissionsPath, nil).Want(t, 200)
		nobody.Do(t, "GET", permissionsPath, nil).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "POST", permissionsPath, []map[string]any{{"key": "x.y", "name": "X"}}).Want(t, 403)
		reader.Do(t, "DELETE", permissionsPath+"/"+writeID, nil).Want(t, 403)
		if _, err := s.DB.FindPermission(ctx, writeID); err != nil {
			t.Fatalf("a refused delete removed the permission: %v", err)
		}
	})
}

// TestPermissionRolesByUser: a user sets a permission on its account's roles
// only, and only a permission it holds.
func TestPermissionRolesByUser(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		other := s.SeedTenant(t, "Other")
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.write.updateRole", "fe.secure.read.users")
		_, plain := s.UserWith(t, tn.TenantID, "plain@example.com")
		own, foreign, global := s.SeedRole(t, tn.TenantID, "own"), s.SeedRole(t, other.TenantID, "foreign"), s.SeedRole(t, "", "global", "fe.secure.read.users")
		readUsers := permissionIDs(t, s, "fe.secure.read.users")[0]
		admin.Do(t, "PUT", permissionsPath+"/"+readUsers+"/roles", map[string]any{"roleIds": []string{own.ID}}).Want(t, 200)
		if len(role(t, s, own.ID).Permissions) != 1 || len(role(t, s, global.ID).Permissions) != 1 {
			t.Fatal("the account's role should have gained it and the environment's kept it")
		}
		admin.Do(t, "PUT", permissionsPath+"/"+readUsers+"/roles", map[string]any{"roleIds": []string{foreign.ID}}).WantError(t, 404, "Role not found")
		admin.Do(t, "PUT", permissionsPath+"/"+readUsers+"/roles", map[string]any{"roleIds": []string{global.ID}}).WantError(t, 404, "Role not found")
		deleteUsers := permissionIDs(t, s, "fe.secure.delete.users")[0]
		admin.Do(t, "PUT", permissionsPath+"/"+deleteUsers+"/roles", map[string]any{"roleIds": []string{own.ID}}).WantError(t, 403, "fe.secure.delete.users")
		plain.Do(t, "PUT", permissionsPath+"/"+readUsers+"/roles", map[string]any{"roleIds": []string{}}).WantError(t, 403, "Insufficient permissions")
		if len(role(t, s, own.ID).Permissions) != 1 || len(role(t, s, foreign.ID).Permissions) != 0 {
			t.Fatal("a refused change changed roles")
		}
	})
}
