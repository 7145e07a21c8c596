package mfa_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
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
	loginURL = "/identity/resources/auth/v1/user"
	mfaURL   = "/identity/resources/auth/v1/user/mfa"
	usersMFA = "/identity/resources/users/v1/mfa"
	policy   = "/identity/resources/configurations/v1/mfa-policy"
	config   = "/identity/resources/configurations/v1/mfa"
)

// loginResponse is the login response with its MFA branch.
type loginResponse struct {
	AccessToken   string `json:"accessToken"`
	RefreshToken  string `json:"refreshToken"`
	MFARequired   bool   `json:"mfaRequired"`
	MFAToken      string `json:"mfaToken"`
	MFAEnrolled   *bool  `json:"mfaEnrolled"`
	QRCode        string `json:"qrCode"`
	RecoveryCode  string `json:"recoveryCode"`
	UserID        string `json:"userId"`
	UserEmail     string `json:"userEmail"`
	MFAStrategies []string
	MFADevices    struct {
		WebAuthn []struct {
			ID, DeviceType, Name string
		} `json:"webauthn"`
		Phones []struct {
			ID          string `json:"id"`
			PhoneNumber string `json:"phoneNumber"`
		} `json:"phones"`
		Authenticators []struct {
			ID string `json:"id"`
		} `json:"authenticators"`
		Emails []struct {
			Email string `json:"email"`
		} `json:"emails"`
	} `json:"mfaDevices"`
}

// fixture is an account with a user who can log in.
type fixture struct {
	s      *apitest.Server
	tenant *iam.Tenant
	user   *iam.User
}

func newFixture(t *testing.T, s *apitest.Server, email string) *fixture {
	t.Helper()
	tn := s.SeedTenant(t, "Acme")
	return &fixture{s: s, tenant: tn, user: s.SeedUser(t, tn.TenantID, email, password)}
}

// login posts the user's password from c and returns the login response.
func (f *fixture) login(t *testing.T, c *apitest.Client) loginResponse {
	t.Helper()
	var out loginResponse
	c.Do(t, "POST", loginURL, map[string]string{"email": f.user.Email, "password": password}).Want(t, 200).JSON(t, &out)
	return out
}

// challenge logs in and expects the MFA branch.
func (f *fixture) challenge(t *testing.T, c *apitest.Client) loginResponse {
	t.Helper()
	out := f.login(t, c)
	if !out.MFARequired || out.MFAToken == "" || out.AccessToken != "" {
		t.Fatalf("login: want the MFA branch, got %+v", out)
	}
	return out
}

// signedIn logs in without MFA and returns a client holding the access token.
func (f *fixture) signedIn(t *testing.T) *apitest.Client {
	t.Helper()
	c, _ := f.s.Login(t, f.user.Email, password)
	return c
}

// enrollAuthenticator enrolls an authenticator app for the signed-in client
// and returns its seed and recovery code. The clock then moves to the next
// time step, so the next code is a new one.
func (f *fixture) enrollAuthenticator(t *testing.T, c *apitest.Client) (secret, recovery string) {
	t.Helper()
	var e struct{ QRCode, Secret string }
	c.Do(t, "POST", usersMFA+"/authenticator/enroll", nil).Want(t, 200).JSON(t, &e)
	var out struct{ RecoveryCode string }
	c.Do(t, "POST", usersMFA+"/authenticator/enroll/verify", map[string]string{"token": f.code(t, e.Secret)}).Want(t, 200).JSON(t, &out)
	if out.RecoveryCode == "" {
		t.Fatal("enrollment gave no recovery code")
	}
	f.s.Clock.Advance(30 * time.Second)
	return e.Secret, out.RecoveryCode
}

// code is the authenticator app's code now.
func (f *fixture) code(t *testing.T, secret string) string {
	return factorstest.Code(t, secret, f.s.Clock.Now())
}

// claims decodes a JWT's payload.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// wantMFAClaims checks a token proves a second factor of method.
func wantMFAClaims(t *testing.T, token string, methods ...string) map[string]any {
	t.Helper()
	c := claims(t, token)
	if c["acr"] != "http://schemas.openid.net/pape/policies/2007/06/multi-factor" {
		t.Errorf("acr = %v, want the PAPE multi-factor policy", c["acr"])
	}
	amr, _ := c["amr"].([]any)
	for _, m := range append([]string{"mfa"}, methods...) {
		found := false
		for _, a := range amr {
			found = found || a == m
		}
		if !found {
			t.Errorf("amr = %v, want it to contain %q", amr, m)
		}
	}
	return c
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// emailedCode reads the newest code emailed to addr from the SMTP server.
func emailedCode(t *testing.T, s *apitest.Server, addr string) string {
	t.Helper()
	m := s.Mail.WaitFor(t, addr, mailWait)
	code := sixDigits.FindString(m.Text)
	if code == "" {
		t.Fatalf("no code in the email %q", m.Text)
	}
	return code
}

// textedCode takes the pending SMS to phone from the outbox (acting as the
// SMS gateway) and returns its code.
func textedCode(t *testing.T, s *apitest.Server, phone string) string {
	t.Helper()
	now := s.Clock.Now()
	msgs, err := s.DB.ClaimMessages(context.Background(), store.ChannelSMS, now, now.Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, m := range msgs {
		if m.Recipient == phone {
			code = sixDigits.FindString(m.BodyText)
		}
	}
	if code == "" {
		t.Fatalf("no SMS to %s in the outbox (%d pending)", phone, len(msgs))
	}
	return code
}

// wrong returns a six-digit code other than code.
func wrong(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}
