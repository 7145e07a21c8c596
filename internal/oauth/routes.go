package oauth

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// Pages answer browsers: errors the router meets before their handlers
	// run (a rate limit) are shown as a page too.
	page := api.Public.WithPages(h.ErrorPage)

	// Called by Frontegg's clients (catalog §5, §13): authorize.go, token.go, session.go.
	r.Handle("GET /oauth/authorize", page, h.authorize)
	r.Handle("POST /oauth/authorize", page, h.authorize)
	r.Handle("POST /oauth/token", api.Public, h.token)
	r.Handle("POST /oauth/authorize/silent", api.Public, h.silent)
	r.Handle("GET /oauth/logout", page, h.logout)
	r.Handle("GET /vendors/base-url", api.Vendor, h.baseURL)

	// OpenID Connect (Hatch's, for any OIDC client): session.go.
	r.Handle("GET /oauth/userinfo", api.Public, h.userInfo)
	r.Handle("POST /oauth/userinfo", api.Public, h.userInfo)
	r.Handle("GET /.well-known/openid-configuration", api.Public, h.discovery)

	// The login page's forms (Hatch's own): pages.go.
	r.Handle("GET /oauth/login", page, h.loginPage)
	r.Handle("POST /oauth/login", page, h.loginSubmit)
	r.Handle("POST /oauth/login/mfa", page, h.mfaSubmit)
	r.Handle("POST /oauth/login/mfa/send", page, h.mfaSend)
	r.Handle("POST /oauth/login/sso", page, h.ssoSubmit)
	r.Handle("GET /oauth/forgot-password", page, h.forgotPage)
	r.Handle("POST /oauth/forgot-password", page, h.forgotSubmit)
	r.Handle("GET /oauth/signup", page, h.signupPage)
	r.Handle("POST /oauth/signup", page, h.signupSubmit)

	// The environment's own client, as Frontegg's Terraform provider
	// configures it (catalog §13.3): environment.go.
	r.Handle("GET /oauth/resources/configurations/v1", api.Vendor, h.getHosted)
	r.Handle("POST /oauth/resources/configurations/v1", api.Vendor, h.saveHosted)
	r.Handle("POST /oauth/resources/configurations/v1/activate", api.Vendor, h.activate)
	r.Handle("POST /oauth/resources/configurations/v1/deactivate", api.Vendor, h.deactivate)
	r.Handle("GET /oauth/resources/configurations/v1/redirect-uri", api.Vendor, h.listRedirectURIs)
	r.Handle("POST /oauth/resources/configurations/v1/redirect-uri", api.Vendor, h.addRedirectURI)
	r.Handle("DELETE /oauth/resources/configurations/v1/redirect-uri/{id}", api.Vendor, h.deleteRedirectURI)

	// The login page's look (Hatch's own): branding.go.
	r.Handle("GET /oauth/resources/login-page/v1", api.Vendor, h.getBranding)
	r.Handle("PUT /oauth/resources/login-page/v1", api.Vendor, h.putBranding)
}
