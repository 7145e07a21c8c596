package mfa_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

func TestEmailCodeMFA(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		v := s.Vendor(t)
		v.Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force"}).Want(t, 201)

		// Off by default: no email in the devices, no code sent.
		ch := f.challenge(t, s.Anon())
		if len(ch.MFADevices.Emails) != 0 || *ch.MFAEnrolled {
			t.Fatalf("email codes off: %+v", ch)
		}
		s.Anon().Do(t, "POST", mfaURL+"/emailcode", map[string]string{"mfaToken": ch.MFAToken}).WantError(t, 403, "EmailCode")

		v.Do(t, "POST", config, map[string]any{"email": map[string]any{"active": true, "tokenLifetimeSeconds": 300}}).Want(t, 201)
		ch = f.challenge(t, s.Anon())
		if len(ch.MFADevices.Emails) != 1 || ch.MFADevices.Emails[0].Email != f.user.Email || !*ch.MFAEnrolled {
			t.Fatalf("email codes on: %+v", ch)
		}
		var otc struct{ OTCToken string }
		s.Anon().Do(t, "POST", mfaURL+"/emailcode", map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &otc)
		code := emailedCode(t, s, f.user.Email)
		body := func(code string) map[string]any {
			return map[string]any{"mfaToken": ch.MFAToken, "otcToken": otc.OTCToken, "code": code}
		}
		s.Anon().Do(t, "POST", mfaURL+"/emailcode/verify", body(wrong(code))).WantError(t, 401, "invalid")
		s.Anon().Do(t, "POST", mfaURL+"/emailcode/verify", map[string]any{"mfaToken": ch.MFAToken, "code": code}).WantError(t, 400, "otcToken")
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/emailcode/verify", body(code)).Want(t, 201).JSON(t, &done)
		wantMFAClaims(t, done.AccessToken, "pwd", "otp")

		// A code works once and within its lifetime.
		ch = f.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/emailcode/verify", body(code)).WantError(t, 401, "")
		s.Anon().Do(t, "POST", mfaURL+"/emailcode", map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &otc)
		code = emailedCode(t, s, f.user.Email)
		s.Clock.Advance(301 * time.Second)
		s.Anon().Do(t, "POST", mfaURL+"/emailcode/verify", body(code)).WantError(t, 401, "")
	})
}

func TestSMSMFA(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		const phone = "+14155550123"
		f := newFixture(t, s, "ada@example.com")
		c := f.signedIn(t)
		c.Do(t, "POST", usersMFA+"/sms/enroll", map[string]string{"phoneNumber": phone}).WantError(t, 403, "SMS")
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "SMS", "isActive": true}).Want(t, 201)

		c.Do(t, "POST", usersMFA+"/sms/enroll", map[string]string{"phoneNumber": "555-0123"}).WantError(t, 400, "phoneNumber")
		var otc struct{ OTCToken, PhoneNumber string }
		c.Do(t, "POST", usersMFA+"/sms/enroll", map[string]string{"phoneNumber": phone}).Want(t, 200).JSON(t, &otc)
		code := textedCode(t, s, phone)
		c.Do(t, "POST", usersMFA+"/sms/enroll/verify", map[string]string{"otcToken": otc.OTCToken, "code": wrong(code)}).WantError(t, 401, "invalid")
		var rec struct{ RecoveryCode string }
		c.Do(t, "POST", usersMFA+"/sms/enroll/verify", map[string]string{"otcToken": otc.OTCToken, "code": code}).Want(t, 200).JSON(t, &rec)
		if rec.RecoveryCode == "" {
			t.Error("no recovery code")
		}

		ch := f.challenge(t, s.Anon())
		if len(ch.MFADevices.Phones) != 1 || ch.MFADevices.Phones[0].PhoneNumber != "+*******0123" {
			t.Fatalf("phones: %+v", ch.MFADevices.Phones)
		}
		id := ch.MFADevices.Phones[0].ID
		s.Anon().Do(t, "POST", mfaURL+"/sms/nope", map[string]string{"mfaToken": ch.MFAToken}).WantError(t, 404, "not found")
		s.Anon().Do(t, "POST", mfaURL+"/sms/"+id, map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &otc)
		code = textedCode(t, s, phone)
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/sms/"+id+"/verify", map[string]any{"mfaToken": ch.MFAToken, "otcToken": otc.OTCToken, "code": code}).
			Want(t, 201).JSON(t, &done)
		wantMFAClaims(t, done.AccessToken, "pwd", "sms")

		// Removing the phone takes a code sent to it.
		c = s.Anon().With("Authorization", "Bearer "+done.AccessToken)
		c.Do(t, "POST", usersMFA+"/sms/"+id+"/disable", nil).Want(t, 200).JSON(t, &otc)
		code = textedCode(t, s, phone)
		c.Do(t, "POST", usersMFA+"/sms/"+id+"/disable/verify", map[string]string{"otcToken": otc.OTCToken, "code": wrong(code)}).WantError(t, 401, "")
		c.Do(t, "POST", usersMFA+"/sms/"+id+"/disable/verify", map[string]string{"otcToken": otc.OTCToken, "code": code}).Want(t, 200)
		var devices struct{ Phones []any }
		c.Do(t, "GET", usersMFA+"/devices", nil).Want(t, 200).JSON(t, &devices)
		if len(devices.Phones) != 0 {
			t.Errorf("phones after disable: %v", devices.Phones)
		}
		if out := f.login(t, s.Anon()); out.MFARequired {
			t.Error("MFA still required with no device left")
		}
	})
}

func TestDisableAuthenticator(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		c := f.signedIn(t)
		secret, _ := f.enrollAuthenticator(t, c)
		var devices struct{ Authenticators []struct{ ID string } }
		c.Do(t, "GET", usersMFA+"/devices", nil).Want(t, 200).JSON(t, &devices)
		id := devices.Authenticators[0].ID

		c.Do(t, "POST", usersMFA+"/authenticator/"+id+"/disable/verify", map[string]string{"token": wrong(f.code(t, secret))}).WantError(t, 401, "invalid")
		c.Do(t, "POST", usersMFA+"/authenticator/nope/disable/verify", map[string]string{"token": f.code(t, secret)}).WantError(t, 404, "")
		c.Do(t, "POST", usersMFA+"/authenticator/"+id+"/disable/verify", map[string]string{}).WantError(t, 400, "token")
		c.Do(t, "POST", usersMFA+"/authenticator/"+id+"/disable/verify", map[string]string{"token": f.code(t, secret)}).Want(t, 200)
		if out := f.login(t, s.Anon()); out.MFARequired {
			t.Fatal("MFA still required after removing the only device")
		}

		// The original route turns MFA off altogether.
		secret, _ = f.enrollAuthenticator(t, c)
		c.Do(t, "POST", usersMFA+"/disable", map[string]string{"token": wrong(f.code(t, secret))}).WantError(t, 401, "")
		c.Do(t, "POST", usersMFA+"/disable", map[string]string{"token": f.code(t, secret)}).Want(t, 200)
		if out := f.login(t, s.Anon()); out.MFARequired {
			t.Fatal("MFA still required after disable")
		}
		s.Vendor(t).Do(t, "GET", usersMFA+"/devices", nil).WantError(t, 403, "")
		s.Anon().Do(t, "GET", usersMFA+"/devices", nil).WantError(t, 401, "")
	})
}

func TestVendorUnenroll(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		f.enrollAuthenticator(t, f.signedIn(t))
		f.challenge(t, s.Anon())
		path := "/identity/resources/vendor-only/users/v1/" + f.user.ID + "/mfa/unenroll"
		s.Anon().Do(t, "POST", path, nil).WantError(t, 401, "")
		s.Vendor(t).Do(t, "POST", path, nil).Want(t, 200)
		if out := f.login(t, s.Anon()); out.MFARequired {
			t.Fatal("MFA still required after the vendor's unenroll")
		}
		var u struct{ MFAEnrolled bool }
		s.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+f.user.ID, nil).Want(t, 200).JSON(t, &u)
		if u.MFAEnrolled {
			t.Error("mfaEnrolled still true")
		}
		s.Vendor(t).Do(t, "POST", strings.Replace(path, f.user.ID, "nope", 1), nil).WantError(t, 404, "")
	})
}

func TestSMSEnrollmentDuringLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		const phone = "+447700900123"
		f := newFixture(t, s, "ada@example.com")
		v := s.Vendor(t)
		v.Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force"}).Want(t, 201)
		v.Do(t, "POST", config, map[string]any{"sms": map[string]any{"active": true, "tokenLifetimeSeconds": 600}}).Want(t, 201)

		ch := f.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/sms/enroll", map[string]string{"phoneNumber": phone}).WantError(t, 400, "mfaToken is required")
		s.Anon().Do(t, "POST", mfaURL+"/sms/enroll", map[string]string{"mfaToken": ch.MFAToken, "phoneNumber": "07700900123"}).
			WantError(t, 400, "phoneNumber")
		var otc struct{ OTCToken, PhoneNumber string }
		s.Anon().Do(t, "POST", mfaURL+"/sms/enroll", map[string]string{"mfaToken": ch.MFAToken, "phoneNumber": phone}).Want(t, 201).JSON(t, &otc)
		code := textedCode(t, s, phone)
		body := func(code string) map[string]string {
			return map[string]string{"mfaToken": ch.MFAToken, "otcToken": otc.OTCToken, "code": code}
		}
		s.Anon().Do(t, "POST", mfaURL+"/sms/enroll/verify", body(wrong(code))).WantError(t, 401, "invalid")
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/sms/enroll/verify", body(code)).Want(t, 201).JSON(t, &done)
		if done.RecoveryCode == "" {
			t.Error("no recovery code")
		}
		wantMFAClaims(t, done.AccessToken, "pwd", "sms")
		ch = f.challenge(t, s.Anon())
		if len(ch.MFADevices.Phones) != 1 {
			t.Fatalf("phones: %+v", ch.MFADevices.Phones)
		}
		// The enrollment is in the audit log, by the user signing in, without the number.
		if got := s.Audits(t, f.tenant.TenantID, "MFA changed"); len(got) != 1 || got[0].UserID != f.user.ID ||
			got[0].ActorID != f.user.ID || got[0].ActorType != "user" || len(got[0].JSON) != 3 || got[0].JSON["change"] != "enrolled" ||
			got[0].JSON["factor"] != "sms" || got[0].JSON["deviceId"] != ch.MFADevices.Phones[0].ID {
			t.Fatalf("audit entries %+v", got)
		}
		// A code sent to enroll does not verify a login.
		s.Anon().Do(t, "POST", mfaURL+"/sms/"+ch.MFADevices.Phones[0].ID+"/verify", body(code)).WantError(t, 401, "")
	})
}

func TestOriginalEnrollRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		c := f.signedIn(t)
		var e struct{ QRCode, Secret string }
		c.Do(t, "POST", usersMFA+"/enroll", nil).Want(t, 200).JSON(t, &e)
		c.Do(t, "POST", usersMFA+"/enroll/verify", map[string]string{}).WantError(t, 400, "token is required")
		c.Do(t, "POST", usersMFA+"/enroll/verify", map[string]string{"token": f.code(t, e.Secret)}).Want(t, 200)
		f.challenge(t, s.Anon())
		s.Vendor(t).Do(t, "POST", usersMFA+"/enroll", nil).WantError(t, 403, "")
	})
}
