package securitypolicy_test

import (
	"context"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

const (
	lockoutPath        = "/identity/resources/configurations/v1/lockout-policy"
	passwordPath       = "/identity/resources/configurations/v1/password"
	historyPath        = "/identity/resources/configurations/v1/password-history-policy"
	rotationPath       = "/identity/resources/configurations/v1/password-rotation"
	userPasswordConfig = "/identity/resources/users/v1/passwords/config"
	loginPath          = "/identity/resources/auth/v1/user"
)

// allowOverrides turns on the core settings that let accounts override the
// password policies, and lets the settings cache expire.
func allowOverrides(t *testing.T, s *apitest.Server) {
	t.Helper()
	c := policy.DefaultCore()
	c.AllowOverridePasswordComplexity, c.AllowOverrideEnforcePasswordHistory, c.AllowOverridePasswordExpiration = true, true, true
	if err := s.DB.SaveSetting(context.Background(), "", policy.CoreName, c, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(2 * time.Second)
}

// addMembership makes the user a member of one more account, directly in storage.
func addMembership(t *testing.T, s *apitest.Server, userID, tenantID string) {
	t.Helper()
	err := s.DB.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.AddMembership(context.Background(), iam.Membership{UserID: userID, TenantID: tenantID, ActivatedForTenant: true, CreatedAt: s.Clock.Now()}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLockoutPolicyRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		// The environment's policy exists out of the box: on, 100 attempts, an hour.
		env := v.Do(t, "GET", lockoutPath, nil).Want(t, 200).Map(t)
		if env["enabled"] != true || env["maxAttempts"] != 100.0 || env["lockoutDuration"] != 3600.0 || env["id"] == "" || env["createdAt"] == nil {
			t.Fatalf("default lockout policy %v", env)
		}
		got := v.Do(t, "POST", "/frontegg"+lockoutPath, map[string]any{"enabled": true, "maxAttempts": 5}).Want(t, 201).Map(t)
		if got["maxAttempts"] != 5.0 || got["id"] != env["id"] || got["lockoutDuration"] != 3600.0 {
			t.Fatalf("created %v", got)
		}
		v.Do(t, "POST", lockoutPath, map[string]any{"enabled": true, "maxAttempts": 6}).WantError(t, 409, "already exists")
		got = v.Do(t, "PATCH", lockoutPath, map[string]any{"enabled": false, "maxAttempts": 7, "lockoutDuration": 0}).Want(t, 200).Map(t)
		if got["enabled"] != false || got["maxAttempts"] != 7.0 || got["lockoutDuration"] != 0.0 {
			t.Fatalf("updated %v", got)
		}
		if got := v.Do(t, "GET", lockoutPath+"/vendor", nil).Want(t, 200).Map(t); got["maxAttempts"] != 7.0 {
			t.Fatalf("vendor view %v", got)
		}

		for _, tc := range []struct {
			body any
			want string
		}{
			{map[string]any{"maxAttempts": 5}, "enabled is required"},
			{map[string]any{"enabled": true}, "maxAttempts is required"},
			{map[string]any{"enabled": true, "maxAttempts": 0}, "maxAttempts must be between 1 and 100"},
			{map[string]any{"enabled": true, "maxAttempts": 101}, "maxAttempts must be between 1 and 100"},
			{map[string]any{"enabled": true, "maxAttempts": 3, "lockoutDuration": -1}, "lockoutDuration must be between"},
			{map[string]any{"enabled": "yes", "maxAttempts": 3}, "enabled must be of type boolean"},
			{map[string]any{"enabled": true, "maxAttempts": "3"}, "maxAttempts must be of type number"},
		} {
			v.Do(t, "PATCH", lockoutPath, tc.body).WantError(t, 400, tc.want)
		}

		// An account has no policy of its own until one is created.
		tn := s.SeedTenant(t, "Acme")
		acct := v.With("frontegg-tenant-id", tn.TenantID)
		acct.Do(t, "GET", lockoutPath, nil).WantError(t, 404, "No lockout policy")
		acct.Do(t, "PATCH", lockoutPath, map[string]any{"enabled": true, "maxAttempts": 3}).WantError(t, 404, "No lockout policy")
		got = acct.Do(t, "POST", lockoutPath, map[string]any{"enabled": true, "maxAttempts": 3}).Want(t, 201).Map(t)
		if got["id"] == env["id"] || got["maxAttempts"] != 3.0 {
			t.Fatalf("account policy %v", got)
		}
		acct.Do(t, "GET", lockoutPath, nil).Want(t, 200)
		if got := acct.Do(t, "GET", lockoutPath+"/vendor", nil).Want(t, 200).Map(t); got["maxAttempts"] != 7.0 {
			t.Fatalf("vendor view from an account %v", got)
		}
		v.With("frontegg-tenant-id", "no-such-account").Do(t, "GET", lockoutPath, nil).WantError(t, 404, "not found")

		// Users need the security-policy permissions; anonymous callers are refused.
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		user, _ := s.Login(t, "ada@example.com", "correct horse battery")
		user.Do(t, "GET", lockoutPath, nil).WantError(t, 403, "Insufficient permissions")
		user.Do(t, "POST", lockoutPath, map[string]any{"enabled": true, "maxAttempts": 3}).WantError(t, 403, "Insufficient permissions")
		s.Anon().Do(t, "GET", lockoutPath, nil).Want(t, 401)
	})
}

func TestPasswordConfigRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		got := v.Do(t, "GET", passwordPath, nil).Want(t, 200).Map(t)
		if got["minLength"] != 8.0 || got["maxLength"] != 128.0 || got["blockPwnedPasswords"] != true || got["allowPassphrases"] != true {
			t.Fatalf("default password config %v", got)
		}
		got = v.Do(t, "POST", passwordPath, map[string]any{"minLength": 10, "optionalTests": map[string]any{"requireNumbers": true},
			"minOptionalTestsToPass": 1}).Want(t, 201).Map(t)
		tests := got["optionalTests"].(map[string]any)
		if got["minLength"] != 10.0 || got["maxLength"] != 128.0 || tests["requireNumbers"] != true || tests["requireLowercase"] != false {
			t.Fatalf("saved password config %v", got)
		}
		if got := v.Do(t, "GET", passwordPath, nil).Want(t, 200).Map(t); got["minLength"] != 10.0 {
			t.Fatalf("read back %v", got)
		}
		for _, tc := range []struct {
			body any
			want string
		}{
			{map[string]any{"minLength": 6}, "minLength must be between 8 and 128"},
			{map[string]any{"minLength": 20, "maxLength": 12}, "maxLength must be between minLength"},
			{map[string]any{"maxLength": 5000}, "maxLength must be between"},
			{map[string]any{"minOptionalTestsToPass": 5}, "minOptionalTestsToPass must be between 0 and 4"},
			{map[string]any{"minPhraseLength": 4}, "minPhraseLength must be between"},
			{map[string]any{"optionalTests": true}, "optionalTests must be of type object"},
		} {
			v.Do(t, "POST", passwordPath, tc.body).WantError(t, 400, tc.want)
		}

		// Accounts follow the environment, and may override it only when allowed.
		tn := s.SeedTenant(t, "Acme")
		acct := v.With("frontegg-tenant-id", tn.TenantID)
		if got := acct.Do(t, "GET", passwordPath, nil).Want(t, 200).Map(t); got["minLength"] != 10.0 {
			t.Fatalf("account follows the environment: %v", got)
		}
		acct.Do(t, "POST", passwordPath, map[string]any{"minLength": 14}).WantError(t, 403, "does not allow accounts")
		allowOverrides(t, s)
		// A new override starts from the environment's policy.
		got = acct.Do(t, "POST", passwordPath, map[string]any{"minLength": 14}).Want(t, 201).Map(t)
		if got["minLength"] != 14.0 || got["optionalTests"].(map[string]any)["requireNumbers"] != true {
			t.Fatalf("account override %v", got)
		}
		if got := v.Do(t, "GET", passwordPath, nil).Want(t, 200).Map(t); got["minLength"] != 10.0 {
			t.Fatalf("environment changed by an account override: %v", got)
		}

		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		user, _ := s.Login(t, "ada@example.com", "correct horse battery")
		user.Do(t, "POST", passwordPath, map[string]any{"minLength": 9}).WantError(t, 403, "Insufficient permissions")
		s.Anon().Do(t, "POST", passwordPath, map[string]any{"minLength": 9}).Want(t, 401)
	})
}

func TestUserPasswordConfigIsStrictestOfAccounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		allowOverrides(t, s)
		a, b := s.SeedTenant(t, "A"), s.SeedTenant(t, "B")
		v.With("frontegg-tenant-id", a.TenantID).Do(t, "POST", passwordPath, map[string]any{"minLength": 12}).Want(t, 201)
		v.With("frontegg-tenant-id", b.TenantID).Do(t, "POST", passwordPath, map[string]any{
			"maxLength": 40, "optionalTests": map[string]any{"requireUppercase": true}}).Want(t, 201)
		u := s.SeedUser(t, a.TenantID, "ada@example.com", "correct horse battery")
		addMembership(t, s, u.ID, b.TenantID)

		got := s.Anon().Do(t, "GET", userPasswordConfig+"?userId="+u.ID, nil).Want(t, 200).Map(t)
		if got["minLength"] != 12.0 || got["maxLength"] != 40.0 || got["optionalTests"].(map[string]any)["requireUppercase"] != true {
			t.Fatalf("strictest config %v", got)
		}
		// The calling user's accounts when no userId is given.
		user, _ := s.Login(t, "ada@example.com", "correct horse battery")
		if got := user.Do(t, "GET", "/frontegg"+userPasswordConfig, nil).Want(t, 200).Map(t); got["minLength"] != 12.0 {
			t.Fatalf("caller's config %v", got)
		}
		// Anonymous callers and unknown users get the environment's rules.
		for _, path := range []string{userPasswordConfig, userPasswordConfig + "?userId=no-such-user"} {
			if got := s.Anon().Do(t, "GET", path, nil).Want(t, 200).Map(t); got["minLength"] != 8.0 || got["maxLength"] != 128.0 {
				t.Fatalf("%s: %v", path, got)
			}
		}
	})
}

func TestPasswordHistoryRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		got := v.Do(t, "GET", historyPath, nil).Want(t, 200).Map(t)
		if got["enabled"] != false || got["historySize"] != 5.0 {
			t.Fatalf("default history policy %v", got)
		}
		got = v.Do(t, "POST", historyPath, map[string]any{"enabled": true, "historySize": 3}).Want(t, 201).Map(t)
		if got["enabled"] != true || got["historySize"] != 3.0 || got["id"] == "" {
			t.Fatalf("created %v", got)
		}
		v.Do(t, "POST", historyPath, map[string]any{"enabled": true, "historySize": 3}).WantError(t, 409, "already exists")
		if got := v.Do(t, "PATCH", historyPath, map[string]any{"enabled": true, "historySize": 4}).Want(t, 200).Map(t); got["historySize"] != 4.0 {
			t.Fatalf("updated %v", got)
		}
		if got := v.Do(t, "GET", historyPath+"/vendor", nil).Want(t, 200).Map(t); got["historySize"] != 4.0 {
			t.Fatalf("vendor view %v", got)
		}
		for _, tc := range []struct {
			body any
			want string
		}{
			{map[string]any{"historySize": 3}, "enabled is required"},
			{map[string]any{"enabled": true}, "historySize is required"},
			{map[string]any{"enabled": true, "historySize": 0}, "historySize must be between 1 and 25"},
			{map[string]any{"enabled": true, "historySize": 26}, "historySize must be between 1 and 25"},
		} {
			v.Do(t, "PATCH", historyPath, tc.body).WantError(t, 400, tc.want)
		}
		tn := s.SeedTenant(t, "Acme")
		acct := v.With("frontegg-tenant-id", tn.TenantID)
		acct.Do(t, "GET", historyPath, nil).WantError(t, 404, "No password history policy")
		acct.Do(t, "PATCH", historyPath, map[string]any{"enabled": true, "historySize": 2}).WantError(t, 404, "No password history policy")
		acct.Do(t, "POST", historyPath, map[string]any{"enabled": true, "historySize": 2}).WantError(t, 403, "does not allow accounts")
		allowOverrides(t, s)
		acct.Do(t, "POST", historyPath, map[string]any{"enabled": true, "historySize": 2}).Want(t, 201)
		acct.Do(t, "GET", historyPath, nil).Want(t, 200)

		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		user, _ := s.Login(t, "ada@example.com", "correct horse battery")
		user.Do(t, "GET", historyPath, nil).WantError(t, 403, "Insufficient permissions")
		user.Do(t, "GET", historyPath+"/vendor", nil).WantError(t, 403, "Insufficient permissions")
	})
}

func TestPasswordRotationRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		got := v.Do(t, "GET", rotationPath+"/vendor", nil).Want(t, 200).Map(t)
		if got["isActive"] != false || got["rotationPeriod"] != 7776000.0 || got["notificationPeriod"] != 604800.0 || got["tenantId"] != "" {
			t.Fatalf("default rotation %v", got)
		}
		got = v.Do(t, "POST", rotationPath, map[string]any{"isActive": true, "rotationPeriod": 86400 * 30}).Want(t, 200).Map(t)
		if got["isActive"] != true || got["rotationPeriod"] != 2592000.0 || got["notificationPeriod"] != 604800.0 {
			t.Fatalf("saved %v", got)
		}
		if got := v.Do(t, "GET", rotationPath, nil).Want(t, 200).Map(t); got["rotationPeriod"] != 2592000.0 {
			t.Fatalf("read back %v", got)
		}
		for _, tc := range []struct {
			body any
			want string
		}{
			{map[string]any{"rotationPeriod": 0}, "rotationPeriod must be between"},
			{map[string]any{"notificationPeriod": 86400 * 31}, "notificationPeriod must be between 0 and rotationPeriod"},
			{map[string]any{"isActive": 1}, "isActive must be of type boolean"},
		} {
			v.Do(t, "POST", rotationPath, tc.body).WantError(t, 400, tc.want)
		}
		tn := s.SeedTenant(t, "Acme")
		acct := v.With("frontegg-tenant-id", tn.TenantID)
		acct.Do(t, "GET", rotationPath, nil).WantError(t, 404, "No password rotation policy")
		acct.Do(t, "POST", rotationPath, map[string]any{"isActive": false}).WantError(t, 403, "does not allow accounts")
		allowOverrides(t, s)
		got = acct.Do(t, "POST", rotationPath, map[string]any{"notificationPeriod": 86400}).Want(t, 200).Map(t)
		// A new override starts from the environment's policy.
		if got["tenantId"] != tn.TenantID || got["isActive"] != true || got["rotationPeriod"] != 2592000.0 || got["notificationPeriod"] != 86400.0 {
			t.Fatalf("account rotation %v", got)
		}
		if got := acct.Do(t, "GET", rotationPath+"/vendor", nil).Want(t, 200).Map(t); got["notificationPeriod"] != 604800.0 {
			t.Fatalf("vendor view %v", got)
		}
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		user, _ := s.Login(t, "ada@example.com", "correct horse battery")
		user.Do(t, "POST", rotationPath, map[string]any{"isActive": false}).WantError(t, 403, "Insufficient permissions")
	})
}
