package sessions

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// Configuration: the vendor without frontegg-tenant-id reads and sets the
	// environment's; with it, and account users, the account's.
	r.Handle("GET /identity/resources/configurations/sessions/v1", api.SelfService.Can("fe.secure.read.securityPolicy"), h.getConfig)
	r.Handle("POST /identity/resources/configurations/sessions/v1", api.SelfService.Can("fe.secure.write.securityPolicy"), h.saveConfig)
	r.Handle("GET /identity/resources/configurations/sessions/v1/vendor", api.Vendor, h.getVendorConfig)

	// A user's sessions: the caller's own, or with frontegg-user-id (required
	// of the vendor) another user's.
	r.Handle("GET /identity/resources/users/sessions/v1/me", api.SelfService, h.list)
	r.Handle("GET /identity/resources/users/sessions/v1/me/current", api.SelfService, h.current)
	r.Handle("DELETE /identity/resources/users/sessions/v1/me/all", api.SelfService, h.endAll)
	r.Handle("DELETE /identity/resources/users/sessions/v1/me/{id}", api.SelfService, h.endOne)
	r.Handle("POST /identity/resources/users/sessions/v1/revoke", api.SelfService, h.revoke)
}
