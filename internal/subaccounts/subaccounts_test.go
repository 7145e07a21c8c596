package subaccounts_test

import (
	"context"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const subPath = "/tenants/resources/sub-tenants/v1"

func TestSubAccounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		root, other := s.SeedTenant(t, "Root"), s.SeedTenant(t, "Other")
		_, admin := s.UserWith(t, root.TenantID, "admin@example.com", "fe.account-hierarchy.read.subAccount", "fe.account-hierarchy.write.subAccount",
			"fe.account-hierarchy.delete.subAccount", "fe.account-hierarchy.write.subAccountManagement")
		child := admin.Do(t, "POST", subPath, map[string]any{"tenantId": "child", "name": "Child", "parentTenantId": root.TenantID,
			"website": "https://child.example.com"}).Want(t, 200).Map(t)
		if child["tenantId"] != "child" || child["parentTenantId"] != root.TenantID || child["website"] != "https://child.example.com" || child["status"] != "active" {
			t.Fatalf("created %v", child)
		}
		admin.Do(t, "POST", subPath, map[string]any{"tenantId": "grandchild", "name": "Grandchild", "parentTenantId": "child"}).Want(t, 200)
		admin.Do(t, "POST", subPath, map[string]any{"tenantId": "second", "name": "Second", "parentTenantId": root.TenantID}).Want(t, 200)
		for _, tc := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{"tenantId": "child", "name": "Again", "parentTenantId": root.TenantID}, 409, "already exists"},
			{map[string]any{"name": "X", "parentTenantId": root.TenantID}, 400, "tenantId is required"},
			{map[string]any{"tenantId": "x", "parentTenantId": root.TenantID}, 400, "name is required"},
			{map[string]any{"tenantId": "x", "name": "X"}, 400, "parentTenantId is required"},
			{map[string]any{"tenantId": "x", "name": "X", "parentTenantId": other.TenantID}, 404, "Parent account not found"},
			{map[string]any{"tenantId": "x", "name": "X", "parentTenantId": "nope"}, 404, "Parent account not found"},
		} {
			admin.Do(t, "POST", subPath, tc.body).WantError(t, tc.status, tc.msg)
		}

		var list []map[string]any
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v1", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 3 || list[0]["level"] != 1.0 || list[2]["tenantId"] != "grandchild" || list[2]["level"] != 2.0 {
			t.Fatalf("sub-accounts %v", list)
		}
		tree := admin.Do(t, "GET", "/tenants/resources/hierarchy/v1/tree", nil).Want(t, 200).Map(t)
		kids := tree["children"].([]any)
		if tree["tenantId"] != root.TenantID || len(kids) != 2 {
			t.Fatalf("tree %v", tree)
		}
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v1/parents/grandchild", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 2 || list[0]["tenantId"] != "child" || list[1]["tenantId"] != root.TenantID || list[1]["level"] != 2.0 {
			t.Fatalf("parents of the grandchild %v", list)
		}
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v1/parents/"+other.TenantID, nil).WantError(t, 404, "Sub-account not found")
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v1/parents", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("parents of the root %v", list)
		}

		var page struct {
			Items    []map[string]any         `json:"items"`
			Metadata struct{ TotalItems int } `json:"_metadata"`
		}
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v2?_sortBy=name", nil).Want(t, 200).JSON(t, &page)
		if page.Metadata.TotalItems != 2 || page.Items[0]["tenantId"] != "child" || page.Items[0]["metadata"].(map[string]any)["isParent"] != true ||
			page.Items[1]["metadata"].(map[string]any)["isParent"] != false || page.Items[0]["subAccountAccessType"] != "defaultOff" {
			t.Fatalf("search %+v", page)
		}
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v2?_filter=GRAND", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0]["tenantId"] != "grandchild" {
			t.Fatalf("search by text %+v", page)
		}
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v2?_subTenantId=child", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0]["tenantId"] != "grandchild" {
			t.Fatalf("search under child %+v", page)
		}
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v2?_subTenantId="+other.TenantID, nil).WantError(t, 404, "Sub-account not found")
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v2?_sortBy=size", nil).WantError(t, 400, "_sortBy must be one of")
		admin.Do(t, "GET", "/tenants/resources/hierarchy/v2/metadata?_tenantIds="+root.TenantID+",child,second,"+other.TenantID, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 3 || list[0]["totalSubTenants"] != 3.0 || list[1]["totalSubTenants"] != 1.0 || list[2]["isParent"] != false {
			t.Fatalf("metadata %v", list)
		}

		m := admin.Do(t, "PATCH", subPath+"/child", map[string]any{"name": "First child"}).Want(t, 200).Map(t)
		if m["name"] != "First child" {
			t.Fatalf("renamed %v", m)
		}
		m = admin.Do(t, "PUT", subPath+"/child/management", map[string]any{"isReseller": true}).Want(t, 200).Map(t)
		if m["isReseller"] != true {
			t.Fatalf("management %v", m)
		}
		admin.Do(t, "PUT", subPath+"/child/management", map[string]any{}).WantError(t, 400, "isReseller is required")
		admin.Do(t, "PATCH", subPath+"/"+other.TenantID, map[string]any{"name": "Mine"}).WantError(t, 404, "Sub-account not found")
		admin.Do(t, "PATCH", subPath+"/"+root.TenantID, map[string]any{"name": "Mine"}).WantError(t, 404, "Sub-account not found")

		admin.Do(t, "DELETE", subPath+"/child", nil).WantError(t, 409, "sub-accounts of this account first")
		admin.Do(t, "DELETE", subPath+"/grandchild", nil).Want(t, 200)
		admin.Do(t, "DELETE", subPath+"/grandchild", nil).WantError(t, 404, "Sub-account not found")

		_, reader := s.UserWith(t, root.TenantID, "reader@example.com", "fe.account-hierarchy.read.subAccount")
		reader.Do(t, "POST", subPath, map[string]any{"tenantId": "x", "name": "X", "parentTenantId": root.TenantID}).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "DELETE", subPath+"/second", nil).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "PATCH", subPath+"/second", map[string]any{"name": "Renamed"}).WantError(t, 403, "Insufficient permissions")
		if t2, err := s.DB.FindTenant(ctx, "second"); err != nil || t2.Name != "Second" {
			t.Fatalf("refused calls changed the sub-account: %+v %v", t2, err)
		}
		if _, err := s.DB.FindTenant(ctx, "x"); err == nil {
			t.Fatal("a refused creation created an account")
		}
	})
}

func TestAttachDetach(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		a, b, c := s.SeedTenant(t, "A"), s.SeedTenant(t, "B"), s.SeedTenant(t, "C")
		n := v.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": a.TenantID, "childTenantId": b.TenantID}).Want(t, 200).Map(t)
		if n["tenantId"] != b.TenantID || n["parentId"] != a.TenantID || n["vendorId"] != s.ClientID {
			t.Fatalf("attached %v", n)
		}
		v.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": b.TenantID, "childTenantId": c.TenantID}).Want(t, 200)
		v.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": c.TenantID, "childTenantId": a.TenantID}).WantError(t, 400, "must not be childTenantId or one of its sub-accounts")
		v.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": a.TenantID, "childTenantId": a.TenantID}).WantError(t, 400, "must not be")
		v.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": "nope", "childTenantId": a.TenantID}).WantError(t, 404, "Account not found")
		v.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": a.TenantID}).WantError(t, 400, "childTenantId is required")
		var list []map[string]any
		v.With("frontegg-tenant-id", a.TenantID).Do(t, "GET", "/tenants/resources/hierarchy/v1", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 2 {
			t.Fatalf("after attaching %v", list)
		}
		v.Do(t, "GET", "/tenants/resources/hierarchy/v1", nil).WantError(t, 400, "frontegg-tenant-id header is required")
		v.Do(t, "DELETE", "/tenants/resources/hierarchy/v1", map[string]any{"childTenantId": b.TenantID}).Want(t, 200)
		v.Do(t, "DELETE", "/tenants/resources/hierarchy/v1", map[string]any{"childTenantId": b.TenantID}).WantError(t, 404, "Sub-account not found")
		v.Do(t, "DELETE", "/tenants/resources/hierarchy/v1", map[string]any{}).WantError(t, 400, "childTenantId is required")
		v.With("frontegg-tenant-id", a.TenantID).Do(t, "GET", "/tenants/resources/hierarchy/v1", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("after detaching %v", list)
		}
		_, admin := s.UserWith(t, a.TenantID, "admin@example.com", "fe.account-hierarchy.write.subAccount")
		admin.Do(t, "POST", "/tenants/resources/hierarchy/v1", map[string]any{"parentTenantId": a.TenantID, "childTenantId": b.TenantID}).Want(t, 403)
	})
}

// TestActingInSubAccounts: a user acts in a sub-account of its account, with
// the permissions it holds there, when its account lets it.
func TestActingInSubAccounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		root := s.SeedTenant(t, "Root")
		v.With("frontegg-tenant-id", root.TenantID).Do(t, "POST", subPath, map[string]any{"tenantId": "child", "name": "Child", "parentTenantId": root.TenantID}).Want(t, 200)
		v.Do(t, "POST", subPath, map[string]any{"tenantId": "grandchild", "name": "Grandchild", "parentTenantId": "child"}).Want(t, 200)
		stranger := s.SeedTenant(t, "Stranger")
		perms := []string{"fe.secure.read.groups", "fe.secure.write.groups", "fe.account-hierarchy.write.subAccountAccess", "fe.account-hierarchy.read.subAccount"}
		ada, c := s.UserWith(t, root.TenantID, "ada@example.com", perms...)
		_, boss := s.UserWith(t, root.TenantID, "boss@example.com", perms...)
		inChild := c.With("frontegg-tenant-id", "grandchild")

		inChild.Do(t, "GET", "/identity/resources/groups/v1", nil).WantError(t, 403, "do not have access to this account")
		boss.Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/"+ada.ID+"/access", map[string]any{"allowAccess": true}).Want(t, 200)
		inChild.Do(t, "POST", "/identity/resources/groups/v1", map[string]any{"name": "Made from the root"}).Want(t, 201)
		var gs struct{ Groups []map[string]any }
		v.With("frontegg-tenant-id", "grandchild").Do(t, "GET", "/identity/resources/groups/v1", nil).Want(t, 200).JSON(t, &gs)
		if len(gs.Groups) != 1 {
			t.Fatalf("the group should be the grandchild's: %v", gs)
		}
		c.With("frontegg-tenant-id", stranger.TenantID).Do(t, "GET", "/identity/resources/groups/v1", nil).WantError(t, 403, "do not have access")

		// Access off for ada again; the account's alwaysOn gives it back to everyone.
		boss.Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/"+ada.ID+"/access", map[string]any{"allowAccess": false}).Want(t, 200)
		inChild.Do(t, "GET", "/identity/resources/groups/v1", nil).WantError(t, 403, "do not have access")
		boss.Do(t, "PUT", subPath+"/"+root.TenantID+"/hierarchy-settings", map[string]any{"subAccountAccessType": "alwaysOn"}).Want(t, 200)
		inChild.Do(t, "GET", "/identity/resources/groups/v1", nil).Want(t, 200)
		boss.Do(t, "PUT", subPath+"/"+root.TenantID+"/hierarchy-settings", map[string]any{"subAccountAccessType": "defaultOn"}).Want(t, 200)
		inChild.Do(t, "GET", "/identity/resources/groups/v1", nil).WantError(t, 403, "do not have access") // ada's own "off" wins
		_, carol := s.UserWith(t, root.TenantID, "carol@example.com", perms...)
		carol.With("frontegg-tenant-id", "child").Do(t, "GET", "/identity/resources/groups/v1", nil).Want(t, 200) // default on

		boss.Do(t, "PUT", subPath+"/"+root.TenantID+"/hierarchy-settings", map[string]any{"subAccountAccessType": "sometimes"}).WantError(t, 400, "subAccountAccessType must be one of")
		boss.Do(t, "PUT", subPath+"/"+stranger.TenantID+"/hierarchy-settings", map[string]any{"subAccountAccessType": "alwaysOn"}).WantError(t, 404, "Sub-account not found")
		boss.Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/"+ada.ID+"/access", map[string]any{}).WantError(t, 400, "allowAccess is required")
		boss.Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/nope/access", map[string]any{"allowAccess": true}).WantError(t, 404, "User not found")
		_, plain := s.UserWith(t, root.TenantID, "plain@example.com", "fe.secure.read.groups")
		plain.Do(t, "PUT", "/identity/resources/sub-tenants/users/v1/"+ada.ID+"/access", map[string]any{"allowAccess": true}).WantError(t, 403, "Insufficient permissions")
		inChild.Do(t, "GET", "/identity/resources/groups/v1", nil).WantError(t, 403, "do not have access")
	})
}
