package groups

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// change reads a group change: the ids listed in field (roleIds or userIds)
// and the request's account.
func (h *Handler) change(r *http.Request, field string) (tenantID string, ids []string, err error) {
	if ids, err = api.DecodeIDs(r, field, false); err != nil {
		return "", nil, err
	}
	tenantID, err = h.Scope.Tenant(r)
	return tenantID, ids, err
}

// addRoles gives the group roles, when the groups configuration allows roles
// on groups. The caller must hold every permission of the roles: the group's
// members get them.
func (h *Handler) addRoles(w http.ResponseWriter, r *http.Request) error {
	tenantID, ids, err := h.change(r, "roleIds")
	if err != nil {
		return err
	}
	ctx := r.Context()
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
	tenantID, ids, err := h.change(r, "roleIds")
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
	tenantID, ids, err := h.change(r, "userIds")
	if err != nil {
		return err
	}
	ctx := r.Context()
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
	tenantID, ids, err := h.change(r, "userIds")
	if err != nil {
		return err
	}
	if err := h.DB.RemoveGroupMembers(r.Context(), tenantID, r.PathValue("groupId"), ids, h.Now()); err != nil {
		return groupError(err, "Group")
	}
	return api.NoContent(w)
}
