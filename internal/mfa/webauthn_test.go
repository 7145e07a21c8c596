package mfa_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/factors/factorstest"
)

type webAuthnOptions struct {
	WebAuthnToken string          `json:"webauthnToken"`
	Options       json.RawMessage `json:"options"`
}

// tamper flips a byte of the assertion's signature.
func tamper(t *testing.T, cred json.RawMessage) json.RawMessage {
	t.Helper()
	var m map[string]map[string]string
	json.Unmarshal(cred, &m)
	var raw map[string]any
	json.Unmarshal(cred, &raw)
	sig := []byte(m["response"]["signature"])
	if sig[5] == 'A' {
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	raw["response"].(map[string]any)["signature"] = string(sig)
	out, _ := json.Marshal(raw)
	return out
}

func TestWebAuthnMFA(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		key := factorstest.NewAuthenticator(s.URL)
		c := f.signedIn(t)

		var reg webAuthnOptions
		c.Do(t, "POST", usersMFA+"/webauthn/enroll", nil).Want(t, 200).JSON(t, &reg)
		var opts struct {
			Challenge string
			RP        struct{ ID, Name string }
			User      struct{ ID, Name string }
		}
		json.Unmarshal(reg.Options, &opts)
		if opts.Challenge != reg.WebAuthnToken || opts.RP.ID != "localhost" || opts.User.Name != f.user.Email {
			t.Fatalf("creation options: %s", reg.Options)
		}
		cred := key.Register(t, reg.Options)
		c.Do(t, "POST", usersMFA+"/webauthn/enroll/verify", map[string]any{"webauthnToken": reg.WebAuthnToken, "deviceType": "Phone", "options": cred}).
			WantError(t, 400, "deviceType")
		c.Do(t, "POST", usersMFA+"/webauthn/enroll/verify", map[string]any{"webauthnToken": reg.WebAuthnToken, "options": map[string]any{"id": "x"}}).
			WantError(t, 400, "options.response")
		var rec struct{ RecoveryCode string }
		c.Do(t, "POST", usersMFA+"/webauthn/enroll/verify", map[string]any{"webauthnToken": reg.WebAuthnToken, "deviceType": "CrossPlatform", "options": cred}).
			Want(t, 200).JSON(t, &rec)
		if rec.RecoveryCode == "" {
			t.Error("no recovery code")
		}
		// A ceremony is used once.
		c.Do(t, "POST", usersMFA+"/webauthn/enroll/verify", map[string]any{"webauthnToken": reg.WebAuthnToken, "deviceType": "CrossPlatform", "options": cred}).
			WantError(t, 401, "security key")

		ch := f.challenge(t, s.Anon())
		if len(ch.MFADevices.WebAuthn) != 1 || ch.MFADevices.WebAuthn[0].DeviceType != "CrossPlatform" || ch.MFADevices.WebAuthn[0].Name == "" {
			t.Fatalf("webauthn devices: %+v", ch.MFADevices.WebAuthn)
		}
		id := ch.MFADevices.WebAuthn[0].ID
		var as webAuthnOptions
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id, map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &as)
		assertion := key.Assert(t, as.Options)
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id+"/verify", map[string]any{"mfaToken": ch.MFAToken, "webauthnToken": as.WebAuthnToken,
			"options": tamper(t, assertion)}).WantError(t, 401, "security key")
		// The failed response spent the ceremony: a new one is needed.
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id+"/verify", map[string]any{"mfaToken": ch.MFAToken, "webauthnToken": as.WebAuthnToken,
			"options": assertion}).WantError(t, 401, "security key")
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id, map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &as)
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id+"/verify", map[string]any{"mfaToken": ch.MFAToken, "webauthnToken": as.WebAuthnToken,
			"options": key.Assert(t, as.Options)}).Want(t, 201).JSON(t, &done)
		wantMFAClaims(t, done.AccessToken, "pwd", "hwk")

		// A key whose counter goes backwards (a clone) is refused.
		ch = f.challenge(t, s.Anon())
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id, map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &as)
		key.RewindCounter()
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/"+id+"/verify", map[string]any{"mfaToken": ch.MFAToken, "webauthnToken": as.WebAuthnToken,
			"options": key.Assert(t, as.Options)}).WantError(t, 401, "")

		// Removing the key takes an assertion of it.
		c = s.Anon().With("Authorization", "Bearer "+done.AccessToken)
		c.Do(t, "POST", usersMFA+"/webauthn/nope/disable", nil).WantError(t, 404, "")
		for range 3 {
			key.Assert(t, as.Options) // move the counter past the clone's
		}
		c.Do(t, "POST", usersMFA+"/webauthn/"+id+"/disable", nil).Want(t, 200).JSON(t, &as)
		c.Do(t, "POST", usersMFA+"/webauthn/"+id+"/disable/verify", map[string]any{"webauthnToken": as.WebAuthnToken, "options": key.Assert(t, as.Options)}).
			Want(t, 200)
		if out := f.login(t, s.Anon()); out.MFARequired {
			t.Fatal("MFA still required after removing the key")
		}
	})
}

func TestWebAuthnEnrollmentDuringLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		v := s.Vendor(t)
		v.Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force"}).Want(t, 201)
		key := factorstest.NewAuthenticator(s.URL)
		key.Attachment = "platform"

		ch := f.challenge(t, s.Anon())
		var reg webAuthnOptions
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/enroll", map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &reg)
		// A platform authenticator needs its strategy on.
		v.Do(t, "POST", "/identity/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "WebAuthnPlatform", "isActive": false}).Want(t, 201)
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/enroll/verify", map[string]any{"mfaToken": ch.MFAToken, "webauthnToken": reg.WebAuthnToken,
			"options": key.Register(t, reg.Options)}).WantError(t, 403, "WebAuthnPlatform")
		v.Do(t, "POST", "/identity/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "WebAuthnPlatform", "isActive": true}).Want(t, 201)
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/enroll", map[string]string{"mfaToken": ch.MFAToken}).Want(t, 201).JSON(t, &reg)
		var done loginResponse
		s.Anon().Do(t, "POST", mfaURL+"/webauthn/enroll/verify", map[string]any{"mfaToken": ch.MFAToken, "webauthnToken": reg.WebAuthnToken,
			"options": key.Register(t, reg.Options)}).Want(t, 201).JSON(t, &done)
		if done.RecoveryCode == "" {
			t.Error("no recovery code")
		}
		wantMFAClaims(t, done.AccessToken, "pwd", "hwk")
		ch = f.challenge(t, s.Anon())
		if len(ch.MFADevices.WebAuthn) != 1 || ch.MFADevices.WebAuthn[0].DeviceType != "Platform" {
			t.Errorf("devices: %+v", ch.MFADevices.WebAuthn)
		}
		if !strings.Contains(ch.MFADevices.WebAuthn[0].Name, "Platform") {
			t.Errorf("name = %q", ch.MFADevices.WebAuthn[0].Name)
		}
	})
}
