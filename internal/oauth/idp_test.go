package oauth_test

import (
	"encoding/base64"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/factors/factorstest"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

// The hosted login with real identity providers on loopback: a browser (a
// cookie jar) starts at /oauth/authorize, is sent to the account's SAML or
// OIDC IdP or to a social provider, comes back through Hatch's callback to
// the authorization request with the refresh cookie set, and reaches the
// application's redirect URI with a code that the token endpoint redeems.

const ssoTeam = "/team/resources/sso/v1/configurations"

// idpEach runs fn on every database with a server that may reach providers
// on loopback, whose Google endpoints are social's.
func idpEach(t *testing.T, fn func(t *testing.T, s *apitest.Server, social *ssotest.Provider)) {
	social := ssotest.Start(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) { fn(t, s, social) }, func(c *config.Config) {
		c.SSOAllowPrivateURLs = true
		c.SocialBaseURLs = map[string]string{"google": social.URL}
	})
}

// claimDomain has tenantID's SSO configuration id claim acme.test, validated
// by the vendor.
func claimDomain(t *testing.T, s *apitest.Server, tenantID, id string) {
	t.Helper()
	a := s.Vendor(t).With("frontegg-tenant-id", tenantID)
	a.Do(t, "POST", ssoTeam+"/"+id+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201)
	s.Vendor(t).Do(t, "PUT", ssoTeam+"/domains/acme.test/force-validate", nil).Want(t, 200)
}

// startLogin opens the login page of a public client with PKCE and returns
// the page's form and the code verifier.
func startLogin(t *testing.T, s *apitest.Server, b *browser, clientID string) (*reply, string) {
	t.Helper()
	verifier, challenge := pkce()
	page := b.get(t, authorizeURL(clientID, map[string]string{"code_challenge": challenge, "code_challenge_method": "S256"})).want(t, 200)
	return page, verifier
}

// wantSSOLogin checks that claims are those of email's login through a
// provider, and returns them.
func wantSSOLogin(t *testing.T, claims map[string]any, email string) map[string]any {
	t.Helper()
	if claims["email"] != email || !slices.Contains(apitest.StringList(claims, "amr"), "sso") {
		t.Fatalf("claims %v, want %s's login through a provider", claims, email)
	}
	return claims
}

// redeem exchanges the code at back for tokens and returns the ID token's claims.
func redeem(t *testing.T, s *apitest.Server, clientID string, back *url.URL, verifier string) map[string]any {
	t.Helper()
	if back == nil || back.Query().Get("code") == "" || back.Query().Get("state") != "st-1" {
		t.Fatalf("not back at the application with a code: %v", back)
	}
	status, tok := tokenForm(t, s, codeGrant(clientID, back.Query().Get("code"), verifier))
	if status != 200 {
		t.Fatalf("token: %d %v", status, tok)
	}
	return apitest.Claims(t, tok["id_token"].(string))
}

func TestHostedLoginSAML(t *testing.T) {
	idpEach(t, func(t *testing.T, s *apitest.Server, _ *ssotest.Provider) {
		tn := s.SeedTenant(t, "Acme")
		idp := ssotest.StartSAML(t)
		a := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID)
		c := a.Do(t, "POST", ssoTeam+"/metadata", map[string]any{"metadata": idp.Metadata(t)}).Want(t, 201).Map(t)
		claimDomain(t, s, tn.TenantID, c["id"].(string))
		meta := a.Do(t, "GET", "/team/resources/sso/v1/saml/configurations/sp-metadata?configurationId="+url.QueryEscape(c["id"].(string)), nil).Want(t, 200)
		idp.Trust(t, c["spEntityId"].(string), meta.Body, false)
		idp.SetUser("alice@acme.test", "Alice Liddell")
		clientID, _ := registerApp(t, s, redirect)

		// The SSO button: the IdP (HTTP-Redirect binding), its form post to
		// the ACS, the authorization request, the application.
		b := newBrowser(s)
		page, verifier := startLogin(t, s, b, clientID)
		r := b.post(t, "/oauth/login/sso", with(page.hidden(), "email", "Alice@Acme.test")).want(t, 303)
		if !strings.HasPrefix(r.Location.String(), idp.URL+"/sso?SAMLRequest=") {
			t.Fatalf("sent to %s", r.Location)
		}
		wantSSOLogin(t, redeem(t, s, clientID, b.arrive(t, r), verifier), "alice@acme.test")
		if b.cookie(refreshCookieName(s)) == "" {
			t.Fatal("no refresh cookie")
		}
		// Signed in now: the next authorization request needs no page.
		b.get(t, authorizeURL(clientID, withPKCE(nil))).want(t, 302)

		// The password form sends a claimed domain to its IdP as well.
		b = newBrowser(s)
		page, verifier = startLogin(t, s, b, clientID)
		r = b.post(t, "/oauth/login", with(page.hidden(), "email", "alice@acme.test")).want(t, 303)
		redeem(t, s, clientID, b.arrive(t, r), verifier)

		// A response the IdP did not sign is refused on a page, not in JSON.
		b = newBrowser(s)
		page, _ = startLogin(t, s, b, clientID)
		r = b.post(t, "/oauth/login/sso", with(page.hidden(), "email", "alice@acme.test")).want(t, 303)
		form := b.get(t, r.Location.String()).want(t, 200)
		action, fields := ssotest.PostedForm(form.Body)
		fields.Set("SAMLResponse", tamperSAML(t, fields.Get("SAMLResponse")))
		if r = b.post(t, action, fields); r.Status != 401 || !strings.Contains(r.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(r.Body, "The SAML response is not valid") {
			t.Fatalf("tampered response: %d %s %.500s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	})
}

func TestHostedLoginOIDC(t *testing.T) {
	idpEach(t, func(t *testing.T, s *apitest.Server, _ *ssotest.Provider) {
		tn := s.SeedTenant(t, "Acme")
		idp := ssotest.Start(t)
		a := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID)
		c := a.Do(t, "POST", ssoTeam, map[string]any{"type": "oidc", "ssoEndpoint": idp.URL, "oidcClientId": idp.ClientID,
			"oidcSecret": idp.ClientSecret, "enabled": true}).Want(t, 201).Map(t)
		claimDomain(t, s, tn.TenantID, c["id"].(string))
		idp.SetUser(ssotest.User{Subject: "o-1", Email: "olivia@acme.test", Name: "Olivia"})
		clientID, _ := registerApp(t, s, redirect)

		b := newBrowser(s)
		page, verifier := startLogin(t, s, b, clientID)
		r := b.post(t, "/oauth/login", with(page.hidden(), "email", "olivia@acme.test")).want(t, 303)
		q := r.Location.Query()
		if !strings.HasPrefix(r.Location.String(), idp.URL+"/authorize?") || q.Get("redirect_uri") != s.URL+"/oauth/sso/oidc/callback" ||
			q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" {
			t.Fatalf("sent to %s", r.Location)
		}
		wantSSOLogin(t, redeem(t, s, clientID, b.arrive(t, r), verifier), "olivia@acme.test")

		// Login CSRF: a callback URL made for another browser's login signs
		// no one in here, and the state is not spent by the attempt.
		attacker := newBrowser(s)
		page, _ = startLogin(t, s, attacker, clientID)
		r = attacker.post(t, "/oauth/login/sso", with(page.hidden(), "email", "olivia@acme.test")).want(t, 303)
		callback := attacker.get(t, r.Location.String()).want(t, 302).Location
		victim := newBrowser(s)
		if r = victim.get(t, callback.String()); r.Status != 401 || !strings.Contains(r.Body, "Sign-in failed") || victim.cookie(refreshCookieName(s)) != "" {
			t.Fatalf("another browser's callback: %d %.300s", r.Status, r.Body)
		}
		attacker.arrive(t, attacker.get(t, callback.String())) // the state's own browser finishes
		// A state is used once.
		if r = attacker.get(t, callback.String()); r.Status != 401 {
			t.Fatalf("replayed callback: %d", r.Status)
		}
		// The IdP's refusal is shown by its error code, never its free text.
		r = b.get(t, "/oauth/sso/oidc/callback?error=access_denied&error_description=Call+0800+now&state=x")
		if r.Status != 401 || !strings.Contains(r.Body, "(access_denied)") || strings.Contains(r.Body, "0800") {
			t.Fatalf("refusal: %d %.300s", r.Status, r.Body)
		}
	})
}

var buttonRE = regexp.MustCompile(`<a class="button secondary" href="([^"]+)">Continue with ([^<]+)</a>`)

// buttons returns the social login buttons of a page by name.
func buttons(page *reply) map[string]string {
	out := map[string]string{}
	for _, m := range buttonRE.FindAllStringSubmatch(page.Body, -1) {
		out[html.UnescapeString(m[2])] = html.UnescapeString(m[1])
	}
	return out
}

func TestHostedLoginSocial(t *testing.T) {
	idpEach(t, func(t *testing.T, s *apitest.Server, google *ssotest.Provider) {
		v := s.Vendor(t)
		v.Do(t, "POST", "/identity/resources/sso/v2", map[string]any{"type": "google", "active": true, "clientId": google.ClientID,
			"secret": google.ClientSecret, "redirectUrl": "https://app.example.com/account/social/success"}).Want(t, 200)
		custom := ssotest.Start(t)
		v.Do(t, "POST", "/identity/resources/sso/custom/v1", map[string]any{"type": "custom", "clientId": custom.ClientID,
			"secret": custom.ClientSecret, "redirectUrl": "https://app.example.com/account/social/success",
			"authorizationUrl": custom.URL + "/authorize", "tokenUrl": custom.URL + "/token", "userInfoUrl": custom.URL + "/userinfo",
			"scopes": "openid email", "ssoLogoUrl": "", "displayName": "Acme ID", "active": true}).Want(t, 200)
		tenantID := seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)

		for _, c := range []struct {
			button string
			idp    *ssotest.Provider
		}{{"Google", google}, {"Acme ID", custom}} {
			t.Run(c.button, func(t *testing.T) {
				c.idp.SetUser(ssotest.User{Subject: "s-1", Email: "ada@example.com", EmailVerified: true, Name: "Ada"})
				b := newBrowser(s)
				page, verifier := startLogin(t, s, b, clientID)
				start := buttons(page)[c.button]
				if !strings.HasPrefix(start, s.URL+"/oauth/social/") {
					t.Fatalf("no %s button: %v", c.button, buttons(page))
				}
				r := b.get(t, start).want(t, 302)
				if q := r.Location.Query(); !strings.HasPrefix(r.Location.String(), c.idp.URL) || q.Get("code_challenge") == "" ||
					!strings.HasPrefix(q.Get("redirect_uri"), s.URL+"/oauth/social/") {
					t.Fatalf("sent to %s", r.Location)
				}
				if claims := wantSSOLogin(t, redeem(t, s, clientID, b.arrive(t, r), verifier), "ada@example.com"); claims["tenantId"] != tenantID {
					t.Fatalf("claims %v", claims)
				}
			})
		}

		// The provider does not vouch for the address: an error page, no session.
		google.SetUser(ssotest.User{Subject: "s-2", Email: "ada@example.com", EmailVerified: false})
		b := newBrowser(s)
		page, _ := startLogin(t, s, b, clientID)
		_, shown := b.follow(t, b.get(t, buttons(page)["Google"]))
		if shown == nil || shown.Status != 401 || !strings.Contains(shown.Body, "Social login failed") || b.cookie(refreshCookieName(s)) != "" {
			t.Fatalf("unverified email: %+v", shown)
		}

		// Login CSRF: the callback of another browser's login signs no one in.
		google.SetUser(ssotest.User{Subject: "s-1", Email: "ada@example.com", EmailVerified: true})
		attacker := newBrowser(s)
		page, _ = startLogin(t, s, attacker, clientID)
		callback := attacker.get(t, attacker.get(t, buttons(page)["Google"]).want(t, 302).Location.String()).want(t, 302).Location
		if r := b.get(t, callback.String()); r.Status != 401 || b.cookie(refreshCookieName(s)) != "" {
			t.Fatalf("another browser's callback: %d %.300s", r.Status, r.Body)
		}

		// Never an open redirect: the start route takes only Hatch's own
		// authorization requests.
		for _, evil := range []string{"https://evil.example/oauth/authorize?client_id=x", s.URL + "/oauth/token?x=1",
			"//evil.example/oauth/authorize?x=1", s.URL + "/oauth/authorize"} {
			r := b.get(t, "/oauth/social/google?returnTo="+url.QueryEscape(evil))
			if r.Status != 400 || r.Location != nil || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
				t.Errorf("returnTo %s: %d %v", evil, r.Status, r.Location)
			}
		}
	})
}

// A user with an authenticator app who signs in through a provider proves
// it on the page before the application gets its code.
func TestHostedLoginSocialThenMFA(t *testing.T) {
	idpEach(t, func(t *testing.T, s *apitest.Server, google *ssotest.Provider) {
		s.Vendor(t).Do(t, "POST", "/identity/resources/sso/v2", map[string]any{"type": "google", "active": true, "clientId": google.ClientID,
			"secret": google.ClientSecret}).Want(t, 200)
		seedUser(t, s, "ada@example.com")
		secret, _ := enrollAuthenticator(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		google.SetUser(ssotest.User{Subject: "s-1", Email: "ada@example.com", EmailVerified: true})

		b := newBrowser(s)
		page, verifier := startLogin(t, s, b, clientID)
		_, shown := b.follow(t, b.get(t, buttons(page)["Google"]))
		if shown == nil || shown.Status != 200 || !strings.Contains(shown.Body, `autocomplete="one-time-code"`) ||
			!strings.HasPrefix(shown.URL.Path, "/oauth/authorize") || b.cookie(refreshCookieName(s)) != "" {
			t.Fatalf("want the second-factor form: %+v", shown)
		}
		r := b.post(t, "/oauth/login/mfa", with(shown.hidden(), "code", factorstest.Code(t, secret, s.Clock.Now()))).want(t, 303)
		claims := redeem(t, s, clientID, r.Location, verifier)
		if amr := apitest.StringList(claims, "amr"); !slices.Contains(amr, "sso") || !slices.Contains(amr, "mfa") {
			t.Fatalf("amr %v", amr)
		}
	})
}

// tamperSAML changes the asserted email inside a base64 SAMLResponse after
// the IdP signed it.
func tamperSAML(t *testing.T, samlResponse string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(samlResponse)
	if err != nil || !strings.Contains(string(raw), "alice@acme.test") {
		t.Fatalf("SAMLResponse: %v", err)
	}
	return base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(string(raw), "alice@acme.test", "mallory@acme.test")))
}
