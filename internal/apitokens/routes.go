package apitokens

import "github.com/hatchid/hatch/internal/api"

// Permission keys the self-service routes require of user and API-token callers.
const (
	readTenantTokens   = "fe.secure.read.tenantApiTokens"
	writeTenantTokens  = "fe.secure.write.tenantApiTokens"
	deleteTenantTokens = "fe.secure.delete.tenantApiTokens"
	readUserTokens     = "fe.secure.read.userApiTokens"
	writeUserTokens    = "fe.secure.write.userApiTokens"
	deleteUserTokens   = "fe.secure.delete.userApiTokens"
)

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// Authentication › API token
	r.Handle("POST /identity/resources/auth/v2/api-token", api.Public, h.authenticate)
	r.Handle("POST /identity/resources/auth/v2/api-token/token/refresh", api.Public, h.refresh)

	// Self-service › API tokens (account client credentials and access tokens)
	r.Handle("POST /identity/resources/tenants/api-tokens/v1", api.SelfService.Can(writeTenantTokens), h.createTenantAPIToken)
	r.Handle("POST /identity/resources/tenants/api-tokens/v2", api.SelfService.Can(writeTenantTokens), h.createTenantAPIToken)
	r.Handle("GET /identity/resources/tenants/api-tokens/v1", api.SelfService.Can(readTenantTokens), h.listTenantAPITokens)
	r.Handle("PATCH /identity/resources/tenants/api-tokens/v1/{id}", api.SelfService.Can(writeTenantTokens), h.updateTenantAPIToken)
	r.Handle("DELETE /identity/resources/tenants/api-tokens/v1/{id}", api.SelfService.Can(deleteTenantTokens), h.deleteTenantAPIToken)
	r.Handle("POST /identity/resources/tenants/access-tokens/v1", api.SelfService.Can(writeTenantTokens), h.createTenantAccessToken)
	r.Handle("GET /identity/resources/tenants/access-tokens/v1", api.SelfService.Can(readTenantTokens), h.listTenantAccessTokens)
	r.Handle("DELETE /identity/resources/tenants/access-tokens/v1/{id}", api.SelfService.Can(deleteTenantTokens), h.deleteTenantAccessToken)

	// Self-service › Personal tokens
	r.Handle("POST /identity/resources/users/api-tokens/v1", api.SelfService.Can(writeUserTokens), h.createUserAPIToken)
	r.Handle("GET /identity/resources/users/api-tokens/v1", api.SelfService.Can(readUserTokens), h.listUserAPITokens)
	r.Handle("DELETE /identity/resources/users/api-tokens/v1/{id}", api.SelfService.Can(deleteUserTokens), h.deleteUserAPIToken)
	r.Handle("POST /identity/resources/users/access-tokens/v1", api.SelfService.Can(writeUserTokens), h.createUserAccessToken)
	r.Handle("GET /identity/resources/users/access-tokens/v1", api.SelfService.Can(readUserTokens), h.listUserAccessTokens)
	r.Handle("DELETE /identity/resources/users/access-tokens/v1/{id}", api.SelfService.Can(deleteUserTokens), h.deleteUserAccessToken)

	// Management › M2M tokens: what @frontegg/client calls to resolve x-api-key tokens
	// (…/tenants/access-tokens/v1/active is called by the SDK but absent from the OpenAPI).
	r.Handle("GET /identity/resources/vendor-only/tenants/access-tokens/v1/active", api.Vendor, h.activeTenantAccessTokens)
	r.Handle("GET /identity/resources/vendor-only/tenants/access-tokens/v1/{id}", api.Vendor, h.tenantAccessTokenData)
	r.Handle("GET /identity/resources/vendor-only/users/access-tokens/v1/active", api.Vendor, h.activeUserAccessTokens)
	r.Handle("GET /identity/resources/vendor-only/users/access-tokens/v1/{id}", api.Vendor, h.userAccessTokenData)
}
