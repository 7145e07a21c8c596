package oauth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
)

const redirect = "https://app.example.com/callback"

// pkce returns a verifier and its S256 challenge.
func pkce() (string, string) {
	v := secure.RandomToken(32)
	sum := sha256.Sum256([]byte(v))
	return v, base64.RawURLEncoding.EncodeToString(sum[:])
}

// withPKCE returns params with a fresh S256 challenge (whose verifier is dropped).
func withPKCE(params map[string]string) map[string]string {
	_, challenge := pkce()
	out := map[string]string{"code_challenge": challenge, "code_challenge_method": "S256"}
	for k, v := range params {
		out[k] = v
	}
	return out
}

// authorizeURL builds an authorization request with params over the defaults.
func authorizeURL(clientID string, params map[string]string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}, "scope": {"openid email"}, "state": {"st-1"}}
	for k, v := range params {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	return "/oauth/authorize?" + q.Encode()
}

// tokenForm posts form to /oauth/token with the form content type.
func tokenForm(t *testing.T, s *apitest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	b := newBrowser(s)
	r := b.post(t, "/oauth/token", form)
	m := map[string]any{}
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("token answer %d %q: %v", r.Status, r.Body, err)
	}
	return r.Status, m
}

// codeGrant is the token request of a public client redeeming code with verifier.
func codeGrant(clientID, code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {clientID}, "code_verifier": {verifier}}
}

// codeFor signs ada in through a public client with PKCE and returns the code and verifier.
func codeFor(t *testing.T, s *apitest.Server, b *browser, clientID string) (string, string) {
	t.Helper()
	verifier, challenge := pkce()
	back := b.signIn(t, authorizeURL(clientID, map[string]string{"code_challenge": challenge, "code_challenge_method": "S256"}), "ada@example.com", password)
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", back)
	}
	return code, verifier
}

func TestRedirectURIsMatchExactly(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		clientID, _ := registerApp(t, s, redirect, "https://app.example.com/other?tab=1")
		_, challenge := pkce()
		b := newBrowser(s)
		for _, uri := range []string{
			"https://app.example.com/callback/", "https://app.example.com/callback?x=1", "https://app.example.com/callbac",
			"https://APP.example.com/callback", "http://app.example.com/callback", "https://app.example.com", "https://evil.example.com/callback",
			"https://app.example.com/callback#frag", "https://app.example.com/other", "",
		} {
			r := b.get(t, authorizeURL(clientID, map[string]string{"redirect_uri": uri, "code_challenge": challenge, "code_challenge_method": "S256"}))
			// Never redirected: an error page of Hatch's own.
			if r.Status != 400 || r.Location != nil || !strings.Contains(r.Body, "redirect_uri") {
				t.Errorf("redirect_uri %q: status %d, location %v", uri, r.Status, r.Location)
			}
		}
		// Unknown and missing clients get the page too.
		for _, id := range []string{"nope", ""} {
			r := b.get(t, authorizeURL(id, withPKCE(nil)))
			if r.Status != 400 || r.Location != nil || !strings.Contains(r.Body, "client_id") {
				t.Errorf("client_id %q: status %d, location %v", id, r.Status, r.Location)
			}
		}
		// A registered URI with a query keeps it, and gets the code beside it.
		b.get(t, authorizeURL(clientID, map[string]string{"redirect_uri": "https://app.example.com/other?tab=1",
			"code_challenge": challenge, "code_challenge_method": "S256"})).want(t, 200)
	})
}

func TestPKCERequiredAndPlainRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		verifier, challenge := pkce()
		b := newBrowser(s)
		for name, params := range map[string]map[string]string{
			"plain":                  {"code_challenge": verifier, "code_challenge_method": "plain"},
			"method left out":        {"code_challenge": challenge},
			"method without":         {"code_challenge_method": "S256"},
			"malformed challenge":    {"code_challenge": "short", "code_challenge_method": "S256"},
			"response_type token":    {"code_challenge": challenge, "code_challenge_method": "S256", "response_type": "token"},
			"prompt none with login": {"code_challenge": challenge, "code_challenge_method": "S256", "prompt": "none login"},
		} {
			r := b.get(t, authorizeURL(clientID, params))
			if r.Status != 302 || r.Location == nil || !strings.HasPrefix(r.Location.String(), redirect) {
				t.Fatalf("%s: status %d location %v body %.300s", name, r.Status, r.Location, r.Body)
			}
			q := r.Location.Query()
			if q.Get("error") == "" || q.Get("code") != "" || q.Get("state") != "st-1" || q.Get("iss") != s.URL {
				t.Errorf("%s: redirected with %s", name, r.Location.RawQuery)
			}
		}

		// A wrong verifier, and none at all, are refused at the token endpoint.
		for name, v := range map[string]string{"wrong verifier": secure.RandomToken(32), "no verifier": ""} {
			code, _ := codeFor(t, s, newBrowser(s), clientID)
			status, m := tokenForm(t, s, codeGrant(clientID, code, v))
			if status != 400 || m["error"] != "invalid_grant" {
				t.Errorf("%s: %d %v", name, status, m)
			}
		}
		// Without a challenge the code is the confidential flow's: it is
		// redeemed only with the client's secret.
		back := newBrowser(s).signIn(t, authorizeURL(clientID, nil), "ada@example.com", password)
		f := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {redirect}, "client_id": {clientID}}
		if status, m := tokenForm(t, s, f); status != 401 || m["error"] != "invalid_client" {
			t.Errorf("code without PKCE, without secret: %d %v", status, m)
		}
	})
}

func TestCodesAreSingleUseAndShortLived(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		b := newBrowser(s)
		code, verifier := codeFor(t, s, b, clientID)
		form := codeGrant(clientID, code, verifier)
		status, first := tokenForm(t, s, form)
		if status != 200 || first["access_token"] == nil || first["refresh_token"] == nil || first["id_token"] == nil || first["token_type"] != "Bearer" {
			t.Fatalf("first exchange: %d %v", status, first)
		}
		// The replay is refused and ends the session the code started: its
		// access token, its refresh token and the browser's cookie all die.
		status, again := tokenForm(t, s, form)
		if status != 400 || again["error"] != "invalid_grant" {
			t.Fatalf("replayed code: %d %v", status, again)
		}
		s.Anon().With("Authorization", "Bearer "+first["access_token"].(string)).Do(t, "GET", "/oauth/userinfo", nil).Want(t, 401)
		status, refreshed := tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}, "client_id": {clientID}})
		if status != 400 || refreshed["error"] != "invalid_grant" {
			t.Fatalf("refresh after replay: %d %v", status, refreshed)
		}
		// The browser is signed out too: a new request shows the page again.
		b.get(t, authorizeURL(clientID, withPKCE(nil))).want(t, 200)

		// A code older than a minute is refused.
		code, verifier = codeFor(t, s, newBrowser(s), clientID)
		s.Clock.Advance(61 * time.Second)
		status, late := tokenForm(t, s, codeGrant(clientID, code, verifier))
		if status != 400 || late["error"] != "invalid_grant" || !strings.Contains(late["error_description"].(string), "expired") {
			t.Fatalf("expired code: %d %v", status, late)
		}

		// The redirect URI must be the request's; the client the code's.
		other, _ := registerApp(t, s, redirect)
		for name, change := range map[string]url.Values{
			"other redirect_uri": {"redirect_uri": {"https://app.example.com/elsewhere"}},
			"other client":       {"client_id": {other}},
		} {
			code, verifier := codeFor(t, s, newBrowser(s), clientID)
			f := codeGrant(clientID, code, verifier)
			for k, v := range change {
				f[k] = v
			}
			if status, m := tokenForm(t, s, f); status != 400 || m["error"] != "invalid_grant" {
				t.Errorf("%s: %d %v", name, status, m)
			}
		}
	})
}

func TestConfidentialClientAuthentication(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, secret := registerApp(t, s, redirect)
		b := newBrowser(s)
		b.signIn(t, authorizeURL(clientID, nil), "ada@example.com", password)
		codeAt := func() string { // signed in: each request gets a code at once
			return b.get(t, authorizeURL(clientID, nil)).want(t, 302).Location.Query().Get("code")
		}
		base := func(code string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
		}
		// No secret, a wrong secret: invalid_client.
		f := base(codeAt())
		f.Set("client_id", clientID)
		if status, m := tokenForm(t, s, f); status != 401 || m["error"] != "invalid_client" {
			t.Fatalf("no secret: %d %v", status, m)
		}
		f = base(codeAt())
		f.Set("client_id", clientID)
		f.Set("client_secret", "wrong")
		if status, m := tokenForm(t, s, f); status != 401 || m["error"] != "invalid_client" {
			t.Fatalf("wrong secret: %d %v", status, m)
		}
		// client_secret_post works; so does client_secret_basic (in the RP test).
		f = base(codeAt())
		f.Set("client_id", clientID)
		f.Set("client_secret", secret)
		status, m := tokenForm(t, s, f)
		if status != 200 {
			t.Fatalf("client_secret_post: %d %v", status, m)
		}
		// Its refresh tokens need the secret too.
		if status, m := tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)}}); status != 401 {
			t.Fatalf("refresh without secret: %d %v", status, m)
		}
		// A regenerated secret replaces the old one, for codes and for the
		// refresh tokens issued with the old one.
		var rotated struct{ ClientSecret string }
		s.Vendor(t).Do(t, "POST", "/applications/resources/applications/v1/credentials/regenerate", map[string]string{"appId": clientID}).
			Want(t, 201).JSON(t, &rotated)
		if rotated.ClientSecret == "" || rotated.ClientSecret == secret {
			t.Fatalf("regenerated secret %q", rotated.ClientSecret)
		}
		f = base(codeAt())
		f.Set("client_id", clientID)
		f.Set("client_secret", secret)
		if status, _ := tokenForm(t, s, f); status != 401 {
			t.Fatalf("old secret after rotation: %d", status)
		}
		refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)}, "client_id": {clientID}}
		if status, _ := tokenForm(t, s, with(refresh, "client_secret", secret)); status != 401 {
			t.Fatalf("refresh with the old secret: %d", status)
		}
		if status, got := tokenForm(t, s, with(refresh, "client_secret", rotated.ClientSecret)); status != 200 {
			t.Fatalf("refresh with the new secret: %d %v", status, got)
		}
		// Bad token requests.
		for name, f := range map[string]url.Values{
			"no grant_type":    {"code": {"x"}},
			"unknown grant":    {"grant_type": {"password"}},
			"no code":          {"grant_type": {"authorization_code"}},
			"no refresh token": {"grant_type": {"refresh_token"}},
		} {
			status, m := tokenForm(t, s, f)
			if status != 400 || m["error"] == nil || m["error_description"] == nil {
				t.Errorf("%s: %d %v", name, status, m)
			}
		}
	})
}

func TestStateNoncePromptAndSession(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		_, challenge := pkce()
		params := map[string]string{"code_challenge": challenge, "code_challenge_method": "S256", "state": "s&t=1 ü", "nonce": "n-42"}
		b := newBrowser(s)
		// prompt=none without a session goes back with login_required.
		r := b.get(t, authorizeURL(clientID, map[string]string{"prompt": "none", "code_challenge": challenge, "code_challenge_method": "S256", "state": "s&t=1 ü"}))
		if r.Status != 302 || r.Location.Query().Get("error") != "login_required" || r.Location.Query().Get("state") != "s&t=1 ü" {
			t.Fatalf("prompt=none: %d %v", r.Status, r.Location)
		}
		back := b.signIn(t, authorizeURL(clientID, params), "ada@example.com", password)
		if back.Query().Get("state") != "s&t=1 ü" {
			t.Fatalf("state came back as %q", back.Query().Get("state"))
		}
		// Signed in: the next request (prompt=none too) gets a code at once.
		for _, p := range []string{"", "none"} {
			params["prompt"] = p
			r := b.get(t, authorizeURL(clientID, params))
			if r.Status != 302 || r.Location.Query().Get("code") == "" {
				t.Fatalf("prompt=%q with a session: %d %v", p, r.Status, r.Location)
			}
		}
		// prompt=login and an exceeded max_age show the page again.
		params["prompt"] = "login"
		b.get(t, authorizeURL(clientID, params)).want(t, 200)
		params["prompt"] = ""
		s.Clock.Advance(10 * time.Second)
		params["max_age"] = "5"
		b.get(t, authorizeURL(clientID, params)).want(t, 200)
		params["max_age"] = "3600"
		if r := b.get(t, authorizeURL(clientID, params)); r.Status != 302 {
			t.Fatalf("max_age 3600: %d", r.Status)
		}
		if b.cookie(login.CookieName(s.ClientID)) == "" {
			t.Fatal("the login page did not set the refresh cookie")
		}
	})
}

func TestLoginFormCSRF(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		u := authorizeURL(clientID, withPKCE(nil))
		victim, attacker := newBrowser(s), newBrowser(s)
		form := victim.get(t, u).want(t, 200).hidden()
		form.Set("email", "ada@example.com")
		form.Set("password", password)

		noToken := url.Values{"ticket": {form.Get("ticket")}, "email": {"ada@example.com"}, "password": {password}}
		// Without the token, with another browser's token, with a token for
		// another page, without the cookie: refused, nothing signed in.
		attackerForm := attacker.get(t, u).want(t, 200).hidden()
		otherPage := victim.get(t, u).want(t, 200).hidden()
		for name, c := range map[string]struct {
			b    *browser
			form url.Values
		}{
			"no token":             {victim, noToken},
			"another browser's":    {victim, with(form, "csrf", attackerForm.Get("csrf"))},
			"another page's token": {victim, with(form, "csrf", otherPage.Get("csrf")+"x")},
			"no cookie":            {newBrowser(s), form},
		} {
			r := c.b.post(t, "/oauth/login", c.form)
			if r.Status != 403 || r.Location != nil {
				t.Errorf("%s: status %d, location %v", name, r.Status, r.Location)
			}
		}
		if victim.cookie(login.CookieName(s.ClientID)) != "" {
			t.Fatal("a refused form signed the browser in")
		}
		victim.post(t, "/oauth/login", form).want(t, 303)
		// A JSON body is not a form.
		req := victim.post(t, "/oauth/login", nil)
		if req.Status != 403 && req.Status != 400 {
			t.Fatalf("empty form: %d", req.Status)
		}
	})
}

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}

func TestPagesCannotBeFramed(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		clientID, _ := registerApp(t, s, redirect)
		b := newBrowser(s)
		for name, r := range map[string]*reply{
			"login page": b.get(t, authorizeURL(clientID, withPKCE(nil))),
			"error page": b.get(t, authorizeURL("nope", nil)),
			"prefixed":   b.get(t, "/frontegg"+authorizeURL(clientID, withPKCE(nil))),
		} {
			h := r.Header
			if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				h.Get("Cache-Control") != "no-store" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Errorf("%s: headers %v", name, h)
			}
			if !strings.Contains(r.Body, `<html lang="en">`) {
				t.Errorf("%s: no lang", name)
			}
		}
	})
}

func TestLogoutRedirectsOnlyToRegisteredURIs(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		b := newBrowser(s)
		code, verifier := codeFor(t, s, b, clientID)
		status, tok := tokenForm(t, s, codeGrant(clientID, code, verifier))
		if status != 200 {
			t.Fatal(tok)
		}
		idToken := tok["id_token"].(string)
		for name, q := range map[string]url.Values{
			"unregistered":        {"id_token_hint": {idToken}, "post_logout_redirect_uri": {"https://evil.example.com/"}},
			"no client":           {"post_logout_redirect_uri": {"https://app.example.com/bye"}},
			"bad hint":            {"id_token_hint": {"not.a.token"}, "post_logout_redirect_uri": {"https://app.example.com/bye"}},
			"client_id mismatch":  {"id_token_hint": {idToken}, "client_id": {"other"}, "post_logout_redirect_uri": {"https://app.example.com/bye"}},
			"redirect, not a bye": {"client_id": {clientID}, "post_logout_redirect_uri": {redirect}},
		} {
			r := b.get(t, "/oauth/logout?"+q.Encode())
			if r.Status != 400 || r.Location != nil {
				t.Errorf("%s: %d %v", name, r.Status, r.Location)
			}
		}
		r := b.get(t, "/oauth/logout?"+url.Values{"id_token_hint": {idToken}, "post_logout_redirect_uri": {"https://app.example.com/bye"}, "state": {"x"}}.Encode())
		if r.Status != 302 || r.Location.String() != "https://app.example.com/bye?state=x" {
			t.Fatalf("logout: %d %v", r.Status, r.Location)
		}
		// The session is over: the application's refresh token and the browser's cookie.
		if status, m := tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}); status != 400 {
			t.Fatalf("refresh after logout: %d %v", status, m)
		}
		_, challenge := pkce()
		b.get(t, authorizeURL(clientID, map[string]string{"code_challenge": challenge, "code_challenge_method": "S256", "prompt": "none"})).want(t, 302)
		// Without a redirect, a page says so.
		if r := b.get(t, "/oauth/logout"); r.Status != 200 || !strings.Contains(r.Body, "signed out") {
			t.Fatalf("plain logout: %d", r.Status)
		}
	})
}
