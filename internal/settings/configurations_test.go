package settings_test

import (
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const configurations = "/identity/resources/configurations/v1"

func TestConfigurationPartialUpdate(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		m := v.Do(t, "GET", configurations, nil).Want(t, 200).Map(t)
		if m["id"] != s.ClientID || !strings.HasPrefix(m["publicKey"].(string), "-----BEGIN PUBLIC KEY-----") || m["jwtSecret"] != "" ||
			m["defaultTokenExpiration"] != 86400.0 || m["allowSignups"] != false || m["cookieSameSite"] != "NONE" || m["jwtAlgorithm"] != "RS256" {
			t.Fatalf("defaults %v", m)
		}

		m = v.Do(t, "POST", configurations, map[string]any{"allowSignups": true, "cookieSameSite": "lax"}).Want(t, 201).Map(t)
		if m["allowSignups"] != true || m["cookieSameSite"] != "LAX" || m["defaultTokenExpiration"] != 86400.0 || m["id"] != s.ClientID {
			t.Fatalf("after first post %v", m)
		}
		m = v.Do(t, "POST", configurations, map[string]any{"defaultTokenExpiration": 3600, "id": "ignored", "publicKey": "ignored"}).Want(t, 201).Map(t)
		if m["allowSignups"] != true || m["cookieSameSite"] != "LAX" || m["defaultTokenExpiration"] != 3600.0 || m["id"] != s.ClientID {
			t.Fatalf("after second post %v", m)
		}

		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"cookieSameSite": "SOMETIMES"}, "cookieSameSite must be one of STRICT, LAX, NONE"},
			{map[string]any{"jwtAlgorithm": "HS256"}, "jwtAlgorithm must be RS256"},
			{map[string]any{"authStrategy": "Telepathy"}, "authStrategy must be one of"},
			{map[string]any{"machineToMachineAuthStrategy": "Magic"}, "machineToMachineAuthStrategy must be one of"},
			{map[string]any{"defaultTokenExpiration": 10}, "defaultTokenExpiration must be between"},
			{map[string]any{"defaultTokenExpiration": "long"}, "defaultTokenExpiration must be of type number"},
			{map[string]any{"allowSignups": "yes", "defaultTokenExpiration": 60}, "allowSignups must be of type boolean"},
			{map[string]any{"allowedOrigins": []string{"https://app.example.com/path"}}, "allowedOrigins must hold origins"},
		} {
			v.Do(t, "POST", configurations, c.body).WantError(t, 400, c.want)
		}
		// Nothing of a refused update is kept.
		m = v.Do(t, "GET", "/frontegg"+configurations, nil).Want(t, 200).Map(t)
		if m["defaultTokenExpiration"] != 3600.0 || m["allowSignups"] != true || m["cookieSameSite"] != "LAX" {
			t.Fatalf("after refused posts %v", m)
		}
	})
}

func TestConfigurationAppliesToTheNextLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		if _, res := s.Login(t, "ada@example.com", "pw-pw-pw-pw"); res.ExpiresIn != 86400 {
			t.Fatalf("expiresIn %d before the change", res.ExpiresIn)
		}
		s.Vendor(t).Do(t, "POST", configurations, map[string]any{"defaultTokenExpiration": 600}).Want(t, 201)
		if _, res := s.Login(t, "ada@example.com", "pw-pw-pw-pw"); res.ExpiresIn != 600 {
			t.Fatalf("expiresIn %d after the change, want 600", res.ExpiresIn)
		}
	})
}

func TestConfigurationViews(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "POST", configurations, map[string]any{"forcePermissions": true, "allowSignups": true}).Want(t, 201)

		m := v.Do(t, "GET", configurations+"/basic", nil).Want(t, 200).Map(t)
		if len(m) != 2 || m["forcePermissions"] != true || m["machineToMachineAuthStrategy"] != "ClientCredentials" {
			t.Fatalf("basic %v", m)
		}
		m = s.Anon().Do(t, "GET", configurations+"/public", nil).Want(t, 200).Map(t)
		if len(m) != 6 || m["allowSignups"] != true || m["authStrategy"] != "EmailAndPassword" || m["apiTokensEnabled"] != true || m["publicKey"] != nil {
			t.Fatalf("public %v", m)
		}
	})
}

func TestAuthStrategies(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		type strategies struct {
			Main []struct {
				Strategy string `json:"strategy"`
			} `json:"mainAuthStrategies"`
			Secondary []struct {
				Strategy string `json:"strategy"`
				IsActive bool   `json:"isActive"`
			} `json:"secondaryAuthStrategies"`
		}
		var got strategies
		s.Anon().Do(t, "GET", configurations+"/auth/strategies/public", nil).Want(t, 200).JSON(t, &got)
		if len(got.Main) != 1 || got.Main[0].Strategy != "EmailAndPassword" || got.Secondary == nil || len(got.Secondary) != 0 {
			t.Fatalf("default strategies %+v", got)
		}
		s.Vendor(t).Do(t, "POST", configurations, map[string]any{"authStrategy": "UsernameAndMagicLink"}).Want(t, 201)
		s.Anon().Do(t, "GET", configurations+"/auth/strategies/public", nil).Want(t, 200).JSON(t, &got)
		if got.Main[0].Strategy != "MagicLink" || len(got.Secondary) != 1 || got.Secondary[0].Strategy != "UsernameAndMagicLink" || !got.Secondary[0].IsActive {
			t.Fatalf("username strategies %+v", got)
		}

		// The authenticated variant needs a token.
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		s.Anon().Do(t, "GET", configurations+"/auth/strategies", nil).Want(t, 401)
		s.Vendor(t).Do(t, "POST", configurations, map[string]any{"authStrategy": "EmailAndPassword"}).Want(t, 201)
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		user.Do(t, "GET", configurations+"/auth/strategies", nil).Want(t, 200).JSON(t, &got)
		if got.Main[0].Strategy != "EmailAndPassword" {
			t.Fatalf("authenticated strategies %+v", got)
		}
	})
}

// vendorOnly lists every route of the package that takes the vendor token only.
var vendorOnly = []struct{ method, path string }{
	{"POST", configurations},
	{"GET", configurations},
	{"GET", configurations + "/basic"},
	{"POST", configurations + "/captcha-policy"},
	{"PUT", configurations + "/captcha-policy"},
	{"GET", configurations + "/captcha-policy"},
	{"POST", jwtTemplates},
	{"GET", jwtTemplates},
	{"GET", jwtTemplates + "/some-id"},
	{"PUT", jwtTemplates + "/some-id"},
	{"DELETE", jwtTemplates + "/some-id"},
	{"GET", targeting},
	{"POST", targeting},
	{"PUT", targeting},
	{"PATCH", targeting + "/some-id"},
	{"DELETE", targeting + "/some-id"},
	{"GET", "/vendors"},
	{"PUT", "/vendors"},
}

func TestSettingsRoutesNeedTheVendorToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		for _, r := range vendorOnly {
			s.Anon().Do(t, r.method, r.path, map[string]any{}).WantError(t, 401, "Unauthorized")
			user.Do(t, r.method, r.path, map[string]any{}).WantError(t, 403, "does not accept this kind of token")
		}
		// Public routes answer without a token, and ignore a stale one.
		for _, path := range []string{configurations + "/public", configurations + "/auth/strategies/public", "/vendors/public"} {
			s.Anon().Do(t, "GET", path, nil).Want(t, 200)
			s.Anon().With("Authorization", "Bearer stale.token.here").Do(t, "GET", path, nil).Want(t, 200)
		}
	})
}
