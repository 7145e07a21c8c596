package applications_test

import (
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const usersAppsPath = "/identity/resources/applications/v1"

func TestUsersApplications(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		acme, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		app := v.Do(t, "POST", appsPath, map[string]any{"name": "Portal", "appURL": "https://p.example.com", "loginURL": "https://p.example.com"}).Want(t, 201).Map(t)
		second := v.Do(t, "POST", appsPath, map[string]any{"name": "Admin", "appURL": "https://a.example.com", "loginURL": "https://a.example.com"}).Want(t, 201).Map(t)
		onlyOther := v.Do(t, "POST", appsPath, map[string]any{"name": "Other", "appURL": "https://o.example.com", "loginURL": "https://o.example.com"}).Want(t, 201).Map(t)
		v.Do(t, "POST", "/applications/resources/applications/tenant-assignments/v1/"+onlyOther["id"].(string), map[string]any{"tenantId": other.TenantID}).Want(t, 201)
		appID, secondID := app["id"].(string), second["id"].(string)
		ada := s.SeedUser(t, acme.TenantID, "ada@example.com", "")
		bob := s.SeedUser(t, acme.TenantID, "bob@example.com", "")
		stranger := s.SeedUser(t, other.TenantID, "stranger@example.com", "")
		_, admin := s.UserWith(t, acme.TenantID, "admin@example.com", "fe.secure.write.appsUsers", "fe.secure.delete.appsUsers", "fe.secure.read.users")

		var assigned []map[string]any
		admin.Do(t, "POST", usersAppsPath, map[string]any{"appId": appID, "tenantId": acme.TenantID, "userIds": []string{ada.ID, bob.ID}}).Want(t, 201).JSON(t, &assigned)
		if len(assigned) != 2 || assigned[0]["appId"] != appID || assigned[0]["userTenantId"] == "" || assigned[0]["createdAt"] == nil {
			t.Fatalf("assigned %v", assigned)
		}
		admin.Do(t, "POST", usersAppsPath+"/apps-user", map[string]any{"userId": ada.ID, "tenantId": acme.TenantID, "appIds": []string{secondID}}).Want(t, 201)
		for _, tc := range []struct {
			method, path string
			body         map[string]any
			status       int
			msg          string
		}{
			{"POST", usersAppsPath, map[string]any{"tenantId": acme.TenantID, "userIds": []string{ada.ID}}, 400, "appId is required"},
			{"POST", usersAppsPath, map[string]any{"appId": appID, "userIds": []string{ada.ID}}, 400, "tenantId is required"},
			{"POST", usersAppsPath, map[string]any{"appId": appID, "tenantId": acme.TenantID}, 400, "userIds is required"},
			{"POST", usersAppsPath, map[string]any{"appId": "nope", "tenantId": acme.TenantID, "userIds": []string{ada.ID}}, 404, "Application not found"},
			{"POST", usersAppsPath, map[string]any{"appId": appID, "tenantId": acme.TenantID, "userIds": []string{stranger.ID}}, 404, "User not found"},
			{"POST", usersAppsPath, map[string]any{"appId": onlyOther["id"], "tenantId": acme.TenantID, "userIds": []string{ada.ID}}, 400, "not assigned to this account"},
			{"POST", usersAppsPath, map[string]any{"appId": appID, "tenantId": other.TenantID, "userIds": []string{stranger.ID}}, 403, "do not have access"},
			{"POST", usersAppsPath + "/apps-user", map[string]any{"tenantId": acme.TenantID, "appIds": []string{appID}}, 400, "userId is required"},
			{"DELETE", usersAppsPath, map[string]any{"appId": appID, "tenantId": other.TenantID, "userIds": []string{stranger.ID}}, 403, "do not have access"},
		} {
			admin.Do(t, tc.method, tc.path, tc.body).WantError(t, tc.status, tc.msg)
		}

		var ids []string
		admin.Do(t, "GET", usersAppsPath+"/"+appID+"/users", nil).Want(t, 200).JSON(t, &ids)
		if !slices.Equal(sorted(ids), sorted([]string{ada.ID, bob.ID})) {
			t.Fatalf("users of the app %v", ids)
		}
		admin.Do(t, "GET", usersAppsPath+"/"+ada.ID+"/apps", nil).Want(t, 200).JSON(t, &ids)
		if !slices.Equal(sorted(ids), sorted([]string{appID, secondID})) {
			t.Fatalf("apps of the user %v", ids)
		}
		var byApp []map[string]any
		admin.Do(t, "GET", usersAppsPath+"/apps-users?appIds="+appID+","+secondID, nil).Want(t, 200).JSON(t, &byApp)
		if len(byApp) != 2 || len(byApp[0]["userIds"].([]any)) != 2 || len(byApp[1]["userIds"].([]any)) != 1 {
			t.Fatalf("apps-users %v", byApp)
		}
		var byUser []map[string]any
		admin.Do(t, "GET", usersAppsPath+"/users-apps?userIds="+bob.ID, nil).Want(t, 200).JSON(t, &byUser)
		if len(byUser) != 1 || len(byUser[0]["appIds"].([]any)) != 1 {
			t.Fatalf("users-apps %v", byUser)
		}
		admin.Do(t, "GET", usersAppsPath+"/apps-users", nil).WantError(t, 400, "appIds is required")
		admin.Do(t, "GET", usersAppsPath+"/users-apps", nil).WantError(t, 400, "userIds is required")

		admin.Do(t, "DELETE", usersAppsPath, map[string]any{"appId": appID, "tenantId": acme.TenantID, "userIds": []string{bob.ID}}).Want(t, 200)
		admin.Do(t, "DELETE", usersAppsPath+"/user-apps", map[string]any{"userId": ada.ID, "tenantId": acme.TenantID, "appIds": []string{secondID}}).Want(t, 200)
		admin.Do(t, "GET", usersAppsPath+"/"+appID+"/users", nil).Want(t, 200).JSON(t, &ids)
		if !slices.Equal(ids, []string{ada.ID}) {
			t.Fatalf("users of the app after %v", ids)
		}

		_, reader := s.UserWith(t, acme.TenantID, "reader@example.com", "fe.secure.read.users")
		reader.Do(t, "POST", usersAppsPath, map[string]any{"appId": appID, "tenantId": acme.TenantID, "userIds": []string{bob.ID}}).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "DELETE", usersAppsPath, map[string]any{"appId": appID, "tenantId": acme.TenantID, "userIds": []string{ada.ID}}).WantError(t, 403, "Insufficient permissions")
		admin.Do(t, "GET", usersAppsPath+"/"+appID+"/users", nil).Want(t, 200).JSON(t, &ids)
		if !slices.Equal(ids, []string{ada.ID}) {
			t.Fatalf("refused calls changed the assignments: %v", ids)
		}
	})
}

func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

func TestActiveTenantPerApplication(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		acme := s.SeedTenant(t, "Acme")
		app := v.Do(t, "POST", appsPath, map[string]any{"name": "Portal", "appURL": "https://p.example.com", "loginURL": "https://p.example.com"}).Want(t, 201).Map(t)
		ada, c := s.UserWith(t, acme.TenantID, "ada@example.com")
		path := "/identity/resources/applications/user-tenants/active/v1"
		body := map[string]any{"activeApplicationTenants": []map[string]any{{"applicationId": app["id"], "tenantId": acme.TenantID}}}
		c.Do(t, "PUT", path, body).Want(t, 200)
		got := c.Do(t, "GET", path, nil).Want(t, 200).Map(t)
		list := got["applicationActiveTenants"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["tenantId"] != acme.TenantID || list[0].(map[string]any)["applicationId"] != app["id"] {
			t.Fatalf("active tenants %v", got)
		}
		// The vendor names the user.
		got = v.With("frontegg-user-id", ada.ID).Do(t, "GET", path, nil).Want(t, 200).Map(t)
		if len(got["applicationActiveTenants"].([]any)) != 1 {
			t.Fatalf("vendor's view %v", got)
		}
		v.Do(t, "GET", path, nil).WantError(t, 400, "frontegg-user-id header is required")
		other := s.SeedTenant(t, "Other")
		c.Do(t, "PUT", path, map[string]any{"activeApplicationTenants": []map[string]any{{"applicationId": app["id"], "tenantId": other.TenantID}}}).WantError(t, 404, "not found")
		c.Do(t, "PUT", path, map[string]any{"activeApplicationTenants": []map[string]any{{"applicationId": "nope", "tenantId": acme.TenantID}}}).WantError(t, 404, "not found")
		c.Do(t, "PUT", path, map[string]any{}).WantError(t, 400, "activeApplicationTenants is required")
		c.Do(t, "PUT", path, map[string]any{"activeApplicationTenants": []map[string]any{{"tenantId": acme.TenantID}}}).WantError(t, 400, "applicationId is required")
	})
}

// TestLoginLimitedToAssignedUsers: a login naming an application
// (frontegg-requested-application-id) succeeds only for users who may use it.
func TestLoginLimitedToAssignedUsers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		acme, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		managed := v.Do(t, "POST", appsPath, map[string]any{"name": "Managed", "appURL": "https://m.example.com", "loginURL": "https://m.example.com",
			"accessType": "MANAGED_ACCESS"}).Want(t, 201).Map(t)
		free := v.Do(t, "POST", appsPath, map[string]any{"name": "Free", "appURL": "https://f.example.com", "loginURL": "https://f.example.com"}).Want(t, 201).Map(t)
		ada := s.SeedUser(t, acme.TenantID, "ada@example.com", "correct horse")
		s.SeedUser(t, acme.TenantID, "bob@example.com", "correct horse")
		s.SeedUser(t, other.TenantID, "carol@example.com", "correct horse")
		v.Do(t, "POST", usersAppsPath, map[string]any{"appId": managed["id"], "tenantId": acme.TenantID, "userIds": []string{ada.ID}}).Want(t, 201)

		login := func(email string, app any) *apitest.Response {
			return s.Anon().With("frontegg-requested-application-id", app.(string)).Do(t, "POST", "/identity/resources/auth/v1/user",
				map[string]string{"email": email, "password": "correct horse"})
		}
		login("ada@example.com", managed["id"]).Want(t, 200)
		login("bob@example.com", managed["id"]).WantError(t, 403, "not allowed to access this application")
		login("bob@example.com", free["id"]).Want(t, 200)
		login("bob@example.com", "nope").WantError(t, 403, "not allowed")
		s.Login(t, "bob@example.com", "correct horse") // no application named: no rule

		// Assigned to an account, a free application is for that account's users only.
		v.Do(t, "POST", "/applications/resources/applications/tenant-assignments/v1/"+free["id"].(string), map[string]any{"tenantId": acme.TenantID}).Want(t, 201)
		login("bob@example.com", free["id"]).Want(t, 200)
		login("carol@example.com", free["id"]).WantError(t, 403, "not allowed")
		// The account's assignment may manage access where the application does not.
		v.Do(t, "PUT", "/applications/resources/applications/tenant-assignments/v1/"+free["id"].(string)+"/"+acme.TenantID,
			map[string]any{"accessType": "MANAGED_ACCESS"}).Want(t, 200)
		login("bob@example.com", free["id"]).WantError(t, 403, "not allowed")
		// An inactive application admits nobody.
		v.Do(t, "PATCH", appsPath+"/"+managed["id"].(string), map[string]any{"isActive": false}).Want(t, 201)
		login("ada@example.com", managed["id"]).WantError(t, 403, "not allowed")
	})
}
