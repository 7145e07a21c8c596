package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
)

const rotationPath = "/identity/resources/configurations/v1/password-rotation"

func TestLoginReportsPasswordExpiry(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		body := map[string]string{"email": "ada@example.com", "password": "correct horse battery"}

		// No rotation policy (the default): no expiry fields.
		got := s.Anon().Do(t, "POST", loginPath, body).Want(t, 200).Map(t)
		if _, ok := got["passwordExpiresIn"]; ok {
			t.Fatalf("passwordExpiresIn without a rotation policy: %v", got)
		}

		s.Vendor(t).Do(t, "POST", rotationPath, map[string]any{"isActive": true, "rotationPeriod": 30 * 86400, "notificationPeriod": 5 * 86400}).Want(t, 200)
		s.Clock.Advance(10 * 24 * time.Hour)
		got = s.Anon().Do(t, "POST", loginPath, body).Want(t, 200).Map(t)
		if got["accessToken"] == "" || got["passwordExpiresIn"] != float64(20*86400) || got["notificationPeriod"] != float64(5*86400) {
			t.Fatalf("login with 20 days left: %v", got)
		}

		// Expired: no tokens, no session, a one-time reset token instead.
		s.Clock.Advance(21 * 24 * time.Hour)
		anon := s.Anon()
		got = anon.Do(t, "POST", loginPath, body).Want(t, 200).Map(t)
		tok, _ := got["resetPasswordToken"].(string)
		if tok == "" || got["accessToken"] != nil || got["refreshToken"] != nil || got["userId"] != u.ID || got["mfaRequired"] != false {
			t.Fatalf("login with an expired password: %v", got)
		}
		if anon.Cookie(login.CookieName(s.ClientID)) != "" {
			t.Fatal("a refresh cookie was set for an expired password")
		}
		code, err := s.DB.PeekCode(context.Background(), notify.CodePasswordReset, secure.HashToken(tok), s.Clock.Now())
		if err != nil || code.UserID != u.ID || !code.ExpiresAt.Equal(s.Clock.Now().Add(notify.PasswordResetTTL)) {
			t.Fatalf("reset token is not a live password-reset code of the user: %+v, %v", code, err)
		}
		// A wrong password still gets the ordinary answer, not a reset token.
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "wrong"}).WantError(t, 401, "Incorrect email or password")
	})
}
