package tenants_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const accountSettings = "/tenants/resources/account-settings/v1"

type settingsBody struct {
	TenantID       string `json:"tenantId"`
	Name           string `json:"name"`
	Address        string `json:"address"`
	Timezone       string `json:"timezone"`
	DateFormat     string `json:"dateFormat"`
	Currency       string `json:"currency"`
	Logo           string `json:"logo"`
	ApplicationURL string `json:"applicationUrl"`
}

func TestAccountSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		other := s.SeedTenant(t, "Other")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		v := s.Vendor(t)
		forAcme := v.With("frontegg-tenant-id", tn.TenantID)

		var got settingsBody
		forAcme.Do(t, "PUT", accountSettings, map[string]any{"address": "1 Main St", "timezone": "Europe/Paris", "currency": "EUR",
			"logo": "https://cdn.example/logo.png"}).Want(t, 200).JSON(t, &got)
		if got.TenantID != tn.TenantID || got.Name != "Acme" || got.Timezone != "Europe/Paris" || got.Logo != "https://cdn.example/logo.png" {
			t.Fatalf("after put %+v", got)
		}
		// A partial update keeps the other settings.
		forAcme.Do(t, "PUT", accountSettings, map[string]any{"dateFormat": "dd/MM/yyyy", "name": "Acme SA"}).Want(t, 200).JSON(t, &got)
		if got.Address != "1 Main St" || got.DateFormat != "dd/MM/yyyy" || got.Name != "Acme SA" || got.Currency != "EUR" {
			t.Fatalf("after partial put %+v", got)
		}
		// The user reads the settings of the active account.
		user.Do(t, "GET", accountSettings, nil).Want(t, 200).JSON(t, &got)
		if got.TenantID != tn.TenantID || got.DateFormat != "dd/MM/yyyy" {
			t.Fatalf("user get %+v", got)
		}
		// And the columns are the account's.
		var acct tenant
		v.Do(t, "GET", tenantsV2+"/"+tn.TenantID, nil).Want(t, 200).JSON(t, &acct)
		if acct.Name != "Acme SA" || acct.Timezone != "Europe/Paris" {
			t.Fatalf("account after settings %+v", acct)
		}
		v.With("frontegg-tenant-id", other.TenantID).Do(t, "GET", accountSettings, nil).Want(t, 200).JSON(t, &got)
		if got.TenantID != other.TenantID || got.Timezone != "" {
			t.Fatalf("other account %+v", got)
		}

		forAcme.Do(t, "PUT", accountSettings, map[string]any{}).WantError(t, 400, "at least one setting")
		forAcme.Do(t, "PUT", accountSettings, map[string]any{"name": ""}).WantError(t, 400, "name must not be empty")
		forAcme.Do(t, "PUT", accountSettings, map[string]any{"applicationUrl": "app"}).WantError(t, 400, "applicationUrl")
		v.Do(t, "GET", accountSettings, nil).WantError(t, 400, "frontegg-tenant-id header is required")
		v.With("frontegg-tenant-id", "missing").Do(t, "GET", accountSettings, nil).WantError(t, 404, "Account not found")
		v.With("frontegg-tenant-id", "missing").Do(t, "PUT", accountSettings, map[string]any{"timezone": "UTC"}).WantError(t, 404, "Account not found")
		// Changing settings takes fe.secure.write.accountSettings.
		user.Do(t, "PUT", accountSettings, map[string]any{"timezone": "UTC"}).WantError(t, 403, "Insufficient permissions")
		s.Anon().Do(t, "GET", accountSettings, nil).Want(t, 401)
		s.Anon().Do(t, "PUT", accountSettings, map[string]any{"timezone": "UTC"}).Want(t, 401)
	})
}

func TestPublicAccountSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		s.Vendor(t).With("frontegg-tenant-id", tn.TenantID).
			Do(t, "PUT", accountSettings, map[string]any{"applicationUrl": "https://app.acme.example", "address": "secret street"}).Want(t, 200)

		m := s.Anon().With("frontegg-tenant-id", tn.TenantID).Do(t, "GET", accountSettings+"/public", nil).Want(t, 200).Map(t)
		if m["tenantId"] != tn.TenantID || m["applicationUrl"] != "https://app.acme.example" || m["address"] != nil {
			t.Fatalf("public settings %v", m)
		}
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		m = user.Do(t, "GET", "/frontegg"+accountSettings+"/public", nil).Want(t, 200).Map(t)
		if m["tenantId"] != tn.TenantID {
			t.Fatalf("public settings for a user %v", m)
		}
		s.Anon().Do(t, "GET", accountSettings+"/public", nil).WantError(t, 400, "frontegg-tenant-id header is required")
		s.Anon().With("frontegg-tenant-id", "missing").Do(t, "GET", accountSettings+"/public", nil).WantError(t, 404, "Account not found")
	})
}
