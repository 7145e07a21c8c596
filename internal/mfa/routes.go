package mfa

import "github.com/hatchid/hatch/internal/api"

// Permission keys of the MFA policy routes for user and API-token callers.
const (
	readPolicy  = "fe.secure.read.securityPolicy"
	writePolicy = "fe.secure.write.securityPolicy"
)

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	read, write := api.SelfService.Can(readPolicy), api.SelfService.Can(writePolicy)

	// config.go: the environment's MFA configuration and strategies
	r.Handle("POST /identity/resources/configurations/v1/mfa", api.Vendor, h.saveConfig)
	r.Handle("GET /identity/resources/configurations/v1/mfa", api.Vendor, h.getConfig)
	r.Handle("GET /identity/resources/configurations/v1/mfa/strategies", api.SelfService, h.getStrategies)
	r.Handle("POST /identity/resources/configurations/v1/mfa/strategies", api.Vendor, h.saveStrategy)

	// policy.go: the MFA policy of the environment or of the caller's account
	r.Handle("POST /identity/resources/configurations/v1/mfa-policy", write, h.createPolicy)
	r.Handle("PATCH /identity/resources/configurations/v1/mfa-policy", write, h.updatePolicy)
	r.Handle("PUT /identity/resources/configurations/v1/mfa-policy", write, h.upsertPolicy)
	r.Handle("GET /identity/resources/configurations/v1/mfa-policy", read, h.getPolicy)
	r.Handle("GET /identity/resources/configurations/v1/mfa-policy/vendor", read, h.getVendorPolicy)
	r.Handle("GET /identity/resources/configurations/v1/mfa-policy/allow-remember-device", api.Public, h.allowRememberDevice)

	// login.go: the second step of a login or a step-up, with its MFA token
	r.Handle("POST /identity/resources/auth/v1/user/mfa/verify", api.Public, h.verify)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/authenticator/{deviceId}/verify", api.Public, h.verifyAuthenticator)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/emailcode", api.Public, h.sendEmailCode)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/emailcode/verify", api.Public, h.verifyEmailCode)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/sms/{deviceId}", api.Public, h.sendSMSCode)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/sms/{deviceId}/verify", api.Public, h.verifySMSCode)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/webauthn/{deviceId}", api.Public, h.beginWebAuthn)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/webauthn/{deviceId}/verify", api.Public, h.verifyWebAuthn)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/recover", api.Public, h.recover)

	// login_enroll.go: a login or step-up of a user without a second factor enrolls one
	r.Handle("POST /identity/resources/auth/v1/user/mfa/authenticator/enroll", api.Public, h.loginEnrollAuthenticator)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/authenticator/enroll/verify", api.Public, h.loginVerifyAuthenticator)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/sms/enroll", api.Public, h.loginEnrollSMS)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/sms/enroll/verify", api.Public, h.loginVerifySMS)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/webauthn/enroll", api.Public, h.loginEnrollWebAuthn)
	r.Handle("POST /identity/resources/auth/v1/user/mfa/webauthn/enroll/verify", api.Public, h.loginVerifyWebAuthn)

	// stepup.go
	r.Handle("POST /identity/resources/auth/v1/user/step-up/generate", api.User, h.generateStepUp)

	// enroll.go: a signed-in user enrolls a second factor
	r.Handle("POST /identity/resources/users/v1/mfa/enroll", api.User, h.enrollAuthenticator)
	r.Handle("POST /identity/resources/users/v1/mfa/authenticator/enroll", api.User, h.enrollAuthenticator)
	r.Handle("POST /identity/resources/users/v1/mfa/enroll/verify", api.User, h.verifyAuthenticatorEnrollment)
	r.Handle("POST /identity/resources/users/v1/mfa/authenticator/enroll/verify", api.User, h.verifyAuthenticatorEnrollment)
	r.Handle("POST /identity/resources/users/v1/mfa/sms/enroll", api.User, h.enrollSMS)
	r.Handle("POST /identity/resources/users/v1/mfa/sms/enroll/verify", api.User, h.verifySMSEnrollment)
	r.Handle("POST /identity/resources/users/v1/mfa/webauthn/enroll", api.User, h.enrollWebAuthn)
	r.Handle("POST /identity/resources/users/v1/mfa/webauthn/enroll/verify", api.User, h.verifyWebAuthnEnrollment)

	// devices.go: a signed-in user lists and removes second factors; the vendor resets them
	r.Handle("GET /identity/resources/users/v1/mfa/devices", api.User, h.devices)
	r.Handle("POST /identity/resources/users/v1/mfa/disable", api.User, h.disable)
	r.Handle("POST /identity/resources/users/v1/mfa/authenticator/{deviceId}/disable/verify", api.User, h.disableAuthenticator)
	r.Handle("POST /identity/resources/users/v1/mfa/sms/{deviceId}/disable", api.User, h.beginDisableSMS)
	r.Handle("POST /identity/resources/users/v1/mfa/sms/{deviceId}/disable/verify", api.User, h.disableSMS)
	r.Handle("POST /identity/resources/users/v1/mfa/webauthn/{deviceId}/disable", api.User, h.beginDisableWebAuthn)
	r.Handle("POST /identity/resources/users/v1/mfa/webauthn/{deviceId}/disable/verify", api.User, h.disableWebAuthn)
	r.Handle("POST /identity/resources/vendor-only/users/v1/{userId}/mfa/unenroll", api.Vendor, h.unenroll)
}
