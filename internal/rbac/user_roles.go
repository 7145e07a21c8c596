package rbac

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
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
	status, change := http.StatusCreated, store.RoleChange{TenantID: tenantID, Add: ids}
	if !add {
		status, change = http.StatusOK, store.RoleChange{TenantID: tenantID, Remove: ids}
	}
	err = h.changeRoles(ctx, userID, []store.RoleChange{change})
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

// changeRoles applies changes to the user's roles and records, for each
// account where the user gained or lost a role, the role ids gained and lost
// (the caller as actor), in one transaction. It returns the store's errors
// as they are: iam.ErrNotFound for a user who is not a member or a role not
// usable in the account.
func (h *Handler) changeRoles(ctx context.Context, userID string, changes []store.RoleChange) error {
	return h.DB.InTx(ctx, func(tx *store.Tx) error { return h.changeRolesIn(ctx, tx, userID, changes, audit.Event{}) })
}

// changeRolesIn is changeRoles in tx; actor names the actor (ActorID,
// ActorType) when it is not the request's caller.
func (h *Handler) changeRolesIn(ctx context.Context, tx *store.Tx, userID string, changes []store.RoleChange, actor audit.Event) error {
	var tenantIDs []string
	before := map[string][]string{}
	for _, c := range changes {
		if _, ok := before[c.TenantID]; ok {
			continue
		}
		held, err := tx.FindMemberRoleIDs(ctx, userID, c.TenantID)
		if err != nil {
			return err
		}
		before[c.TenantID] = held
		tenantIDs = append(tenantIDs, c.TenantID)
	}
	if err := tx.ChangeUserRoles(ctx, userID, changes, h.Now()); err != nil {
		return err
	}
	var u *iam.User
	for _, tenantID := range tenantIDs {
		after, err := tx.FindMemberRoleIDs(ctx, userID, tenantID)
		if err != nil {
			return err
		}
		added, removed := missingFrom(before[tenantID], after), missingFrom(after, before[tenantID])
		if len(added)+len(removed) == 0 {
			continue
		}
		if u == nil {
			if u, err = tx.FindUser(ctx, userID); err != nil {
				return err
			}
		}
		e := actor
		e.TenantID, e.UserID, e.Email, e.Action, e.Resource, e.Severity = tenantID, u.ID, u.Email, audit.ActionRoleChanged, "Roles", audit.Medium
		e.Data = map[string]any{"tenantId": tenantID, "addedRoleIds": added, "removedRoleIds": removed}
		if err := h.Audit.RecordTx(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// missingFrom returns the ids of b that a lacks, never nil.
func missingFrom(a, b []string) []string {
	out := []string{}
	for _, id := range b {
		if !slices.Contains(a, id) {
			out = append(out, id)
		}
	}
	return out
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
