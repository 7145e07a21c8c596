package oauth_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/login"
)

func TestEnvironmentClientConfiguration(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		cfg := v.Do(t, "GET", "/oauth/resources/configurations/v1", nil).Want(t, 200).Map(t)
		if cfg["isActive"] != true || cfg["clientId"] != s.ClientID {
			t.Fatalf("defaults %v", cfg)
		}
		var added struct{ ID, RedirectURI string }
		v.Do(t, "POST", "/oauth/resources/configurations/v1/redirect-uri", map[string]string{"redirectUri": redirect}).Want(t, 201).JSON(t, &added)
		v.Do(t, "POST", "/oauth/resources/configurations/v1/redirect-uri", map[string]string{"redirectUri": redirect}).WantError(t, 409, "already allowed")
		v.Do(t, "POST", "/oauth/resources/configurations/v1/redirect-uri", map[string]string{"redirectUri": "http://evil.example"}).WantError(t, 400, "redirectUri must be")
		v.Do(t, "POST", "/oauth/resources/configurations/v1/redirect-uri", map[string]string{}).WantError(t, 400, "redirectUri is required")
		var list struct {
			RedirectURIs []struct{ ID, RedirectURI string } `json:"redirectUris"`
		}
		v.Do(t, "GET", "/oauth/resources/configurations/v1/redirect-uri", nil).Want(t, 200).JSON(t, &list)
		if len(list.RedirectURIs) != 1 || list.RedirectURIs[0].RedirectURI != redirect || list.RedirectURIs[0].ID != added.ID {
			t.Fatalf("redirect uris %+v", list)
		}

		// The environment's client: Basic with the API key, as @frontegg/client sends it.
		seedUser(t, s, "ada@example.com")
		b := newBrowser(s)
		back := b.signIn(t, authorizeURL(s.ClientID, map[string]string{"scope": "openid+email+profile"}), "ada@example.com", password)
		form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {redirect}}
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.ClientID+":"+s.APIKey))
		var tok struct {
			AccessToken  string `json:"access_token"`
			IDToken      string `json:"id_token"`
			RefreshToken string `json:"refresh_token"`
		}
		s.Anon().With("Authorization", basic).With("x-access-token", "ignored").Do(t, "POST", "/oauth/token",
			map[string]string{"grant_type": "authorization_code", "code": form.Get("code"), "redirect_uri": redirect, "state": "st-1"}).Want(t, 200).JSON(t, &tok)
		// Frontegg's browser client uses the environment's ID token as its access token.
		s.Anon().With("Authorization", "Bearer "+tok.IDToken).Do(t, "GET", "/identity/resources/users/v2/me", nil).Want(t, 200)
		s.Anon().With("Authorization", "Bearer "+tok.AccessToken).Do(t, "GET", "/identity/resources/users/v2/me", nil).Want(t, 200)

		// Without the secret and without PKCE the environment's code is refused.
		code := b.get(t, authorizeURL(s.ClientID, nil)).want(t, 302).Location.Query().Get("code")
		if status, m := tokenForm(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}); status != 401 || m["error"] != "invalid_client" {
			t.Fatalf("environment code without secret or PKCE: %d %v", status, m)
		}
		// With PKCE (the browser client's way) it needs no secret.
		verifier, challenge := pkce()
		code = b.get(t, authorizeURL(s.ClientID, map[string]string{"code_challenge": challenge, "code_challenge_method": "S256"})).want(t, 302).Location.Query().Get("code")
		s.Anon().Do(t, "POST", "/oauth/token", map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
			"code_verifier": verifier}).Want(t, 200)

		// Deactivated: the environment's authorization requests go back refused.
		v.Do(t, "POST", "/oauth/resources/configurations/v1/deactivate", nil).Want(t, 201)
		if r := b.get(t, authorizeURL(s.ClientID, nil)); r.Status != 302 || r.Location.Query().Get("error") != "unauthorized_client" {
			t.Fatalf("inactive: %d %v", r.Status, r.Location)
		}
		v.Do(t, "POST", "/oauth/resources/configurations/v1/activate", nil).Want(t, 201)
		saved := v.Do(t, "POST", "/oauth/resources/configurations/v1", map[string]any{"postLogoutRedirectUris": []string{"https://app.example.com/bye"}}).Want(t, 201).Map(t)
		if saved["isActive"] != true || len(saved["postLogoutRedirectUris"].([]any)) != 1 {
			t.Fatalf("saved %v", saved)
		}
		v.Do(t, "POST", "/oauth/resources/configurations/v1", map[string]any{"postLogoutRedirectUris": []string{"nope"}}).WantError(t, 400, "postLogoutRedirectUris must be")

		v.Do(t, "DELETE", "/oauth/resources/configurations/v1/redirect-uri/"+added.ID, nil).Want(t, 200)
		v.Do(t, "DELETE", "/oauth/resources/configurations/v1/redirect-uri/"+added.ID, nil).WantError(t, 404, "Redirect URI not found")
		if r := b.get(t, authorizeURL(s.ClientID, nil)); r.Status != 400 || r.Location != nil {
			t.Fatalf("removed redirect uri: %d %v", r.Status, r.Location)
		}

		base := v.Do(t, "GET", "/vendors/base-url", nil).Want(t, 200).Map(t)
		if base["baseURL"] != s.URL {
			t.Fatalf("base url %v", base)
		}
		s.Anon().Do(t, "GET", "/vendors/base-url", nil).Want(t, 401)
		s.Anon().Do(t, "GET", "/oauth/resources/configurations/v1", nil).Want(t, 401)
	})
}

func TestSilentRefreshAndUserinfo(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "POST", "/oauth/resources/configurations/v1/redirect-uri", map[string]string{"redirectUri": redirect}).Want(t, 201)
		tenantID := seedUser(t, s, "ada@example.com")
		b := newBrowser(s)
		b.signIn(t, authorizeURL(s.ClientID, withPKCE(nil)), "ada@example.com", password)
		cookie := b.cookie(login.CookieName(s.ClientID))
		if cookie == "" {
			t.Fatal("no refresh cookie")
		}
		c := s.Anon()
		var out struct {
			AccessToken  string `json:"access_token"`
			IDToken      string `json:"id_token"`
			RefreshToken string `json:"refresh_token"`
			ExpiresIn    int    `json:"expires_in"`
		}
		c.With("Cookie", login.CookieName(s.ClientID)+"="+cookie).Do(t, "POST", "/frontegg/oauth/authorize/silent", map[string]any{"tenantId": tenantID}).Want(t, 200).JSON(t, &out)
		if out.AccessToken == "" || out.IDToken == "" || out.RefreshToken == "" || out.RefreshToken == cookie || out.ExpiresIn != 86400 {
			t.Fatalf("silent %+v", out)
		}
		s.Anon().With("Authorization", "Bearer "+out.IDToken).Do(t, "GET", "/identity/resources/users/v2/me", nil).Want(t, 200)
		info := s.Anon().With("Authorization", "Bearer "+out.AccessToken).Do(t, "GET", "/oauth/userinfo", nil).Want(t, 200).Map(t)
		if info["email"] != "ada@example.com" || info["email_verified"] != true || info["sub"] == "" {
			t.Fatalf("userinfo %v", info)
		}
		s.Anon().With("Authorization", "Bearer "+out.AccessToken).Do(t, "POST", "/oauth/userinfo", nil).Want(t, 200)
		r := s.Anon().Do(t, "GET", "/oauth/userinfo", nil).Want(t, 401)
		if !strings.Contains(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("userinfo without token: %v", r.Header)
		}
		s.Anon().With("Authorization", "Bearer nope").Do(t, "GET", "/oauth/userinfo", nil).Want(t, 401)
		vendor := s.Vendor(t)
		vendor.Do(t, "GET", "/oauth/userinfo", nil).Want(t, 401) // a vendor token has no user

		// The rotated cookie is spent: presenting it again ends the session.
		// Without any cookie, 401.
		s.Anon().With("Cookie", login.CookieName(s.ClientID)+"="+cookie).Do(t, "POST", "/oauth/authorize/silent", map[string]any{}).WantError(t, 401, "Session is not valid")
		s.Anon().Do(t, "POST", "/oauth/authorize/silent", nil).WantError(t, 401, "Session is not valid")
		s.Anon().With("Authorization", "Bearer "+out.AccessToken).Do(t, "GET", "/oauth/userinfo", nil).Want(t, 401)
	})
}

func TestForgotPasswordAndSignUpPages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		b := newBrowser(s)
		form := b.get(t, authorizeURL(clientID, withPKCE(nil))).want(t, 200).hidden()
		ticket := form.Get("ticket")

		// Forgot password: the same answer for a known and an unknown email; the known one gets mail.
		page := b.get(t, "/oauth/forgot-password?ticket="+url.QueryEscape(ticket)).want(t, 200)
		var bodies []string
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			f := page.hidden()
			f.Set("email", email)
			r := b.post(t, "/oauth/forgot-password", f).want(t, 200)
			bodies = append(bodies, strings.ReplaceAll(r.Body, email, "EMAIL"))
		}
		if !strings.Contains(bodies[0], "If an account exists") {
			t.Fatalf("forgot answer: %s", bodies[0])
		}
		s.Mail.WaitFor(t, "ada@example.com", 5*time.Second)
		f := page.hidden()
		f.Set("email", "not-an-email")
		if r := b.post(t, "/oauth/forgot-password", f); r.Status != 400 || !strings.Contains(r.Body, "email must be an email") {
			t.Fatalf("bad email: %d", r.Status)
		}

		// Sign-up is off by default.
		b.get(t, "/oauth/signup?ticket="+url.QueryEscape(ticket)).want(t, 403)
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"allowSignups": true, "allowNotVerifiedUsersLogin": true}).Want(t, 201)
		if !strings.Contains(b.get(t, authorizeURL(clientID, withPKCE(nil))).Body, "Create an account") {
			t.Fatal("the login page does not offer sign-up")
		}
		page = b.get(t, "/oauth/signup?ticket="+url.QueryEscape(ticket)).want(t, 200)
		f = page.hidden()
		f.Set("name", "Grace")
		f.Set("companyName", "Navy")
		f.Set("email", "grace@example.com")
		f.Set("password", "short")
		if r := b.post(t, "/oauth/signup", f); r.Status != 400 || !strings.Contains(r.Body, "password") {
			t.Fatalf("weak password: %d", r.Status)
		}
		f.Set("password", "a long and unusual passphrase")
		r := b.post(t, "/oauth/signup", f).want(t, 303)
		if r.Location.Query().Get("code") == "" {
			t.Fatalf("sign-up did not return a code: %v", r.Location)
		}
		// Users who must activate are told to check their email.
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"allowNotVerifiedUsersLogin": false}).Want(t, 201)
		f.Set("email", "linus@example.com")
		if r := b.post(t, "/oauth/signup", f); r.Status != 200 || !strings.Contains(r.Body, "activate your account") {
			t.Fatalf("sign-up needing activation: %d %.500s", r.Status, r.Body)
		}

		// An expired page offers to start over; a forged ticket does not.
		s.Clock.Advance(31 * time.Minute)
		if r := b.get(t, "/oauth/login?ticket="+url.QueryEscape(ticket)); r.Status != 400 || !strings.Contains(r.Body, "Start again") {
			t.Fatalf("expired ticket: %d", r.Status)
		}
		if r := b.get(t, "/oauth/login?ticket=forged."+url.QueryEscape(ticket)); r.Status != 400 || strings.Contains(r.Body, "Start again") {
			t.Fatalf("forged ticket: %d", r.Status)
		}
	})
}

func TestLoginPageErrorsAndBranding(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		v := s.Vendor(t)
		v.Do(t, "PUT", "/oauth/resources/login-page/v1", map[string]string{"appName": "Acme <Portal>", "primaryColor": "#0b6e4f",
			"logoUrl": "https://cdn.example.com/logo.png"}).Want(t, 200)
		for name, c := range map[string]struct {
			body map[string]string
			msg  string
		}{
			"bad colour":     {map[string]string{"primaryColor": "green"}, "primaryColor must be a colour"},
			"low contrast":   {map[string]string{"textColor": "#dddddd", "backgroundColor": "#ffffff"}, "at least 4.5:1"},
			"faint buttons":  {map[string]string{"primaryColor": "#f0f0f0", "backgroundColor": "#ffffff", "textColor": "#000000"}, "at least 3:1"},
			"logo not a URL": {map[string]string{"logoUrl": "javascript:alert(1)"}, "logoUrl must be"},
		} {
			t.Run(name, func(t *testing.T) { v.Do(t, "PUT", "/oauth/resources/login-page/v1", c.body).WantError(t, 400, c.msg) })
		}
		got := v.Do(t, "GET", "/oauth/resources/login-page/v1", nil).Want(t, 200).Map(t)
		if got["appName"] != "Acme <Portal>" || got["primaryColor"] != "#0b6e4f" {
			t.Fatalf("branding %v", got)
		}
		s.Anon().Do(t, "GET", "/oauth/resources/login-page/v1", nil).Want(t, 401)

		b := newBrowser(s)
		page := b.get(t, authorizeURL(clientID, withPKCE(map[string]string{"login_hint": "ada@example.com"}))).want(t, 200)
		for _, want := range []string{"Acme &lt;Portal&gt;", "#0b6e4f", `src="https://cdn.example.com/logo.png"`, `<label for="email">`,
			`<label for="password">`, `value="ada@example.com"`, `autocomplete="current-password"`, "Forgot your password?"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("login page lacks %q", want)
			}
		}
		f := page.hidden()
		for name, c := range map[string]struct {
			email, password, msg string
			status               int
		}{
			"no email":       {"", "x", "Enter your email address.", 400},
			"no password":    {"ada@example.com", "", "Enter your password.", 400},
			"wrong password": {"ada@example.com", "wrong", "Incorrect email or password", 401},
			"unknown user":   {"nobody@example.com", "wrong", "Incorrect email or password", 401},
		} {
			f.Set("email", c.email)
			f.Set("password", c.password)
			r := b.post(t, "/oauth/login", f)
			if r.Status != c.status || !strings.Contains(r.Body, c.msg) || !strings.Contains(r.Body, `role="alert"`) {
				t.Errorf("%s: %d %.300s", name, r.Status, r.Body)
			}
		}
		// SSO is wired, but no account claimed example.com, and no social provider is on.
		if !strings.Contains(page.Body, "Sign in with single sign-on") || strings.Contains(page.Body, "Continue with") {
			t.Error("SSO button missing, or social buttons without providers")
		}
		f.Set("email", "ada@example.com")
		if r := b.post(t, "/oauth/login/sso", f); r.Status != 400 || !strings.Contains(r.Body, "not set up for this email") {
			t.Errorf("sso: %d", r.Status)
		}
		// MFA is wired (factors.PageMFA): a code step without a challenge is refused.
		if r := b.post(t, "/oauth/login/mfa", f); r.Status != 400 || !strings.Contains(r.Body, `role="alert"`) {
			t.Errorf("mfa step without a challenge: %d %.300s", r.Status, r.Body)
		}
	})
}

// TestLoginFormIsRateLimitedPerEmail: the page's form posts count against
// the per-identifier limit like the JSON login (the limiter reads form
// bodies), and past it the browser is shown a page.
func TestLoginFormIsRateLimitedPerEmail(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		b := newBrowser(s)
		f := b.get(t, authorizeURL(clientID, withPKCE(nil))).want(t, 200).hidden()
		f.Set("email", "ADA@example.com")
		f.Set("password", "wrong")
		for range 3 {
			b.post(t, "/oauth/login", f).want(t, 401)
		}
		// A browser gets a page, with Retry-After; the JSON route keeps its JSON.
		r := b.post(t, "/oauth/login", with(f, "password", password))
		if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(r.Body, "Too many attempts") || r.Header.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("4th attempt: %d %s %.300s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": password}).
			WantError(t, 429, "Too many requests")
	}, func(c *config.Config) { c.RateLimitIdentifier = config.RateLimit{Limit: 3, Window: time.Hour} })
}
