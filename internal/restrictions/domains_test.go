package restrictions_test

import (
	"errors"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

const domainsPath = "/identity/resources/configurations/restrictions/v1/email-domain"

func TestDomainRestrictionRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, u, vendor := account(t, s, "ada@example.com")

		cfg := vendor.Do(t, "GET", domainsPath+"/config", nil).Want(t, 200).Map(t)
		if cfg["active"] != false || cfg["listType"] != "BLOCK" || cfg["blockPublicDomains"] != false {
			t.Fatalf("default config %v", cfg)
		}
		for _, tc := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"type": "ALLOW"}, "domain must be a domain name"},
			{map[string]any{"domain": "localhost", "type": "ALLOW"}, "domain must be a domain name"},
			{map[string]any{"domain": "exa mple.com", "type": "ALLOW"}, "domain must be a domain name"},
			{map[string]any{"domain": "-x.com", "type": "ALLOW"}, "domain must be a domain name"},
			{map[string]any{"domain": "example.123", "type": "ALLOW"}, "domain must be a domain name"},
			{map[string]any{"domain": "example.com"}, "type must be one of ALLOW, BLOCK"},
			{map[string]any{"domain": "example.com", "type": "DENY"}, "type must be one of ALLOW, BLOCK"},
		} {
			vendor.Do(t, "POST", domainsPath, tc.body).WantError(t, 400, tc.want)
		}
		d := vendor.Do(t, "POST", domainsPath, map[string]any{"domain": "@Example.COM", "type": "ALLOW"}).Want(t, 201).Map(t)
		if d["domain"] != "example.com" || d["type"] != "ALLOW" || d["id"] == "" {
			t.Fatalf("created %v", d)
		}
		vendor.Do(t, "POST", domainsPath, map[string]any{"domain": "example.com", "type": "ALLOW"}).WantError(t, 409, "already in the account's ALLOW list")
		vendor.Do(t, "POST", domainsPath, map[string]any{"domain": "example.com", "type": "BLOCK"}).Want(t, 201)

		var page list
		vendor.Do(t, "GET", domainsPath, nil).Want(t, 200).JSON(t, &page)
		if page.Metadata.TotalItems != 2 || len(page.Items) != 2 {
			t.Fatalf("list %+v", page)
		}
		vendor.Do(t, "DELETE", domainsPath+"/nope", nil).WantError(t, 404, "Domain restriction nope not found")
		vendor.Do(t, "DELETE", domainsPath+"/"+d["id"].(string), nil).Want(t, 200)

		vendor.Do(t, "POST", domainsPath+"/replace-bulk", map[string]any{"type": "BLOCK"}).WantError(t, 400, "domains is required")
		vendor.Do(t, "POST", domainsPath+"/replace-bulk", map[string]any{"domains": []string{"a.com"}}).WantError(t, 400, "type must be one of ALLOW, BLOCK")
		vendor.Do(t, "POST", domainsPath+"/replace-bulk", map[string]any{"type": "BLOCK", "domains": []string{"a.com", "b"}}).
			WantError(t, 400, "domains[1] must be a domain name")
		var replaced []map[string]any
		vendor.Do(t, "POST", domainsPath+"/replace-bulk", map[string]any{"type": "BLOCK", "domains": []string{"a.com", "B.com", "a.com"}}).
			Want(t, 201).JSON(t, &replaced)
		vendor.Do(t, "GET", domainsPath, nil).Want(t, 200).JSON(t, &page)
		if len(replaced) != 2 || page.Metadata.TotalItems != 2 || page.Items[0]["domain"] != "a.com" || page.Items[1]["domain"] != "b.com" {
			t.Fatalf("replaced %v, list %+v", replaced, page)
		}

		vendor.Do(t, "POST", domainsPath+"/config", map[string]any{"type": "ALLOW"}).WantError(t, 400, "active is required")
		vendor.Do(t, "POST", domainsPath+"/config", map[string]any{"active": true, "type": "ANY"}).WantError(t, 400, "type must be one of ALLOW, BLOCK")
		cfg = vendor.Do(t, "POST", domainsPath+"/config", map[string]any{"active": true, "blockPublicDomains": true}).Want(t, 201).Map(t)
		if cfg["active"] != true || cfg["listType"] != "BLOCK" || cfg["blockPublicDomains"] != true {
			t.Fatalf("saved config %v", cfg)
		}

		// Account users need the permissions.
		c, _ := s.Login(t, "ada@example.com", password)
		c.Do(t, "GET", domainsPath, nil).WantError(t, 403, "Insufficient permissions")
		s.GrantPermissions(t, u.ID, tn.TenantID, "fe.secure.read.emailDomainRestrictions")
		c, _ = s.Login(t, "ada@example.com", password)
		c.Do(t, "GET", domainsPath, nil).Want(t, 200)
		c.Do(t, "GET", domainsPath+"/config", nil).Want(t, 200)
		c.Do(t, "POST", domainsPath, map[string]any{"domain": "c.com", "type": "BLOCK"}).WantError(t, 403, "Insufficient permissions")
		c.Do(t, "DELETE", domainsPath+"/"+replaced[0]["id"].(string), nil).WantError(t, 403, "Insufficient permissions")
	})
}

// TestEmailDomainsAllowed proves the rule sign-up, invitations and SSO apply
// through policy.EmailDomains.Allowed.
func TestEmailDomainsAllowed(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, _, vendor := account(t, s, "ada@example.com")
		other := s.SeedTenant(t, "Other")
		domains := &policy.EmailDomains{DB: s.DB, Now: s.Clock.Now}
		allowed := func(tenantID, email string) bool {
			t.Helper()
			err := domains.Allowed(t.Context(), tenantID, email)
			if err != nil && !errors.Is(err, policy.ErrDomainRestricted) {
				t.Fatalf("Allowed(%s): %v", email, err)
			}
			if err != nil && iam.KindOf(err) != iam.KindForbidden {
				t.Fatalf("Allowed(%s): kind %v, want Forbidden", email, iam.KindOf(err))
			}
			return err == nil
		}
		check := func(step string, want map[string]bool) {
			t.Helper()
			for email, ok := range want {
				if got := allowed(tn.TenantID, email); got != ok {
					t.Errorf("%s: %s allowed %v, want %v", step, email, got, ok)
				}
			}
		}
		vendor.Do(t, "POST", domainsPath+"/replace-bulk", map[string]any{"type": "BLOCK", "domains": []string{"blocked.com"}}).Want(t, 201)
		vendor.Do(t, "POST", domainsPath, map[string]any{"domain": "partner.org", "type": "ALLOW"}).Want(t, 201)

		check("off", map[string]bool{"a@blocked.com": true, "a@gmail.com": true, "a@anything.io": true})

		vendor.Do(t, "POST", domainsPath+"/config", map[string]any{"active": true, "type": "BLOCK"}).Want(t, 201)
		check("block list", map[string]bool{
			"a@blocked.com": false, "A@BLOCKED.COM": false, "a@mail.blocked.com": false, // subdomains too
			"a@notblocked.com": true, "a@blocked.com.evil.io": true, "a@partner.org": true, "a@gmail.com": true,
		})

		vendor.Do(t, "POST", domainsPath+"/config", map[string]any{"active": true, "type": "ALLOW"}).Want(t, 201)
		check("allow list", map[string]bool{
			"a@partner.org": true, "a@eu.partner.org": true,
			"a@blocked.com": false, "a@partner.org.io": false, "a@gmail.com": false,
		})

		vendor.Do(t, "POST", domainsPath+"/config", map[string]any{"active": true, "type": "BLOCK", "blockPublicDomains": true}).Want(t, 201)
		check("public domains", map[string]bool{"a@gmail.com": false, "a@outlook.com": false, "a@partner.org": true})

		// Another account's rules do not apply.
		if !allowed(other.TenantID, "a@blocked.com") {
			t.Error("another account's block list applied")
		}
		if err := domains.Allowed(t.Context(), tn.TenantID, "no-at-sign"); iam.KindOf(err) != iam.KindInvalid {
			t.Errorf("email without domain: %v, want a 400", err)
		}
	})
}
