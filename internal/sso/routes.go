package sso

import "github.com/hatchid/hatch/internal/api"

// Frontegg's permission keys for an account's SSO settings.
const (
	permRead   = "fe.secure.read.samlConfiguration"
	permWrite  = "fe.secure.write.samlConfiguration"
	permDelete = "fe.secure.delete.samlConfiguration"
)

// Routes registers the package's routes. Management routes act on the
// caller's active account, or for the vendor on the frontegg-tenant-id
// header's account.
func (h *Handler) Routes(r *api.Router) {
	read, write, del := api.SelfService.Can(permRead), api.SelfService.Can(permWrite), api.SelfService.Can(permDelete)
	const v1, v2 = "/team/resources/sso/v1", "/team/resources/sso/v2"

	// configurations.go
	r.Handle("GET "+v1+"/configurations", read, h.listConfigurations)
	r.Handle("POST "+v1+"/configurations", write, h.createConfiguration)
	r.Handle("PATCH "+v1+"/configurations/{configurationId}", write, h.updateConfiguration)
	r.Handle("DELETE "+v1+"/configurations/{configurationId}", del, h.deleteConfiguration)
	r.Handle("POST "+v1+"/configurations/metadata", write, h.createByMetadata)
	r.Handle("PUT "+v1+"/configurations/{configurationId}/metadata", write, h.updateByMetadata)
	r.Handle("POST "+v1+"/configurations/metadata-url", write, h.createByMetadataURL)
	r.Handle("PUT "+v1+"/configurations/{configurationId}/metadata-url", write, h.updateByMetadataURL)

	// domains.go
	r.Handle("POST "+v1+"/configurations/{configurationId}/domains", write, h.createDomain)
	r.Handle("DELETE "+v1+"/configurations/{configurationId}/domains/{domainId}", write, h.deleteDomain)
	r.Handle("PUT "+v1+"/configurations/{configurationId}/domains/{domainId}/validate", write, h.validateDomain)
	r.Handle("PUT "+v2+"/configurations/{configurationId}/domains/{domainId}/validate", write, h.validateDomain)
	r.Handle("PUT "+v1+"/configurations/{configurationId}/domains/{domainId}/validate/email", write, h.validateDomainByEmail)
	r.Handle("PUT "+v1+"/configurations/domains/{domain}/force-validate", api.Vendor, h.forceValidateDomain)

	// settings.go: the environment's SSO settings (no frontegg-tenant-id in sso.json), vendor only
	r.Handle("GET "+v1+"/configurations/excluded-emails", api.Vendor, h.getExcludedEmails)
	r.Handle("POST "+v1+"/configurations/excluded-emails", api.Vendor, h.excludeEmail)
	r.Handle("DELETE "+v1+"/configurations/excluded-emails/{email}", api.Vendor, h.deleteExcludedEmail)
	r.Handle("GET "+v1+"/configurations/multiple-sso-per-domain", api.Vendor, h.getMultiTenantPolicy)
	r.Handle("PUT "+v1+"/configurations/multiple-sso-per-domain", api.Vendor, h.saveMultiTenantPolicy)
	r.Handle("GET "+v1+"/configurations/domains", api.Vendor, h.getDomainPolicy)
	r.Handle("PUT "+v1+"/configurations/domains", api.Vendor, h.saveDomainPolicy)

	// roles.go
	// Default roles have keys of their own in Frontegg's permission set.
	r.Handle("GET "+v1+"/configurations/{configurationId}/roles", api.SelfService.Can("fe.secure.read.samlDefaultRoles"), h.getDefaultRoles)
	r.Handle("PUT "+v1+"/configurations/{configurationId}/roles", api.SelfService.Can("fe.secure.write.samlDefaultRoles"), h.setDefaultRoles)
	r.Handle("GET "+v1+"/configurations/{configurationId}/groups", read, h.listGroups)
	r.Handle("POST "+v1+"/configurations/{configurationId}/groups", write, h.createGroup)
	r.Handle("PATCH "+v1+"/configurations/{configurationId}/groups/{groupId}", write, h.updateGroup)
	r.Handle("DELETE "+v1+"/configurations/{configurationId}/groups/{groupId}", write, h.deleteGroup)

	// saml.go
	r.Handle("GET "+v1+"/saml/configurations/sp-metadata", read, h.spMetadata)
	r.Handle("GET "+v1+"/saml/configurations/sp-certificate", read, h.spCertificate)
	r.Handle("GET "+v1+"/saml/configurations/vendor-config", read, h.vendorConfig)

	// oidc.go
	r.Handle("GET "+v1+"/oidc/configurations", read, h.getOIDCSettings)
	r.Handle("POST "+v1+"/oidc/configurations", write, h.saveOIDCSettings)

	// prelogin.go, saml_login.go, oidc.go: the login side
	r.Handle("POST /identity/resources/auth/v1/user/saml/prelogin", api.Public, h.prelogin)
	r.Handle("POST /identity/resources/auth/v2/user/sso/prelogin", api.Public, h.prelogin)
	r.Handle("POST "+ACSPath, api.Public.WithPages(h.ErrorPage.ForNavigations()), h.samlPostLogin)
	r.Handle("POST /identity/resources/auth/v1/user/oidc/postlogin", api.Public, h.oidcPostLogin)
	r.Handle("POST /identity/resources/auth/v2/user/oidc/postlogin", api.Public, h.oidcPostLogin)

	// page.go: OIDC logins started on the hosted login page (Hatch's own)
	r.Handle("GET "+OIDCPageCallbackPath, api.Public.WithPages(h.ErrorPage.ForNavigations()), h.oidcPageCallback)
}
