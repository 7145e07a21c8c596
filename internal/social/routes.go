package social

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// config.go: the built-in providers
	r.Handle("GET /identity/resources/sso/v1", api.Public, h.listProvidersV1)
	r.Handle("GET /identity/resources/sso/v2", api.Public, h.listProviders)
	r.Handle("POST /identity/resources/sso/v2", api.Vendor, h.saveProvider)

	// custom.go: custom OAuth providers
	r.Handle("GET /identity/resources/sso/custom/v1", api.Public, h.listCustom)
	r.Handle("POST /identity/resources/sso/custom/v1", api.Vendor, h.createCustom)
	r.Handle("PATCH /identity/resources/sso/custom/v1/{id}", api.Vendor, h.updateCustom)
	r.Handle("DELETE /identity/resources/sso/custom/v1/{id}", api.Vendor, h.deleteCustom)

	// login.go
	r.Handle("POST /identity/resources/auth/v1/user/sso/{provider}/postlogin", api.Public, h.postLogin)

	// page.go: social logins started on the hosted login page (Hatch's own)
	pages := api.Public.WithPages(h.ErrorPage.ForNavigations())
	r.Handle("GET "+pagePath+"{provider}", pages, h.pageStart)
	r.Handle("GET "+pagePath+"{provider}/callback", pages, h.pageCallback)
	r.Handle("POST "+pagePath+"{provider}/callback", pages, h.pageCallback)
}
