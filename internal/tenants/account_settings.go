package tenants

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// accountSettingsJSON is an account's settings, read from its columns.
type accountSettingsJSON struct {
	TenantID       string `json:"tenantId"`
	Name           string `json:"name"`
	Address        string `json:"address"`
	Timezone       string `json:"timezone"`
	DateFormat     string `json:"dateFormat"`
	TimeFormat     string `json:"timeFormat"`
	Currency       string `json:"currency"`
	Logo           string `json:"logo"`
	ApplicationURL string `json:"applicationUrl"`
}

// publicSettingsJSON is what anyone may read about an account.
type publicSettingsJSON struct {
	TenantID       string `json:"tenantId"`
	ApplicationURL string `json:"applicationUrl"`
}

func accountSettings(t *iam.Tenant) accountSettingsJSON {
	return accountSettingsJSON{TenantID: t.TenantID, Name: t.Name, Address: t.Address, Timezone: t.Timezone,
		DateFormat: t.DateFormat, TimeFormat: t.TimeFormat, Currency: t.Currency, Logo: t.LogoURL,
		ApplicationURL: t.ApplicationURL}
}

// callerAccount returns the account the call acts on (callerTenant).
func (h *Handler) callerAccount(r *http.Request) (*iam.Tenant, error) {
	tenantID, err := callerTenant(r)
	if err != nil {
		return nil, err
	}
	t, err := h.DB.FindTenant(r.Context(), tenantID)
	return t, notFound(err)
}

// getAccountSettings answers the caller's account settings.
func (h *Handler) getAccountSettings(w http.ResponseWriter, r *http.Request) error {
	t, err := h.callerAccount(r)
	if err != nil {
		return err
	}
	return api.OK(w, accountSettings(t))
}

// updateAccountSettings changes the settings the body sends and keeps the
// others; a body that sends none is a 400.
func (h *Handler) updateAccountSettings(w http.ResponseWriter, r *http.Request) error {
	var req settingsFields
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	tenantID, err := callerTenant(r)
	if err != nil {
		return err
	}
	t, err := h.changeFields(r.Context(), tenantID, &req, "The body must set at least one setting")
	if err != nil {
		return err
	}
	return api.OK(w, accountSettings(t))
}

// getPublicSettings answers what the login box may show before sign-in about
// the caller's account (frontegg-tenant-id without a token).
func (h *Handler) getPublicSettings(w http.ResponseWriter, r *http.Request) error {
	t, err := h.callerAccount(r)
	if err != nil {
		return err
	}
	return api.OK(w, publicSettingsJSON{TenantID: t.TenantID, ApplicationURL: t.ApplicationURL})
}
