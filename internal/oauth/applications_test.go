package oauth_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

// TestApplicationAsOAuthClient registers an application through the vendor
// API (as Frontegg's applications service does), regenerates its
// credentials, and signs a user in through /oauth/authorize and /oauth/token
// with them: a code flow with PKCE alone, a confidential one with the
// secret, the same through one of its application clients — and the
// refusals: a wrong secret, an unregistered redirect, a user the application
// does not admit, an inactive and a deleted application.
func TestApplicationAsOAuthClient(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn := s.SeedTenant(t, "Acme")
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", password)
		const shop = "https://shop.example.com"
		var app struct{ ID string }
		v.Do(t, "POST", "/applications/resources/applications/v1", map[string]any{"name": "Shop", "appURL": shop, "loginURL": shop + "/login",
			"redirectURLs": []string{shop + "/auth/cb"}}).Want(t, 201).JSON(t, &app)
		var before, creds struct{ ClientSecret string }
		v.Do(t, "GET", "/applications/resources/applications/v1/credentials/"+app.ID, nil).Want(t, 200).JSON(t, &before)
		v.Do(t, "POST", "/applications/resources/applications/v1/credentials/regenerate", map[string]string{"appId": app.ID}).Want(t, 201).JSON(t, &creds)
		authorize := func(clientID, redirectURI string, params map[string]string) string {
			q := map[string]string{"client_id": clientID, "redirect_uri": redirectURI}
			for k, v := range params {
				q[k] = v
			}
			return authorizeURL(clientID, q)
		}
		redeem := func(form url.Values, basic string) (int, map[string]any) {
			t.Helper()
			c := s.Anon().With("Content-Type", "application/x-www-form-urlencoded")
			if basic != "" {
				c = c.With("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(basic)))
			}
			r := c.Do(t, "POST", "/oauth/token", form.Encode())
			m := map[string]any{}
			if r.Status == 200 {
				m = r.Map(t)
			}
			return r.Status, m
		}

		// Public use: PKCE alone, back to appURL + /oauth/callback (where
		// Frontegg's SDKs take the code).
		b := newBrowser(s)
		verifier, challenge := pkce()
		pkceParams := map[string]string{"code_challenge": challenge, "code_challenge_method": "S256"}
		back := b.signIn(t, authorize(app.ID, shop+"/oauth/callback", pkceParams), "ada@example.com", password)
		if got := back.Scheme + "://" + back.Host + back.Path; got != shop+"/oauth/callback" || back.Query().Get("code") == "" {
			t.Fatalf("sent to %s", back)
		}
		form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {shop + "/oauth/callback"},
			"client_id": {app.ID}, "code_verifier": {verifier}}
		status, tok := redeem(form, "")
		if status != 200 || tok["id_token"] == nil || tok["refresh_token"] == nil {
			t.Fatalf("PKCE exchange: %d %v", status, tok)
		}
		id := s.VerifyUserToken(t, tok["access_token"].(string))
		if id["sub"] != ada.ID {
			t.Fatalf("access token of %v", id["sub"])
		}

		// Confidential use: no PKCE, the regenerated secret (HTTP Basic).
		codeAt := func(clientID, redirectURI string) string {
			t.Helper()
			r := b.get(t, authorize(clientID, redirectURI, nil)).want(t, 302)
			code := r.Location.Query().Get("code")
			if code == "" {
				t.Fatalf("no code: %s", r.Location)
			}
			return code
		}
		confidential := func(code string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {shop + "/auth/cb"}}
		}
		for name, secret := range map[string]string{"wrong secret": "wrong", "secret before regeneration": before.ClientSecret} {
			if status, _ := redeem(confidential(codeAt(app.ID, shop+"/auth/cb")), app.ID+":"+secret); status != 401 {
				t.Errorf("%s: %d", name, status)
			}
		}
		status, tok = redeem(confidential(codeAt(app.ID, shop+"/auth/cb")), app.ID+":"+creds.ClientSecret)
		if status != 200 || tok["refresh_token"] == nil {
			t.Fatalf("confidential exchange: %d %v", status, tok)
		}
		refresh := tok["refresh_token"].(string)
		// Its refresh tokens are its own: Frontegg's refresh route, which
		// checks no client secret, refuses them (and leaves them unspent).
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/token/refresh", map[string]string{"refreshToken": refresh}).
			WantError(t, 401, "Session is not valid")
		status, tok = redeem(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}, app.ID+":"+creds.ClientSecret)
		if status != 200 || tok["refresh_token"] == refresh {
			t.Fatalf("refresh at /oauth/token: %d %v", status, tok)
		}
		refresh = tok["refresh_token"].(string)

		// Redirect URIs are the application's, exactly.
		for _, uri := range []string{shop, shop + "/auth/cb/", shop + "/login", "https://evil.example.com/oauth/callback"} {
			if r := b.get(t, authorize(app.ID, uri, pkceParams)); r.Status != 400 || r.Location != nil {
				t.Errorf("redirect_uri %s: %d %v", uri, r.Status, r.Location)
			}
		}
		// After logout: the application's appURL and loginURL.
		for uri, want := range map[string]int{shop: 302, shop + "/login": 302, shop + "/elsewhere": 400} {
			if r := newBrowser(s).get(t, "/oauth/logout?"+url.Values{"client_id": {app.ID}, "post_logout_redirect_uri": {uri}}.Encode()); r.Status != want {
				t.Errorf("logout to %s: %d, want %d", uri, r.Status, want)
			}
		}

		// An application client: its own id, secret and redirect URLs.
		var agent struct{ ID, ClientSecret string }
		v.Do(t, "POST", "/applications/application-clients", map[string]any{"appId": app.ID, "clientName": "Agent", "clientType": "Agent",
			"redirectURLs": []string{"https://agent.example.com/cb"}}).Want(t, 201).JSON(t, &agent)
		agentForm := url.Values{"grant_type": {"authorization_code"}, "code": {codeAt(agent.ID, "https://agent.example.com/cb")},
			"redirect_uri": {"https://agent.example.com/cb"}, "client_id": {agent.ID}, "client_secret": {agent.ClientSecret}}
		if status, m := redeem(agentForm, ""); status != 200 {
			t.Fatalf("application client: %d %v", status, m)
		}
		stolen := url.Values{"grant_type": {"authorization_code"}, "code": {codeAt(agent.ID, "https://agent.example.com/cb")},
			"redirect_uri": {"https://agent.example.com/cb"}}
		if status, _ := redeem(stolen, app.ID+":"+creds.ClientSecret); status != 400 {
			t.Errorf("application client's code redeemed by the application: %d", status)
		}
		if r := b.get(t, authorize(agent.ID, shop+"/auth/cb", nil)); r.Status != 400 {
			t.Errorf("application client at the application's redirect: %d", r.Status)
		}

		// Managed access: a user not assigned to the application gets no
		// code, and its refresh tokens stop working.
		v.Do(t, "PATCH", "/applications/resources/applications/v1/"+app.ID, map[string]any{"accessType": "MANAGED_ACCESS"}).Want(t, 201)
		r := b.get(t, authorize(app.ID, shop+"/auth/cb", nil)).want(t, 302)
		if q := r.Location.Query(); q.Get("error") != "access_denied" || q.Get("code") != "" || q.Get("state") != "st-1" {
			t.Fatalf("unassigned user: %s", r.Location)
		}
		if r := newBrowser(s).signIn(t, authorize(app.ID, shop+"/auth/cb", nil), "ada@example.com", password); r.Query().Get("error") != "access_denied" {
			t.Fatalf("unassigned user signing in: %s", r)
		}
		refreshForm := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
		if status, _ := redeem(refreshForm, app.ID+":"+creds.ClientSecret); status != 400 {
			t.Fatalf("refresh by an unassigned user: %d", status)
		}
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", "/identity/resources/applications/v1",
			map[string]any{"appId": app.ID, "tenantId": tn.TenantID, "userIds": []string{ada.ID}}).Want(t, 201)
		status, tok = redeem(confidential(codeAt(app.ID, shop+"/auth/cb")), app.ID+":"+creds.ClientSecret)
		if status != 200 {
			t.Fatalf("assigned user: %d %v", status, tok)
		}
		// Refresh tokens issued with the secret need it.
		refreshForm.Set("refresh_token", tok["refresh_token"].(string))
		refreshForm.Set("client_id", app.ID)
		if status, _ := redeem(refreshForm, ""); status != 401 {
			t.Fatalf("refresh without the secret: %d", status)
		}
		status, tok = redeem(refreshForm, app.ID+":"+creds.ClientSecret)
		if status != 200 {
			t.Fatalf("refresh with the secret: %d %v", status, tok)
		}

		// Inactive: refused back to the application.
		v.Do(t, "PATCH", "/applications/resources/applications/v1/"+app.ID, map[string]any{"isActive": false}).Want(t, 201)
		if r := b.get(t, authorize(app.ID, shop+"/auth/cb", nil)); r.Status != 302 || r.Location.Query().Get("error") != "unauthorized_client" {
			t.Fatalf("inactive application: %d %v", r.Status, r.Location)
		}
		v.Do(t, "PATCH", "/applications/resources/applications/v1/"+app.ID, map[string]any{"isActive": true}).Want(t, 201)

		// Deleted: its client id is unknown, its codes and refresh tokens dead.
		code := codeAt(app.ID, shop+"/auth/cb")
		v.Do(t, "DELETE", "/applications/resources/applications/v1/"+app.ID, nil).Want(t, 200)
		if r := b.get(t, authorize(app.ID, shop+"/auth/cb", nil)); r.Status != 400 || r.Location != nil || !strings.Contains(r.Body, "client_id") {
			t.Errorf("deleted application: %d %v", r.Status, r.Location)
		}
		if status, _ := redeem(confidential(code), app.ID+":"+creds.ClientSecret); status != 401 {
			t.Errorf("code of a deleted application: %d", status)
		}
		refreshForm.Set("refresh_token", tok["refresh_token"].(string))
		if status, _ := redeem(refreshForm, ""); status != 400 {
			t.Errorf("refresh token of a deleted application: %d", status)
		}
		if r := b.get(t, authorize(agent.ID, "https://agent.example.com/cb", nil)); r.Status != 400 {
			t.Errorf("client of a deleted application: %d", r.Status)
		}
	})
}
