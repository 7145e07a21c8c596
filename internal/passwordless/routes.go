package passwordless

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// codes.go: emailed links and codes, texted codes
	r.Handle("POST /identity/resources/auth/v1/passwordless/magiclink/prelogin", api.Public, h.prelogin(sendMagicLink))
	r.Handle("POST /identity/resources/auth/v1/passwordless/magiclink/postlogin", api.Public, h.postlogin(sendMagicLink))
	r.Handle("POST /identity/resources/auth/v1/passwordless/code/prelogin", api.Public, h.prelogin(sendEmailCode))
	r.Handle("POST /identity/resources/auth/v1/passwordless/code/postlogin", api.Public, h.postlogin(sendEmailCode))
	r.Handle("POST /identity/resources/auth/v1/passwordless/smscode/prelogin", api.Public, h.prelogin(sendSMSCode))
	r.Handle("POST /identity/resources/auth/v1/passwordless/smscode/postlogin", api.Public, h.postlogin(sendSMSCode))

	// passkeys.go: sign-in with a passkey, and a signed-in user's passkeys
	r.Handle("POST /identity/resources/auth/v1/webauthn/prelogin", api.Public, h.passkeyPrelogin)
	r.Handle("POST /identity/resources/auth/v1/webauthn/postlogin", api.Public, h.passkeyPostlogin)
	r.Handle("POST /identity/resources/users/webauthn/v1/devices", api.User, h.beginPasskey)
	r.Handle("POST /identity/resources/users/webauthn/v1/devices/verify", api.User, h.verifyPasskey)
	r.Handle("GET /identity/resources/users/webauthn/v1/devices", api.User, h.passkeys)
	r.Handle("DELETE /identity/resources/users/webauthn/v1/devices/{deviceId}", api.User, h.deletePasskey)
}
