package delegation_test

import (
	"context"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	configPath      = "/identity/resources/configurations/v1/delegation"
	impersonatePath = "/identity/resources/impersonation/v1"
	refreshPath     = "/identity/resources/auth/v1/user/token/refresh"
)

func TestDelegationConfig(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		if c := v.Do(t, "GET", configPath, nil).Want(t, 200).Map(t); c["enabled"] != false {
			t.Fatalf("default %v", c)
		}
		v.Do(t, "POST", configPath, map[string]any{"enabled": true}).Want(t, 200)
		if c := v.Do(t, "GET", configPath, nil).Want(t, 200).Map(t); c["enabled"] != true {
			t.Fatalf("after enabling %v", c)
		}
		v.Do(t, "POST", configPath, map[string]any{}).WantError(t, 400, "enabled is required")
		v.Do(t, "POST", configPath, map[string]any{"enabled": "yes"}).WantError(t, 400, "enabled must be of type boolean")
		tn := s.SeedTenant(t, "Acme")
		_, admin := s.UserWith(t, tn.TenantID, "admin@example.com", "fe.secure.*")
		admin.Do(t, "POST", configPath, map[string]any{"enabled": false}).Want(t, 403)
		admin.Do(t, "GET", configPath, nil).Want(t, 403)
	})
}

// TestImpersonationByVendor: the vendor opens a session of a user; its tokens
// name the vendor in act, at issue and at every refresh, and it lasts an hour.
func TestImpersonationByVendor(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		s.Grant(t, ada.ID, tn.TenantID, s.SeedRole(t, "", "viewer", "fe.secure.read.users"))
		var vendorToken struct{ Token string }
		s.Anon().Do(t, "POST", "/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": s.APIKey}).Want(t, 200).JSON(t, &vendorToken)

		c := s.Anon()
		res := c.Do(t, "POST", impersonatePath, map[string]any{"impersonatedUserId": ada.ID, "actorToken": vendorToken.Token}).Want(t, 200).Map(t)
		if res["tokenType"] != "Bearer" || res["refreshToken"] == "" || res["expiresIn"].(float64) > 3600 || res["expires"] == "" {
			t.Fatalf("impersonation answer %v", res)
		}
		claims := apitest.Claims(t, res["accessToken"].(string))
		act, _ := claims["act"].(map[string]any)
		if claims["sub"] != ada.ID || act["sub"] != s.ClientID || claims["tenantId"] != tn.TenantID ||
			len(apitest.StringList(claims, "roles")) != 1 || apitest.StringList(claims, "amr")[0] != "imp" {
			t.Fatalf("impersonation claims %v", claims)
		}
		var next apitest.LoginResponse
		c.Do(t, "POST", refreshPath, map[string]any{}).Want(t, 201).JSON(t, &next)
		if act, _ := apitest.Claims(t, next.AccessToken)["act"].(map[string]any); act["sub"] != s.ClientID {
			t.Fatalf("act claim lost at refresh: %v", apitest.Claims(t, next.AccessToken))
		}
		// The impersonated user's own logins carry no act claim.
		_, own := s.Login(t, "ada@example.com", "correct horse")
		if _, ok := apitest.Claims(t, own.AccessToken)["act"]; ok {
			t.Fatal("an ordinary login got an act claim")
		}
		// An impersonation session cannot impersonate.
		c.Do(t, "POST", impersonatePath, map[string]any{"impersonatedUserId": ada.ID, "actorToken": next.AccessToken}).WantError(t, 403, "cannot impersonate")

		// The session ends within the hour.
		s.Clock.Advance(61 * 60e9)
		c.Do(t, "POST", refreshPath, map[string]any{}).WantError(t, 401, "Session is not valid")

		imp, err := s.DB.FindImpersonation(context.Background(), claims["sid"].(string))
		if err != nil || imp.ActorKind != "vendor" || imp.UserID != ada.ID || imp.TenantID != tn.TenantID {
			t.Fatalf("audit record %+v, %v", imp, err)
		}

		for _, tc := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{"actorToken": vendorToken.Token}, 400, "impersonatedUserId is required"},
			{map[string]any{"impersonatedUserId": ada.ID}, 400, "actorToken is required"},
			{map[string]any{"impersonatedUserId": ada.ID, "actorToken": "garbage"}, 401, "Invalid actor token"},
			{map[string]any{"impersonatedUserId": "nope", "actorToken": vendorToken.Token}, 404, "User not found"},
		} {
			s.Anon().Do(t, "POST", impersonatePath, tc.body).WantError(t, tc.status, tc.msg)
		}
		s.Anon().With("frontegg-tenant-id", s.SeedTenant(t, "Other").TenantID).Do(t, "POST", impersonatePath,
			map[string]any{"impersonatedUserId": ada.ID, "actorToken": vendorToken.Token}).WantError(t, 404, "not a member of this account")
	})
}

// TestImpersonationByUser: with delegation on, a user holding
// fe.secure.write.delegation acts for another member of its account whose
// permissions it all holds.
func TestImpersonationByUser(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn, other := s.SeedTenant(t, "Acme"), s.SeedTenant(t, "Other")
		support, _ := s.UserWith(t, tn.TenantID, "support@example.com", "fe.secure.write.delegation", "fe.secure.read.users")
		_, supportLogin := s.Login(t, "support@example.com", "correct horse")
		actor := supportLogin.AccessToken
		weak := s.SeedUser(t, tn.TenantID, "weak@example.com", "")
		s.Grant(t, weak.ID, tn.TenantID, s.SeedRole(t, "", "viewer", "fe.secure.read.users"))
		strong := s.SeedUser(t, tn.TenantID, "strong@example.com", "")
		s.Grant(t, strong.ID, tn.TenantID, s.SeedRole(t, "", "deleter", "fe.secure.delete.users"))
		outsider := s.SeedUser(t, other.TenantID, "outsider@example.com", "")
		s.UserWith(t, tn.TenantID, "plain@example.com", "fe.secure.read.users")
		_, plainLogin := s.Login(t, "plain@example.com", "correct horse")

		impersonate := func(userID, token string) *apitest.Response {
			return s.Anon().Do(t, "POST", impersonatePath, map[string]any{"impersonatedUserId": userID, "actorToken": token})
		}
		impersonate(weak.ID, actor).WantError(t, 403, "Delegation is disabled")
		v.Do(t, "POST", configPath, map[string]any{"enabled": true}).Want(t, 200)
		res := impersonate(weak.ID, actor).Want(t, 200).Map(t)
		claims := apitest.Claims(t, res["accessToken"].(string))
		if act, _ := claims["act"].(map[string]any); act["sub"] != support.ID || claims["sub"] != weak.ID {
			t.Fatalf("claims %v", claims)
		}
		impersonate(strong.ID, actor).WantError(t, 403, "You cannot impersonate this user")
		impersonate(outsider.ID, actor).WantError(t, 403, "You cannot impersonate this user")
		impersonate(support.ID, actor).WantError(t, 400, "cannot impersonate yourself")
		impersonate(weak.ID, plainLogin.AccessToken).WantError(t, 403, "Insufficient permissions")
	})
}
