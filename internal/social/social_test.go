package social_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

const (
	ssoV2     = "/identity/resources/sso/v2"
	customV1  = "/identity/resources/sso/custom/v1"
	redirect  = "https://app.example.test/account/social/success"
	postlogin = "/identity/resources/auth/v1/user/sso/"
)

// each runs fn with a fresh server whose Google and GitHub endpoints are p.
func each(t *testing.T, fn func(t *testing.T, s *apitest.Server, p *ssotest.Provider)) {
	t.Helper()
	p := ssotest.Start(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) { fn(t, s, p) }, func(c *config.Config) {
		c.SocialBaseURLs = map[string]string{"google": p.URL, "github": p.URL}
		c.SSOAllowPrivateURLs = true
	})
}

func TestProviders(t *testing.T) {
	each(t, func(t *testing.T, s *apitest.Server, p *ssotest.Provider) {
		v := s.Vendor(t)
		g := v.Do(t, "POST", ssoV2, map[string]any{"type": "google", "active": true, "clientId": p.ClientID, "secret": p.ClientSecret,
			"redirectUrl": redirect, "additionalScopes": []string{"https://www.googleapis.com/auth/calendar.readonly"}}).Want(t, 200).Map(t)
		if g["authorizationUrl"] != p.URL+"/o/oauth2/v2/auth" || g["active"] != true || g["clientId"] != p.ClientID || g["secret"] != nil {
			t.Fatalf("saved: %v", g)
		}
		v.Do(t, "POST", ssoV2, map[string]any{"type": "github", "active": false}).Want(t, 200)
		list := s.Anon().Do(t, "GET", ssoV2, nil).Want(t, 200)
		if strings.Contains(string(list.Body), p.ClientSecret) {
			t.Fatal("the public list shows a secret")
		}
		var items []map[string]any
		list.JSON(t, &items)
		if len(items) != 2 || items[0]["type"] != "github" || items[1]["type"] != "google" || items[1]["redirectUrl"] != redirect {
			t.Fatalf("v2 list: %s", list.Body)
		}
		s.Anon().Do(t, "GET", "/identity/resources/sso/v1", nil).Want(t, 200).JSON(t, &items)
		if len(items) != 2 || items[1]["clientId"] != p.ClientID {
			t.Fatalf("v1 list: %v", items)
		}
		sp, err := s.DB.FindSocialProvider(context.Background(), "google")
		if err != nil || strings.Contains(sp.Secret, p.ClientSecret) || !strings.HasPrefix(sp.Secret, "v1:") {
			t.Fatalf("stored secret %q (%v)", sp.Secret, err)
		}
		// Saving without a secret keeps it.
		v.Do(t, "POST", ssoV2, map[string]any{"type": "google", "active": true}).Want(t, 200)

		v.Do(t, "POST", ssoV2, map[string]any{"type": "myspace"}).WantError(t, 400, "type must be one of apple, facebook, github")
		v.Do(t, "POST", ssoV2, map[string]any{"type": "slack", "active": true}).WantError(t, 400, "clientId and secret are required")
		v.Do(t, "POST", ssoV2, map[string]any{"type": "slack", "redirectUrl": "nope"}).WantError(t, 400, "redirectUrl must be an absolute URL")
		s.Anon().Do(t, "POST", ssoV2, map[string]any{"type": "google"}).WantError(t, 401, "")
	})
}

func TestCustomProviders(t *testing.T) {
	each(t, func(t *testing.T, s *apitest.Server, p *ssotest.Provider) {
		v := s.Vendor(t)
		body := map[string]any{"type": "custom", "clientId": p.ClientID, "secret": p.ClientSecret, "redirectUrl": redirect,
			"authorizationUrl": p.URL + "/authorize", "tokenUrl": p.URL + "/token", "userInfoUrl": p.URL + "/userinfo",
			"scopes": "openid email", "ssoLogoUrl": "", "displayName": "Acme ID", "active": true}
		c := v.Do(t, "POST", customV1, body).Want(t, 200).Map(t)
		id := c["id"].(string)
		if c["secret"] != nil || c["displayName"] != "Acme ID" || c["authorizationUrl"] != p.URL+"/authorize" {
			t.Fatalf("created: %v", c)
		}
		list := s.Anon().Do(t, "GET", customV1, nil).Want(t, 200)
		if strings.Contains(string(list.Body), p.ClientSecret) || !strings.Contains(string(list.Body), `"id":"`+id+`"`) {
			t.Fatalf("list: %s", list.Body)
		}
		cp, err := s.DB.FindCustomProvider(context.Background(), id)
		if err != nil || strings.Contains(cp.Secret, p.ClientSecret) || !strings.HasPrefix(cp.Secret, "v1:") {
			t.Fatalf("stored secret %q (%v)", cp.Secret, err)
		}
		u := v.Do(t, "PATCH", customV1+"/"+id, map[string]any{"displayName": "Acme", "active": false}).Want(t, 200).Map(t)
		if u["displayName"] != "Acme" || u["active"] != false || u["clientId"] != p.ClientID {
			t.Fatalf("patched: %v", u)
		}
		for field, want := range map[string]string{"clientId": "clientId is required", "tokenUrl": "tokenUrl is required", "secret": "secret is required"} {
			bad := map[string]any{}
			for k, v := range body {
				bad[k] = v
			}
			delete(bad, field)
			v.Do(t, "POST", customV1, bad).WantError(t, 400, want)
		}
		v.Do(t, "PATCH", customV1+"/"+id, map[string]any{"tokenUrl": "ftp://x"}).WantError(t, 400, "tokenUrl must be an https URL")
		v.Do(t, "PATCH", customV1+"/nope", map[string]any{}).WantError(t, 404, "not found")
		s.Anon().Do(t, "POST", customV1, body).WantError(t, 401, "")
		v.Do(t, "DELETE", customV1+"/"+id, nil).Want(t, 200)
		v.Do(t, "DELETE", customV1+"/"+id, nil).WantError(t, 404, "not found")
	})
}

// socialLogin posts the code back as the login box does.
func socialLogin(t *testing.T, s *apitest.Server, provider string, q url.Values) *apitest.Response {
	t.Helper()
	return s.Anon().Do(t, "POST", postlogin+provider+"/postlogin?"+q.Encode(), map[string]any{})
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestSocialLogin(t *testing.T) {
	each(t, func(t *testing.T, s *apitest.Server, p *ssotest.Provider) {
		v := s.Vendor(t)
		v.Do(t, "POST", ssoV2, map[string]any{"type": "google", "active": true, "clientId": p.ClientID, "secret": p.ClientSecret, "redirectUrl": redirect}).Want(t, 200)
		v.Do(t, "POST", ssoV2, map[string]any{"type": "github", "active": true, "clientId": p.ClientID, "secret": p.ClientSecret, "redirectUrl": redirect}).Want(t, 200)
		tn := s.SeedTenant(t, "Existing")
		existing := s.SeedUser(t, tn.TenantID, "known@example.test", "")

		// A verified address logs in as the user who has it.
		p.SetUser(ssotest.User{Subject: "g-1", Email: "known@example.test", EmailVerified: true, Name: "Known"})
		r := socialLogin(t, s, "google", url.Values{"code": {p.Code("", "", redirect)}, "redirectUri": {redirect}, "state": {"client-state"}}).Want(t, 200)
		m := r.Map(t)
		if m["isNewUser"] != false || m["userId"] != existing.ID || m["email"] != "known@example.test" || m["tenantId"] != tn.TenantID ||
			m["mfaRequired"] != false || m["accessToken"] == nil {
			t.Fatalf("login: %v", m)
		}
		claims := s.VerifyUserToken(t, m["accessToken"].(string))
		if claims["sub"] != existing.ID || !slices.Contains(toStrings(claims["amr"]), "sso") {
			t.Fatalf("claims %v", claims)
		}
		if len(r.Header.Values("Set-Cookie")) == 0 {
			t.Fatal("no refresh cookie")
		}

		// GitHub: the primary address is not verified, so it cannot take over the user.
		p.SetUser(ssotest.User{Subject: "gh-1", Email: "known@example.test", EmailVerified: false, Name: "Known"})
		socialLogin(t, s, "github", url.Values{"code": {p.Code("", "", redirect)}, "redirectUri": {redirect}}).WantError(t, 401, "Social login failed")

		// A new address with sign-ups off is refused; with sign-ups on it becomes a user with a new account.
		p.SetUser(ssotest.User{Subject: "gh-2", Email: "newbie@example.test", EmailVerified: true, Name: "New Bie"})
		socialLogin(t, s, "github", url.Values{"code": {p.Code("", "", redirect)}}).WantError(t, 403, "Sign-up is disabled")
		v.Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"allowSignups": true}).Want(t, 201)
		m = socialLogin(t, s, "github", url.Values{"code": {p.Code("", "", redirect)}, "redirectUri": {redirect}}).Want(t, 200).Map(t)
		if m["isNewUser"] != true || m["email"] != "newbie@example.test" || m["tenantId"] == tn.TenantID || m["name"] != "New Bie" {
			t.Fatalf("sign-up: %v", m)
		}
		u, err := s.DB.FindUserByEmail(context.Background(), "newbie@example.test")
		if err != nil || u.Provider != "github" || !u.Verified || u.ActiveTenantID != m["tenantId"] {
			t.Fatalf("new user %+v (%v)", u, err)
		}
		s.VerifyUserToken(t, m["accessToken"].(string))

		// PKCE: the verifier the browser kept must match the authorization request's challenge.
		p.SetUser(ssotest.User{Subject: "g-1", Email: "known@example.test", EmailVerified: true})
		code := p.Code("", challenge("the-verifier-of-this-login-0123456789abcdef"), redirect)
		socialLogin(t, s, "google", url.Values{"code": {code}, "code_verifier": {"another-verifier-0123456789abcdef0123456789"}}).WantError(t, 401, "Social login failed")
		code = p.Code("", challenge("the-verifier-of-this-login-0123456789abcdef"), redirect)
		socialLogin(t, s, "google", url.Values{"code": {code}, "code_verifier": {"the-verifier-of-this-login-0123456789abcdef"}}).Want(t, 200)
		// A code is used once; a made-up one fails.
		socialLogin(t, s, "google", url.Values{"code": {code}}).WantError(t, 401, "Social login failed")

		socialLogin(t, s, "google", url.Values{}).WantError(t, 400, "code is required")
		socialLogin(t, s, "slack", url.Values{"code": {"x"}}).WantError(t, 404, "Social login provider not found")
		socialLogin(t, s, "no-such-provider", url.Values{"code": {"x"}}).WantError(t, 404, "Social login provider not found")
		// A wrong client secret is refused by the provider.
		v.Do(t, "POST", ssoV2, map[string]any{"type": "google", "secret": "wrong"}).Want(t, 200)
		socialLogin(t, s, "google", url.Values{"code": {p.Code("", "", redirect)}}).WantError(t, 401, "Social login failed")
	})
}

// A custom OAuth provider logs in through its token and user-info URLs.
func TestCustomProviderLogin(t *testing.T) {
	each(t, func(t *testing.T, s *apitest.Server, p *ssotest.Provider) {
		v := s.Vendor(t)
		c := v.Do(t, "POST", customV1, map[string]any{"type": "custom", "clientId": p.ClientID, "secret": p.ClientSecret, "redirectUrl": redirect,
			"authorizationUrl": p.URL + "/authorize", "tokenUrl": p.URL + "/token", "userInfoUrl": p.URL + "/userinfo",
			"scopes": "openid email", "ssoLogoUrl": "", "displayName": "Acme ID", "active": true}).Want(t, 200).Map(t)
		tn := s.SeedTenant(t, "Acme")
		known := s.SeedUser(t, tn.TenantID, "ada@acme.test", "")
		p.SetUser(ssotest.User{Subject: "c-1", Email: "ada@acme.test", EmailVerified: true, Name: "Ada"})
		m := socialLogin(t, s, c["id"].(string), url.Values{"code": {p.Code("", "", redirect)}}).Want(t, 200).Map(t)
		if m["userId"] != known.ID || m["isNewUser"] != false {
			t.Fatalf("custom login: %v", m)
		}
		// Not verified by the provider: no takeover.
		p.SetUser(ssotest.User{Subject: "c-1", Email: "ada@acme.test", EmailVerified: false})
		socialLogin(t, s, c["id"].(string), url.Values{"code": {p.Code("", "", redirect)}}).WantError(t, 401, "Social login failed")
		// Someone registered an owner's address before the owner came (unverified, with a
		// password of their choosing): the owner's verified login takes it over, and that
		// password no longer logs in.
		pre := s.SeedUser(t, tn.TenantID, "grace@acme.test", "Squatter-Passw0rd!")
		pre.Verified = false
		if err := s.DB.UpdateUser(context.Background(), pre); err != nil {
			t.Fatal(err)
		}
		v.Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"allowNotVerifiedUsersLogin": true}).Want(t, 201)
		squatter, _ := s.Login(t, "grace@acme.test", "Squatter-Passw0rd!")
		p.SetUser(ssotest.User{Subject: "c-2", Email: "grace@acme.test", EmailVerified: true, Name: "Grace"})
		m = socialLogin(t, s, c["id"].(string), url.Values{"code": {p.Code("", "", redirect)}}).Want(t, 200).Map(t)
		if m["userId"] != pre.ID || m["isNewUser"] != false {
			t.Fatalf("takeover login: %v", m)
		}
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]any{"email": "grace@acme.test", "password": "Squatter-Passw0rd!"}).WantError(t, 401, "")
		squatter.Do(t, "POST", "/identity/resources/auth/v1/user/token/refresh", map[string]any{}).WantError(t, 401, "")

		// An inactive provider logs no one in.
		v.Do(t, "PATCH", customV1+"/"+c["id"].(string), map[string]any{"active": false}).Want(t, 200)
		socialLogin(t, s, c["id"].(string), url.Values{"code": {p.Code("", "", redirect)}}).WantError(t, 404, "not found")
	})
}

func toStrings(v any) []string {
	var out []string
	if vs, ok := v.([]any); ok {
		for _, x := range vs {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
