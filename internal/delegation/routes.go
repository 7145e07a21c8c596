package delegation

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Impersonation is public: its
// credentials are the actor token in the body.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("GET /identity/resources/configurations/v1/delegation", api.Vendor, h.getConfig)
	r.Handle("POST /identity/resources/configurations/v1/delegation", api.Vendor, h.saveConfig)
	r.Handle("POST /identity/resources/impersonation/v1", api.Public, h.impersonate)
}
