package apitokens_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

type createdAccessToken struct {
	ID              string   `json:"id"`
	Description     string   `json:"description"`
	CreatedAt       string   `json:"createdAt"`
	Secret          string   `json:"secret"`
	Expires         *string  `json:"expires"`
	RoleIDs         []string `json:"roleIds"`
	CreatedByUserID *string  `json:"createdByUserId"`
}

type accessTokenData struct {
	ID          string   `json:"id"`
	TenantID    string   `json:"tenantId"`
	UserID      string   `json:"userId"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
	Expires     *string  `json:"expires"`
}

func activeIDs(t *testing.T, c *apitest.Client, path string) []string {
	t.Helper()
	var ids []string
	c.Do(t, "GET", path+"/active", nil).Want(t, 200).JSON(t, &ids)
	return ids
}

func TestAccessTokens(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		var tenantTok, userTok createdAccessToken
		f.adminC.Do(t, "POST", tenantAccessPath, map[string]any{"description": "cron", "roleIds": []string{f.roles["TokenReader"].ID}}).Want(t, 201).JSON(t, &tenantTok)
		if tenantTok.ID == "" || tenantTok.Secret == "" || tenantTok.Description != "cron" || !slices.Equal(tenantTok.RoleIDs, []string{f.roles["TokenReader"].ID}) ||
			tenantTok.CreatedByUserID == nil || *tenantTok.CreatedByUserID != f.admin.ID || tenantTok.Expires != nil {
			t.Fatalf("tenant access token %+v", tenantTok)
		}
		c := claims(t, tenantTok.Secret)
		_, hasRoles := c["roles"]
		_, hasExp := c["exp"]
		if c["type"] != "tenantAccessToken" || c["sub"] != tenantTok.ID || c["tenantId"] != f.tenant.TenantID || hasRoles || hasExp {
			t.Fatalf("tenant access token claims %v", c)
		}
		f.adminC.Do(t, "POST", userAccessPath, map[string]any{"description": "cli", "expiresInMinutes": 5}).Want(t, 201).JSON(t, &userTok)
		c = claims(t, userTok.Secret)
		if c["type"] != "userAccessToken" || c["sub"] != userTok.ID || c["userId"] != f.admin.ID || userTok.Expires == nil || userTok.RoleIDs != nil {
			t.Fatalf("user access token %+v claims %v", userTok, c)
		}
		if exp, _ := c["exp"].(float64); int64(exp) != s.Clock.Now().Add(5*time.Minute).Unix() {
			t.Fatalf("exp %v", c["exp"])
		}

		var list struct {
			AccessTokens []map[string]any `json:"accessTokens"`
		}
		f.adminC.Do(t, "GET", tenantAccessPath, nil).Want(t, 200).JSON(t, &list)
		if len(list.AccessTokens) != 1 || list.AccessTokens[0]["id"] != tenantTok.ID || list.AccessTokens[0]["secret"] != nil || list.AccessTokens[0]["roleIds"] == nil {
			t.Fatalf("tenant list %v", list)
		}
		f.adminC.Do(t, "GET", userAccessPath, nil).Want(t, 200).JSON(t, &list)
		if len(list.AccessTokens) != 1 || list.AccessTokens[0]["id"] != userTok.ID {
			t.Fatalf("user list %v", list)
		}

		// What @frontegg/client calls, with the vendor token and no account header.
		v := s.Vendor(t)
		if ids := activeIDs(t, v, vendorTenantsPath); !slices.Equal(ids, []string{tenantTok.ID}) {
			t.Fatalf("active tenant access tokens %v", ids)
		}
		if ids := activeIDs(t, v, vendorUsersPath); !slices.Equal(ids, []string{userTok.ID}) {
			t.Fatalf("active user access tokens %v", ids)
		}
		var data accessTokenData
		v.Do(t, "GET", vendorTenantsPath+"/"+tenantTok.ID, nil).Want(t, 200).JSON(t, &data)
		if data.ID != tenantTok.ID || data.TenantID != f.tenant.TenantID || !slices.Equal(data.Roles, []string{"TokenReader"}) ||
			!slices.Equal(data.Permissions, []string{"app.read"}) || data.UserID != "" {
			t.Fatalf("tenant access token data %+v", data)
		}
		v.Do(t, "GET", vendorUsersPath+"/"+userTok.ID, nil).Want(t, 200).JSON(t, &data)
		if data.UserID != f.admin.ID || !slices.Equal(data.Roles, []string{"TokenAdmin"}) || data.Expires == nil {
			t.Fatalf("user access token data %+v", data)
		}
		// The account header narrows; a type or account mismatch is unknown.
		other := s.SeedTenant(t, "Other")
		if ids := activeIDs(t, v.With("frontegg-tenant-id", other.TenantID), vendorTenantsPath); len(ids) != 0 {
			t.Fatalf("other account's active tokens %v", ids)
		}
		if ids := activeIDs(t, v.With("frontegg-tenant-id", f.tenant.TenantID), vendorTenantsPath); len(ids) != 1 {
			t.Fatalf("account's active tokens %v", ids)
		}
		v.With("frontegg-tenant-id", other.TenantID).Do(t, "GET", vendorTenantsPath+"/"+tenantTok.ID, nil).WantError(t, 404, "Access token not found")
		v.Do(t, "GET", vendorUsersPath+"/"+tenantTok.ID, nil).WantError(t, 404, "Access token not found")
		v.Do(t, "GET", vendorTenantsPath+"/nope", nil).WantError(t, 404, "Access token not found")

		// Access tokens are not bearer tokens of Hatch, nor client credentials.
		bearer(s, tenantTok.Secret).Do(t, "GET", tenantAccessPath, nil).Want(t, 401)
		s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": tenantTok.ID, "secret": tenantTok.Secret}).WantError(t, 401, "Invalid client id or secret")

		// An expired access token leaves the active list and has no data.
		s.Clock.Advance(6 * time.Minute)
		if ids := activeIDs(t, v, vendorUsersPath); len(ids) != 0 {
			t.Fatalf("expired user access token still active: %v", ids)
		}
		v.Do(t, "GET", vendorUsersPath+"/"+userTok.ID, nil).WantError(t, 404, "Access token not found")

		// A locked account's access tokens are inactive until it is unlocked.
		f.tenant.Locked = true
		if err := s.DB.UpdateTenant(context.Background(), f.tenant); err != nil {
			t.Fatal(err)
		}
		if ids := activeIDs(t, v, vendorTenantsPath); len(ids) != 0 {
			t.Fatalf("locked account's tokens active: %v", ids)
		}
		f.tenant.Locked = false
		if err := s.DB.UpdateTenant(context.Background(), f.tenant); err != nil {
			t.Fatal(err)
		}
		if ids := activeIDs(t, v, vendorTenantsPath); len(ids) != 1 {
			t.Fatalf("unlocked account's tokens inactive: %v", ids)
		}

		// Deleted: gone from the list and the data route at once.
		f.adminC.Do(t, "DELETE", tenantAccessPath+"/"+tenantTok.ID, nil).Want(t, 200)
		f.adminC.Do(t, "DELETE", tenantAccessPath+"/"+tenantTok.ID, nil).WantError(t, 404, "Access token not found")
		f.adminC.Do(t, "DELETE", userAccessPath+"/"+tenantTok.ID, nil).WantError(t, 404, "Access token not found")
		if ids := activeIDs(t, v, vendorTenantsPath); len(ids) != 0 {
			t.Fatalf("deleted token still active: %v", ids)
		}
		v.Do(t, "GET", vendorTenantsPath+"/"+tenantTok.ID, nil).WantError(t, 404, "Access token not found")
		f.adminC.Do(t, "DELETE", userAccessPath+"/"+userTok.ID, nil).Want(t, 200)
	})
}

func TestAccessTokenBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		for body, want := range map[string]string{
			`{"roleIds": ["nope"]}`:      "roleIds contains a role that does not exist",
			`{"roleIds": [""]}`:          "roleIds must not contain empty ids",
			`{"expiresInMinutes": 0.5}`:  "expiresInMinutes must be a whole number",
			`{"roleIds": "TokenReader"}`: "roleIds must be of type array",
		} {
			f.vendor(t).Do(t, "POST", tenantAccessPath, body).WantError(t, 400, want)
		}
		s.Vendor(t).Do(t, "POST", tenantAccessPath, map[string]any{}).WantError(t, 400, "frontegg-tenant-id header is required")
		s.Vendor(t).With("frontegg-tenant-id", "nope").Do(t, "POST", tenantAccessPath, map[string]any{}).WantError(t, 404, "Account not found")
		var list struct{ AccessTokens []any }
		f.vendor(t).Do(t, "GET", tenantAccessPath, nil).Want(t, 200).JSON(t, &list)
		if len(list.AccessTokens) != 0 {
			t.Fatalf("bad input left tokens: %v", list)
		}
	})
}
