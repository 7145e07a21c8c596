package auth_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/login"
)

const (
	loginPath   = "/identity/resources/auth/v1/user"
	refreshPath = "/identity/resources/auth/v1/user/token/refresh"
	logoutPath  = "/identity/resources/auth/v1/logout"
)

func TestVendorToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()
		m := anon.Do(t, "POST", "/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": s.APIKey}).Want(t, 200).Map(t)
		if m["token"] == "" || m["expiresIn"].(float64) != 86400 {
			t.Fatalf("vendor token response %v", m)
		}
		anon.Do(t, "POST", "/frontegg/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": "wrong"}).WantError(t, 401, "Invalid client id or secret")
		anon.Do(t, "POST", "/auth/vendor", map[string]string{"clientId": "other", "secret": s.APIKey}).WantError(t, 401, "Invalid client id or secret")
		anon.Do(t, "POST", "/auth/vendor", map[string]string{}).WantError(t, 400, "clientId and secret are required")
		anon.Do(t, "POST", "/auth/vendor", "{not json").WantError(t, 400, "not valid JSON")
		anon.Do(t, "POST", "/auth/vendor", `{"clientId": 5}`).WantError(t, 400, "clientId must be of type string")
		anon.Do(t, "POST", "/auth/vendor", strings.Repeat(" ", 70<<10)+"{}").WantError(t, 413, "larger than")
	})
}

func TestLoginRefreshLogout(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "Ada@Example.com", "correct horse")
		c, res := s.Login(t, "ada@example.com", "correct horse")
		if res.UserID != u.ID || res.ExpiresIn != 86400 || res.RefreshToken == "" || res.MFARequired {
			t.Fatalf("login response %+v", res)
		}
		cookie := c.Cookie(login.CookieName(s.ClientID))
		if cookie != res.RefreshToken {
			t.Fatalf("refresh cookie %q, body %q", cookie, res.RefreshToken)
		}

		var next apitest.LoginResponse
		c.Do(t, "POST", "/frontegg"+refreshPath, map[string]any{"tenantId": nil}).Want(t, 201).JSON(t, &next)
		if next.AccessToken == "" || next.RefreshToken == res.RefreshToken || c.Cookie(login.CookieName(s.ClientID)) != next.RefreshToken {
			t.Fatalf("refresh did not rotate: %+v", next)
		}

		// The refresh token also works from the body, as API clients send it.
		var third apitest.LoginResponse
		s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": next.RefreshToken}).Want(t, 201).JSON(t, &third)

		c.Do(t, "POST", logoutPath, nil).Want(t, 201)
		s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": third.RefreshToken}).WantError(t, 401, "Session is not valid")
	})
}

func TestLoginFailuresLookAlike(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		s.SeedUser(t, tn.TenantID, "nopw@example.com", "")
		anon := s.Anon()
		var bodies []string
		for _, body := range []map[string]string{
			{"email": "ada@example.com", "password": "wrong"},
			{"email": "nobody@example.com", "password": "wrong"},
			{"email": "nopw@example.com", "password": "wrong"},
			{"username": "nobody", "password": "wrong"},
		} {
			r := anon.Do(t, "POST", loginPath, body)
			r.WantError(t, 401, "Incorrect email or password")
			var e struct{ Errors []string }
			r.JSON(t, &e)
			bodies = append(bodies, e.Errors[0])
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Errorf("failure messages differ: %q vs %q", b, bodies[0])
			}
		}
		anon.Do(t, "POST", loginPath, map[string]string{"password": "x"}).WantError(t, 400, "email or username is required")
		anon.Do(t, "POST", loginPath, map[string]string{"email": "a@b.c"}).WantError(t, 400, "password is required")
	})
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		_, first := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		anon := s.Anon()
		var second apitest.LoginResponse
		anon.Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).Want(t, 201).JSON(t, &second)
		// Replaying the spent token fails and kills its successor too.
		anon.Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).WantError(t, 401, "Session is not valid")
		anon.Do(t, "POST", refreshPath, map[string]string{"refreshToken": second.RefreshToken}).WantError(t, 401, "Session is not valid")
		// And the access token of that session is refused at once.
		s.Anon().With("Authorization", "Bearer "+second.AccessToken).Do(t, "GET", "/identity/resources/users/v2/me", nil).Want(t, 401)
	})
}

func TestConcurrentRefreshExactlyOneWins(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		_, first := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		const n = 8
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).Status
			}()
		}
		wg.Wait()
		wins := 0
		for _, st := range statuses {
			switch st {
			case 201:
				wins++
			case 401:
			default:
				t.Fatalf("unexpected status %d", st)
			}
		}
		if wins != 1 {
			t.Fatalf("%d refreshes won, want exactly 1 (%v)", wins, statuses)
		}
	})
}

func TestRefreshTokenExpires(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		_, first := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		s.Clock.Advance(31 * 24 * time.Hour)
		s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).WantError(t, 401, "Session is not valid")
	})
}

func TestStaleBearerIgnoredOnPublicRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		s.Anon().With("Authorization", "Bearer garbage.token.here").
			Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "pw-pw-pw-pw"}).Want(t, 200)
	})
}
