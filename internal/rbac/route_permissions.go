package rbac

// RoutePermission is the permission a user or API-token caller must hold in
// the account a self-service route acts in. Vendors hold every permission.
type RoutePermission struct {
	Route      string // "METHOD /path" as registered (without the /frontegg prefix)
	Permission string // an fe.* key
}

// RoutePermissions lists the self-service routes of Frontegg's identity API
// (identity.json, with the browser client's routes of the same areas from
// identity-api.md §13.1 and the tenants service's sub-account routes) that
// Frontegg guards with a permission, and the key each requires: the keys its
// admin portal checks before offering the action. Register each with
// api.SelfService.Can(key) (or api.User.Can). A route missing from the table
// needs no permission beyond its caller kind: the caller's own profile,
// sessions, tokens and accounts (users/v2/me, users/v1/me/tenants, …),
// switching accounts, and the public flows (activation, invitation
// acceptance, password reset).
//
// Path parameters may be named differently where registered; compare paths
// with their {names} ignored.
func RoutePermissions() []RoutePermission {
	return []RoutePermission{
		// Account invitations
		{"GET /identity/resources/tenants/invites/v1/user", "fe.secure.write.tenantInvites"},
		{"POST /identity/resources/tenants/invites/v1/user", "fe.secure.write.tenantInvites"},
		{"PATCH /identity/resources/tenants/invites/v1/user", "fe.secure.write.tenantInvites"},
		{"DELETE /identity/resources/tenants/invites/v1/user", "fe.secure.delete.tenantInvites"},
		{"POST /identity/resources/tenants/invites/v2/user", "fe.secure.write.tenantInvites"},

		// Account roles, roles and permissions
		{"GET /identity/resources/roles/v1", "fe.secure.read.roles"},
		{"POST /identity/resources/roles/v1", "fe.secure.write.roles"},
		{"PATCH /identity/resources/roles/v1/{roleId}", "fe.secure.write.updateRole"},
		{"DELETE /identity/resources/roles/v1/{roleId}", "fe.secure.delete.role"},
		{"PUT /identity/resources/roles/v1/{roleId}/permissions", "fe.secure.write.updateRole"},
		{"GET /identity/resources/roles/v2", "fe.secure.read.roles"},
		{"POST /identity/resources/roles/v2", "fe.secure.write.roles"},
		{"GET /identity/resources/roles/v2/distinct-levels", "fe.secure.read.roles"},
		{"GET /identity/resources/roles/v2/distinct-tenants", "fe.secure.read.roles"},
		{"GET /identity/resources/permissions/v1", "fe.secure.read.permissions"},
		{"GET /identity/resources/permissions/v1/categories", "fe.secure.read.permissions"},
		{"PUT /identity/resources/permissions/v1/{permissionId}/roles", "fe.secure.write.updateRole"},
		{"GET /team/resources/roles/v1", "fe.secure.read.roles"},

		// API tokens of the account
		{"POST /identity/resources/tenants/access-tokens/v1", "fe.secure.write.tenantApiTokens"},
		{"GET /identity/resources/tenants/access-tokens/v1", "fe.secure.read.tenantApiTokens"},
		{"DELETE /identity/resources/tenants/access-tokens/v1/{id}", "fe.secure.delete.tenantApiTokens"},
		{"POST /identity/resources/tenants/api-tokens/v1", "fe.secure.write.tenantApiTokens"},
		{"GET /identity/resources/tenants/api-tokens/v1", "fe.secure.read.tenantApiTokens"},
		{"DELETE /identity/resources/tenants/api-tokens/v1/{id}", "fe.secure.delete.tenantApiTokens"},
		{"PATCH /identity/resources/tenants/api-tokens/v1/{id}", "fe.secure.write.tenantApiTokens"},
		{"POST /identity/resources/tenants/api-tokens/v2", "fe.secure.write.tenantApiTokens"},

		// Personal tokens
		{"POST /identity/resources/users/access-tokens/v1", "fe.secure.write.userApiTokens"},
		{"GET /identity/resources/users/access-tokens/v1", "fe.secure.read.userApiTokens"},
		{"DELETE /identity/resources/users/access-tokens/v1/{id}", "fe.secure.delete.userApiTokens"},
		{"POST /identity/resources/users/api-tokens/v1", "fe.secure.write.userApiTokens"},
		{"GET /identity/resources/users/api-tokens/v1", "fe.secure.read.userApiTokens"},
		{"DELETE /identity/resources/users/api-tokens/v1/{id}", "fe.secure.delete.userApiTokens"},

		// Domain restrictions
		{"POST /identity/resources/configurations/restrictions/v1/email-domain", "fe.secure.write.emailDomainRestrictions"},
		{"GET /identity/resources/configurations/restrictions/v1/email-domain", "fe.secure.read.emailDomainRestrictions"},
		{"GET /identity/resources/configurations/restrictions/v1/email-domain/config", "fe.secure.read.emailDomainRestrictions"},
		{"POST /identity/resources/configurations/restrictions/v1/email-domain/config", "fe.secure.write.emailDomainRestrictions"},
		{"DELETE /identity/resources/configurations/restrictions/v1/email-domain/{id}", "fe.secure.delete.emailDomainRestrictions"},
		{"POST /identity/resources/configurations/restrictions/v1/email-domain/replace-bulk", "fe.secure.write.emailDomainRestrictions"},

		// IP restrictions
		{"POST /identity/resources/configurations/v1/restrictions/ip/config", "fe.secure.write.ipRestrictions"},
		{"GET /identity/resources/configurations/v1/restrictions/ip/config", "fe.secure.read.ipRestrictions"},
		{"GET /identity/resources/configurations/v1/restrictions/ip", "fe.secure.read.ipRestrictions"},
		{"POST /identity/resources/configurations/v1/restrictions/ip", "fe.secure.write.ipRestrictions"},
		{"POST /identity/resources/configurations/v1/restrictions/ip/bulk", "fe.secure.write.ipRestrictions"},
		{"POST /identity/resources/configurations/v1/restrictions/ip/verify", "fe.secure.read.ipRestrictions"},
		{"POST /identity/resources/configurations/v1/restrictions/ip/verify/allow", "fe.secure.read.ipRestrictions"}, // testCurrentIpInAllowList only reads
		{"DELETE /identity/resources/configurations/v1/restrictions/ip/{id}", "fe.secure.delete.ipRestrictions"},

		// Security policies: lockout, MFA, passwords, sessions
		{"POST /identity/resources/configurations/v1/lockout-policy", "fe.secure.write.securityPolicy"},
		{"PATCH /identity/resources/configurations/v1/lockout-policy", "fe.secure.write.securityPolicy"},
		{"GET /identity/resources/configurations/v1/lockout-policy", "fe.secure.read.securityPolicy"},
		{"POST /identity/resources/configurations/v1/mfa-policy", "fe.secure.write.securityPolicy"},
		{"PATCH /identity/resources/configurations/v1/mfa-policy", "fe.secure.write.securityPolicy"},
		{"PUT /identity/resources/configurations/v1/mfa-policy", "fe.secure.write.securityPolicy"},
		{"GET /identity/resources/configurations/v1/mfa-policy", "fe.secure.read.securityPolicy"},
		// GET configurations/v1/mfa/strategies is left out: @frontegg/rest-api's
		// getMFAStrategiesConfig reads it for any user enrolling a device.
		// POST configurations/v1/mfa/strategies is vendor-only: it sets which
		// methods the whole environment offers.
		{"POST /identity/resources/configurations/v1/password", "fe.secure.write.securityPolicy"},
		{"GET /identity/resources/configurations/v1/password", "fe.secure.read.securityPolicy"},
		{"POST /identity/resources/configurations/v1/password-history-policy", "fe.secure.write.securityPolicy"},
		{"PATCH /identity/resources/configurations/v1/password-history-policy", "fe.secure.write.securityPolicy"},
		{"GET /identity/resources/configurations/v1/password-history-policy", "fe.secure.read.securityPolicy"},
		{"GET /identity/resources/configurations/v1/password-rotation", "fe.secure.read.passwordExpirationConfiguration"},
		{"POST /identity/resources/configurations/v1/password-rotation", "fe.secure.write.passwordExpirationConfiguration"},
		{"GET /identity/resources/configurations/v1/password-rotation/vendor", "fe.secure.read.passwordExpirationConfiguration"},
		{"GET /identity/resources/configurations/sessions/v1", "fe.secure.read.securityPolicy"},
		{"POST /identity/resources/configurations/sessions/v1", "fe.secure.write.securityPolicy"},

		// User groups
		{"GET /identity/resources/groups/v1", "fe.secure.read.groups"},
		{"POST /identity/resources/groups/v1", "fe.secure.write.groups"},
		{"POST /identity/resources/groups/v1/bulkGet", "fe.secure.read.groups"},
		{"PATCH /identity/resources/groups/v1/{id}", "fe.secure.write.groups"},
		{"DELETE /identity/resources/groups/v1/{id}", "fe.secure.delete.groups"},
		{"GET /identity/resources/groups/v1/{id}", "fe.secure.read.groups"},
		{"POST /identity/resources/groups/v1/config", "fe.secure.write.groups"},
		{"POST /identity/resources/groups/v1/{groupId}/roles", "fe.secure.write.groupsRoles"},
		{"DELETE /identity/resources/groups/v1/{groupId}/roles", "fe.secure.write.groupsRoles"},
		{"POST /identity/resources/groups/v1/{groupId}/users", "fe.secure.write.groupsUsers"},
		{"DELETE /identity/resources/groups/v1/{groupId}/users", "fe.secure.delete.groupsUsers"},
		{"GET /identity/resources/groups/v2", "fe.secure.read.groups"},

		// User management
		{"POST /identity/resources/tenants/users/v1/{userId}/disable", "fe.secure.write.enableDisable"},
		{"POST /identity/resources/tenants/users/v1/{userId}/enable", "fe.secure.write.enableDisable"},
		{"PUT /identity/resources/users/temporary/v1/{userId}", "fe.secure.write.updateUser"},
		{"DELETE /identity/resources/users/temporary/v1/{userId}", "fe.secure.write.updateUser"},
		{"GET /identity/resources/users/temporary/v1/configuration", "fe.secure.read.users"},
		{"PUT /identity/resources/sub-tenants/users/v1/{userId}/access", "fe.account-hierarchy.write.subAccountAccess"},
		// POST users/v1/invitation/reset is left out: the login box's
		// resendInvitationEmail calls it before anyone is signed in.
		{"POST /identity/resources/users/v1/invitation/reset/all", "fe.secure.write.resendActivationEmail"},
		{"POST /identity/resources/users/v1/passwords/breached/reset/bulk", "fe.secure.write.users"},
		{"GET /identity/resources/users/v3", "fe.secure.read.users"},
		{"GET /identity/resources/users/v3/roles", "fe.secure.read.users"},
		{"GET /identity/resources/users/v3/groups", "fe.secure.read.users"},
		{"GET /identity/resources/users/v2", "fe.secure.read.users"},
		{"POST /identity/resources/users/v2", "fe.secure.write.users"},
		{"POST /identity/resources/users/v1", "fe.secure.write.users"},
		{"DELETE /identity/resources/users/v1/{userId}", "fe.secure.delete.users"},
		{"POST /identity/resources/users/v1/{userId}/roles", "fe.secure.write.usersRoles"},
		{"DELETE /identity/resources/users/v1/{userId}/roles", "fe.secure.delete.usersRoles"},
		{"GET /identity/resources/users/v1/query/phrase", "fe.secure.read.users"},
		{"GET /identity/resources/usernames/v1", "fe.secure.read.users"},
		{"POST /identity/resources/tenants/users/v1/count", "fe.secure.read.users"},
		// POST users/sessions/v1/revoke is left out: a user may end their own
		// sessions; the handler asks fe.secure.delete.sessions for anyone else's.
		{"GET /team/resources/members/v1", "fe.secure.read.users"},
		{"PUT /team/resources/members/v1", "fe.secure.write.updateUser"},
		{"DELETE /team/resources/members/v1/{userId}", "fe.secure.delete.users"},
		{"POST /team/resources/members/v1/{userId}/resendActivationEmail", "fe.secure.write.resendActivationEmail"},
		{"GET /team/resources/stats/v1/members", "fe.secure.read.users"},

		// Users of sub-accounts (the browser client's sub-tenants routes)
		{"GET /identity/resources/sub-tenants/users/v1", "fe.secure.read.users"},
		{"POST /identity/resources/sub-tenants/users/v1", "fe.secure.write.userSubTenants"},
		{"DELETE /identity/resources/sub-tenants/users/v1", "fe.secure.delete.userSubTenants"},
		{"POST /identity/resources/sub-tenants/users/v1/{userId}/roles", "fe.secure.write.userSubTenants"},
		{"PATCH /identity/resources/sub-tenants/users/v1/{userId}/roles", "fe.secure.write.userSubTenants"},
		{"DELETE /identity/resources/sub-tenants/users/v1/{userId}/roles", "fe.secure.delete.userSubTenants"},
		{"POST /identity/resources/sub-tenants/users/v2/", "fe.secure.write.userSubTenants"},

		// Users and applications
		{"GET /identity/resources/applications/v1/{appId}/users", "fe.secure.read.users"},
		{"GET /identity/resources/applications/v1/{userId}/apps", "fe.secure.read.users"},
		{"POST /identity/resources/applications/v1", "fe.secure.write.appsUsers"},
		{"DELETE /identity/resources/applications/v1", "fe.secure.delete.appsUsers"},
		{"POST /identity/resources/applications/v1/apps-user", "fe.secure.write.appsUsers"},
		{"DELETE /identity/resources/applications/v1/user-apps", "fe.secure.delete.appsUsers"},
		{"GET /identity/resources/applications/v1/apps-users", "fe.secure.read.users"},
		{"GET /identity/resources/applications/v1/users-apps", "fe.secure.read.users"},

		// Applications of the account (applications service)
		{"GET /applications/resources/applications/v1", "fe.account-settings.read.app"},
		{"GET /applications/resources/applications/tenant-assignments/v1", "fe.account-settings.read.app"},
		{"GET /applications/resources/applications/tenant-assignments/v2", "fe.account-settings.read.app"},

		// SSO (the browser client's team/resources/sso routes)
		{"GET /team/resources/sso/v1/configurations", "fe.secure.read.samlConfiguration"},
		{"POST /team/resources/sso/v1/configurations", "fe.secure.write.samlConfiguration"},
		{"PATCH /team/resources/sso/v1/configurations/{ssoConfigId}", "fe.secure.write.samlConfiguration"},
		{"DELETE /team/resources/sso/v1/configurations/{ssoConfigId}", "fe.secure.delete.samlConfiguration"},
		{"GET /team/resources/sso/v1/configurations/{ssoConfigId}/roles", "fe.secure.read.samlDefaultRoles"},
		{"PUT /team/resources/sso/v1/configurations/{ssoConfigId}/roles", "fe.secure.write.samlDefaultRoles"},

		// Accounts, sub-accounts and their settings (tenants service)
		{"DELETE /tenants/resources/tenants/v1", "fe.account-settings.delete.account"},
		{"PUT /tenants/resources/account-settings/v1", "fe.secure.write.accountSettings"},
		{"GET /tenants/resources/hierarchy/v1", "fe.account-hierarchy.read.subAccount"},
		{"GET /tenants/resources/hierarchy/v1/tree", "fe.account-hierarchy.read.subAccount"},
		{"GET /tenants/resources/hierarchy/v1/parents", "fe.account-hierarchy.read.subAccount"},
		{"GET /tenants/resources/hierarchy/v1/parents/{tenantId}", "fe.account-hierarchy.read.subAccount"},
		{"GET /tenants/resources/hierarchy/v2", "fe.account-hierarchy.read.subAccount"},
		{"GET /tenants/resources/hierarchy/v2/metadata", "fe.account-hierarchy.read.subAccount"},
		{"POST /tenants/resources/sub-tenants/v1", "fe.account-hierarchy.write.subAccount"},
		{"PATCH /tenants/resources/sub-tenants/v1/{tenantId}", "fe.account-hierarchy.write.subAccount"},
		{"DELETE /tenants/resources/sub-tenants/v1/{tenantId}", "fe.account-hierarchy.delete.subAccount"},
		{"PUT /tenants/resources/sub-tenants/v1/{tenantId}/management", "fe.account-hierarchy.write.subAccountManagement"},
		{"PUT /tenants/resources/sub-tenants/v1/{tenantId}/hierarchy-settings", "fe.account-hierarchy.write.subAccountAccess"},

		// Audits (audits service)
		{"GET /audits", "fe.secure.read.audits"},
		{"GET /audits/stats", "fe.secure.read.audits"},
		{"POST /audits/export/csv", "fe.secure.read.audits"},
		{"POST /audits/export/csv/v2", "fe.secure.read.audits"},
		{"GET /audits/resources/audits/v2", "fe.secure.read.audits"},
		{"POST /audits/resources/audits/v2/export/csv", "fe.secure.read.audits"},
	}
}
