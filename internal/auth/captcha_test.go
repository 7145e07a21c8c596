package auth_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
)

// saveCaptcha stores the captcha policy as the settings routes do, with the
// secret sealed under the test server's master key.
func saveCaptcha(t *testing.T, s *apitest.Server, p policy.CaptchaPolicy) {
	t.Helper()
	sealer, err := secure.NewSealer(bytes.Repeat([]byte{42}, 32)) // apitest's master key
	if err != nil {
		t.Fatal(err)
	}
	c := &policy.Captcha{DB: s.DB, Sealer: sealer, Now: s.Clock.Now}
	if err := c.SavePolicy(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	var stored policy.CaptchaPolicy
	if err := s.DB.FindSetting(context.Background(), "", policy.CaptchaName, &stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored.SecretKey, p.SecretKey) {
		t.Fatalf("captcha secret stored in clear: %q", stored.SecretKey)
	}
}

func TestLoginCaptcha(t *testing.T) {
	sv := apitest.StartSiteverify(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		s.SeedUser(t, tn.TenantID, "robot@example.com", "correct horse battery")
		login := func(email, token string) *apitest.Response {
			return s.Anon().Do(t, "POST", loginPath, map[string]string{"email": email, "password": "correct horse battery", "recaptchaToken": token})
		}
		// Off by default.
		login("ada@example.com", "").Want(t, 200)

		saveCaptcha(t, s, policy.CaptchaPolicy{Enabled: true, SiteKey: "site", SecretKey: "the-secret", MinScore: 0.5,
			IgnoredEmails: []string{"Robot@Example.com"}})
		login("ada@example.com", "").WantError(t, 400, "recaptchaToken is required")
		login("ada@example.com", "forged").WantError(t, 400, "recaptchaToken was not accepted")
		login("ada@example.com", "robotic").WantError(t, 400, "recaptchaToken was not accepted") // score under minScore
		login("ada@example.com", "human").Want(t, 200)
		login("robot@example.com", "").Want(t, 200) // ignored email, any case
		// The failure does not depend on the account: an unknown user gets the same answer.
		login("nobody@example.com", "forged").WantError(t, 400, "recaptchaToken was not accepted")
		if ips := sv.RemoteIPs(); len(ips) == 0 || ips[0] != "127.0.0.1" {
			t.Errorf("siteverify remoteip %q, want the client address", ips)
		}

		// A wrong secret: siteverify refuses every token.
		saveCaptcha(t, s, policy.CaptchaPolicy{Enabled: true, SecretKey: "not-the-secret", MinScore: 0.5})
		login("ada@example.com", "human").WantError(t, 400, "recaptchaToken was not accepted")
		saveCaptcha(t, s, policy.CaptchaPolicy{Enabled: false, SecretKey: "the-secret"})
		login("ada@example.com", "").Want(t, 200)
	}, sv.Option())
}

func TestLoginCaptchaFailsClosed(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		saveCaptcha(t, s, policy.CaptchaPolicy{Enabled: true, SecretKey: "the-secret", MinScore: 0.5})
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "correct horse battery", "recaptchaToken": "human"}).
			WantError(t, 500, "Internal server error")
	}, func(c *config.Config) { c.RecaptchaVerifyURL = down.URL })
}
