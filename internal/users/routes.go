package users

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Self-service routes that manage other
// users confine user and API-token callers to their token's tenant; the vendor
// names a tenant with frontegg-tenant-id, and a user with frontegg-user-id on
// the routes that act for the caller itself.
func (h *Handler) Routes(r *api.Router) {
	read, write, del := api.SelfService.Can(permReadUsers), api.SelfService.Can(permWriteUsers), api.SelfService.Can(permDeleteUsers)

	// Management of users (users.go, status.go, memberships.go).
	r.Handle("POST /identity/resources/users/v1", write, h.createUser)
	r.Handle("POST /identity/resources/vendor-only/users/v1", api.Vendor, h.createVendorUser)
	r.Handle("GET /identity/resources/users/v1/{id}", api.Vendor, h.getUser)
	r.Handle("GET /identity/resources/vendor-only/users/v1/{userId}", api.Vendor, h.getVendorUser)
	r.Handle("GET /identity/resources/users/v1/email", api.Vendor, h.getUserByEmail)
	r.Handle("PUT /identity/resources/users/v1/{userId}", api.Vendor, h.updateVendorUser)
	r.Handle("PUT /identity/resources/users/v1", api.SelfService, h.updateSelf)
	r.Handle("DELETE /identity/resources/users/v1/{userId}", del, h.deleteUser)
	r.Handle("POST /identity/resources/users/v1/{userId}/verify", api.Vendor, h.verifyUser)
	r.Handle("PUT /identity/resources/users/v1/{userId}/invisible", api.Vendor, h.setInvisible)
	r.Handle("PUT /identity/resources/users/v1/{userId}/superuser", api.Vendor, h.setSuperUser)
	r.Handle("POST /identity/resources/users/v1/{userId}/lock", api.Vendor, h.lockUser)
	r.Handle("POST /identity/resources/users/v1/{userId}/unlock", api.Vendor, h.unlockUser)
	// Public: a locked user has no token; the emailed unlock token is the credential (unlock.go).
	r.Handle("POST /identity/resources/users/v3/me/unlock", api.Public, h.unlockMe)
	r.Handle("PUT /identity/resources/users/v1/{userId}/tenant", api.Vendor, h.setUserTenant)
	r.Handle("POST /identity/resources/users/v1/{userId}/tenant", api.Vendor, h.addUserToTenant)
	r.Handle("PUT /identity/resources/users/v1/{userId}/email", api.Vendor, h.setUserEmail)
	r.Handle("PUT /identity/resources/users/v1/tenants/migrate", api.Vendor, h.migrateTenantUsers)
	enableDisable := api.SelfService.Can("fe.secure.write.enableDisable")
	r.Handle("POST /identity/resources/tenants/users/v1/{userId}/disable", enableDisable, h.disableInTenant)
	r.Handle("POST /identity/resources/tenants/users/v1/{userId}/enable", enableDisable, h.enableInTenant)
	r.Handle("GET /identity/resources/tenants/users/v1/statuses", api.Vendor, h.userStatuses)

	// Lists (list.go).
	r.Handle("GET /identity/resources/users/v3", read, h.listUsers)
	r.Handle("GET /identity/resources/users/v1", read, h.listUsers) // the legacy list the Rust client pages through
	r.Handle("GET /identity/resources/users/v1/query/phrase", read, h.searchUsers)

	// Temporary users (temporary.go).
	updateUser := api.SelfService.Can("fe.secure.write.updateUser")
	r.Handle("PUT /identity/resources/users/temporary/v1/{userId}", updateUser, h.setTemporary)
	r.Handle("DELETE /identity/resources/users/temporary/v1/{userId}", updateUser, h.setPermanent)
	r.Handle("GET /identity/resources/users/temporary/v1/configuration", read, h.getTemporaryConfig)
	r.Handle("PUT /identity/resources/users/temporary/v1/configuration", api.Vendor, h.putTemporaryConfig)

	// The signed-in user (me.go, memberships.go).
	r.Handle("GET /identity/resources/users/v2/me", api.User, h.getMe)
	r.Handle("GET /identity/resources/users/v3/me", api.User, h.getMe)
	r.Handle("PUT /identity/resources/users/v2/me", api.User, h.updateSelf)
	r.Handle("GET /identity/resources/users/v1/me/tenants", api.User, h.getMyTenantsWithActive)
	r.Handle("GET /identity/resources/users/v3/me/tenants", api.User, h.getMyTenantsWithActive)
	r.Handle("GET /identity/resources/users/v2/me/tenants", api.SelfService, h.getMyTenants)
	r.Handle("GET /identity/resources/users/v2/me/hierarchy", api.User, h.getMyTenantsHierarchy)
	r.Handle("GET /identity/resources/users/v1/me/authorization", api.User, h.getMyAuthorization)
	r.Handle("PUT /identity/resources/users/v1/tenant", api.SelfService, h.switchTenant)
	// Changing the caller's email, verified by a code sent to the new address (email_change.go).
	r.Handle("POST /identity/resources/users/v1/email/me", api.SelfService, h.requestEmailChange)
	r.Handle("POST /identity/resources/users/v1/email/me/verify", api.SelfService, h.verifyEmailChange)

	// User emails (emails.go).
	r.Handle("GET /identity/resources/users/emails/v1", read, h.listEmails)
	r.Handle("POST /identity/resources/users/emails/v1", api.SelfService, h.addMyEmail)
	r.Handle("POST /identity/resources/users/emails/v1/verify", api.SelfService, h.verifyMyEmail)
	r.Handle("DELETE /identity/resources/users/emails/v1/{emailId}", api.SelfService, h.deleteMyEmail)
	r.Handle("GET /identity/resources/users/emails/v1/me", api.SelfService, h.listMyEmails)
	r.Handle("POST /identity/resources/users/emails/v1/me/primary", api.SelfService, h.makeMyEmailPrimary)
	r.Handle("POST /identity/resources/users/emails/v1/vendor/{userId}", api.Vendor, h.addUserEmail)
	r.Handle("DELETE /identity/resources/users/emails/v1/vendor/{userId}/{emailId}", api.Vendor, h.deleteUserEmail)
	r.Handle("POST /identity/resources/users/emails/v1/vendor/{userId}/primary", api.Vendor, h.makeUserEmailPrimary)

	// Invitations into an account (invite.go, bulk.go); accepting them is the invitations package's.
	r.Handle("POST /identity/resources/users/v2", write, h.inviteUser)
	r.Handle("POST /identity/resources/users/bulk/v1/invite", api.Vendor, h.bulkInvite)
	r.Handle("GET /identity/resources/users/bulk/v1/status/{id}", api.Vendor, h.bulkInviteStatus)
	// Phone numbers (phone_numbers.go).
	r.Handle("GET /identity/resources/users/phone-numbers/v1", read, h.listPhoneNumbers)
	r.Handle("GET /identity/resources/users/phone-numbers/v2", read, h.listPhoneNumbers)
	r.Handle("POST /identity/resources/users/phone-numbers/v1", api.SelfService, h.addMyPhoneNumber)
	r.Handle("POST /identity/resources/users/phone-numbers/v1/preverify", api.SelfService, h.preVerifyPhoneNumber)
	r.Handle("POST /identity/resources/users/phone-numbers/v1/verify", api.SelfService, h.verifyPhoneNumber)
	r.Handle("DELETE /identity/resources/users/phone-numbers/v1/{id}", api.SelfService, h.deleteMyPhoneNumber)
	r.Handle("POST /identity/resources/users/phone-numbers/v1/{id}/delete/verify", api.SelfService, h.verifyDeletePhoneNumber)
	r.Handle("GET /identity/resources/users/phone-numbers/v1/me", api.SelfService, h.listMyPhoneNumbers)
	r.Handle("POST /identity/resources/users/phone-numbers/v1/vendor/{userId}", api.Vendor, h.addUserPhoneNumber)
	r.Handle("DELETE /identity/resources/users/phone-numbers/v1/vendor/{userId}/{phoneId}", api.Vendor, h.deleteUserPhoneNumber)
	// Usernames (usernames.go).
	r.Handle("GET /identity/resources/usernames/v1", read, h.listUsernames)
	r.Handle("POST /identity/resources/usernames/v1", api.SelfService, h.createUsername)
	r.Handle("DELETE /identity/resources/usernames/v1/{username}", api.SelfService, h.deleteUsername)
	r.Handle("GET /identity/resources/usernames/v1/me", api.SelfService, h.getMyUsername)
}
