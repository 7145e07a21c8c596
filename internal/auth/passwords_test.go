package auth_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
)

const (
	resetPath        = "/identity/resources/users/v1/passwords/reset"
	resetV2Path      = "/identity/resources/users/v2/passwords/reset/email"
	resetVerifyPath  = "/identity/resources/users/v1/passwords/reset/verify"
	changePath       = "/identity/resources/users/v1/passwords/change"
	verifyVendorPath = "/identity/resources/vendor-only/users/v1/passwords/verify"
	mePath           = "/identity/resources/users/v2/me"
)

func TestPasswordResetByEmail(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		c1, first := s.Login(t, "ada@example.com", "old password")
		c2, _ := s.Login(t, "ada@example.com", "old password")
		c1.Do(t, "GET", mePath, nil).Want(t, 200)

		r := s.Anon().Do(t, "POST", "/frontegg"+resetPath, map[string]string{"email": "Ada@Example.com"}).Want(t, 201)
		if len(r.Body) != 0 {
			t.Fatalf("reset answered %q, want no body", r.Body)
		}
		email := s.Mail.WaitFor(t, "ada@example.com", mailWait)
		if email.Subject != "Reset your password" {
			t.Fatalf("email %q", email.Subject)
		}
		link := readLink(t, email, "/account/reset-password")
		if link.UserID != u.ID || !strings.HasPrefix(link.URL, s.URL+"/account/reset-password?") {
			t.Fatalf("link %+v", link)
		}
		anon := s.Anon()
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": link.UserID, "token": link.Token, "password": "short"}).
			WantError(t, 400, "password must be at least 8 characters")
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": link.UserID, "token": link.Token, "password": "new password"}).Want(t, 201)

		// Every session ended: access tokens are refused at once, refresh tokens too.
		c1.Do(t, "GET", mePath, nil).Want(t, 401)
		c2.Do(t, "GET", mePath, nil).Want(t, 401)
		s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).WantError(t, 401, "Session is not valid")
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "old password"}).Want(t, 401)
		s.Login(t, "ada@example.com", "new password")
		// The link works once.
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": link.UserID, "token": link.Token, "password": "newer password"}).
			WantError(t, 400, "invalid or has expired")
	})
}

func TestPasswordResetForUnknownEmailLooksTheSame(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		s.SeedUser(t, tn.TenantID, "bob@example.com", "old password")
		anon := s.Anon()
		for _, tc := range []struct {
			path          string
			known, absent any
		}{
			{resetPath, map[string]string{"email": "ada@example.com"}, map[string]string{"email": "nobody@example.com"}},
			{resetPath, map[string]string{"identifier": "ada@example.com", "identifierType": "email"},
				map[string]string{"identifier": "nobody@example.com", "identifierType": "email"}},
			{resetV2Path, map[string]string{"identifier": "bob@example.com", "identifierType": "email"},
				map[string]string{"identifier": "nobody@example.com", "identifierType": "email"}},
		} {
			before := outboxSize(t, s)
			unknown := anon.Do(t, "POST", tc.path, tc.absent)
			if outboxSize(t, s) != before {
				t.Fatalf("%s: a reset for an unknown email queued a message", tc.path)
			}
			known := anon.Do(t, "POST", tc.path, tc.known)
			if outboxSize(t, s) != before+1 {
				t.Fatalf("%s: a reset for a known email queued no message", tc.path)
			}
			if unknown.Status != known.Status {
				t.Fatalf("%s: status %d for unknown, %d for known", tc.path, unknown.Status, known.Status)
			}
			if tc.path == resetV2Path {
				k, u := known.Map(t), unknown.Map(t)
				if strings.Join(keys(k), ",") != "sessionId" || strings.Join(keys(u), ",") != "sessionId" || k["sessionId"] == "" {
					t.Fatalf("v2 answers %v and %v", k, u)
				}
			} else if string(unknown.Body) != string(known.Body) {
				t.Fatalf("%s: bodies differ: %q vs %q", tc.path, unknown.Body, known.Body)
			}
		}
		s.Mail.WaitFor(t, "ada@example.com", mailWait)
		s.Mail.WaitFor(t, "ada@example.com", mailWait)
		s.Mail.WaitFor(t, "bob@example.com", mailWait)
		if got := s.Mail.MessagesTo("nobody@example.com"); len(got) != 0 {
			t.Fatalf("%d emails to an unknown address", len(got))
		}
	})
}

func TestPasswordResetByUsername(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true})
		s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "ada", "email": "ada@example.com", "companyName": "Acme", "password": "correct horse"}).
			Want(t, 201)
		s.Mail.WaitFor(t, "ada@example.com", mailWait) // activation
		s.Anon().Do(t, "POST", resetPath, map[string]string{"identifier": "ADA", "identifierType": "username"}).Want(t, 201)
		readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/reset-password")
	})
}

func TestPasswordResetBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()
		for _, tc := range []struct {
			path string
			body any
			want string
		}{
			{resetPath, map[string]string{}, "email is required"},
			{resetPath, map[string]string{"email": "not an email"}, "email must be an email"},
			{resetPath, map[string]string{"identifier": "x", "identifierType": "fax"}, "identifierType must be one of"},
			{resetPath, map[string]string{"identifier": "+15550100", "identifierType": "phoneNumber"}, "phoneNumber is not supported"},
			{resetV2Path, map[string]string{"identifier": "a@b.c"}, "identifierType must be one of"},
			{resetPath, map[string]any{"email": 5}, "email must be of type string"},
			{resetVerifyPath, map[string]string{"token": "t", "password": "long enough"}, "userId is required"},
			{resetVerifyPath, map[string]string{"userId": "u", "password": "long enough"}, "token is required"},
			{resetVerifyPath, map[string]string{"userId": "u", "token": "t"}, "password is required"},
			{resetVerifyPath, map[string]string{"userId": "u", "token": "t", "password": "long enough"}, "invalid or has expired"},
		} {
			anon.Do(t, "POST", tc.path, tc.body).WantError(t, 400, tc.want)
		}
	})
}

func TestPasswordResetLinkExpiresAndIsPersonal(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		bob := s.SeedUser(t, tn.TenantID, "bob@example.com", "old password")
		var out struct{ Link, Token, UserID string }
		s.Vendor(t).Do(t, "POST", "/identity/resources/users/v1/"+ada.ID+"/links/generate-password-reset-token", nil).Want(t, 201).JSON(t, &out)
		anon := s.Anon()
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": bob.ID, "token": out.Token, "password": "new password"}).
			WantError(t, 400, "invalid or has expired")
		s.Clock.Advance(time.Hour + time.Second)
		anon.Do(t, "POST", resetVerifyPath, map[string]string{"userId": ada.ID, "token": out.Token, "password": "new password"}).
			WantError(t, 400, "invalid or has expired")
		s.Login(t, "ada@example.com", "old password")
	})
}

func TestGeneratePasswordResetToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		path := "/identity/resources/users/v1/" + u.ID + "/links/generate-password-reset-token"
		before := outboxSize(t, s)
		m := s.Vendor(t).Do(t, "POST", path, nil).Want(t, 201).Map(t)
		if strings.Join(keys(m), ",") != "link,token,userId" || m["userId"] != u.ID ||
			!strings.HasPrefix(m["link"].(string), s.URL+"/account/reset-password?") || !strings.Contains(m["link"].(string), "userId="+u.ID) {
			t.Fatalf("generated %v", m)
		}
		if outboxSize(t, s) != before {
			t.Fatal("generating a token sent an email")
		}
		s.Anon().Do(t, "POST", resetVerifyPath, map[string]string{"userId": u.ID, "token": m["token"].(string), "password": "new password"}).Want(t, 201)
		s.Login(t, "ada@example.com", "new password")

		s.Vendor(t).Do(t, "POST", "/identity/resources/users/v1/no-such-user/links/generate-password-reset-token", nil).WantError(t, 404, "User not found")
		s.Anon().Do(t, "POST", path, nil).Want(t, 401)
	})
}

func TestChangePassword(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		c1, _ := s.Login(t, "ada@example.com", "old password")
		c2, other := s.Login(t, "ada@example.com", "old password")

		c1.Do(t, "POST", changePath, map[string]string{"password": "wrong password", "newPassword": "new password"}).WantError(t, 400, "password is incorrect")
		c1.Do(t, "POST", changePath, map[string]string{"password": "old password", "newPassword": "short"}).WantError(t, 400, "newPassword must be at least 8")
		// The password policy applies: the breached list is on by default.
		c1.Do(t, "POST", changePath, map[string]string{"password": "old password", "newPassword": "password123"}).WantError(t, 400, "newPassword is too common")
		c1.Do(t, "POST", changePath, map[string]string{"newPassword": "new password"}).WantError(t, 400, "password is required")
		c1.Do(t, "POST", changePath, map[string]string{"password": "old password"}).WantError(t, 400, "newPassword is required")
		c1.Do(t, "POST", changePath, map[string]string{"password": "old password", "newPassword": "new password"}).Want(t, 201)

		// This session goes on; the other one ends at once.
		c1.Do(t, "GET", mePath, nil).Want(t, 200)
		c2.Do(t, "GET", mePath, nil).Want(t, 401)
		s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": other.RefreshToken}).WantError(t, 401, "Session is not valid")
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "old password"}).Want(t, 401)
		s.Login(t, "ada@example.com", "new password")

		s.Anon().Do(t, "POST", changePath, map[string]string{"password": "new password", "newPassword": "newer password"}).Want(t, 401)
		s.Vendor(t).Do(t, "POST", changePath, map[string]string{"password": "new password", "newPassword": "newer password"}).Want(t, 403)
	})
}

// A password change and a completed reset are in the audit log, each once,
// with how the password changed and nothing of the password itself; a
// refused change records nothing.
func TestPasswordChangesAreAudited(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		ada := s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		bob := s.SeedUser(t, tn.TenantID, "bob@example.com", "old password")
		c, _ := s.Login(t, "ada@example.com", "old password")
		c.Do(t, "POST", changePath, map[string]string{"password": "wrong password", "newPassword": "new password"}).WantError(t, 400, "password is incorrect")
		if got := s.Audits(t, tn.TenantID, "Password changed"); len(got) != 0 {
			t.Fatalf("a refused change was recorded: %+v", got)
		}
		c.Do(t, "POST", changePath, map[string]string{"password": "old password", "newPassword": "new password"}).Want(t, 201)
		got := s.Audits(t, tn.TenantID, "Password changed")
		if len(got) != 1 || got[0].UserID != ada.ID || got[0].Email != "ada@example.com" || got[0].ActorID != ada.ID ||
			got[0].ActorType != "user" || got[0].Severity != "Medium" || len(got[0].JSON) != 1 || got[0].JSON["via"] != "change" {
			t.Fatalf("after a change: %+v", got)
		}

		var out struct{ Token string }
		s.Vendor(t).Do(t, "POST", "/identity/resources/users/v1/"+bob.ID+"/links/generate-password-reset-token", nil).Want(t, 201).JSON(t, &out)
		s.Anon().Do(t, "POST", resetVerifyPath, map[string]string{"userId": bob.ID, "token": out.Token, "password": "new password"}).Want(t, 201)
		got = slices.DeleteFunc(s.Audits(t, tn.TenantID, "Password changed"), func(e apitest.AuditEntry) bool { return e.UserID != bob.ID })
		if len(got) != 1 || got[0].Email != "bob@example.com" || got[0].ActorID != bob.ID || got[0].ActorType != "user" ||
			len(got[0].JSON) != 1 || got[0].JSON["via"] != "reset" {
			t.Fatalf("after a reset: %+v", got)
		}
	})
}

func TestVendorVerifyPassword(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse")
		s.SeedUser(t, tn.TenantID, "nopw@example.com", "")
		v := s.Vendor(t)
		for _, tc := range []struct {
			email, password string
			valid           bool
		}{
			{"ada@example.com", "correct horse", true},
			{"ADA@example.com", "correct horse", true},
			{"ada@example.com", "wrong", false},
			{"nobody@example.com", "correct horse", false},
			{"nopw@example.com", "", false},
		} {
			body := map[string]string{"email": tc.email, "password": tc.password}
			if tc.password == "" {
				body["password"] = "anything"
			}
			m := v.Do(t, "POST", verifyVendorPath, body).Want(t, 200).Map(t)
			if m["valid"] != tc.valid || len(m) != 1 {
				t.Errorf("%s/%s: %v, want valid %v", tc.email, tc.password, m, tc.valid)
			}
		}
		v.Do(t, "POST", verifyVendorPath, map[string]string{"email": "ada@example.com"}).WantError(t, 400, "password is required")
		v.Do(t, "POST", verifyVendorPath, map[string]string{"password": "x"}).WantError(t, 400, "email is required")
		s.Anon().Do(t, "POST", verifyVendorPath, map[string]string{"email": "ada@example.com", "password": "correct horse"}).Want(t, 401)
		c, _ := s.Login(t, "ada@example.com", "correct horse")
		c.Do(t, "POST", verifyVendorPath, map[string]string{"email": "ada@example.com", "password": "correct horse"}).Want(t, 403)
	})
}

func TestResetEmailRetriedAfterTemporaryFailure(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		s.Mail.FailNext(1)
		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		s.Mail.WaitAttempts(t, 1, mailWait)
		s.Clock.Advance(30 * time.Second) // the worker's first backoff
		link := readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/reset-password")
		s.Anon().Do(t, "POST", resetVerifyPath, map[string]string{"userId": link.UserID, "token": link.Token, "password": "new password"}).Want(t, 201)
	})
}

func TestWithoutMailServerEmailStaysQueued(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "old password")
		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		metrics := string(s.Anon().Do(t, "GET", "/metrics", nil).Want(t, 200).Body)
		for _, want := range []string{"hatch_outbox_sender_configured 0", `hatch_outbox_messages{status="pending"} 1`} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		if n := s.Mail.Attempts(); n != 0 {
			t.Fatalf("%d deliveries without a mail server", n)
		}
	}, func(c *config.Config) { c.SMTPURL = "" })
}
