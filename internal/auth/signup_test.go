package auth_test

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/mail/mailtest"
	"github.com/hatchid/hatch/internal/store"
)

const (
	signUpPath         = "/identity/resources/users/v1/signUp"
	signUpUsernamePath = "/identity/resources/users/v1/signUp/username"
	configurationPath  = "/identity/resources/configurations/v1"
	mailWait           = 5 * time.Second
)

// configure changes core settings through the vendor API.
func configure(t *testing.T, s *apitest.Server, patch map[string]any) {
	t.Helper()
	s.Vendor(t).Do(t, "POST", configurationPath, patch).Want(t, 201)
}

// emailLink is what an emailed link carries.
type emailLink struct {
	URL, UserID, Token, Code string
}

var (
	linkPattern = regexp.MustCompile(`https?://\S+`)
	codePattern = regexp.MustCompile(`enter (\d{6})`)
)

// readLink returns the link to page in the text body of m, failing the test
// when there is none.
func readLink(t *testing.T, m *mailtest.Message, page string) emailLink {
	t.Helper()
	for _, raw := range linkPattern.FindAllString(m.Text, -1) {
		u, err := url.Parse(raw)
		if err != nil || u.Path != page {
			continue
		}
		l := emailLink{URL: raw, UserID: u.Query().Get("userId"), Token: u.Query().Get("token")}
		if c := codePattern.FindStringSubmatch(m.Text); c != nil {
			l.Code = c[1]
		}
		if l.UserID == "" || l.Token == "" {
			t.Fatalf("link %s lacks userId or token", raw)
		}
		return l
	}
	t.Fatalf("no link to %s in email %q:\n%s", page, m.Subject, m.Text)
	return emailLink{}
}

// outboxSize returns how many messages the outbox holds, whatever their status.
func outboxSize(t *testing.T, s *apitest.Server) int {
	t.Helper()
	counts, err := s.DB.CountMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestSignUpDisabledByDefault(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Anon().Do(t, "POST", signUpPath, map[string]any{"email": "ada@example.com", "companyName": "Acme", "password": "long enough"}).
			WantError(t, 403, "Sign-up is disabled")
		s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "ada", "companyName": "Acme", "password": "long enough"}).
			WantError(t, 403, "Sign-up is disabled")
	})
}

func TestSignUpThenActivate(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true})
		m := s.Anon().Do(t, "POST", "/frontegg"+signUpPath, map[string]any{
			"provider": "local", "email": "Ada@Example.com", "name": "Ada", "companyName": "Acme", "password": "correct horse",
			"metadata": `{"plan":"free"}`, "roleIds": []string{"ignored"},
		}).Want(t, 201).Map(t)
		if got, want := keys(m), []string{"shouldActivate", "tenantId", "userId"}; !slices.Equal(got, want) {
			t.Fatalf("sign-up answered keys %v, want %v: %v", got, want, m)
		}
		userID, tenantID := m["userId"].(string), m["tenantId"].(string)
		if m["shouldActivate"] != true || userID == "" || tenantID == "" {
			t.Fatalf("sign-up answered %v", m)
		}
		ctx := context.Background()
		tn, err := s.DB.FindTenant(ctx, tenantID)
		if err != nil || tn.Name != "Acme" || tn.CreatorEmail != "Ada@Example.com" {
			t.Fatalf("tenant %+v, %v", tn, err)
		}
		ms, err := s.DB.FindMemberships(ctx, userID)
		if err != nil || len(ms) != 1 || ms[0].TenantID != tenantID {
			t.Fatalf("memberships %+v, %v", ms, err)
		}
		u, _ := s.DB.FindUser(ctx, userID)
		if u.Verified || u.Metadata != `{"plan":"free"}` || u.Email != "Ada@Example.com" {
			t.Fatalf("user %+v", u)
		}
		// Not verified, so no login yet.
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "correct horse"}).WantError(t, 401, "not verified")

		email := s.Mail.WaitFor(t, "Ada@Example.com", mailWait)
		if email.Subject != "Activate your account" || email.From != "hatch@example.test" {
			t.Fatalf("email %q from %s", email.Subject, email.From)
		}
		link := readLink(t, email, "/account/activate")
		if link.UserID != userID || !strings.HasPrefix(link.URL, s.URL+"/account/activate?") {
			t.Fatalf("link %+v for user %s", link, userID)
		}
		q := url.Values{"userId": {link.UserID}, "token": {link.Token}}
		st := s.Anon().Do(t, "GET", "/identity/resources/users/v1/activate/strategy?"+q.Encode(), nil).Want(t, 200).Map(t)
		if st["shouldSetPassword"] != false {
			t.Fatalf("strategy %v", st)
		}

		c := s.Anon()
		var res apitest.LoginResponse
		c.Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token}).Want(t, 200).JSON(t, &res)
		if res.AccessToken == "" || res.UserID != userID || c.Cookie(login.CookieName(s.ClientID)) != res.RefreshToken {
			t.Fatalf("activation login %+v", res)
		}
		s.Login(t, "ada@example.com", "correct horse")
		// The link works once.
		s.Anon().Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token}).WantError(t, 400, "invalid or has expired")
	})
}

func TestSignUpWithoutPasswordSetsItOnActivation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true, "allowNotVerifiedUsersLogin": true})
		m := s.Anon().Do(t, "POST", signUpPath, map[string]any{"email": "ada@example.com", "companyName": "Acme"}).Want(t, 201).Map(t)
		if m["shouldActivate"] != true || m["authResponse"] != nil {
			t.Fatalf("a sign-up without a password must activate: %v", m)
		}
		link := readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/activate")
		q := url.Values{"userId": {link.UserID}, "token": {link.Token}}
		st := s.Anon().Do(t, "GET", "/identity/resources/users/v1/activate/strategy?"+q.Encode(), nil).Want(t, 200).Map(t)
		if st["shouldSetPassword"] != true {
			t.Fatalf("strategy %v", st)
		}
		anon := s.Anon()
		anon.Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token}).WantError(t, 400, "password is required")
		anon.Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token, "password": "short"}).
			WantError(t, 400, "password must be at least 8 characters")
		// Failed attempts do not spend the link.
		anon.Do(t, "POST", activatePath, map[string]string{"userId": link.UserID, "token": link.Token, "password": "a fine password"}).Want(t, 200)
		s.Login(t, "ada@example.com", "a fine password")
	})
}

func TestSignUpLogsInWhenUnverifiedLoginIsAllowed(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true, "allowNotVerifiedUsersLogin": true})
		c := s.Anon()
		var out struct {
			ShouldActivate bool                  `json:"shouldActivate"`
			UserID         string                `json:"userId"`
			TenantID       string                `json:"tenantId"`
			AuthResponse   apitest.LoginResponse `json:"authResponse"`
		}
		c.Do(t, "POST", signUpPath, map[string]any{"email": "ada@example.com", "companyName": "Acme", "password": "correct horse"}).
			Want(t, 201).JSON(t, &out)
		if out.ShouldActivate || out.AuthResponse.AccessToken == "" || out.AuthResponse.UserID != out.UserID {
			t.Fatalf("sign-up %+v", out)
		}
		if c.Cookie(login.CookieName(s.ClientID)) != out.AuthResponse.RefreshToken {
			t.Fatal("sign-up set no refresh cookie")
		}
		// The address still gets its activation email, to verify it.
		if got := s.Mail.WaitFor(t, "ada@example.com", mailWait); got.Subject != "Activate your account" {
			t.Fatalf("email %q", got.Subject)
		}
	})
}

func TestSignUpWithTakenEmailLooksLikeNewSignUp(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true})
		tn := s.SeedTenant(t, "Existing")
		s.SeedUser(t, tn.TenantID, "taken@example.com", "old password")
		ctx := context.Background()
		_, tenantsBefore, _ := s.DB.FindTenants(ctx, store.TenantFilter{Page: store.Page{Limit: 10}})

		fresh := s.Anon().Do(t, "POST", signUpPath, map[string]any{"email": "new@example.com", "companyName": "New Co", "password": "new password"}).
			Want(t, 201).Map(t)
		dup := s.Anon().Do(t, "POST", signUpPath, map[string]any{"email": "TAKEN@example.com", "companyName": "Other Co", "password": "new password"}).
			Want(t, 201).Map(t)
		if !slices.Equal(keys(fresh), keys(dup)) || dup["shouldActivate"] != true || dup["userId"] == "" || dup["tenantId"] == "" {
			t.Fatalf("taken email answered %v, a new one %v", dup, fresh)
		}
		// Nothing was created for the taken address...
		if _, err := s.DB.FindTenant(ctx, dup["tenantId"].(string)); err == nil {
			t.Fatal("a tenant was created for a taken email")
		}
		_, tenantsAfter, _ := s.DB.FindTenants(ctx, store.TenantFilter{Page: store.Page{Limit: 10}})
		if tenantsAfter != tenantsBefore+1 {
			t.Fatalf("%d tenants after two sign-ups (one taken), had %d", tenantsAfter, tenantsBefore)
		}
		// ...and its owner hears of it by email, with a way back in.
		got := s.Mail.WaitFor(t, "taken@example.com", mailWait)
		if got.Subject != "Reset your password" {
			t.Fatalf("owner got %q", got.Subject)
		}
		readLink(t, got, "/account/reset-password")
		s.Login(t, "taken@example.com", "old password")
	})
}

func TestSignUpWithTakenUnverifiedEmailResendsActivation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true})
		body := map[string]any{"email": "ada@example.com", "companyName": "Acme", "password": "correct horse"}
		first := s.Anon().Do(t, "POST", signUpPath, body).Want(t, 201).Map(t)
		oldLink := readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/activate")
		second := s.Anon().Do(t, "POST", signUpPath, body).Want(t, 201).Map(t)
		if second["userId"] == first["userId"] || second["shouldActivate"] != true {
			t.Fatalf("second sign-up answered %v", second)
		}
		newLink := readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/activate")
		s.Anon().Do(t, "POST", activatePath, map[string]string{"userId": oldLink.UserID, "token": oldLink.Token}).WantError(t, 400, "invalid")
		s.Anon().Do(t, "POST", activatePath, map[string]string{"userId": newLink.UserID, "token": newLink.Token}).Want(t, 200)
	})
}

func TestSignUpByUsername(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true})
		// Without an email there is nothing to verify: the user is logged in at once.
		var out struct {
			ShouldActivate bool                  `json:"shouldActivate"`
			UserID         string                `json:"userId"`
			AuthResponse   apitest.LoginResponse `json:"authResponse"`
		}
		s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "ada", "companyName": "Acme", "password": "correct horse"}).
			Want(t, 201).JSON(t, &out)
		if out.ShouldActivate || out.AuthResponse.AccessToken == "" {
			t.Fatalf("username sign-up %+v", out)
		}
		s.Anon().Do(t, "POST", loginPath, map[string]string{"username": "ADA", "password": "correct horse"}).Want(t, 200)
		s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "Ada", "companyName": "Acme", "password": "correct horse"}).
			WantError(t, 409, "username is already taken")
		s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "bob", "companyName": "Acme"}).
			WantError(t, 400, "password is required when no email is given")
		// The environment's password policy applies to sign-ups.
		s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "bob", "companyName": "Acme", "password": "iloveyou1"}).
			WantError(t, 400, "password is too common")
		// With an email, the usual activation applies.
		m := s.Anon().Do(t, "POST", signUpUsernamePath, map[string]any{"username": "cy", "email": "cy@example.com", "companyName": "Acme", "password": "correct horse"}).
			Want(t, 201).Map(t)
		if m["shouldActivate"] != true {
			t.Fatalf("username sign-up with email %v", m)
		}
		s.Mail.WaitFor(t, "cy@example.com", mailWait)
	})
}

func TestSignUpBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		configure(t, s, map[string]any{"allowSignups": true})
		ok := map[string]any{"email": "ada@example.com", "companyName": "Acme", "password": "correct horse"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range ok {
				m[key] = val
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		for _, tc := range []struct {
			path string
			body any
			want string
		}{
			{signUpPath, with("email", nil), "email is required"},
			{signUpPath, with("email", "not-an-email"), "email must be an email"},
			{signUpPath, with("email", "Ada <ada@example.com>"), "email must be an email"},
			{signUpPath, with("companyName", nil), "companyName is required"},
			{signUpPath, with("companyName", "   "), "companyName is required"},
			{signUpPath, with("password", "short"), "password must be at least 8 characters"},
			{signUpPath, with("password", strings.Repeat("x", 129)), "password must be at most 128 characters"},
			{signUpPath, with("provider", "myspace"), "provider must be one of"},
			{signUpPath, with("metadata", "not json"), "metadata must be a JSON object"},
			{signUpPath, with("metadata", map[string]any{"a": 1}), "metadata must be of type string"},
			{signUpPath, with("invitationToken", "abc"), "The invitation link is invalid or has expired"},
			{signUpPath, with("username", "has space"), "username must be"},
			{signUpPath, "{not json", "not valid JSON"},
			{signUpUsernamePath, ok, "username is required"},
		} {
			s.Anon().Do(t, "POST", tc.path, tc.body).WantError(t, 400, tc.want)
		}
		if n := outboxSize(t, s); n != 0 {
			t.Fatalf("rejected sign-ups queued %d messages", n)
		}
	})
}
