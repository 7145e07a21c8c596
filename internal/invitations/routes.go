package invitations

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	// Accepting and resending invitations (accept.go, resend.go).
	r.Handle("POST /identity/resources/users/v1/invitation/accept", api.Public, h.accept)
	r.Handle("POST /identity/resources/users/v1/invitation/accept/code", api.Public, h.acceptWithCode)
	r.Handle("POST /identity/resources/users/v1/invitation/reset", api.Public, h.resend)
	r.Handle("POST /identity/resources/users/v1/invitation/reset/all", api.SelfService.Can("fe.secure.write.resendActivationEmail"), h.resendAll)
	// Invitation links of an account (links.go).
	r.Handle("POST /identity/resources/tenants/invites/v1", api.Vendor, h.createLink)
	r.Handle("GET /identity/resources/tenants/invites/v1/all", api.Vendor, h.listLinks)
	r.Handle("DELETE /identity/resources/tenants/invites/v1/token/{id}", api.Vendor, h.deleteLink)
	// An account's invitation link has keys of its own in Frontegg's permission set.
	writeLink, deleteLink := api.SelfService.Can("fe.secure.write.tenantInvites"), api.SelfService.Can("fe.secure.delete.tenantInvites")
	r.Handle("GET /identity/resources/tenants/invites/v1/user", writeLink, h.getMyLink)
	r.Handle("POST /identity/resources/tenants/invites/v1/user", writeLink, h.createMyLink)
	r.Handle("PATCH /identity/resources/tenants/invites/v1/user", writeLink, h.updateMyLink)
	r.Handle("DELETE /identity/resources/tenants/invites/v1/user", deleteLink, h.deleteMyLink)
	r.Handle("POST /identity/resources/tenants/invites/v2/user", writeLink, h.createMyLinkWithRoles)
	r.Handle("POST /identity/resources/tenants/invites/v1/verify", api.Public, h.verifyLink)
	r.Handle("GET /identity/resources/tenants/invites/v1/configuration", api.SelfService, h.linkConfiguration)
	// Strategies (strategies.go).
	r.Handle("GET /identity/resources/configurations/v1/activation/strategies", api.Vendor, h.getActivationStrategy)
	r.Handle("POST /identity/resources/configurations/v1/activation/strategies", api.Vendor, h.putActivationStrategy)
	r.Handle("GET /identity/resources/configurations/v1/invitation/strategies", api.Vendor, h.getInvitationStrategy)
	r.Handle("POST /identity/resources/configurations/v1/invitation/strategies", api.Vendor, h.putInvitationStrategy)
}
