package mfa_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/factors"
)

func TestAuthenticatorEnrollmentAndLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		c := f.signedIn(t)

		var e struct{ QRCode, Secret string }
		c.Do(t, "POST", usersMFA+"/authenticator/enroll", nil).Want(t, 200).JSON(t, &e)
		// The QR code is a PNG of the otpauth URI with the seed.
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(e.QRCode, "data:image/png;base64,"))
		if err != nil || !strings.HasPrefix(e.QRCode, "data:image/png;base64,") {
			t.Fatalf("qrCode is not a PNG data URL: %.40s…", e.QRCode)
		}
		if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Fatalf("qrCode: %v", err)
		}
		uri := fmt.Sprintf("otpauth://totp/Hatch:%s?%s", url.PathEscape(f.user.Email), url.Values{"secret": {e.Secret},
			"issuer": {"Hatch"}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}.Encode())
		if want, _ := factors.QRCodePNG(uri); e.QRCode != want {
			t.Errorf("qrCode does not encode %s", uri)
		}

		code := f.code(t, e.Secret)
		c.Do(t, "POST", usersMFA+"/authenticator/enroll/verify", map[string]string{"token": wrong(code)}).WantError(t, 401, "invalid")
		c.Do(t, "POST", usersMFA+"/authenticator/enroll/verify", map[string]string{}).WantError(t, 400, "token is required")
		var rec struct{ RecoveryCode string }
		c.Do(t, "POST", usersMFA+"/authenticator/enroll/verify", map[string]string{"token": code}).Want(t, 200).JSON(t, &rec)
		if len(rec.RecoveryCode) < 16 {
			t.Errorf("recoveryCode = %q", rec.RecoveryCode)
		}
		var devices struct {
			Authenticators []struct{ ID string }
		}
		c.Do(t, "GET", usersMFA+"/devices", nil).Want(t, 200).JSON(t, &devices)
		if len(devices.Authenticators) != 1 {
			t.Fatalf("devices: %+v", devices)
		}

		// Logging in again now needs the second factor.
		ch := f.challenge(t, s.Anon())
		if ch.MFAEnrolled == nil || !*ch.MFAEnrolled || len(ch.MFADevices.Authenticators) != 1 ||
			ch.MFADevices.Authenticators[0].ID != devices.Authenticators[0].ID || ch.UserID != f.user.ID {
			t.Fatalf("MFA branch: %+v", ch)
		}
		if len(ch.MFAStrategies) == 0 || ch.MFAStrategies[0] != "AuthenticatorApp" || ch.QRCode != "" {
			t.Errorf("mfaStrategies = %v, qrCode set: %v", ch.MFAStrategies, ch.QRCode != "")
		}
		// The code that enrolled the device is not accepted again (same time step).
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": code}).WantError(t, 401, "invalid")
		s.Clock.Advance(30 * time.Second)
		next := f.code(t, e.Secret)
		var done loginResponse
		browser := s.Anon()
		browser.Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": next}).Want(t, 201).JSON(t, &done)
		if done.AccessToken == "" || done.MFARequired {
			t.Fatalf("verify: %+v", done)
		}
		got := wantMFAClaims(t, done.AccessToken, "pwd", "otp")
		if got["sub"] != f.user.ID {
			t.Errorf("sub = %v", got["sub"])
		}
		if browser.Cookie("fe_refresh_"+strings.ReplaceAll(s.ClientID, "-", "")) == "" {
			t.Error("no refresh cookie after MFA")
		}
		// The MFA token died with its use; the code died with its step.
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": next}).WantError(t, 401, "MFA token")
		ch2 := f.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch2.MFAToken, "value": next}).WantError(t, 401, "invalid")

		// The per-device route works with the device's id only.
		s.Clock.Advance(30 * time.Second)
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/nope/verify", map[string]any{"mfaToken": ch2.MFAToken, "value": f.code(t, e.Secret)}).
			WantError(t, 404, "not found")
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/"+ch2.MFADevices.Authenticators[0].ID+"/verify",
			map[string]any{"mfaToken": ch2.MFAToken, "value": f.code(t, e.Secret)}).Want(t, 201)
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"value": "123456"}).WantError(t, 400, "mfaToken is required")
	})
}

func TestMFATokenLimits(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		secret, _ := f.enrollAuthenticator(t, f.signedIn(t))

		// Five wrong codes kill the token: even the right code is refused then.
		ch := f.challenge(t, s.Anon())
		for range factors.MaxAttempts {
			s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": wrong(f.code(t, secret))}).
				WantError(t, 401, "invalid")
		}
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": f.code(t, secret)}).
			WantError(t, 401, "MFA token")

		// A token expires after five minutes.
		ch = f.challenge(t, s.Anon())
		s.Clock.Advance(factors.MFATokenLifetime + time.Second)
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": f.code(t, secret)}).
			WantError(t, 401, "MFA token")

		// New tokens do not buy new guesses without end: after ten wrong codes
		// within fifteen minutes every code of the user is refused.
		for i := 0; i < 5; i++ {
			ch = f.challenge(t, s.Anon())
			s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": wrong(f.code(t, secret))}).
				WantError(t, 401, "invalid")
		}
		ch = f.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": f.code(t, secret)}).
			WantError(t, 429, "Too many")
		s.Clock.Advance(16 * time.Minute)
		ch = f.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": f.code(t, secret)}).Want(t, 201)
	})
}

func TestForcedEnrollmentOnFirstLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		s.Vendor(t).Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force"}).Want(t, 201)

		ch := f.challenge(t, s.Anon())
		if ch.MFAEnrolled == nil || *ch.MFAEnrolled || ch.QRCode == "" || len(ch.MFADevices.Authenticators) != 0 {
			t.Fatalf("forced login of an unenrolled user: %+v", ch)
		}
		// The enroll route shows the QR code the login response carried.
		var e struct{ QRCode, Secret string }
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/enroll", map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &e)
		if e.QRCode != ch.QRCode {
			t.Error("the enroll route's QR code differs from the login response's")
		}
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/enroll/verify", map[string]any{"mfaToken": ch.MFAToken, "token": wrong(f.code(t, e.Secret))}).
			WantError(t, 401, "invalid")
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/enroll/verify", map[string]any{"mfaToken": ch.MFAToken, "token": f.code(t, e.Secret)}).
			Want(t, 201).JSON(t, &done)
		if done.AccessToken == "" || done.RecoveryCode == "" {
			t.Fatalf("enroll/verify: %+v", done)
		}
		wantMFAClaims(t, done.AccessToken, "pwd", "otp")

		// Now enrolled, a login may not enroll another device with the password alone.
		s.Clock.Advance(30 * time.Second)
		ch = f.challenge(t, s.Anon())
		if ch.QRCode != "" || !*ch.MFAEnrolled {
			t.Errorf("enrolled user's MFA branch: %+v", ch)
		}
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/enroll", map[string]string{"mfaToken": ch.MFAToken}).WantError(t, 403, "second factor")
		s.Anon().Do(t, "POST", mfaURL+"/sms/enroll", map[string]string{"mfaToken": ch.MFAToken, "phoneNumber": "+14155550123"}).
			WantError(t, 403, "")

		// The original flow: the QR code of the login response, then mfa/verify.
		g := newFixture(t, s, "grace@example.com")
		ch = g.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/authenticator/enroll", map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &e)
		s.Anon().Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": g.code(t, e.Secret)}).
			Want(t, 201).JSON(t, &done)
		if done.AccessToken == "" || done.RecoveryCode == "" {
			t.Fatalf("verify as enrollment: %+v", done)
		}
	})
}

func TestRememberDevice(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		secret, _ := f.enrollAuthenticator(t, f.signedIn(t))
		browser := s.Anon()

		// Not allowed by default: rememberDevice is ignored.
		ch := f.challenge(t, browser)
		var allow struct {
			IsAllowedToRemember bool
			MFADeviceExpiration int
		}
		s.Anon().Do(t, "GET", "/identity/resources/configurations/v1/mfa-policy/allow-remember-device?mfaToken="+url.QueryEscape(ch.MFAToken), nil).
			Want(t, 200).JSON(t, &allow)
		if allow.IsAllowedToRemember {
			t.Error("remembering is allowed by default")
		}
		browser.Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": f.code(t, secret), "rememberDevice": true}).Want(t, 201)
		f.challenge(t, browser)

		s.Vendor(t).Do(t, "POST", policy, map[string]any{"allowRememberMyDevice": true, "mfaDeviceExpiration": 3600}).Want(t, 201)
		s.Clock.Advance(30 * time.Second)
		ch = f.challenge(t, browser)
		s.Anon().Do(t, "GET", "/identity/resources/configurations/v1/mfa-policy/allow-remember-device?mfaToken="+url.QueryEscape(ch.MFAToken), nil).
			Want(t, 200).JSON(t, &allow)
		if !allow.IsAllowedToRemember || allow.MFADeviceExpiration != 3600 {
			t.Errorf("allow-remember-device: %+v", allow)
		}
		browser.Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": ch.MFAToken, "value": f.code(t, secret), "rememberDevice": true}).Want(t, 201)
		if browser.Cookie("fe_device_"+strings.ReplaceAll(s.ClientID, "-", "")) == "" {
			t.Fatal("no remember-this-device cookie")
		}

		// This browser skips MFA for an hour; another browser does not.
		if out := f.login(t, browser); out.MFARequired || out.AccessToken == "" {
			t.Fatalf("remembered browser: %+v", out)
		}
		f.challenge(t, s.Anon())
		// The cookie is bound to its user.
		g := newFixture(t, s, "grace@example.com")
		gSecret, _ := g.enrollAuthenticator(t, g.signedIn(t))
		_ = gSecret
		g.challenge(t, browser)
		s.Clock.Advance(time.Hour + time.Minute)
		f.challenge(t, browser)

		s.Anon().Do(t, "GET", "/identity/resources/configurations/v1/mfa-policy/allow-remember-device?mfaToken=nope", nil).WantError(t, 401, "MFA token")
	})
}

func TestRecoveryCode(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		_, recovery := f.enrollAuthenticator(t, f.signedIn(t))
		f.challenge(t, s.Anon())

		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email, "recoveryCode": "not-the-code"}).
			WantError(t, 401, "recovery code")
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": "nobody@example.com", "recoveryCode": recovery}).
			WantError(t, 401, "recovery code")
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email}).WantError(t, 400, "recoveryCode is required")
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email, "recoveryCode": recovery}).Want(t, 200)

		// MFA is reset: the password alone signs in, and the code worked once.
		if out := f.login(t, s.Anon()); out.MFARequired || out.AccessToken == "" {
			t.Fatalf("login after recovery: %+v", out)
		}
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email, "recoveryCode": recovery}).
			WantError(t, 401, "recovery code")

		// With the pending login's MFA token, recovery completes that login.
		_, recovery = f.enrollAuthenticator(t, f.signedIn(t))
		ch := f.challenge(t, s.Anon())
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email, "recoveryCode": recovery, "mfaToken": ch.MFAToken}).
			Want(t, 200).JSON(t, &done)
		wantMFAClaims(t, done.AccessToken, "pwd", "otp")
	})
}

func TestStepUp(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		browser := s.Anon()
		out := f.login(t, browser)
		c := browser.With("Authorization", "Bearer "+out.AccessToken)
		if claims(t, out.AccessToken)["acr"] != nil {
			t.Fatal("a password login has an acr")
		}
		secret, _ := f.enrollAuthenticator(t, c)

		var up loginResponse
		c.Do(t, "POST", "/identity/resources/auth/v1/user/step-up/generate", map[string]any{"maxAge": 60}).Want(t, 200).JSON(t, &up)
		if up.MFAToken == "" || up.AccessToken != "" || up.MFAEnrolled == nil || !*up.MFAEnrolled || len(up.MFADevices.Authenticators) != 1 {
			t.Fatalf("step-up: %+v", up)
		}
		var done loginResponse
		browser.Do(t, "POST", mfaURL+"/verify", map[string]any{"mfaToken": up.MFAToken, "value": f.code(t, secret)}).Want(t, 201).JSON(t, &done)
		got := wantMFAClaims(t, done.AccessToken, "pwd", "otp")
		if at, _ := got["auth_time"].(float64); int64(at) != s.Clock.Now().Unix() {
			t.Errorf("auth_time = %v, want %d", got["auth_time"], s.Clock.Now().Unix())
		}
		if claims(t, done.AccessToken)["sid"] != claims(t, out.AccessToken)["sid"] {
			t.Error("step-up opened another session instead of raising this one")
		}
		// The session keeps its second factor: refreshed tokens carry it.
		var refreshed loginResponse
		browser.Do(t, "POST", "/identity/resources/auth/v1/user/token/refresh", map[string]any{}).Want(t, 201).JSON(t, &refreshed)
		wantMFAClaims(t, refreshed.AccessToken, "otp")

		// A recent enough second factor gets tokens at once; an old one needs a new one.
		c = browser.With("Authorization", "Bearer "+refreshed.AccessToken)
		s.Clock.Advance(2 * time.Minute)
		var again loginResponse
		c.Do(t, "POST", "/identity/resources/auth/v1/user/step-up/generate", map[string]any{"maxAge": 300}).Want(t, 200).JSON(t, &again)
		if again.AccessToken == "" {
			t.Fatalf("fresh step-up: %+v", again)
		}
		wantMFAClaims(t, again.AccessToken, "otp")
		var stale loginResponse
		c.Do(t, "POST", "/identity/resources/auth/v1/user/step-up/generate", map[string]any{"maxAge": 60}).Want(t, 200).JSON(t, &stale)
		if stale.MFAToken == "" || stale.AccessToken != "" {
			t.Fatalf("stale step-up: %+v", stale)
		}
		c.Do(t, "POST", "/identity/resources/auth/v1/user/step-up/generate", map[string]any{"maxAge": -1}).WantError(t, 400, "maxAge")
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/step-up/generate", map[string]any{}).WantError(t, 401, "")
		s.Vendor(t).Do(t, "POST", "/identity/resources/auth/v1/user/step-up/generate", map[string]any{}).WantError(t, 403, "")
	})
}
