package sso_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

const preloginV2 = "/identity/resources/auth/v2/user/sso/prelogin"

// idpOf asks prelogin where email goes (naming the account tenantID unless
// it is "") and answers the IdP type, or "none" for the non-SSO answer.
func (e *env) idpOf(t *testing.T, email, tenantID string) string {
	t.Helper()
	body := map[string]any{"email": email}
	if tenantID != "" {
		body["tenantId"] = tenantID
	}
	r := e.Anon().Do(t, "POST", preloginV2, body)
	switch r.Status {
	case 404:
		return "none"
	case 200:
		return r.Map(t)["idpType"].(string)
	}
	t.Fatalf("prelogin %s: %d %s", email, r.Status, r.Body)
	return ""
}

// validateURL is the v2 validation route of a configuration's claim.
func validateURL(configID, domainID string) string {
	return "/team/resources/sso/v2/configurations/" + configID + "/domains/" + domainID + "/validate"
}

// With the multiple-SSO-per-domain setting on, two accounts each hold
// acme.test (one configuration per account), and prelogin follows Frontegg's
// multitenancy SSO rules: the account the login names; else, with
// useActiveTenant, an existing user's active account; else the unspecified
// tenant strategy (BLOCK: no SSO; FIRST_CREATED: the oldest configuration).
// Turned off again, the domain's first holder keeps it.
func TestMultipleSSOPerDomain(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		v := e.Vendor(t)
		setMulti := func(active bool, strategy string, useActiveTenant bool) {
			t.Helper()
			v.Do(t, "PUT", configsURL+"/multiple-sso-per-domain", map[string]any{"active": active,
				"unspecifiedTenantStrategy": strategy, "useActiveTenant": useActiveTenant}).Want(t, 201)
		}
		// Account A (the env's): SAML, holding acme.test first.
		idp := ssotest.StartSAML(t)
		e.samlSetup(t, idp, nil, false)
		e.Clock.Advance(time.Minute)

		// Account B: OIDC, claiming acme.test too.
		p := ssotest.Start(t)
		second := e.SeedTenant(t, "Second")
		b := v.With("frontegg-tenant-id", second.TenantID)
		cb := b.Do(t, "POST", configsURL, map[string]any{"type": "oidc", "ssoEndpoint": p.URL, "oidcClientId": p.ClientID,
			"oidcSecret": p.ClientSecret, "enabled": true}).Want(t, 201).Map(t)["id"].(string)
		claim := b.Do(t, "POST", configsURL+"/"+cb+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)
		b.Do(t, "POST", teamV1+"/oidc/configurations", map[string]any{"active": true, "redirectUri": redirectURI}).Want(t, 201)
		e.dns.set("acme.test", claim["txtRecord"].(string))
		b.Do(t, "PUT", validateURL(cb, claim["id"].(string)), nil).WantError(t, 409, "already validated by another SSO configuration")
		setMulti(true, "BLOCK", false)
		b.Do(t, "PUT", validateURL(cb, claim["id"].(string)), nil).Want(t, 200)

		// Still one configuration per account: A's second one cannot validate
		// acme.test, by DNS or by force.
		a := e.admin(t)
		ca2 := a.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)["id"].(string)
		claim2 := a.Do(t, "POST", configsURL+"/"+ca2+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)
		e.dns.set("acme.test", claim2["txtRecord"].(string))
		a.Do(t, "PUT", validateURL(ca2, claim2["id"].(string)), nil).WantError(t, 409, "already validated by another SSO configuration")
		v.Do(t, "PUT", configsURL+"/domains/acme.test/force-validate", map[string]any{}).Want(t, 200)
		var list []map[string]any
		a.Do(t, "GET", configsURL, nil).Want(t, 200).JSON(t, &list)
		if got := list[1]["domains"].([]any)[0].(map[string]any); list[1]["id"] != ca2 || got["validated"] != false {
			t.Fatalf("A's second configuration: %v", list[1])
		}

		e.SeedUser(t, e.tenant.TenantID, "alice@acme.test", "") // works in A
		e.SeedUser(t, second.TenantID, "bob@acme.test", "")     // works in B
		for _, tc := range []struct {
			active    bool
			strategy  string
			useActive bool
			email     string
			tenantID  string
			want      string
		}{
			{true, "BLOCK", false, "carol@acme.test", "", "none"},
			{true, "BLOCK", false, "bob@acme.test", "", "none"},
			{true, "BLOCK", false, "carol@acme.test", second.TenantID, "oidc"},
			{true, "BLOCK", false, "carol@acme.test", e.tenant.TenantID, "saml"},
			{true, "BLOCK", false, "carol@acme.test", "another-account", "none"},
			{true, "BLOCK", true, "bob@acme.test", "", "oidc"},
			{true, "BLOCK", true, "alice@acme.test", "", "saml"},
			{true, "BLOCK", true, "carol@acme.test", "", "none"},
			{true, "BLOCK", true, "bob@acme.test", e.tenant.TenantID, "saml"}, // a named account wins
			{true, "FIRST_CREATED", false, "carol@acme.test", "", "saml"},
			{true, "FIRST_CREATED", false, "bob@acme.test", "", "saml"},
			{true, "FIRST_CREATED", true, "bob@acme.test", "", "oidc"},
			{true, "FIRST_CREATED", true, "carol@acme.test", "", "saml"},
			// Off again: the first holder keeps the domain; a named account is still honoured.
			{false, "BLOCK", true, "carol@acme.test", "", "saml"},
			{false, "BLOCK", true, "bob@acme.test", "", "saml"},
			{false, "BLOCK", true, "bob@acme.test", second.TenantID, "oidc"},
		} {
			setMulti(tc.active, tc.strategy, tc.useActive)
			if got := e.idpOf(t, tc.email, tc.tenantID); got != tc.want {
				t.Errorf("%+v: prelogin goes to %s", tc, got)
			}
		}

		// Both accounts' IdPs speak for the shared domain: bob logs in
		// through B's OIDC provider, carol through A's SAML IdP.
		setMulti(true, "FIRST_CREATED", true)
		p.SetUser(ssotest.User{Subject: "bob", Email: "bob@acme.test", Name: "Bob"})
		code, state := follow(t, p, e.authorize(t, "bob@acme.test"))
		var out apitest.LoginResponse
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/oidc/postlogin",
			map[string]any{"code": code, "state": state, "redirectUri": redirectURI}).Want(t, 200).JSON(t, &out)
		if claims := e.VerifyUserToken(t, out.AccessToken); claims["email"] != "bob@acme.test" || claims["tenantId"] != second.TenantID {
			t.Fatalf("bob's claims: %v", claims)
		}
		idp.SetUser("carol@acme.test", "Carol")
		resp, relay, _ := browse(t, e.prelogin(t, "carol@acme.test")["address"].(string))
		e.postSAML(t, e.Anon(), resp, relay).Want(t, 200).JSON(t, &out)
		if claims := e.VerifyUserToken(t, out.AccessToken); claims["email"] != "carol@acme.test" || claims["tenantId"] != e.tenant.TenantID {
			t.Fatalf("carol's claims: %v", claims)
		}

		// useActiveTenant follows the user's memberships: once bob is
		// disabled in B, B is no longer where he works.
		setMulti(true, "BLOCK", true)
		bob, err := e.DB.FindUserByEmail(context.Background(), "bob@acme.test")
		if err != nil {
			t.Fatal(err)
		}
		if got := e.idpOf(t, "bob@acme.test", ""); got != "oidc" {
			t.Fatalf("bob goes to %s", got)
		}
		b.Do(t, "POST", "/identity/resources/tenants/users/v1/"+bob.ID+"/disable", nil).Want(t, 201)
		if got := e.idpOf(t, "bob@acme.test", ""); got != "none" {
			t.Fatalf("bob, disabled in B, goes to %s", got)
		}
	})
}

// The domain policy's flags take effect: skipDomainVerification validates
// claims without DNS; bypassDomainCrossValidation lets a claim nobody proved
// carry SSO logins, until some configuration proves the domain.
func TestDomainPolicyFlags(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		v := e.Vendor(t)
		setPolicy := func(skip, bypass bool) {
			t.Helper()
			v.Do(t, "PUT", configsURL+"/domains", map[string]any{"allowVerifiedUsersToAddDomains": false,
				"skipDomainVerification": skip, "bypassDomainCrossValidation": bypass}).Want(t, 201)
		}
		// Account A: SAML through idp, claiming acme.test without proving it.
		a := e.admin(t)
		idp := ssotest.StartSAML(t)
		c := a.Do(t, "POST", configsURL+"/metadata", map[string]any{"metadata": idp.Metadata(t)}).Want(t, 201).Map(t)
		id := c["id"].(string)
		meta := a.Do(t, "GET", teamV1+"/saml/configurations/sp-metadata?configurationId="+url.QueryEscape(id), nil).Want(t, 200)
		idp.Trust(t, c["spEntityId"].(string), meta.Body, false)
		if d := a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t); d["validated"] != false {
			t.Fatalf("claim: %v", d)
		}
		late := a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "late.test"}).Want(t, 201).Map(t)
		if got := e.idpOf(t, "alice@acme.test", ""); got != "none" {
			t.Fatalf("unproven claim: prelogin goes to %s", got)
		}

		// bypassDomainCrossValidation: the claim carries logins.
		setPolicy(false, true)
		idp.SetUser("alice@acme.test", "Alice")
		resp, relay, _ := browse(t, e.prelogin(t, "alice@acme.test")["address"].(string))
		var out apitest.LoginResponse
		e.postSAML(t, e.Anon(), resp, relay).Want(t, 200).JSON(t, &out)
		if claims := e.VerifyUserToken(t, out.AccessToken); claims["email"] != "alice@acme.test" || claims["tenantId"] != e.tenant.TenantID {
			t.Fatalf("claims: %v", claims)
		}
		// Only for the domains the configuration claims.
		idp.SetUser("eve@other.test", "Eve")
		resp, relay, _ = browse(t, e.prelogin(t, "alice@acme.test")["address"].(string))
		e.postSAML(t, e.Anon(), resp, relay).WantError(t, 403, "not validated")
		if _, err := e.DB.FindUserByEmail(context.Background(), "eve@other.test"); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("eve: %v", err)
		}

		// Once another account proves acme.test, the unproven claim no longer
		// speaks for it, even for a login it started before.
		idp.SetUser("alice@acme.test", "Alice")
		resp, relay, _ = browse(t, e.prelogin(t, "alice@acme.test")["address"].(string))
		second := e.SeedTenant(t, "Second")
		b := v.With("frontegg-tenant-id", second.TenantID)
		cb := b.Do(t, "POST", configsURL, map[string]any{"ssoEndpoint": "https://idp-b.example.test/sso",
			"publicCertificate": ssotest.StartSAML(t).CertPEM()}).Want(t, 201).Map(t)["id"].(string)
		claimB := b.Do(t, "POST", configsURL+"/"+cb+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)
		e.dns.set("acme.test", claimB["txtRecord"].(string))
		b.Do(t, "PUT", validateURL(cb, claimB["id"].(string)), nil).Want(t, 200)
		e.postSAML(t, e.Anon(), resp, relay).WantError(t, 403, "not validated")
		if pre := e.prelogin(t, "alice@acme.test"); !strings.HasPrefix(pre["address"].(string), "https://idp-b.example.test/sso?") {
			t.Fatalf("prelogin after B proved the domain: %v", pre)
		}

		// Off: unproven claims carry nothing.
		setPolicy(false, false)
		b.Do(t, "POST", configsURL+"/"+cb+"/domains", map[string]any{"domain": "other.test"}).Want(t, 201)
		if got := e.idpOf(t, "eve@other.test", ""); got != "none" {
			t.Fatalf("other.test: prelogin goes to %s", got)
		}

		// skipDomainVerification: new claims are validated as they are made,
		// unless another configuration holds the domain...
		setPolicy(true, false)
		if d := b.Do(t, "POST", configsURL+"/"+cb+"/domains", map[string]any{"domain": "held.test"}).Want(t, 201).Map(t); d["validated"] != true {
			t.Fatalf("claim under skipDomainVerification: %v", d)
		}
		if got := e.idpOf(t, "eve@held.test", ""); got != "saml" {
			t.Fatalf("held.test: prelogin goes to %s", got)
		}
		a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "held.test"}).WantError(t, 409, "already validated by another SSO configuration")
		// ...and the validate routes skip the DNS lookup for older claims.
		e.dns.set("late.test", "v=spf1 -all")
		if d := a.Do(t, "PUT", validateURL(id, late["id"].(string)), nil).Want(t, 200).Map(t); d["validated"] != true {
			t.Fatalf("late.test: %v", d)
		}
		// A held domain stays refused to the validate routes too.
		a.Do(t, "PUT", configsURL+"/"+id+"/domains/"+domainID(t, a, id, "acme.test")+"/validate", nil).
			WantError(t, 409, "already validated by another SSO configuration")

		// Off again: claims wait for their TXT record.
		setPolicy(false, false)
		d := a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "fresh.test"}).Want(t, 201).Map(t)
		if d["validated"] != false {
			t.Fatalf("fresh.test: %v", d)
		}
		a.Do(t, "PUT", validateURL(id, d["id"].(string)), nil).WantError(t, 400, "No TXT record")
	})
}

// domainID returns the id of the claim of domain by configuration id.
func domainID(t *testing.T, c *apitest.Client, id, domain string) string {
	t.Helper()
	var list []map[string]any
	c.Do(t, "GET", configsURL, nil).Want(t, 200).JSON(t, &list)
	for _, cfg := range list {
		if cfg["id"] != id {
			continue
		}
		for _, d := range cfg["domains"].([]any) {
			if d := d.(map[string]any); d["domain"] == domain {
				return d["id"].(string)
			}
		}
	}
	t.Fatalf("configuration %s does not claim %s", id, domain)
	return ""
}
