package invitations_test

import (
	"testing"
	"time"
)

const (
	activationStrategies = "/identity/resources/configurations/v1/activation/strategies"
	invitationStrategies = "/identity/resources/configurations/v1/invitation/strategies"
)

type strategy struct {
	Strategy       string `json:"strategy"`
	CodeExpiration int    `json:"codeExpiration"`
}

func TestInvitationStrategyCode(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		v := e.Vendor(t)
		var s strategy
		v.Do(t, "GET", invitationStrategies, nil).Want(t, 200).JSON(t, &s)
		if s != (strategy{"link", 604800}) {
			t.Fatalf("default %+v", s)
		}
		v.Do(t, "POST", invitationStrategies, map[string]any{"strategy": "code", "codeExpiration": 120}).Want(t, 200).JSON(t, &s)
		if s != (strategy{"code", 120}) {
			t.Fatalf("saved %+v", s)
		}
		tn := e.SeedTenant(t, "Acme")
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", usersV2, map[string]any{"email": "new@example.com"}).Want(t, 201)
		m := e.Mail.WaitFor(t, "new@example.com", mailWait)
		l := readLink(t, m, "/account/invitation/accept")
		if m.Subject != "Your invitation code for Acme" || l.Code == "" {
			t.Fatalf("email %q, link %+v", m.Subject, l)
		}
		wrong := "000000"
		if l.Code == wrong {
			wrong = "111111"
		}
		anon := e.Anon()
		anon.Do(t, "POST", acceptCodePath, map[string]string{"userId": l.UserID, "token": l.Token}).WantError(t, 400, "code is required")
		anon.Do(t, "POST", acceptCodePath, map[string]string{"userId": l.UserID, "token": l.Token, "code": wrong}).WantError(t, 400, "code is incorrect")
		anon.Do(t, "POST", acceptCodePath, map[string]string{"userId": l.UserID, "token": l.Token, "code": l.Code}).Want(t, 200)
		anon.Do(t, "POST", acceptCodePath, map[string]string{"userId": l.UserID, "token": l.Token, "code": l.Code}).WantError(t, 400, "invalid or has expired")

		// codeExpiration bounds the link too.
		late := e.invite(t, tn.TenantID, "late@example.com")
		e.Clock.Advance(121 * time.Second)
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": late.UserID, "token": late.Token}).WantError(t, 400, "invalid or has expired")

		// Frontegg's invitation request names only codeExpiration; the strategy stays.
		v.Do(t, "POST", invitationStrategies, map[string]any{"codeExpiration": 3600}).Want(t, 200).JSON(t, &s)
		if s != (strategy{"code", 3600}) {
			t.Fatalf("after codeExpiration only: %+v", s)
		}
		for _, body := range []map[string]any{{"strategy": "sms"}, {"codeExpiration": 30}, {"codeExpiration": "soon"}} {
			v.Do(t, "POST", invitationStrategies, body).Want(t, 400)
		}
		e.Anon().Do(t, "GET", invitationStrategies, nil).Want(t, 401)
	})
}

func TestActivationStrategyCode(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		v := e.Vendor(t)
		var s strategy
		v.Do(t, "GET", activationStrategies, nil).Want(t, 200).JSON(t, &s)
		if s != (strategy{"link", 604800}) {
			t.Fatalf("default %+v", s)
		}
		v.Do(t, "POST", activationStrategies, map[string]any{"codeExpiration": 600}).WantError(t, 400, "strategy is required")
		v.Do(t, "POST", activationStrategies, map[string]any{"strategy": "code", "codeExpiration": 600}).Want(t, 200)
		v.Do(t, "GET", activationStrategies, nil).Want(t, 200).JSON(t, &s)
		if s != (strategy{"code", 600}) {
			t.Fatalf("saved %+v", s)
		}
		tn := e.SeedTenant(t, "Acme")
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", "/identity/resources/users/v1", map[string]any{"email": "ada@example.com"}).Want(t, 201)
		m := e.Mail.WaitFor(t, "ada@example.com", mailWait)
		l := readLink(t, m, "/account/activate")
		if m.Subject != "Your activation code" || l.Code == "" {
			t.Fatalf("activation email %q, %+v", m.Subject, l)
		}
		e.Anon().Do(t, "POST", "/identity/resources/users/v1/activate/code",
			map[string]string{"userId": l.UserID, "token": l.Token, "code": l.Code, "password": "Ada-pw-123"}).Want(t, 200)

		// The link strategy is back to ActivateUser.
		v.Do(t, "POST", activationStrategies, map[string]any{"strategy": "link"}).Want(t, 200)
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", "/identity/resources/users/v1", map[string]any{"email": "bob@example.com"}).Want(t, 201)
		if m := e.Mail.WaitFor(t, "bob@example.com", mailWait); m.Subject != "Activate your account" {
			t.Fatalf("link strategy email %q", m.Subject)
		}
	})
}
