package sso_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

const (
	emailDomainsPath = "/identity/resources/configurations/restrictions/v1/email-domain"
	lockoutPath      = "/identity/resources/configurations/v1/lockout-policy"
)

// The security policies apply to SSO logins as to password logins, through
// SAML and through OIDC: the account's email-domain restrictions refuse the
// IdP's user before anything is created, and a locked user — locked by the
// vendor or by failed passwords under the lockout policy — is refused by the
// IdP's answer as by the right password.
func TestSSOLoginSecurityPolicies(t *testing.T) {
	for _, kind := range []string{"saml", "oidc"} {
		t.Run(kind, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				ssoLogin := e.ssoLoginFunc(t, kind)
				a, v := e.admin(t), e.Vendor(t)

				// Email-domain restrictions: a blocked domain, then an allow list without it.
				e.SeedUser(t, e.tenant.TenantID, "alice@acme.test", "Passw0rd!Passw0rd")
				a.Do(t, "POST", emailDomainsPath, map[string]any{"domain": "acme.test", "type": "BLOCK"}).Want(t, 201)
				a.Do(t, "POST", emailDomainsPath, map[string]any{"domain": "allowed.test", "type": "ALLOW"}).Want(t, 201)
				for _, list := range []string{"BLOCK", "ALLOW"} {
					a.Do(t, "POST", emailDomainsPath+"/config", map[string]any{"active": true, "type": list}).Want(t, 201)
					ssoLogin(t, "new@acme.test").WantError(t, 403, "This email domain is not allowed in this account")
					ssoLogin(t, "alice@acme.test").WantError(t, 403, "This email domain is not allowed in this account")
				}
				if _, err := e.DB.FindUserByEmail(context.Background(), "new@acme.test"); !errors.Is(err, iam.ErrNotFound) {
					t.Fatalf("a refused SSO user was created: %v", err)
				}
				a.Do(t, "POST", emailDomainsPath, map[string]any{"domain": "acme.test", "type": "ALLOW"}).Want(t, 201)
				ssoLogin(t, "new@acme.test").Want(t, 200)
				a.Do(t, "POST", emailDomainsPath+"/config", map[string]any{"active": false}).Want(t, 201)

				// Locked by the vendor, then unlocked.
				alice, err := e.DB.FindUserByEmail(context.Background(), "alice@acme.test")
				if err != nil {
					t.Fatal(err)
				}
				v.Do(t, "POST", "/identity/resources/users/v1/"+alice.ID+"/lock", nil).Want(t, 200)
				wantLoginRefused(t, e, ssoLogin(t, "alice@acme.test"))
				v.Do(t, "POST", "/identity/resources/users/v1/"+alice.ID+"/unlock", nil).Want(t, 200)
				ssoLogin(t, "alice@acme.test").Want(t, 200)

				// Locked by failed passwords under the lockout policy.
				v.Do(t, "PATCH", lockoutPath, map[string]any{"enabled": true, "maxAttempts": 2, "lockoutDuration": 600}).Want(t, 200)
				for range 2 {
					e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]any{"email": "alice@acme.test", "password": "wrong"}).
						WantError(t, 401, "Incorrect email or password")
				}
				wantLoginRefused(t, e, ssoLogin(t, "alice@acme.test"))
				v.Do(t, "POST", "/identity/resources/users/v1/"+alice.ID+"/unlock", nil).Want(t, 200)
				ssoLogin(t, "alice@acme.test").Want(t, 200)
			})
		})
	}
}

// ssoLoginFunc connects the env's account to a fresh IdP of kind (saml or
// oidc) for acme.test and returns a function that runs a whole SP-initiated
// login of email through it, answering Hatch's response to the IdP's answer.
func (e *env) ssoLoginFunc(t *testing.T, kind string) func(t *testing.T, email string) *apitest.Response {
	t.Helper()
	if kind == "saml" {
		idp := ssotest.StartSAML(t)
		e.samlSetup(t, idp, nil, false)
		return func(t *testing.T, email string) *apitest.Response {
			t.Helper()
			idp.SetUser(email, "SSO User")
			resp, relay, _ := browse(t, e.prelogin(t, email)["address"].(string))
			return e.postSAML(t, e.Anon(), resp, relay)
		}
	}
	p := ssotest.Start(t)
	e.oidcSetup(t, e.admin(t), p)
	return func(t *testing.T, email string) *apitest.Response {
		t.Helper()
		p.SetUser(ssotest.User{Subject: email, Email: email, Name: "SSO User"})
		code, state := follow(t, p, e.authorize(t, email))
		return e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin",
			map[string]any{"code": code, "state": state, "redirectUri": redirectURI})
	}
}

// wantLoginRefused fails unless r refuses the login as a wrong password is
// refused, without starting a session.
func wantLoginRefused(t *testing.T, e *env, r *apitest.Response) {
	t.Helper()
	r.WantError(t, 401, "Incorrect email or password")
	if refreshCookie(r, e.ClientID) != "" {
		t.Fatal("a refused login set the refresh cookie")
	}
}
