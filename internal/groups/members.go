package groups

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

type rolesInput struct {
	RoleIDs []string `json:"roleIds"`
}

type usersInput struct {
	UserIDs []string `json:"userIds"`
}

// addRoles gives the group roles, when the groups configuration allows roles
// on groups. The caller must hold every permission of the roles: the group's
// members get them.
func (h *Handler) addRoles(w http.ResponseWriter, r *http.Request) error {
	var in rolesInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	ids, err := api.IDs("roleIds", in.RoleIDs, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	cfg, err := h.config(ctx, tenantID)
	if err != nil {
		return err
	}
	if !cfg.RolesEnabled {
		return iam.Invalid("Roles on groups are disabled")
	}
	groupID := r.PathValue("groupId")
	if _, err := h.DB.GroupRoleIDs(ctx, tenantID, groupID); err != nil {
		return groupError(err, "Group")
	}
	if err := h.Scope.CheckRoleGrant(ctx, api.PrincipalFrom(ctx), ids); err != nil {
		return err
	}
	if err := h.DB.AddGroupRoles(ctx, tenantID, groupID, ids, h.Now()); err != nil {
		return groupError(err, "Role")
	}
	return api.Created(w, nil)
}

func (h *Handler) removeRoles(w http.ResponseWriter, r *http.Request) error {
	var in rolesInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	ids, err := api.IDs("roleIds", in.RoleIDs, false)
	if err != nil {
		return err
	}
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	if err := h.DB.RemoveGroupRoles(r.Context(), tenantID, r.PathValue("groupId"), ids, h.Now()); err != nil {
		return groupError(err, "Group")
	}
	return api.NoContent(w)
}

// addUsers puts members of the account in the group. The caller must hold
// every permission of the group's roles: the users get them.
func (h *Handler) addUsers(w http.ResponseWriter, r *http.Request) error {
	var in usersInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	ids, err := api.IDs("userIds", in.UserIDs, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	groupID := r.PathValue("groupId")
	roleIDs, err := h.DB.GroupRoleIDs(ctx, tenantID, groupID)
	if err != nil {
		return groupError(err, "Group")
	}
	if err := h.Scope.CheckRoleGrant(ctx, api.PrincipalFrom(ctx), roleIDs); err != nil {
		return err
	}
	if err := h.DB.AddGroupMembers(ctx, tenantID, groupID, ids, h.Now()); err != nil {
		return groupError(err, "User")
	}
	return api.Created(w, nil)
}

func (h *Handler) removeUsers(w http.ResponseWriter, r *http.Request) error {
	var in usersInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	ids, err := api.IDs("userIds", in.UserIDs, false)
	if err != nil {
		return err
	}
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	if err := h.DB.RemoveGroupMembers(r.Context(), tenantID, r.PathValue("groupId"), ids, h.Now()); err != nil {
		return groupError(err, "Group")
	}
	return api.NoContent(w)
}

type usersGroupsJSON struct {
	VendorID string   `json:"vendorId"`
	TenantID string   `json:"tenantId"`
	UserID   string   `json:"userId"`
	GroupIDs []string `json:"groupIds"`
}

// usersGroups lists the groups of each user in ids (a comma list) in the
// request's account; users not in the account are left out.
func (h *Handler) usersGroups(w http.ResponseWriter, r *http.Request) error {
	ids := api.QueryList(r, "ids")
	if len(ids) == 0 {
		return iam.Invalid("ids is required")
	}
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	members, err := h.DB.FindUsersGroupIDs(r.Context(), tenantID, ids)
	if err != nil {
		return err
	}
	out := make([]usersGroupsJSON, len(members))
	for i, m := range members {
		out[i] = usersGroupsJSON{VendorID: h.VendorID, TenantID: tenantID, UserID: m.UserID, GroupIDs: m.IDs}
	}
	return api.OK(w, out)
}
