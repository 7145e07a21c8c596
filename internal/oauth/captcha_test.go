package oauth_test

import (
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

// With the captcha policy on, the login and sign-up forms carry Google's
// reCAPTCHA with the site key (and a policy that lets it run), and their
// g-recaptcha-response is checked at siteverify (a local stand-in) as the
// JSON routes check recaptchaToken.
func TestPageCaptcha(t *testing.T) {
	sv := apitest.StartSiteverify(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)
		b := newBrowser(s)
		page, _ := startLogin(t, s, b, clientID)
		if strings.Contains(page.Body, "recaptcha") || strings.Contains(page.Header.Get("Content-Security-Policy"), "script-src") {
			t.Fatal("captcha on the page while the policy is off")
		}

		v := s.Vendor(t)
		v.Do(t, "POST", "/identity/resources/configurations/v1/captcha-policy", map[string]any{"enabled": true, "siteKey": "the-site-key",
			"secretKey": "the-secret", "minScore": 0.5}).Want(t, 201)
		v.Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"allowSignups": true}).Want(t, 201)
		for _, path := range []string{authorizeURL(clientID, withPKCE(nil)), "/oauth/signup?ticket=" + page.hidden().Get("ticket")} {
			p := b.get(t, path).want(t, 200)
			csp := p.Header.Get("Content-Security-Policy")
			for _, want := range []string{`data-sitekey="the-site-key"`, `data-callback="hatchCaptcha"`, `src="https://www.google.com/recaptcha/api.js"`,
				`<input type="hidden" name="g-recaptcha-response" value="">`} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("%s lacks %s", path, want)
				}
			}
			if !strings.Contains(csp, "script-src 'nonce-") || !strings.Contains(csp, "frame-src https://www.google.com/recaptcha/") ||
				!strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q", path, csp)
			}
		}

		page, verifier := startLogin(t, s, b, clientID)
		f := page.hidden()
		f.Set("email", "ada@example.com")
		f.Set("password", password)
		if r := b.post(t, "/oauth/login", f); r.Status != 400 || !strings.Contains(r.Body, "not a robot") {
			t.Fatalf("without the captcha: %d %.300s", r.Status, r.Body)
		}
		if r := b.post(t, "/oauth/login", with(f, "g-recaptcha-response", "robotic")); r.Status != 400 || !strings.Contains(r.Body, "not a robot") {
			t.Fatalf("a robot's token: %d", r.Status)
		}
		r := b.post(t, "/oauth/login", with(f, "g-recaptcha-response", "human")).want(t, 303)
		redeem(t, s, clientID, r.Location, verifier)

		// Sign-up checks it too.
		b = newBrowser(s)
		page, _ = startLogin(t, s, b, clientID)
		su := b.get(t, "/oauth/signup?ticket="+page.hidden().Get("ticket")).want(t, 200).hidden()
		su.Set("name", "Grace")
		su.Set("companyName", "Hopper Inc")
		su.Set("email", "grace@example.com")
		su.Set("password", "a long and unusual passphrase 7")
		if r := b.post(t, "/oauth/signup", su); r.Status != 400 || !strings.Contains(r.Body, "not a robot") {
			t.Fatalf("sign-up without the captcha: %d %.300s", r.Status, r.Body)
		}
		if r := b.post(t, "/oauth/signup", with(su, "g-recaptcha-response", "human")); r.Status != 303 && r.Status != 200 {
			t.Fatalf("sign-up with the captcha: %d %.300s", r.Status, r.Body)
		}
	}, sv.Option())
}
