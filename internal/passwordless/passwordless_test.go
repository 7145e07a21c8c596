package passwordless_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/factors/factorstest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

const (
	password = "Correct-Horse-9-battery"
	mailWait = 5 * time.Second
	pwl      = "/identity/resources/auth/v1/passwordless"
)

type loginResponse struct {
	AccessToken string `json:"accessToken"`
	MFARequired bool   `json:"mfaRequired"`
	MFAToken    string `json:"mfaToken"`
}

func amr(t *testing.T, token string) []string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct{ AMR []string }
	json.Unmarshal(raw, &c)
	return c.AMR
}

// strategy sets the environment's authStrategy.
func strategy(t *testing.T, s *apitest.Server, name string) {
	t.Helper()
	s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"authStrategy": name}).Want(t, 201)
}

func seed(t *testing.T, s *apitest.Server, email string) *iam.User {
	t.Helper()
	tn := s.SeedTenant(t, "Acme")
	return s.SeedUser(t, tn.TenantID, email, password)
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

func TestMagicLink(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		u := seed(t, s, "ada@example.com")
		s.Anon().Do(t, "POST", pwl+"/magiclink/prelogin", map[string]string{"email": u.Email}).WantError(t, 403, "not enabled")
		strategy(t, s, "MagicLink")
		s.Anon().Do(t, "POST", pwl+"/magiclink/prelogin", map[string]string{}).WantError(t, 400, "email, username or userId is required")

		// Known and unknown addresses get the same answer; only a user gets mail.
		known := s.Anon().Do(t, "POST", pwl+"/magiclink/prelogin", map[string]string{"email": u.Email}).Want(t, 200)
		unknown := s.Anon().Do(t, "POST", pwl+"/magiclink/prelogin", map[string]string{"email": "nobody@example.com"}).Want(t, 200)
		if string(known.Body) != string(unknown.Body) {
			t.Errorf("prelogin answers differ: %s vs %s", known.Body, unknown.Body)
		}
		m := s.Mail.WaitFor(t, u.Email, mailWait)
		link := regexp.MustCompile(`http\S+/account/login/magic-link\?token=\S+`).FindString(m.Text)
		if link == "" {
			t.Fatalf("no link in %q", m.Text)
		}
		lu, _ := url.Parse(link)
		token := lu.Query().Get("token")
		if len(s.Mail.MessagesTo("nobody@example.com")) != 0 {
			t.Error("an unknown address got mail")
		}

		s.Anon().Do(t, "POST", pwl+"/magiclink/postlogin", map[string]string{"token": "nope"}).WantError(t, 401, "invalid")
		var out loginResponse
		s.Anon().Do(t, "POST", pwl+"/magiclink/postlogin", map[string]string{"token": token}).Want(t, 201).JSON(t, &out)
		if out.AccessToken == "" || strings.Join(amr(t, out.AccessToken), ",") != "otp" {
			t.Fatalf("postlogin: %+v (amr %v)", out, amr(t, out.AccessToken))
		}
		s.Anon().Do(t, "POST", pwl+"/magiclink/postlogin", map[string]string{"token": token}).WantError(t, 401, "invalid")

		// Links expire with the core's passwordless lifetime (300 s).
		s.Anon().Do(t, "POST", pwl+"/magiclink/prelogin", map[string]string{"userId": u.ID}).Want(t, 200)
		lu, _ = url.Parse(regexp.MustCompile(`http\S+magic-link\?token=\S+`).FindString(s.Mail.WaitFor(t, u.Email, mailWait).Text))
		s.Clock.Advance(301 * time.Second)
		s.Anon().Do(t, "POST", pwl+"/magiclink/postlogin", map[string]string{"token": lu.Query().Get("token")}).WantError(t, 401, "")
	})
}

func TestEmailCode(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		u := seed(t, s, "ada@example.com")
		strategy(t, s, "Code")
		browser := s.Anon()
		browser.Do(t, "POST", pwl+"/code/prelogin", map[string]string{"email": u.Email}).Want(t, 201)
		code := sixDigits.FindString(s.Mail.WaitFor(t, u.Email, mailWait).Text)

		other := s.Anon() // without the binding cookie and without the address, a code identifies nothing
		other.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": code}).WantError(t, 401, "invalid")
		browser.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": "0000000"}).WantError(t, 401, "invalid")
		browser.Do(t, "POST", pwl+"/code/postlogin", map[string]string{}).WantError(t, 400, "token is required")
		var out loginResponse
		browser.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": code}).Want(t, 201).JSON(t, &out)
		if out.AccessToken == "" || strings.Join(amr(t, out.AccessToken), ",") != "otp" {
			t.Fatalf("postlogin: %+v", out)
		}
		browser.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": code}).WantError(t, 401, "invalid")

		// Another browser may name the address instead.
		browser.Do(t, "POST", pwl+"/code/prelogin", map[string]string{"email": u.Email}).Want(t, 201)
		code = sixDigits.FindString(s.Mail.WaitFor(t, u.Email, mailWait).Text)
		other.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": code, "email": u.Email}).Want(t, 201)

		// Five wrong codes kill a code.
		browser.Do(t, "POST", pwl+"/code/prelogin", map[string]string{"email": u.Email}).Want(t, 201)
		code = sixDigits.FindString(s.Mail.WaitFor(t, u.Email, mailWait).Text)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for range 5 {
			browser.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": wrong}).WantError(t, 401, "")
		}
		browser.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": code}).WantError(t, 401, "invalid")

		// Unknown addresses get the same answer and a cookie all the same.
		fresh := s.Anon()
		fresh.Do(t, "POST", pwl+"/code/prelogin", map[string]string{"email": "nobody@example.com"}).Want(t, 201)
		if fresh.Cookie("fe_passwordless_"+strings.ReplaceAll(s.ClientID, "-", "")) == "" {
			t.Error("no binding cookie for an unknown address")
		}
		fresh.Do(t, "POST", pwl+"/code/postlogin", map[string]string{"token": code}).WantError(t, 401, "invalid")
	})
}

func TestSMSCode(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		const phone = "+14155550199"
		u := seed(t, s, "ada@example.com")
		u.PhoneNumber = phone
		if err := s.DB.UpdateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		strategy(t, s, "SmsCode")
		browser := s.Anon()
		browser.Do(t, "POST", pwl+"/smscode/prelogin", map[string]string{}).WantError(t, 400, "phoneNumber is required")
		browser.Do(t, "POST", pwl+"/smscode/prelogin", map[string]string{"phoneNumber": phone}).Want(t, 201)
		now := s.Clock.Now()
		msgs, err := s.DB.ClaimMessages(context.Background(), store.ChannelSMS, now, now.Add(time.Hour), 10)
		if err != nil || len(msgs) != 1 || msgs[0].Recipient != phone {
			t.Fatalf("outbox sms: %v %+v", err, msgs)
		}
		code := sixDigits.FindString(msgs[0].BodyText)
		var out loginResponse
		browser.Do(t, "POST", pwl+"/smscode/postlogin", map[string]string{"token": code}).Want(t, 201).JSON(t, &out)
		if strings.Join(amr(t, out.AccessToken), ",") != "sms" {
			t.Errorf("amr = %v", amr(t, out.AccessToken))
		}
		// An SMS code expires within ten minutes, whatever the core lifetime.
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"defaultPasswordlessTokenExpiration": 3600}).Want(t, 201)
		browser.Do(t, "POST", pwl+"/smscode/prelogin", map[string]string{"email": u.Email}).Want(t, 201)
		now = s.Clock.Now()
		msgs, _ = s.DB.ClaimMessages(context.Background(), store.ChannelSMS, now, now.Add(time.Hour), 10)
		s.Clock.Advance(11 * time.Minute)
		browser.Do(t, "POST", pwl+"/smscode/postlogin", map[string]string{"token": sixDigits.FindString(msgs[0].BodyText)}).WantError(t, 401, "")
	})
}

func TestPasswordlessThenMFA(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		u := seed(t, s, "ada@example.com")
		s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/mfa-policy", map[string]any{"enforceMFAType": "Force"}).Want(t, 201)
		strategy(t, s, "MagicLink")
		s.Anon().Do(t, "POST", pwl+"/magiclink/prelogin", map[string]string{"email": u.Email}).Want(t, 200)
		lu, _ := url.Parse(regexp.MustCompile(`http\S+magic-link\?token=\S+`).FindString(s.Mail.WaitFor(t, u.Email, mailWait).Text))
		var out loginResponse
		s.Anon().Do(t, "POST", pwl+"/magiclink/postlogin", map[string]string{"token": lu.Query().Get("token")}).Want(t, 201).JSON(t, &out)
		if !out.MFARequired || out.MFAToken == "" || out.AccessToken != "" {
			t.Fatalf("forced MFA after a magic link: %+v", out)
		}
	})
}

func TestPasskeys(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		u := seed(t, s, "ada@example.com")
		c, _ := s.Login(t, u.Email, password)
		key := factorstest.NewAuthenticator(s.URL)
		key.Attachment = "platform"

		var opts json.RawMessage
		c.Do(t, "POST", "/identity/resources/users/webauthn/v1/devices", nil).Want(t, 200).JSON(t, &opts)
		var creation struct {
			AuthenticatorSelection struct {
				ResidentKey      string
				UserVerification string
			}
		}
		json.Unmarshal(opts, &creation)
		if creation.AuthenticatorSelection.ResidentKey != "required" || creation.AuthenticatorSelection.UserVerification != "required" {
			t.Errorf("a passkey must be discoverable and verify its user: %s", opts)
		}
		cred := key.Register(t, opts)
		var dev struct{ ID, DeviceType string }
		c.Do(t, "POST", "/identity/resources/users/webauthn/v1/devices/verify", json.RawMessage(cred)).Want(t, 200).JSON(t, &dev)
		if dev.DeviceType != "Platform" {
			t.Errorf("deviceType = %q", dev.DeviceType)
		}
		c.Do(t, "POST", "/identity/resources/users/webauthn/v1/devices/verify", json.RawMessage(cred)).WantError(t, 401, "")
		var list struct {
			Devices []struct{ ID, DeviceType, CreatedAt string }
		}
		c.Do(t, "GET", "/identity/resources/users/webauthn/v1/devices", nil).Want(t, 200).JSON(t, &list)
		if len(list.Devices) != 1 || list.Devices[0].ID != dev.ID || list.Devices[0].CreatedAt == "" {
			t.Fatalf("devices: %+v", list)
		}

		// Prelogin reveals nothing: the same options for a user and a stranger.
		var a, b map[string]any
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/prelogin", map[string]string{"email": u.Email}).Want(t, 200).JSON(t, &a)
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/prelogin", map[string]string{"email": "nobody@example.com"}).Want(t, 200).JSON(t, &b)
		delete(a, "challenge")
		delete(b, "challenge")
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("prelogin differs: %s vs %s", ja, jb)
		}
		var req json.RawMessage
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/prelogin", map[string]string{"email": u.Email}).Want(t, 200).JSON(t, &req)
		var out loginResponse
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/postlogin", json.RawMessage(key.Assert(t, req))).Want(t, 200).JSON(t, &out)
		if got := strings.Join(amr(t, out.AccessToken), ","); got != "hwk,mfa" {
			t.Errorf("amr = %s", got)
		}
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/postlogin", map[string]any{"id": "x"}).WantError(t, 400, "response")

		// A removed passkey signs no one in.
		c.Do(t, "DELETE", "/identity/resources/users/webauthn/v1/devices/nope", nil).WantError(t, 404, "")
		c.Do(t, "DELETE", "/identity/resources/users/webauthn/v1/devices/"+dev.ID, nil).Want(t, 200)
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/prelogin", map[string]string{}).Want(t, 200).JSON(t, &req)
		s.Anon().Do(t, "POST", "/identity/resources/auth/v1/webauthn/postlogin", json.RawMessage(key.Assert(t, req))).WantError(t, 401, "")
		s.Anon().Do(t, "GET", "/identity/resources/users/webauthn/v1/devices", nil).WantError(t, 401, "")
	})
}
