package applications

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Applications, their credentials,
// clients and account assignments are the vendor's to change; users may read the applications
// and assignments of their own account (with fe.account-settings.read.app),
// and manage which of its users use which application.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("GET /applications/resources/applications/v1", api.SelfService.Can("fe.account-settings.read.app"), h.listApps)
	r.Handle("POST /applications/resources/applications/v1", api.Vendor, h.createApp)
	r.Handle("GET /applications/resources/applications/v1/default", api.Vendor, h.getDefaultApp)
	r.Handle("GET /applications/resources/applications/v1/{id}", api.Vendor, h.getApp)
	r.Handle("PATCH /applications/resources/applications/v1/{id}", api.Vendor, h.updateApp)
	r.Handle("DELETE /applications/resources/applications/v1/{id}", api.Vendor, h.deleteApp)

	// The applications as OAuth clients: credentials.go, app_clients.go.
	r.Handle("GET /applications/resources/applications/v1/credentials/{appId}", api.Vendor, h.getCredentials)
	r.Handle("POST /applications/resources/applications/v1/credentials/regenerate", api.Vendor, h.regenerateClientSecret)
	r.Handle("POST /applications/resources/applications/v1/credentials/shared/regenerate", api.Vendor, h.regenerateSharedSecret)
	r.Handle("POST /applications/application-clients", api.Vendor, h.createAppClient)
	r.Handle("GET /applications/application-clients/app/{appId}", api.Vendor, h.listAppClients)
	r.Handle("GET /applications/application-clients/{id}", api.Vendor, h.getAppClient)
	r.Handle("PATCH /applications/application-clients/{id}", api.Vendor, h.updateAppClient)
	r.Handle("DELETE /applications/application-clients/{id}", api.Vendor, h.deleteAppClient)

	r.Handle("GET /applications/resources/applications/tenant-assignments/v1", api.SelfService.Can("fe.account-settings.read.app"), h.listTenantAssignments)
	r.Handle("GET /applications/resources/applications/tenant-assignments/v2", api.SelfService.Can("fe.account-settings.read.app"), h.listTenantAssignmentsV2)
	r.Handle("GET /applications/resources/applications/tenant-assignments/v1/{appId}", api.Vendor, h.appTenants)
	r.Handle("POST /applications/resources/applications/tenant-assignments/v1/{appId}", api.Vendor, h.assignTenant)
	r.Handle("PUT /applications/resources/applications/tenant-assignments/v1/{appId}/{tenantId}", api.Vendor, h.updateTenantAssignment)
	r.Handle("DELETE /applications/resources/applications/tenant-assignments/v1/{appId}/{tenantId}", api.Vendor, h.unassignTenant)

	r.Handle("GET /identity/resources/applications/v1/{appId}/users", api.SelfService.Can("fe.secure.read.users"), h.appUsers)
	r.Handle("GET /identity/resources/applications/v1/{userId}/apps", api.SelfService.Can("fe.secure.read.users"), h.userApps)
	r.Handle("POST /identity/resources/applications/v1", api.SelfService.Can("fe.secure.write.appsUsers"), h.assignUsers)
	r.Handle("DELETE /identity/resources/applications/v1", api.SelfService.Can("fe.secure.delete.appsUsers"), h.unassignUsers)
	r.Handle("POST /identity/resources/applications/v1/apps-user", api.SelfService.Can("fe.secure.write.appsUsers"), h.assignUserApps)
	r.Handle("DELETE /identity/resources/applications/v1/user-apps", api.SelfService.Can("fe.secure.delete.appsUsers"), h.unassignUserApps)
	r.Handle("GET /identity/resources/applications/v1/apps-users", api.SelfService.Can("fe.secure.read.users"), h.appsUsers)
	r.Handle("GET /identity/resources/applications/v1/users-apps", api.SelfService.Can("fe.secure.read.users"), h.usersApps)
	r.Handle("GET /identity/resources/applications/user-tenants/active/v1", api.SelfService, h.activeTenants)
	r.Handle("PUT /identity/resources/applications/user-tenants/active/v1", api.SelfService, h.switchActiveTenants)
}
