package auth_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	activatePath       = "/identity/resources/users/v1/activate"
	activateCodePath   = "/identity/resources/users/v1/activate/code"
	activateResetPath  = "/identity/resources/users/v1/activate/reset"
	activateStrategyTo = "/identity/resources/users/v1/activate/strategy?"
)

// signUpPending signs up email (sign-ups enabled first) and returns the
// activation link from the email it gets.
func signUpPending(t *testing.T, s *apitest.Server, email, password string) emailLink {
	t.Helper()
	configure(t, s, map[string]any{"allowSignups": true})
	body := map[string]any{"email": email, "companyName": "Acme"}
	if password != "" {
		body["password"] = password
	}
	s.Anon().Do(t, "POST", signUpPath, body).Want(t, 201)
	return readLink(t, s.Mail.WaitFor(t, email, mailWait), "/account/activate")
}

func TestActivateWithCode(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		link := signUpPending(t, s, "ada@example.com", "correct horse")
		if len(link.Code) != 6 {
			t.Fatalf("activation email has no six-digit code: %+v", link)
		}
		wrong := "000000"
		if link.Code == wrong {
			wrong = "111111"
		}
		anon := s.Anon()
		anon.Do(t, "POST", activateCodePath, map[string]string{"userId": link.UserID, "token": link.Token}).WantError(t, 400, "code is required")
		anon.Do(t, "POST", activateCodePath, map[string]string{"userId": link.UserID, "token": link.Token, "code": wrong}).WantError(t, 400, "code is incorrect")
		anon.Do(t, "POST", activateCodePath, map[string]string{"userId": link.UserID, "token": "bogus", "code": link.Code}).WantError(t, 400, "invalid or has expired")
		var res apitest.LoginResponse
		anon.Do(t, "POST", activateCodePath, map[string]string{"userId": link.UserID, "token": link.Token, "code": link.Code}).Want(t, 200).JSON(t, &res)
		if res.AccessToken == "" || res.UserID != link.UserID {
			t.Fatalf("activation %+v", res)
		}
		anon.Do(t, "POST", activateCodePath, map[string]string{"userId": link.UserID, "token": link.Token, "code": link.Code}).WantError(t, 400, "invalid or has expired")
	})
}

func TestActivationLinkExpires(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		link := signUpPending(t, s, "ada@example.com", "correct horse")
		s.Clock.Advance(7*24*time.Hour + time.Second)
		q := url.Values{"userId": {link.UserID}, "token": {link.Token}}
		s.Anon().Do(t, "GET", activateStrategyTo+q.Encode(), nil).WantError(t, 400, "invalid or has expired")
		s.Anon().Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token}).WantError(t, 400, "invalid or has expired")
	})
}

func TestActivationBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		link := signUpPending(t, s, "ada@example.com", "correct horse")
		other := s.SeedUser(t, s.SeedTenant(t, "Other").TenantID, "bob@example.com", "pw-pw-pw-pw")
		anon := s.Anon()
		for _, tc := range []struct {
			body map[string]string
			want string
		}{
			{map[string]string{"token": link.Token}, "userId is required"},
			{map[string]string{"userId": link.UserID}, "token is required"},
			{map[string]string{"userId": other.ID, "token": link.Token}, "invalid or has expired"},
			{map[string]string{"userId": link.UserID, "token": link.Token + "x"}, "invalid or has expired"},
			{map[string]string{"userId": link.UserID, "token": link.Token, "password": "short"}, "password must be at least 8"},
		} {
			anon.Do(t, "POST", activatePath, tc.body).WantError(t, 400, tc.want)
		}
		anon.Do(t, "GET", activateStrategyTo+"userId="+link.UserID, nil).WantError(t, 400, "token is required")
		q := url.Values{"userId": {other.ID}, "token": {link.Token}}
		anon.Do(t, "GET", activateStrategyTo+q.Encode(), nil).WantError(t, 400, "invalid or has expired")
		// None of that spent the link.
		anon.Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token}).Want(t, 200)
	})
}

func TestResendActivation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		first := signUpPending(t, s, "ada@example.com", "correct horse")
		s.SeedUser(t, s.SeedTenant(t, "Other").TenantID, "verified@example.com", "pw-pw-pw-pw")
		anon := s.Anon()
		before := outboxSize(t, s)
		known := anon.Do(t, "POST", activateResetPath, map[string]string{"email": "ADA@example.com"}).Want(t, 201)
		unknown := anon.Do(t, "POST", activateResetPath, map[string]string{"email": "nobody@example.com"}).Want(t, 201)
		verified := anon.Do(t, "POST", activateResetPath, map[string]string{"email": "verified@example.com"}).Want(t, 201)
		for _, r := range []*apitest.Response{unknown, verified} {
			if string(r.Body) != string(known.Body) {
				t.Fatalf("answers differ: %q vs %q", r.Body, known.Body)
			}
		}
		if got := outboxSize(t, s); got != before+1 {
			t.Fatalf("outbox grew by %d, want 1 (only the pending user)", got-before)
		}
		second := readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/activate")
		anon.Do(t, "POST", activatePath, map[string]string{"userId": first.UserID, "token": first.Token}).WantError(t, 400, "invalid or has expired")
		anon.Do(t, "POST", activatePath, map[string]string{"userId": second.UserID, "token": second.Token}).Want(t, 200)

		anon.Do(t, "POST", activateResetPath, map[string]string{}).WantError(t, 400, "email is required")
		anon.Do(t, "POST", activateResetPath, map[string]string{"email": "nope"}).WantError(t, 400, "email must be an email")
	})
}

func TestGenerateActivationToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		signUpPending(t, s, "ada@example.com", "")
		u, err := s.DB.FindUserByEmail(t.Context(), "ada@example.com")
		if err != nil {
			t.Fatal(err)
		}
		path := "/identity/resources/users/v1/" + u.ID + "/links/generate-activation-token"
		before := outboxSize(t, s)
		var out struct{ Link, Token, UserID string }
		s.Vendor(t).Do(t, "POST", path, nil).Want(t, 201).JSON(t, &out)
		if out.UserID != u.ID || out.Token == "" || !strings.HasPrefix(out.Link, s.URL+"/account/activate?") ||
			!strings.Contains(out.Link, "token="+url.QueryEscape(out.Token)) || !strings.Contains(out.Link, "userId="+u.ID) {
			t.Fatalf("generated %+v", out)
		}
		if outboxSize(t, s) != before {
			t.Fatal("generating a token sent an email")
		}
		s.Anon().Do(t, "POST", activatePath, map[string]string{"userId": u.ID, "token": out.Token, "password": "chosen password"}).Want(t, 200)
		s.Login(t, "ada@example.com", "chosen password")

		s.Vendor(t).Do(t, "POST", path, nil).WantError(t, 400, "already activated")
		s.Vendor(t).Do(t, "POST", "/identity/resources/users/v1/no-such-user/links/generate-activation-token", nil).WantError(t, 404, "User not found")
		s.Anon().Do(t, "POST", path, nil).WantError(t, 401, "")
		c, _ := s.Login(t, "ada@example.com", "chosen password")
		c.Do(t, "POST", path, nil).WantError(t, 403, "")
	})
}
