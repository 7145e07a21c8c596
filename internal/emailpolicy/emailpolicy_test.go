package emailpolicy_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const path = "/identity/resources/configurations/v1/user-emails-policy"

func TestUserEmailsPolicy(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn := s.SeedTenant(t, "Acme")
		_, user := s.UserWith(t, tn.TenantID, "ada@example.com")
		if p := user.Do(t, "GET", path, nil).Want(t, 200).Map(t); p["allowEmailChange"] != true {
			t.Fatalf("default policy %v", p)
		}
		if p := v.Do(t, "POST", path, map[string]any{"allowEmailChange": false}).Want(t, 200).Map(t); p["allowEmailChange"] != false {
			t.Fatalf("saved policy %v", p)
		}
		if p := user.Do(t, "GET", path, nil).Want(t, 200).Map(t); p["allowEmailChange"] != false {
			t.Fatalf("policy read by a user %v", p)
		}
		v.Do(t, "POST", path, map[string]any{}).WantError(t, 400, "allowEmailChange is required")
		v.Do(t, "POST", path, map[string]any{"allowEmailChange": "no"}).WantError(t, 400, "allowEmailChange must be of type boolean")
		user.Do(t, "POST", path, map[string]any{"allowEmailChange": true}).Want(t, 403)
		s.Anon().Do(t, "GET", path, nil).Want(t, 401)
		if p := v.Do(t, "GET", path, nil).Want(t, 200).Map(t); p["allowEmailChange"] != false {
			t.Fatalf("a refused change changed the policy: %v", p)
		}
	})
}
