package tenants

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// Accounts (tenants.json "Accounts"): the vendor's management of accounts.
	r.Handle("POST /tenants/resources/tenants/v1", api.Vendor, h.createTenant)
	r.Handle("DELETE /tenants/resources/tenants/v1", api.SelfService.Can("fe.account-settings.delete.account"), h.deleteCurrentTenant)
	r.Handle("GET /tenants/resources/tenants/v1/{tenantId}", api.Vendor, h.getTenantV1)
	r.Handle("PUT /tenants/resources/tenants/v1/{tenantId}", api.Vendor, h.updateTenant)
	r.Handle("DELETE /tenants/resources/tenants/v1/{tenantId}", api.Vendor, h.deleteTenantByID)
	r.Handle("POST /tenants/resources/tenants/v1/{tenantId}/metadata", api.Vendor, h.addMetadata)
	r.Handle("DELETE /tenants/resources/tenants/v1/{tenantId}/metadata/{key}", api.Vendor, h.deleteMetadata)
	r.Handle("GET /tenants/resources/tenants/v1", api.Vendor, h.listAllTenants)
	r.Handle("GET /tenants/resources/tenants/v2", api.Vendor, h.listTenants)
	r.Handle("GET /tenants/resources/tenants/v2/{tenantId}", api.Vendor, h.getTenant)
	r.Handle("PUT /tenants/resources/tenants/v2/{tenantId}", api.Vendor, h.updateTenant)

	// Account settings (tenants.json "Account settings"): the caller's account.
	r.Handle("GET /tenants/resources/account-settings/v1", api.SelfService, h.getAccountSettings)
	r.Handle("PUT /tenants/resources/account-settings/v1", api.SelfService.Can("fe.secure.write.accountSettings"), h.updateAccountSettings)
	r.Handle("GET /tenants/resources/account-settings/v1/public", api.Public, h.getPublicSettings)
}
