package auth_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	resetSMSPath       = "/identity/resources/users/v2/passwords/reset/sms"
	resetSMSVerifyPath = resetSMSPath + "/verify"
	phonesPath         = "/identity/resources/users/phone-numbers/v1"
)

var smsCodePattern = regexp.MustCompile(`\b(\d{6})\b`)

// smsCode returns the code of the next SMS to number.
func smsCode(t *testing.T, s *apitest.Server, number string) string {
	t.Helper()
	m := s.SMS.WaitFor(t, number, mailWait)
	c := smsCodePattern.FindStringSubmatch(m.Body)
	if c == nil {
		t.Fatalf("SMS %q has no code", m.Body)
	}
	return c[1]
}

// otherCode returns a six-digit code other than code.
func otherCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

type resetSMSSession struct {
	SessionID string `json:"sessionId"`
}

type resetSMSToken struct {
	UserID string `json:"userId"`
	Token  string `json:"token"`
}

// askResetSMS asks for a reset code for identifier and returns the sessionId.
func askResetSMS(t *testing.T, s *apitest.Server, identifier, identifierType string) string {
	t.Helper()
	var out resetSMSSession
	s.Anon().Do(t, "POST", resetSMSPath, map[string]string{"identifier": identifier, "identifierType": identifierType}).Want(t, 200).JSON(t, &out)
	if len(out.SessionID) < 32 {
		t.Fatalf("sessionId %q", out.SessionID)
	}
	return out.SessionID
}

// seedPhoneUser seeds a user with a verified number, which the vendor adds.
func seedPhoneUser(t *testing.T, s *apitest.Server, tenantID, email, number string) string {
	t.Helper()
	u := s.SeedUser(t, tenantID, email, "old password")
	s.Vendor(t).Do(t, "POST", phonesPath+"/vendor/"+u.ID, map[string]string{"phoneNumber": number}).Want(t, 201)
	return u.ID
}

func TestPasswordResetBySMS(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.ConfigureSMS(t)
		tn := s.SeedTenant(t, "Acme")
		id := seedPhoneUser(t, s, tn.TenantID, "ada@example.com", "+14155550100")
		c, _ := s.Login(t, "ada@example.com", "old password")
		anon := s.Anon()

		session := askResetSMS(t, s, "ada@example.com", "email")
		code := smsCode(t, s, "+14155550100")
		anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"sessionId": session}).WantError(t, 400, "otcToken is required")
		anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"otcToken": code}).WantError(t, 400, "sessionId is required")
		anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"sessionId": session, "otcToken": otherCode(code)}).WantError(t, 400, "Invalid or expired code")
		anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"sessionId": session + "x", "otcToken": code}).WantError(t, 400, "Invalid or expired code")
		var got resetSMSToken
		anon.Do(t, "POST", "/frontegg"+resetSMSVerifyPath, map[string]string{"sessionId": session, "otcToken": code}).Want(t, 200).JSON(t, &got)
		if got.UserID != id || got.Token == "" {
			t.Fatalf("verify answered %+v", got)
		}
		// The code works once; the token it gave resets the password once.
		anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"sessionId": session, "otcToken": code}).WantError(t, 400, "Invalid or expired code")
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": got.UserID, "token": got.Token, "password": "new password"}).Want(t, 201)
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": got.UserID, "token": got.Token, "password": "newer password"}).
			WantError(t, 400, "invalid or has expired")
		c.Do(t, "GET", mePath, nil).Want(t, 401)
		s.Login(t, "ada@example.com", "new password")

		// The verified number names the user too.
		session = askResetSMS(t, s, "+14155550100", "phoneNumber")
		code = smsCode(t, s, "+14155550100")
		anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"sessionId": session, "otcToken": code}).Want(t, 200).JSON(t, &got)
		if got.UserID != id {
			t.Fatalf("verify by number answered %+v", got)
		}

		for _, tc := range []struct {
			body map[string]string
			want string
		}{
			{map[string]string{"identifier": "ada@example.com", "identifierType": "fax"}, "identifierType must be one of email, phoneNumber, username"},
			{map[string]string{"identifier": "4155550100", "identifierType": "phoneNumber"}, "identifier must be a phone number in E.164 form"},
			{map[string]string{"identifier": "", "identifierType": "phoneNumber"}, "identifier is required"},
		} {
			anon.Do(t, "POST", resetSMSPath, tc.body).WantError(t, 400, tc.want)
		}
	})
}

func TestPasswordResetBySMSLooksTheSameForEveryone(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.ConfigureSMS(t)
		tn := s.SeedTenant(t, "Acme")
		seedPhoneUser(t, s, tn.TenantID, "ada@example.com", "+14155550100")
		// Bob's number is not verified; Cy and Di verified the same number, which names neither.
		s.SeedUser(t, tn.TenantID, "bob@example.com", "old password")
		bob, _ := s.Login(t, "bob@example.com", "old password")
		bob.Do(t, "POST", phonesPath, map[string]any{"phoneNumber": "+14155550199", "verify": false}).Want(t, 201)
		seedPhoneUser(t, s, tn.TenantID, "cy@example.com", "+14155550142")
		seedPhoneUser(t, s, tn.TenantID, "di@example.com", "+14155550142")

		before := s.OutboxSize(t)
		for _, tc := range [][2]string{
			{"nobody@example.com", "email"}, {"bob@example.com", "email"}, {"+14155550199", "phoneNumber"},
			{"+14155550142", "phoneNumber"}, {"+14155550111", "phoneNumber"}, {"nobody", "username"},
		} {
			if session := askResetSMS(t, s, tc[0], tc[1]); session == "" {
				t.Fatalf("%s: no sessionId", tc[0])
			}
		}
		if after := s.OutboxSize(t); after != before {
			t.Fatalf("resets that name no user with a verified number queued %d messages", after-before)
		}
		askResetSMS(t, s, "ada@example.com", "email")
		if after := s.OutboxSize(t); after != before+1 {
			t.Fatalf("a reset for Ada queued %d messages, want 1", after-before)
		}
	})
}

func TestPasswordResetBySMSLimits(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.ConfigureSMS(t)
		tn := s.SeedTenant(t, "Acme")
		seedPhoneUser(t, s, tn.TenantID, "ada@example.com", "+14155550100")
		anon := s.Anon()
		verify := func(session, code string) *apitest.Response {
			return anon.Do(t, "POST", resetSMSVerifyPath, map[string]string{"sessionId": session, "otcToken": code})
		}

		// A code expires after ten minutes.
		session := askResetSMS(t, s, "ada@example.com", "email")
		code := smsCode(t, s, "+14155550100")
		s.Clock.Advance(11 * time.Minute)
		verify(session, code).WantError(t, 400, "Invalid or expired code")

		// Five wrong codes void it.
		session = askResetSMS(t, s, "ada@example.com", "email")
		code = smsCode(t, s, "+14155550100")
		for range 5 {
			verify(session, otherCode(code)).WantError(t, 400, "Invalid or expired code")
		}
		verify(session, code).WantError(t, 400, "Invalid or expired code")

		// A new code voids the one before.
		first := askResetSMS(t, s, "ada@example.com", "email")
		firstCode := smsCode(t, s, "+14155550100")
		askResetSMS(t, s, "ada@example.com", "email")
		smsCode(t, s, "+14155550100")
		verify(first, firstCode).WantError(t, 400, "Invalid or expired code")

		// Five codes an hour: the sixth request is answered alike but sends
		// nothing, and the fifth code still works.
		fifth := askResetSMS(t, s, "ada@example.com", "email")
		fifthCode := smsCode(t, s, "+14155550100")
		before := s.OutboxSize(t)
		askResetSMS(t, s, "ada@example.com", "email")
		if after := s.OutboxSize(t); after != before {
			t.Fatalf("a sixth code within the hour queued %d messages", after-before)
		}
		verify(fifth, fifthCode).Want(t, 200)
		// An hour after the first code, one more may go.
		s.Clock.Advance(50 * time.Minute)
		askResetSMS(t, s, "ada@example.com", "email")
		smsCode(t, s, "+14155550100")
	})
}
