package rbac

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Reads of the permission model and
// the account-role routes admit users, who act in their own account (or a
// sub-account they may act in); changes to permissions and categories, and
// moving roles between accounts, are the vendor's.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("GET /identity/resources/permissions/v1/categories", api.SelfService.Can("fe.secure.read.permissions"), h.listCategories)
	r.Handle("POST /identity/resources/permissions/v1/categories", api.Vendor, h.createCategory)
	r.Handle("PATCH /identity/resources/permissions/v1/categories/{categoryId}", api.Vendor, h.updateCategory)
	r.Handle("DELETE /identity/resources/permissions/v1/categories/{categoryId}", api.Vendor, h.deleteCategory)

	r.Handle("GET /identity/resources/permissions/v1", api.SelfService.Can("fe.secure.read.permissions"), h.listPermissions)
	r.Handle("POST /identity/resources/permissions/v1", api.Vendor, h.createPermissions)
	r.Handle("PATCH /identity/resources/permissions/v1/{permissionId}", api.Vendor, h.updatePermission)
	r.Handle("DELETE /identity/resources/permissions/v1/{permissionId}", api.Vendor, h.deletePermission)
	r.Handle("PUT /identity/resources/permissions/v1/{permissionId}/roles", api.SelfService.Can("fe.secure.write.updateRole"), h.setPermissionRoles)
	r.Handle("PUT /identity/resources/permissions/v1/classification", api.Vendor, h.classifyPermissions)

	r.Handle("GET /identity/resources/roles/v1", api.SelfService.Can("fe.secure.read.roles"), h.listRoles)
	r.Handle("POST /identity/resources/roles/v1", api.SelfService.Can("fe.secure.write.roles"), h.createRoles)
	r.Handle("PATCH /identity/resources/roles/v1/{roleId}", api.SelfService.Can("fe.secure.write.updateRole"), h.updateRole)
	r.Handle("DELETE /identity/resources/roles/v1/{roleId}", api.SelfService.Can("fe.secure.delete.role"), h.deleteRole)
	r.Handle("PUT /identity/resources/roles/v1/{roleId}/permissions", api.SelfService.Can("fe.secure.write.updateRole"), h.setRolePermissions)
	r.Handle("PUT /identity/resources/roles/v1/{roleId}/tenant", api.Vendor, h.moveRole)

	r.Handle("GET /identity/resources/roles/v2", api.SelfService.Can("fe.secure.read.roles"), h.listRolesV2)
	r.Handle("POST /identity/resources/roles/v2", api.SelfService.Can("fe.secure.write.roles"), h.createAccountRole)
	r.Handle("GET /identity/resources/roles/v2/distinct-levels", api.SelfService.Can("fe.secure.read.roles"), h.distinctLevels)
	r.Handle("GET /identity/resources/roles/v2/distinct-tenants", api.SelfService.Can("fe.secure.read.roles"), h.distinctTenants)

	r.Handle("POST /identity/resources/users/v1/{userId}/roles", api.SelfService.Can("fe.secure.write.usersRoles"), h.assignUserRoles)
	r.Handle("DELETE /identity/resources/users/v1/{userId}/roles", api.SelfService.Can("fe.secure.delete.usersRoles"), h.unassignUserRoles)
	r.Handle("GET /identity/resources/users/v3/roles", api.SelfService.Can("fe.secure.read.users"), h.usersRoles)
	r.Handle("GET /identity/resources/users/v3/groups", api.SelfService.Can("fe.secure.read.users"), h.usersGroups)
	r.Handle("POST /identity/resources/sub-tenants/users/v1/{userId}/roles", api.SelfService.Can("fe.secure.write.userSubTenants"), h.addSubAccountRoles)
	r.Handle("PATCH /identity/resources/sub-tenants/users/v1/{userId}/roles", api.SelfService.Can("fe.secure.write.userSubTenants"), h.setSubAccountRoles)
	r.Handle("DELETE /identity/resources/sub-tenants/users/v1/{userId}/roles", api.SelfService.Can("fe.secure.delete.userSubTenants"), h.removeSubAccountRoles)
	r.Handle("PATCH /identity/resources/vendor-only/users/v1/{userId}/roles/bulk", api.Vendor, h.bulkUpdateRoles)
	r.Handle("GET /identity/resources/vendor-only/users/v1/bulk-roles/status/{taskId}", api.Vendor, h.bulkRolesStatus)
}
