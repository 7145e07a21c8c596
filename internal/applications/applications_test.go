package applications_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const appsPath = "/applications/resources/applications/v1"

func TestApplications(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		a := v.Do(t, "POST", appsPath, map[string]any{"name": "Portal", "appURL": "https://portal.example.com",
			"loginURL": "https://portal.example.com/login", "metadata": map[string]any{"tier": "gold"}, "isDefault": true}).Want(t, 201).Map(t)
		if a["accessType"] != "FREE_ACCESS" || a["type"] != "web" || a["frontendStack"] != "react" || a["isActive"] != true ||
			a["vendorId"] != s.ClientID || a["metadata"].(map[string]any)["tier"] != "gold" || a["isDefault"] != true {
			t.Fatalf("created %v", a)
		}
		id := a["id"].(string)
		for _, tc := range []struct {
			body map[string]any
			msg  string
		}{
			{map[string]any{"appURL": "https://x.example.com", "loginURL": "https://x.example.com"}, "name is required"},
			{map[string]any{"name": "X", "loginURL": "https://x.example.com"}, "appURL is required"},
			{map[string]any{"name": "X", "appURL": "not a url", "loginURL": "https://x.example.com"}, "appURL must be an absolute URL"},
			{map[string]any{"name": "X", "appURL": "https://x.example.com", "loginURL": "https://x.example.com", "accessType": "OPEN"}, "accessType must be one of"},
			{map[string]any{"name": "X", "appURL": "https://x.example.com", "loginURL": "https://x.example.com", "type": "desktop"}, "type must be one of"},
			{map[string]any{"name": "X", "appURL": "https://x.example.com", "loginURL": "https://x.example.com", "frontendStack": "cobol"}, "frontendStack must be one of"},
			{map[string]any{"name": "X", "appURL": "https://x.example.com", "loginURL": "https://x.example.com", "metadata": []int{1}}, "metadata must be an object"},
		} {
			v.Do(t, "POST", appsPath, tc.body).WantError(t, 400, tc.msg)
		}
		second := v.Do(t, "POST", appsPath, map[string]any{"name": "Admin", "appURL": "https://admin.example.com",
			"loginURL": "https://admin.example.com", "accessType": "MANAGED_ACCESS", "type": "agent", "isDefault": true}).Want(t, 201).Map(t)
		// One default at a time.
		if d := v.Do(t, "GET", appsPath+"/default", nil).Want(t, 200).Map(t); d["id"] != second["id"] {
			t.Fatalf("default %v", d)
		}
		if got := v.Do(t, "GET", appsPath+"/"+id, nil).Want(t, 200).Map(t); got["isDefault"] != false {
			t.Fatalf("previous default %v", got)
		}
		var list []map[string]any
		v.Do(t, "GET", appsPath+"?_accessType=MANAGED_ACCESS", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0]["name"] != "Admin" {
			t.Fatalf("managed apps %v", list)
		}
		v.Do(t, "GET", appsPath+"?_excludeAgents=true&name=port", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0]["name"] != "Portal" {
			t.Fatalf("filtered apps %v", list)
		}
		v.Do(t, "GET", appsPath+"?ids="+id, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 {
			t.Fatalf("apps by id %v", list)
		}
		v.Do(t, "GET", appsPath+"?_isActive=maybe", nil).WantError(t, 400, "_isActive must be true or false")

		m := v.Do(t, "PATCH", appsPath+"/"+id, map[string]any{"name": "Customer portal", "isActive": false}).Want(t, 201).Map(t)
		if m["name"] != "Customer portal" || m["isActive"] != false || m["appURL"] != "https://portal.example.com" {
			t.Fatalf("patched %v", m)
		}
		v.Do(t, "PATCH", appsPath+"/nope", map[string]any{"name": "x"}).WantError(t, 404, "Application not found")
		v.Do(t, "PATCH", appsPath+"/"+id, map[string]any{"type": "tv"}).WantError(t, 400, "type must be one of")
		v.Do(t, "GET", appsPath+"/nope", nil).WantError(t, 404, "Application not found")
		v.Do(t, "DELETE", appsPath+"/"+id, nil).Want(t, 200)
		v.Do(t, "DELETE", appsPath+"/"+id, nil).WantError(t, 404, "Application not found")

		tn := s.SeedTenant(t, "Acme")
		_, user := s.UserWith(t, tn.TenantID, "ada@example.com", "fe.secure.*")
		user.Do(t, "POST", appsPath, map[string]any{"name": "Mine", "appURL": "https://m.example.com", "loginURL": "https://m.example.com"}).Want(t, 403)
		user.Do(t, "DELETE", appsPath+"/"+second["id"].(string), nil).Want(t, 403)
		v.Do(t, "GET", appsPath+"/"+second["id"].(string), nil).Want(t, 200)
	})
}

func TestTenantAssignments(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		acme, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		app := v.Do(t, "POST", appsPath, map[string]any{"name": "Portal", "appURL": "https://p.example.com", "loginURL": "https://p.example.com"}).Want(t, 201).Map(t)
		free := v.Do(t, "POST", appsPath, map[string]any{"name": "Free", "appURL": "https://f.example.com", "loginURL": "https://f.example.com"}).Want(t, 201).Map(t)
		id := app["id"].(string)
		base := "/applications/resources/applications/tenant-assignments/v1/" + id
		res := v.Do(t, "POST", base, map[string]any{"tenantId": acme.TenantID, "accessType": "MANAGED_ACCESS"}).Want(t, 201).Map(t)
		if res["tenantId"] != acme.TenantID || len(res["appIds"].([]any)) != 1 {
			t.Fatalf("assigned %v", res)
		}
		v.Do(t, "POST", base, map[string]any{"tenantId": other.TenantID}).Want(t, 201)
		v.Do(t, "POST", base, map[string]any{}).WantError(t, 400, "tenantId is required")
		v.Do(t, "POST", base, map[string]any{"tenantId": "nope"}).WantError(t, 404, "Account not found")
		v.Do(t, "POST", "/applications/resources/applications/tenant-assignments/v1/nope", map[string]any{"tenantId": acme.TenantID}).WantError(t, 404, "Application not found")
		v.Do(t, "POST", base, map[string]any{"tenantId": acme.TenantID, "accessType": "SOME"}).WantError(t, 400, "accessType must be one of")

		tenants := v.Do(t, "GET", base, nil).Want(t, 200).Map(t)
		if len(tenants["tenantIds"].([]any)) != 2 {
			t.Fatalf("tenants of the app %v", tenants)
		}
		var v2 []map[string]any
		v.Do(t, "GET", "/applications/resources/applications/tenant-assignments/v2", nil).Want(t, 200).JSON(t, &v2)
		if len(v2) != 2 {
			t.Fatalf("v2 %v", v2)
		}
		v.Do(t, "PUT", base+"/"+other.TenantID, map[string]any{"accessType": "MANAGED_ACCESS"}).Want(t, 200)
		v.Do(t, "PUT", base+"/"+other.TenantID, map[string]any{}).WantError(t, 400, "accessType is required")
		v.Do(t, "PUT", base+"/nope", map[string]any{"accessType": "FREE_ACCESS"}).WantError(t, 404, "not assigned")
		v.Do(t, "GET", "/applications/resources/applications/tenant-assignments/v2?accessType=FREE_ACCESS", nil).Want(t, 200).JSON(t, &v2)
		if len(v2) != 0 {
			t.Fatalf("no free assignments left: %v", v2)
		}

		// A user sees its account's assignments and the applications it may use.
		_, user := s.UserWith(t, acme.TenantID, "ada@example.com", "fe.account-settings.read.app")
		var v1 []map[string]any
		user.Do(t, "GET", "/applications/resources/applications/tenant-assignments/v1", nil).Want(t, 200).JSON(t, &v1)
		if len(v1) != 1 || v1[0]["tenantId"] != acme.TenantID {
			t.Fatalf("a user's assignments %v", v1)
		}
		var apps []map[string]any
		user.Do(t, "GET", appsPath, nil).Want(t, 200).JSON(t, &apps)
		if len(apps) != 2 || apps[0]["id"] != id && apps[1]["id"] != id {
			t.Fatalf("a user's applications %v", apps)
		}
		_, stranger := s.UserWith(t, s.SeedTenant(t, "Third").TenantID, "third@example.com", "fe.account-settings.read.app")
		stranger.Do(t, "GET", appsPath, nil).Want(t, 200).JSON(t, &apps)
		if len(apps) != 1 || apps[0]["id"] != free["id"] {
			t.Fatalf("an unassigned account's applications %v", apps)
		}
		user.Do(t, "DELETE", base+"/"+acme.TenantID, nil).Want(t, 403)
		_, nobody := s.UserWith(t, acme.TenantID, "nobody@example.com")
		nobody.Do(t, "GET", appsPath, nil).WantError(t, 403, "Insufficient permissions")
		v.Do(t, "DELETE", base+"/"+acme.TenantID, nil).Want(t, 200)
		v.Do(t, "DELETE", base+"/"+acme.TenantID, nil).WantError(t, 404, "not assigned")
	})
}
