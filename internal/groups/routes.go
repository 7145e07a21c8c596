package groups

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Every route acts in one account:
// the caller's (or a sub-account it may act in), or for a vendor the one
// frontegg-tenant-id names.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("GET /identity/resources/groups/v1", api.SelfService.Can("fe.secure.read.groups"), h.listGroups)
	r.Handle("POST /identity/resources/groups/v1", api.SelfService.Can("fe.secure.write.groups"), h.createGroup)
	r.Handle("POST /identity/resources/groups/v1/bulkGet", api.SelfService.Can("fe.secure.read.groups"), h.bulkGetGroups)
	r.Handle("GET /identity/resources/groups/v1/config", api.SelfService, h.getConfig)
	r.Handle("POST /identity/resources/groups/v1/config", api.SelfService.Can("fe.secure.write.groups"), h.saveConfig)
	r.Handle("GET /identity/resources/groups/v1/{id}", api.SelfService.Can("fe.secure.read.groups"), h.getGroup)
	r.Handle("PATCH /identity/resources/groups/v1/{id}", api.SelfService.Can("fe.secure.write.groups"), h.updateGroup)
	r.Handle("DELETE /identity/resources/groups/v1/{id}", api.SelfService.Can("fe.secure.delete.groups"), h.deleteGroup)
	r.Handle("POST /identity/resources/groups/v1/{groupId}/roles", api.SelfService.Can("fe.secure.write.groupsRoles"), h.addRoles)
	r.Handle("DELETE /identity/resources/groups/v1/{groupId}/roles", api.SelfService.Can("fe.secure.write.groupsRoles"), h.removeRoles)
	r.Handle("POST /identity/resources/groups/v1/{groupId}/users", api.SelfService.Can("fe.secure.write.groupsUsers"), h.addUsers)
	r.Handle("DELETE /identity/resources/groups/v1/{groupId}/users", api.SelfService.Can("fe.secure.delete.groupsUsers"), h.removeUsers)
	r.Handle("GET /identity/resources/groups/v2", api.SelfService.Can("fe.secure.read.groups"), h.listGroupsV2)
}
