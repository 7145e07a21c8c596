package sso_test

import (
	"context"
	"testing"

	"github.com/hatchid/hatch/internal/sso/ssotest"
)

// An email the environment excludes from SSO gets the non-SSO answer at
// prelogin although its domain has a validated configuration; removing the
// exclusion sends it to the IdP again.
func TestExcludedEmails(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.samlSetup(t, ssotest.StartSAML(t), nil, false)
		v := e.Vendor(t)
		url := configsURL + "/excluded-emails"
		if got := v.Do(t, "GET", url, nil).Want(t, 200).Map(t); len(got["emails"].([]any)) != 0 {
			t.Fatalf("initial: %v", got)
		}
		got := v.Do(t, "POST", url, map[string]any{"email": "Bob@Acme.test"}).Want(t, 201).Map(t)
		v.Do(t, "POST", url, map[string]any{"email": "bob@acme.test"}).Want(t, 201) // already there: unchanged
		if list := v.Do(t, "GET", url, nil).Want(t, 200).Map(t)["emails"].([]any); len(list) != 1 || list[0] != "bob@acme.test" || len(got["emails"].([]any)) != 1 {
			t.Fatalf("list: %v", list)
		}

		e.prelogin(t, "alice@acme.test") // not excluded: SSO
		for _, path := range []string{"/identity/resources/auth/v1/user/saml/prelogin", "/identity/resources/auth/v2/user/sso/prelogin"} {
			e.Anon().Do(t, "POST", path, map[string]any{"email": "BOB@acme.test"}).WantError(t, 404, "SSO is not configured")
		}

		for _, tc := range []struct {
			body any
			want string
		}{
			{map[string]any{}, "email is required"},
			{map[string]any{"email": "not-an-email"}, "email must be an email"},
			{map[string]any{"email": 3}, "email must be of type string"},
		} {
			v.Do(t, "POST", url, tc.body).WantError(t, 400, tc.want)
		}
		v.Do(t, "DELETE", url+"/carol@acme.test", nil).WantError(t, 404, "not excluded from SSO")

		// Callers: the environment's vendor only.
		e.SeedUser(t, e.tenant.TenantID, "plain@acme.test", "Passw0rd!Passw0rd")
		user, _ := e.Login(t, "plain@acme.test", "Passw0rd!Passw0rd")
		user.Do(t, "GET", url, nil).WantError(t, 403, "")
		user.Do(t, "POST", url, map[string]any{"email": "x@acme.test"}).WantError(t, 403, "")
		user.Do(t, "DELETE", url+"/bob@acme.test", nil).WantError(t, 403, "")
		e.Anon().Do(t, "GET", url, nil).WantError(t, 401, "")

		v.Do(t, "DELETE", url+"/Bob@acme.test", nil).Want(t, 200)
		v.Do(t, "DELETE", url+"/bob@acme.test", nil).WantError(t, 404, "not excluded from SSO")
		e.prelogin(t, "bob@acme.test")
	})
}

// The multiple-SSO-per-domain and domain policies are stored and answered
// with their defaults until saved; every field is required.
func TestSSOPolicies(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		v := e.Vendor(t)
		multi, domains := configsURL+"/multiple-sso-per-domain", configsURL+"/domains"
		if got := v.Do(t, "GET", multi, nil).Want(t, 200).Map(t); got["active"] != false || got["unspecifiedTenantStrategy"] != "BLOCK" || got["useActiveTenant"] != false {
			t.Fatalf("multi default: %v", got)
		}
		if got := v.Do(t, "GET", domains, nil).Want(t, 200).Map(t); got["allowVerifiedUsersToAddDomains"] != false ||
			got["skipDomainVerification"] != false || got["bypassDomainCrossValidation"] != false {
			t.Fatalf("domains default: %v", got)
		}
		v.Do(t, "PUT", multi, map[string]any{"active": true, "unspecifiedTenantStrategy": "FIRST_CREATED", "useActiveTenant": true}).Want(t, 201)
		if got := v.Do(t, "GET", multi, nil).Want(t, 200).Map(t); got["active"] != true || got["unspecifiedTenantStrategy"] != "FIRST_CREATED" || got["useActiveTenant"] != true {
			t.Fatalf("multi saved: %v", got)
		}
		v.Do(t, "PUT", domains, map[string]any{"allowVerifiedUsersToAddDomains": true, "skipDomainVerification": false, "bypassDomainCrossValidation": true}).Want(t, 201)
		if got := v.Do(t, "GET", domains, nil).Want(t, 200).Map(t); got["allowVerifiedUsersToAddDomains"] != true ||
			got["skipDomainVerification"] != false || got["bypassDomainCrossValidation"] != true {
			t.Fatalf("domains saved: %v", got)
		}

		for _, tc := range []struct {
			url  string
			body map[string]any
			want string
		}{
			{multi, map[string]any{"active": true, "useActiveTenant": false}, "unspecifiedTenantStrategy is required"},
			{multi, map[string]any{"active": true, "unspecifiedTenantStrategy": "RANDOM", "useActiveTenant": false}, "unspecifiedTenantStrategy must be one of BLOCK, FIRST_CREATED"},
			{multi, map[string]any{"unspecifiedTenantStrategy": "BLOCK", "useActiveTenant": false}, "active is required"},
			{multi, map[string]any{"active": "yes", "unspecifiedTenantStrategy": "BLOCK", "useActiveTenant": false}, "active must be of type boolean"},
			{multi, map[string]any{"active": false, "unspecifiedTenantStrategy": "BLOCK"}, "useActiveTenant is required"},
			{domains, map[string]any{"skipDomainVerification": true, "bypassDomainCrossValidation": true}, "allowVerifiedUsersToAddDomains is required"},
			{domains, map[string]any{"allowVerifiedUsersToAddDomains": true, "bypassDomainCrossValidation": true}, "skipDomainVerification is required"},
			{domains, map[string]any{"allowVerifiedUsersToAddDomains": true, "skipDomainVerification": 1}, "skipDomainVerification must be of type boolean"},
			{domains, map[string]any{"allowVerifiedUsersToAddDomains": true, "skipDomainVerification": true}, "bypassDomainCrossValidation is required"},
		} {
			v.Do(t, "PUT", tc.url, tc.body).WantError(t, 400, tc.want)
		}
		// Nothing was written by the refused requests.
		if got := v.Do(t, "GET", multi, nil).Want(t, 200).Map(t); got["unspecifiedTenantStrategy"] != "FIRST_CREATED" {
			t.Fatalf("multi after bad input: %v", got)
		}

		// Callers: the environment's vendor only.
		e.SeedUser(t, e.tenant.TenantID, "plain@acme.test", "Passw0rd!Passw0rd")
		user, _ := e.Login(t, "plain@acme.test", "Passw0rd!Passw0rd")
		for _, url := range []string{multi, domains} {
			user.Do(t, "GET", url, nil).WantError(t, 403, "")
			user.Do(t, "PUT", url, map[string]any{}).WantError(t, 403, "")
			e.Anon().Do(t, "GET", url, nil).WantError(t, 401, "")
		}
	})
}

// A user whose verified email is at a claimed domain validates it without
// DNS, when the environment's domain policy allows it.
func TestValidateDomainByEmail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.admin(t)
		id := a.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)["id"].(string)
		acme := a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)["id"].(string)
		other := a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "other.test"}).Want(t, 201).Map(t)["id"].(string)
		alice := e.SeedUser(t, e.tenant.TenantID, "alice@acme.test", "Passw0rd!Passw0rd")
		byEmail := func(configID, domainID string) string {
			return configsURL + "/" + configID + "/domains/" + domainID + "/validate/email"
		}
		asAlice := a.With("frontegg-user-id", alice.ID)

		asAlice.Do(t, "PUT", byEmail(id, acme), nil).WantError(t, 403, "not allowed in this environment")
		e.Vendor(t).Do(t, "PUT", configsURL+"/domains", map[string]any{"allowVerifiedUsersToAddDomains": true,
			"skipDomainVerification": false, "bypassDomainCrossValidation": false}).Want(t, 201)

		a.Do(t, "PUT", byEmail(id, acme), nil).WantError(t, 400, "frontegg-user-id header is required")
		asAlice.Do(t, "PUT", byEmail(id, other), nil).WantError(t, 400, "A verified email at other.test is required")
		asAlice.Do(t, "PUT", byEmail(id, "nope"), nil).WantError(t, 404, "SSO domain not found")
		asAlice.Do(t, "PUT", byEmail("nope", acme), nil).WantError(t, 404, "SSO configuration not found")
		a.With("frontegg-user-id", "no-such-user").Do(t, "PUT", byEmail(id, acme), nil).WantError(t, 404, "User not found")

		bob := e.SeedUser(t, e.tenant.TenantID, "bob@acme.test", "")
		if _, err := e.raw.ExecContext(context.Background(), `UPDATE users SET verified = FALSE WHERE id = $1`, bob.ID); err != nil {
			t.Fatal(err)
		}
		a.With("frontegg-user-id", bob.ID).Do(t, "PUT", byEmail(id, acme), nil).WantError(t, 400, "A verified email at acme.test is required")

		e.SeedUser(t, e.tenant.TenantID, "plain@acme.test", "Passw0rd!Passw0rd")
		user, _ := e.Login(t, "plain@acme.test", "Passw0rd!Passw0rd")
		user.Do(t, "PUT", byEmail(id, acme), nil).WantError(t, 403, "Insufficient permissions")

		got := asAlice.Do(t, "PUT", byEmail(id, acme), nil).Want(t, 200).Map(t)
		if got["validated"] != true || got["domain"] != "acme.test" {
			t.Fatalf("validated: %v", got)
		}
		var list []map[string]any
		a.Do(t, "GET", configsURL, nil).Want(t, 200).JSON(t, &list)
		for _, d := range list[0]["domains"].([]any) {
			if d := d.(map[string]any); d["validated"] != (d["domain"] == "acme.test") {
				t.Fatalf("domain: %v", d)
			}
		}

		// Another account's claim of a domain already held stays refused.
		second := e.SeedTenant(t, "Second")
		b := e.Vendor(t).With("frontegg-tenant-id", second.TenantID).With("frontegg-user-id", alice.ID)
		id2 := b.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)["id"].(string)
		d2 := b.Do(t, "POST", configsURL+"/"+id2+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)["id"].(string)
		b.Do(t, "PUT", byEmail(id2, d2), nil).WantError(t, 409, "already validated by another SSO configuration")
	})
}
