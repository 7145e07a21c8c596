package rbac

import (
	"context"
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// assignUserRoles gives a member of the request's account roles there. A user
// may give only roles whose permissions it holds.
func (h *Handler) assignUserRoles(w http.ResponseWriter, r *http.Request) error {
	return h.changeUserRoles(w, r, true)
}

// unassignUserRoles takes roles from a member of the request's account. A
// user may take only roles it could give.
func (h *Handler) unassignUserRoles(w http.ResponseWriter, r *http.Request) error {
	return h.changeUserRoles(w, r, false)
}

func (h *Handler) changeUserRoles(w http.ResponseWriter, r *http.Request, add bool) error {
	ids, err := api.DecodeIDs(r, "roleIds", false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	userID := r.PathValue("userId")
	member, err := h.DB.IsMember(ctx, userID, tenantID)
	if err != nil {
		return err
	}
	if !member {
		return iam.NotFound("User not found")
	}
	if err := h.Scope.CheckRoleGrant(ctx, api.PrincipalFrom(ctx), ids); err != nil {
		return err
	}
	status := http.StatusCreated
	if add {
		err = h.DB.AssignUserRoles(ctx, userID, tenantID, ids, h.Now())
	} else {
		status = http.StatusOK
		err = h.DB.UnassignUserRoles(ctx, userID, tenantID, ids)
	}
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Role not found")
	}
	if err != nil {
		return err
	}
	roles, err := h.DB.FindMemberRoles(ctx, userID, tenantID)
	if err != nil {
		return err
	}
	out := userRolesJSON{TenantID: tenantID, UserID: userID, Roles: make([]userRoleJSON, len(roles))}
	for i, role := range roles {
		out.Roles[i] = userRoleJSON{ID: role.ID, Key: role.Key, Name: role.Name, Description: role.Description,
			IsDefault: role.IsDefault, Level: role.Level, CreatedAt: role.CreatedAt}
	}
	return api.JSON(w, status, out)
}

// usersRoles lists the roles assigned directly to each user in ids (a comma
// list) in the request's account; users not in the account are left out.
func (h *Handler) usersRoles(w http.ResponseWriter, r *http.Request) error {
	return h.membersIDs(w, r, h.DB.FindUsersRoleIDs, "roleIds")
}

// usersGroups lists the groups of each user in ids, as usersRoles does roles.
func (h *Handler) usersGroups(w http.ResponseWriter, r *http.Request) error {
	return h.membersIDs(w, r, h.DB.FindUsersGroupIDs, "groupIds")
}

// membersIDs answers [{vendorId, tenantId, userId, <field>}] for the users in
// the query's ids, with the ids find returns for each.
func (h *Handler) membersIDs(w http.ResponseWriter, r *http.Request, find func(context.Context, string, []string) ([]store.MemberIDs, error), field string) error {
	ids := api.QueryList(r, "ids")
	if len(ids) == 0 {
		return iam.Invalid("ids is required")
	}
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	members, err := find(r.Context(), tenantID, ids)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(members))
	for i, m := range members {
		out[i] = map[string]any{"vendorId": h.VendorID, "tenantId": tenantID, "userId": m.UserID, field: m.IDs}
	}
	return api.OK(w, out)
}
