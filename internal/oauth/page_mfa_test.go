package oauth_test

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/factors/factorstest"
)

// The page's second step with the real second factors (factors.PageMFA): an
// authenticator app's code, a recovery code, and a code sent by email.
func TestPageSecondFactor(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		secret, recovery := enrollAuthenticator(t, s, "ada@example.com")
		clientID, _ := registerApp(t, s, redirect)

		// challenged signs in with the password and returns the second-factor form.
		challenged := func(t *testing.T, b *browser) (*reply, string) {
			t.Helper()
			page, verifier := startLogin(t, s, b, clientID)
			f := page.hidden()
			f.Set("email", "ada@example.com")
			f.Set("password", password)
			form := b.post(t, "/oauth/login", f).want(t, 200)
			if !strings.Contains(form.Body, `autocomplete="one-time-code"`) || form.hidden().Get("mfaToken") == "" {
				t.Fatalf("no second-factor form: %.500s", form.Body)
			}
			return form, verifier
		}

		// The authenticator app: a wrong code, then the right one.
		b := newBrowser(s)
		form, verifier := challenged(t, b)
		if strings.Contains(form.Body, "Email a code") {
			t.Error("email codes offered while they are off")
		}
		if r := b.post(t, "/oauth/login/mfa", with(form.hidden(), "code", "000000")); r.Status != 401 || !strings.Contains(r.Body, "invalid") {
			t.Fatalf("wrong code: %d %.300s", r.Status, r.Body)
		}
		r := b.post(t, "/oauth/login/mfa", with(form.hidden(), "code", factorstest.Code(t, secret, s.Clock.Now()))).want(t, 303)
		claims := redeem(t, s, clientID, r.Location, verifier)
		if amr := apitest.StringList(claims, "amr"); !slices.Contains(amr, "mfa") || !slices.Contains(amr, "otp") {
			t.Fatalf("amr %v", amr)
		}

		// Email codes, once the vendor turns them on.
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/mfa",
			map[string]any{"email": map[string]any{"active": true, "tokenLifetimeSeconds": 300}}).Want(t, 201)
		b = newBrowser(s)
		form, verifier = challenged(t, b)
		if !strings.Contains(form.Body, "Email a code to ada@example.com") {
			t.Fatalf("no email option: %.2000s", form.Body)
		}
		sent := b.post(t, "/oauth/login/mfa/send", with(form.hidden(), "send", "email")).want(t, 200)
		f := sent.hidden()
		if f.Get("method") != "email" || f.Get("otcToken") == "" || !strings.Contains(sent.Body, "Enter the code we emailed") {
			t.Fatalf("after sending: %v %.500s", f, sent.Body)
		}
		code := sixDigits.FindString(s.Mail.WaitFor(t, "ada@example.com", 5*time.Second).Text)
		if r := b.post(t, "/oauth/login/mfa", with(f, "code", wrongCode(code))); r.Status != 401 || r.hidden().Get("otcToken") != f.Get("otcToken") {
			t.Fatalf("wrong emailed code: %d", r.Status)
		}
		r = b.post(t, "/oauth/login/mfa", with(f, "code", code)).want(t, 303)
		redeem(t, s, clientID, r.Location, verifier)
		// Back to the authenticator app from the emailed-code form.
		b = newBrowser(s)
		form, _ = challenged(t, b)
		sent = b.post(t, "/oauth/login/mfa/send", with(form.hidden(), "send", "email")).want(t, 200)
		back := b.post(t, "/oauth/login/mfa/send", with(sent.hidden(), "send", "app")).want(t, 200)
		if back.hidden().Get("method") != "" || !strings.Contains(back.Body, "authenticator app") {
			t.Fatalf("back to the app: %.500s", back.Body)
		}

		// A code texted to the user's phone, once SMS codes are on and the
		// user has added the phone.
		const phone = "+14155550123"
		s.ConfigureSMS(t)
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "SMS", "isActive": true}).Want(t, 201)
		b = newBrowser(s)
		form, verifier = challenged(t, b)
		if strings.Contains(form.Body, "Text a code") {
			t.Error("SMS offered without a phone")
		}
		recovery = addPhone(t, s, secret, phone) // a new device replaces the recovery code
		b = newBrowser(s)
		form, verifier = challenged(t, b)
		if !strings.Contains(html.UnescapeString(form.Body), "Text a code to +*******0123") {
			t.Fatalf("no SMS option: %.2000s", form.Body)
		}
		send := regexp.MustCompile(`name="send" value="(sms:[^"]+)"`).FindStringSubmatch(form.Body)
		sent = b.post(t, "/oauth/login/mfa/send", with(form.hidden(), "send", send[1])).want(t, 200)
		code = sixDigits.FindString(s.SMS.WaitFor(t, phone, 5*time.Second).Body)
		r = b.post(t, "/oauth/login/mfa", with(sent.hidden(), "code", code)).want(t, 303)
		if amr := apitest.StringList(redeem(t, s, clientID, r.Location, verifier), "amr"); !slices.Contains(amr, "sms") {
			t.Fatalf("amr %v", amr)
		}

		// The recovery code finishes the login and resets the second factors.
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/mfa",
			map[string]any{"email": map[string]any{"active": false, "tokenLifetimeSeconds": 300}}).Want(t, 201)
		b = newBrowser(s)
		form, verifier = challenged(t, b)
		if r := b.post(t, "/oauth/login/mfa", with(form.hidden(), "code", "not-the-recovery-code")); r.Status != 401 {
			t.Fatalf("wrong recovery code: %d", r.Status)
		}
		r = b.post(t, "/oauth/login/mfa", with(form.hidden(), "code", recovery)).want(t, 303)
		redeem(t, s, clientID, r.Location, verifier)
		if r := b.post(t, "/oauth/login/mfa", with(form.hidden(), "code", recovery)); r.Status == 303 {
			t.Fatal("the MFA token finished twice")
		}
		b = newBrowser(s)
		page, _ := startLogin(t, s, b, clientID)
		f = page.hidden()
		f.Set("email", "ada@example.com")
		f.Set("password", password)
		b.post(t, "/oauth/login", f).want(t, 303) // no second factor left
	})
}

// wrongCode returns a six-digit code other than code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// addPhone adds phone as an SMS second factor of ada, who proves her
// authenticator app to sign in, and returns her new recovery code.
func addPhone(t *testing.T, s *apitest.Server, secret, phone string) string {
	t.Helper()
	s.Clock.Advance(30 * time.Second) // a time step no code was used in
	var ch struct{ MFAToken string }
	s.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": password}).
		Want(t, 200).JSON(t, &ch)
	var in struct{ AccessToken string }
	s.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/mfa/verify", map[string]string{"mfaToken": ch.MFAToken,
		"value": factorstest.Code(t, secret, s.Clock.Now())}).Want(t, 201).JSON(t, &in)
	c := s.Anon().With("Authorization", "Bearer "+in.AccessToken)
	var otc struct{ OTCToken string }
	c.Do(t, "POST", "/identity/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": phone}).Want(t, 200).JSON(t, &otc)
	code := sixDigits.FindString(s.SMS.WaitFor(t, phone, 5*time.Second).Body)
	var rec struct{ RecoveryCode string }
	c.Do(t, "POST", "/identity/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": otc.OTCToken, "code": code}).
		Want(t, 200).JSON(t, &rec)
	return rec.RecoveryCode
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)
