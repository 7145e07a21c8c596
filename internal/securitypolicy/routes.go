package securitypolicy

import "github.com/hatchid/hatch/internal/api"

// Permission keys of the security policy routes for user and API-token callers.
const (
	readPolicy  = "fe.secure.read.securityPolicy"
	writePolicy = "fe.secure.write.securityPolicy"
)

// Routes registers the package's routes. Account-scoped routes act on the
// caller's active account, or for the vendor on the frontegg-tenant-id
// header's account, or on the environment when the vendor sends none.
func (h *Handler) Routes(r *api.Router) {
	read, write := api.SelfService.Can(readPolicy), api.SelfService.Can(writePolicy)

	r.Handle("POST /identity/resources/configurations/v1/lockout-policy", write, h.createLockout)
	r.Handle("PATCH /identity/resources/configurations/v1/lockout-policy", write, h.updateLockout)
	r.Handle("GET /identity/resources/configurations/v1/lockout-policy", read, h.getLockout)
	r.Handle("GET /identity/resources/configurations/v1/lockout-policy/vendor", read, h.getVendorLockout)

	r.Handle("POST /identity/resources/configurations/v1/password", write, h.savePasswordConfig)
	r.Handle("GET /identity/resources/configurations/v1/password", read, h.getPasswordConfig)
	r.Handle("GET /identity/resources/users/v1/passwords/config", api.Public, h.userPasswordConfig)

	r.Handle("POST /identity/resources/configurations/v1/password-history-policy", write, h.createHistory)
	r.Handle("PATCH /identity/resources/configurations/v1/password-history-policy", write, h.updateHistory)
	r.Handle("GET /identity/resources/configurations/v1/password-history-policy", read, h.getHistory)
	r.Handle("GET /identity/resources/configurations/v1/password-history-policy/vendor", read, h.getVendorHistory)

	// Password expiry has keys of its own in Frontegg's permission set.
	readExpiry := api.SelfService.Can("fe.secure.read.passwordExpirationConfiguration")
	writeExpiry := api.SelfService.Can("fe.secure.write.passwordExpirationConfiguration")
	r.Handle("POST /identity/resources/configurations/v1/password-rotation", writeExpiry, h.saveRotation)
	r.Handle("GET /identity/resources/configurations/v1/password-rotation", readExpiry, h.getRotation)
	r.Handle("GET /identity/resources/configurations/v1/password-rotation/vendor", readExpiry, h.getVendorRotation)
}
