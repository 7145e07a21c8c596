package subaccounts

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Users manage the sub-accounts of
// their active account (at any depth); vendors any account.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("POST /tenants/resources/sub-tenants/v1", api.SelfService.Can("fe.account-hierarchy.write.subAccount"), h.createSubAccount)
	r.Handle("PATCH /tenants/resources/sub-tenants/v1/{tenantId}", api.SelfService.Can("fe.account-hierarchy.write.subAccount"), h.updateSubAccount)
	r.Handle("DELETE /tenants/resources/sub-tenants/v1/{tenantId}", api.SelfService.Can("fe.account-hierarchy.delete.subAccount"), h.deleteSubAccount)
	r.Handle("PUT /tenants/resources/sub-tenants/v1/{tenantId}/management", api.SelfService.Can("fe.account-hierarchy.write.subAccountManagement"), h.updateManagement)
	r.Handle("PUT /tenants/resources/sub-tenants/v1/{tenantId}/hierarchy-settings", api.SelfService.Can("fe.account-hierarchy.write.subAccountAccess"), h.updateHierarchySettings)
	r.Handle("PUT /identity/resources/sub-tenants/users/v1/{userId}/access", api.SelfService.Can("fe.account-hierarchy.write.subAccountAccess"), h.setUserAccess)

	r.Handle("GET /tenants/resources/hierarchy/v1", api.SelfService.Can("fe.account-hierarchy.read.subAccount"), h.listSubAccounts)
	r.Handle("GET /tenants/resources/hierarchy/v1/tree", api.SelfService.Can("fe.account-hierarchy.read.subAccount"), h.tree)
	r.Handle("GET /tenants/resources/hierarchy/v1/parents", api.SelfService.Can("fe.account-hierarchy.read.subAccount"), h.parents)
	r.Handle("GET /tenants/resources/hierarchy/v1/parents/{tenantId}", api.SelfService.Can("fe.account-hierarchy.read.subAccount"), h.parentsOf)
	r.Handle("GET /tenants/resources/hierarchy/v2", api.SelfService.Can("fe.account-hierarchy.read.subAccount"), h.search)
	r.Handle("GET /tenants/resources/hierarchy/v2/metadata", api.SelfService.Can("fe.account-hierarchy.read.subAccount"), h.metadata)
	r.Handle("POST /tenants/resources/hierarchy/v1", api.Vendor, h.attach)
	r.Handle("DELETE /tenants/resources/hierarchy/v1", api.Vendor, h.detach)
}
