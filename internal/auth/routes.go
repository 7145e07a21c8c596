package auth

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// login.go
	r.Handle("POST /auth/vendor", api.Public, h.vendorToken)
	r.Handle("POST /identity/resources/auth/v1/user", api.Public, h.login)
	r.Handle("POST /identity/resources/auth/v1/user/token/refresh", api.Public, h.refresh)
	r.Handle("POST /identity/resources/auth/v1/logout", api.Public, h.logout)

	// signup.go
	r.Handle("POST /identity/resources/users/v1/signUp", api.Public, h.signUp)
	r.Handle("POST /identity/resources/users/v1/signUp/username", api.Public, h.signUpUsername)

	// activation.go
	r.Handle("POST /identity/resources/users/v1/activate", api.Public, h.activate)
	r.Handle("POST /identity/resources/users/v1/activate/code", api.Public, h.activateWithCode)
	r.Handle("GET /identity/resources/users/v1/activate/strategy", api.Public, h.activationStrategy)
	r.Handle("POST /identity/resources/users/v1/activate/reset", api.Public, h.resendActivation)
	r.Handle("POST /identity/resources/users/v1/{userId}/links/generate-activation-token", api.Vendor, h.generateActivationToken)

	// passwords.go
	r.Handle("POST /identity/resources/users/v1/passwords/reset", api.Public, h.forgotPassword)
	r.Handle("POST /identity/resources/users/v2/passwords/reset/email", api.Public, h.forgotPasswordV2)
	r.Handle("POST /identity/resources/users/v1/passwords/reset/verify", api.Public, h.resetPassword)
	r.Handle("POST /identity/resources/users/v1/passwords/change", api.User, h.changePassword)
	r.Handle("POST /identity/resources/users/v1/{userId}/links/generate-password-reset-token", api.Vendor, h.generatePasswordResetToken)
	r.Handle("POST /identity/resources/vendor-only/users/v1/passwords/verify", api.Vendor, h.verifyPassword)

	// passwords_sms.go
	r.Handle("POST /identity/resources/users/v2/passwords/reset/sms", api.Public, h.forgotPasswordSMS)
	r.Handle("POST /identity/resources/users/v2/passwords/reset/sms/verify", api.Public, h.verifyPasswordSMS)
}
