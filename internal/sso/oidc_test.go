package sso_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

const redirectURI = "https://app.example.test/account/oidc/callback"

// oidcSetup connects the account a acts on to provider p as OIDC SSO for acme.test.
func (e *env) oidcSetup(t *testing.T, a *apitest.Client, p *ssotest.Provider) map[string]any {
	t.Helper()
	c := a.Do(t, "POST", configsURL, map[string]any{"type": "oidc", "ssoEndpoint": p.URL, "oidcClientId": p.ClientID,
		"oidcSecret": p.ClientSecret, "enabled": true}).Want(t, 201).Map(t)
	d := a.Do(t, "POST", configsURL+"/"+c["id"].(string)+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)
	e.dns.set("acme.test", d["txtRecord"].(string))
	a.Do(t, "PUT", "/team/resources/sso/v2/configurations/"+c["id"].(string)+"/domains/"+d["id"].(string)+"/validate", nil).Want(t, 200)
	a.Do(t, "POST", teamV1+"/oidc/configurations", map[string]any{"active": true, "redirectUri": redirectURI}).Want(t, 201)
	return c
}

// authorize runs prelogin and returns the authorization request's parameters.
func (e *env) authorize(t *testing.T, email string) url.Values {
	t.Helper()
	pre := e.prelogin(t, email)
	if pre["idpType"] != "oidc" {
		t.Fatalf("prelogin: %v", pre)
	}
	u, err := url.Parse(pre["address"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// follow sends the browser to the authorize URL and returns the code and
// state the provider redirects back with.
func follow(t *testing.T, p *ssotest.Provider, q url.Values) (code, state string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(p.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d, %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// OIDC SSO: authorization code with PKCE (S256), state and nonce; the ID
// token verified through the IdP's discovery document and JWKS.
func TestOIDCLogin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p := ssotest.Start(t)
		c := e.oidcSetup(t, e.admin(t), p)
		if c["oidcSecret"] != "" || strings.Contains(string(e.admin(t).Do(t, "GET", configsURL, nil).Body), p.ClientSecret) {
			t.Fatal("the OIDC client secret is returned")
		}
		stored, err := e.DB.FindSSOConfiguration(context.Background(), e.tenant.TenantID, c["id"].(string))
		if err != nil || strings.Contains(stored.OIDCSecret, p.ClientSecret) || !strings.HasPrefix(stored.OIDCSecret, "v1:") {
			t.Fatalf("stored secret %q is not sealed (%v)", stored.OIDCSecret, err)
		}
		var row string
		e.raw.QueryRow(`SELECT oidc_secret FROM sso_configurations WHERE id = $1`, c["id"]).Scan(&row)
		if row == "" || strings.Contains(row, p.ClientSecret) {
			t.Fatalf("row holds %q", row)
		}
		engineers := e.seedRole(t, "engineer")
		e.admin(t).Do(t, "POST", configsURL+"/"+c["id"].(string)+"/groups", map[string]any{"group": "Engineering", "roleIds": []string{engineers}}).Want(t, 201)

		p.SetUser(ssotest.User{Subject: "u-1", Email: "olivia@acme.test", Name: "Olivia", Groups: []string{"Engineering"}})
		q := e.authorize(t, "olivia@acme.test")
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
			q.Get("redirect_uri") != redirectURI || q.Get("client_id") != p.ClientID || !strings.Contains(q.Get("scope"), "openid") {
			t.Fatalf("authorization request: %v", q)
		}
		code, state := follow(t, p, q)
		r := e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin",
			map[string]any{"code": code, "state": state, "redirectUri": redirectURI}).Want(t, 200)
		var out apitest.LoginResponse
		r.JSON(t, &out)
		claims := e.VerifyUserToken(t, out.AccessToken)
		if claims["email"] != "olivia@acme.test" || claims["tenantId"] != e.tenant.TenantID || !slices.Contains(toStrings(claims["amr"]), "sso") {
			t.Fatalf("claims %v", claims)
		}
		if refreshCookie(r, e.ClientID) == "" {
			t.Fatal("no refresh cookie")
		}
		if got := e.userRoles(t, "olivia@acme.test"); !slices.Equal(got, []string{"engineer"}) {
			t.Fatalf("roles %v", got)
		}
		// The state is spent.
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin", map[string]any{"code": code, "state": state}).
			WantError(t, 401, "The OIDC login is not valid")

		// v2 takes the state as RelayState.
		code, state = follow(t, p, e.authorize(t, "olivia@acme.test"))
		e.Anon().Do(t, "POST", "/identity/resources/auth/v2/user/oidc/postlogin", map[string]any{"code": code, "RelayState": state}).Want(t, 200)

		refused := func(name string, code, state string, body map[string]any) {
			t.Helper()
			if body == nil {
				body = map[string]any{"code": code, "state": state}
			}
			r := e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin", body)
			if r.Status != 401 {
				t.Fatalf("%s: status %d, want 401: %s", name, r.Status, r.Body)
			}
		}
		// Nonce: a code whose ID token carries another nonce.
		q = e.authorize(t, "olivia@acme.test")
		refused("nonce", p.Code("another-nonce", q.Get("code_challenge"), redirectURI), q.Get("state"), nil)
		// PKCE: a code issued for another challenge cannot be redeemed with this login's verifier.
		q = e.authorize(t, "olivia@acme.test")
		refused("pkce", p.Code(q.Get("nonce"), "another-challenge", redirectURI), q.Get("state"), nil)
		// State: one Hatch never issued.
		q = e.authorize(t, "olivia@acme.test")
		code, _ = follow(t, p, q)
		refused("state", code, "made-up-state", nil)
		// The redirect URI must be the authorization request's.
		code, state = follow(t, p, e.authorize(t, "olivia@acme.test"))
		refused("redirect", "", "", map[string]any{"code": code, "state": state, "redirectUri": "https://evil.example.test/cb"})
		// ID tokens for another audience, expired, or signed by another key.
		for name, tamper := range map[string]func(map[string]any){
			"audience": func(c map[string]any) { c["aud"] = "someone-else" },
			"expired":  func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() },
			"issuer":   func(c map[string]any) { c["iss"] = "https://other.example.test" },
		} {
			p.Tamper = tamper
			code, state = follow(t, p, e.authorize(t, "olivia@acme.test"))
			refused(name, code, state, nil)
		}
		p.Tamper, p.Sign = nil, ssotest.NewKey(t)
		code, state = follow(t, p, e.authorize(t, "olivia@acme.test"))
		refused("signature", code, state, nil)
		p.Sign = nil

		// An account turning OIDC off has no OIDC prelogin.
		e.admin(t).Do(t, "POST", teamV1+"/oidc/configurations", map[string]any{"active": false}).Want(t, 201)
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin", map[string]any{"email": "olivia@acme.test"}).WantError(t, 404, "SSO is not configured")

		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin", map[string]any{"state": "x"}).WantError(t, 400, "code is required")
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin", map[string]any{"code": "x"}).WantError(t, 400, "state is required")
	})
}
