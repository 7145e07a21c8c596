package auth

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("POST /auth/vendor", api.Public, h.vendorToken)
	r.Handle("POST /identity/resources/auth/v1/user", api.Public, h.login)
	r.Handle("POST /identity/resources/auth/v1/user/token/refresh", api.Public, h.refresh)
	r.Handle("POST /identity/resources/auth/v1/logout", api.Public, h.logout)
}
