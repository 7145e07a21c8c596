package settings

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// Core settings (identity.json "Core settings").
	r.Handle("POST /identity/resources/configurations/v1", api.Vendor, h.postConfiguration)
	r.Handle("GET /identity/resources/configurations/v1", api.Vendor, h.getConfiguration)
	r.Handle("GET /identity/resources/configurations/v1/basic", api.Vendor, h.getBasicConfiguration)

	// What the login box reads before sign-in (catalog §13.1).
	r.Handle("GET /identity/resources/configurations/v1/public", api.Public, h.getPublicConfiguration)
	r.Handle("GET /identity/resources/configurations/v1/auth/strategies/public", api.Public, h.getAuthStrategies)
	r.Handle("GET /identity/resources/configurations/v1/auth/strategies", api.SelfService, h.getAuthStrategies)

	// Captcha policy (stored here; login and sign-up enforce it).
	r.Handle("POST /identity/resources/configurations/v1/captcha-policy", api.Vendor, h.createCaptcha)
	r.Handle("PUT /identity/resources/configurations/v1/captcha-policy", api.Vendor, h.updateCaptcha)
	r.Handle("GET /identity/resources/configurations/v1/captcha-policy", api.Vendor, h.getCaptcha)
	r.Handle("GET /identity/resources/configurations/v1/captcha-policy/public", api.Public, h.getPublicCaptcha)

	// JWT templates and their targeting.
	r.Handle("POST /identity/resources/jwt-templates/v1", api.Vendor, h.createTemplate)
	r.Handle("GET /identity/resources/jwt-templates/v1", api.Vendor, h.listTemplates)
	r.Handle("GET /identity/resources/jwt-templates/v1/{id}", api.Vendor, h.getTemplate)
	r.Handle("PUT /identity/resources/jwt-templates/v1/{id}", api.Vendor, h.updateTemplate)
	r.Handle("DELETE /identity/resources/jwt-templates/v1/{id}", api.Vendor, h.deleteTemplate)
	r.Handle("GET /identity/resources/configurations/v1/jwt-template-targeting", api.Vendor, h.getTargeting)
	r.Handle("POST /identity/resources/configurations/v1/jwt-template-targeting", api.Vendor, h.createTargeting)
	r.Handle("PUT /identity/resources/configurations/v1/jwt-template-targeting", api.Vendor, h.replaceTargeting)
	r.Handle("PATCH /identity/resources/configurations/v1/jwt-template-targeting/{id}", api.Vendor, h.patchTargeting)
	r.Handle("DELETE /identity/resources/configurations/v1/jwt-template-targeting/{id}", api.Vendor, h.deleteTargeting)

	// The vendor's profile and allowed origins (catalog §13.3, Terraform).
	r.Handle("GET /vendors", api.Vendor, h.getVendor)
	r.Handle("PUT /vendors", api.Vendor, h.updateVendor)
	r.Handle("GET /vendors/public", api.Public, h.getPublicVendor)
}
