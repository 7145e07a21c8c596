package rbac

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/store"
)

// listRoles answers the roles usable in the request's account: the
// environment's and the account's own. A vendor without frontegg-tenant-id
// gets the environment's roles.
func (h *Handler) listRoles(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.Scope.OptionalTenant(r)
	if err != nil {
		return err
	}
	roles, _, err := h.DB.FindRoles(r.Context(), store.RoleFilter{TenantID: tenantID, Unpaged: true})
	if err != nil {
		return err
	}
	return api.OK(w, h.roles(roles))
}

type roleInput struct {
	Key           *string  `json:"key"`
	Name          *string  `json:"name"`
	Description   *string  `json:"description"`
	IsDefault     *bool    `json:"isDefault"`
	MigrateRole   *bool    `json:"migrateRole"`
	FirstUserRole *bool    `json:"firstUserRole"`
	Level         *int     `json:"level"`
	Permissions   []string `json:"permissions"`   // permission ids (the browser client's addRole)
	PermissionIDs []string `json:"permissionIds"` // the same, as roles/v2 names them
}

// createRoles adds roles, every one or none: a vendor's to the environment,
// or to the account frontegg-tenant-id names; a user's to its account, from
// permissions it holds.
func (h *Handler) createRoles(w http.ResponseWriter, r *http.Request) error {
	in, single, err := api.DecodeList[roleInput](r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	tenantID, err := h.Scope.OptionalTenant(r)
	if err != nil {
		return err
	}
	if err := h.checkTenant(ctx, tenantID); err != nil {
		return err
	}
	now := h.Now()
	roles := make([]store.NewRole, len(in))
	for i, ri := range in {
		role := &iam.Role{ID: uuid.NewString(), TenantID: tenantID, CreatedAt: now, UpdatedAt: now}
		if ri.Key == nil || strings.TrimSpace(*ri.Key) == "" {
			return iam.Invalid("key is required")
		}
		if ri.Name == nil || strings.TrimSpace(*ri.Name) == "" {
			return iam.Invalid("name is required")
		}
		if ri.Level == nil {
			return iam.Invalid("level is required")
		}
		role.Key, role.Name, role.Level = strings.TrimSpace(*ri.Key), strings.TrimSpace(*ri.Name), *ri.Level
		if ri.Description != nil {
			role.Description = *ri.Description
		}
		role.IsDefault = ri.IsDefault != nil && *ri.IsDefault
		role.FirstUserRole = ri.FirstUserRole != nil && *ri.FirstUserRole
		perms, err := api.IDs("permissions", append(append([]string{}, ri.Permissions...), ri.PermissionIDs...), true)
		if err != nil {
			return err
		}
		if role.Permissions, err = h.accountRolePermissions(ctx, p, perms); err != nil {
			return err
		}
		roles[i] = store.NewRole{Role: role, Migrate: ri.MigrateRole != nil && *ri.MigrateRole}
	}
	if err := h.DB.CreateRoles(ctx, roles); err != nil {
		return roleError(err)
	}
	out := make([]roleJSON, len(roles))
	for i, nr := range roles {
		out[i] = h.role(nr.Role)
	}
	if single {
		return api.Created(w, out[0])
	}
	return api.Created(w, out)
}

// accountRolePermissions checks the permissions a caller puts in a new role
// and returns the role's permissions. Every one must exist. A user may only
// use permissions it holds that are not classified NEVER, and the ALWAYS
// permissions it holds are added; a vendor's list is taken as it is.
func (h *Handler) accountRolePermissions(ctx context.Context, p *iam.Principal, ids []string) ([]string, error) {
	if err := h.checkPermissionGrant(ctx, p, ids); err != nil {
		return nil, err
	}
	if p.IsVendor() {
		return ids, nil
	}
	all, err := h.DB.FindPermissions(ctx, store.PermissionFilter{})
	if err != nil {
		return nil, err
	}
	out := append([]string{}, ids...)
	for _, perm := range all {
		if perm.AssignmentType == iam.AssignAlways && p.Can(perm.Key) && !slices.Contains(out, perm.ID) {
			out = append(out, perm.ID)
		}
	}
	return out, nil
}

// checkPermissionGrant returns a 404 unless every id names a permission and,
// for users, a 403 unless each may be given to account roles and is held by
// the caller.
func (h *Handler) checkPermissionGrant(ctx context.Context, p *iam.Principal, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	perms, err := h.DB.FindPermissions(ctx, store.PermissionFilter{IDs: ids})
	if err != nil {
		return err
	}
	if len(perms) != len(ids) {
		return iam.NotFound("Permission not found")
	}
	if p.IsVendor() {
		return nil
	}
	keys := make([]string, len(perms))
	for i, perm := range perms {
		if perm.AssignmentType == iam.AssignNever {
			return iam.Forbidden("Permission %s cannot be given to account roles", perm.Key)
		}
		keys[i] = perm.Key
	}
	return scope.CheckGrant(p, keys)
}

// checkTenant returns a 404 unless tenantID is "" (the environment) or an account.
func (h *Handler) checkTenant(ctx context.Context, tenantID string) error {
	if tenantID == "" {
		return nil
	}
	_, err := h.DB.FindTenant(ctx, tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Account not found")
	}
	return err
}

// roleError turns the store's answers about roles into messages.
func roleError(err error) error {
	switch {
	case errors.Is(err, iam.ErrConflict):
		return iam.Conflict("A role with this key already exists in this account")
	case errors.Is(err, iam.ErrNotFound):
		return iam.NotFound("Role not found")
	}
	return err
}

// changeableRole returns the path's role if the caller may change it: a
// vendor any role, a user only a role of its account. Roles of the
// environment are the vendor's: a user gets a 403 for them, and a 404 for
// another account's.
func (h *Handler) changeableRole(r *http.Request) (*iam.Role, error) {
	ctx := r.Context()
	role, err := h.DB.FindRole(ctx, r.PathValue("roleId"))
	if err != nil {
		return nil, roleError(err)
	}
	if api.PrincipalFrom(ctx).IsVendor() {
		return role, nil
	}
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return nil, err
	}
	switch role.TenantID {
	case tenantID:
		return role, nil
	case "":
		return nil, iam.Forbidden("Roles of the environment can only be changed with the environment token")
	}
	return nil, iam.NotFound("Role not found")
}

func (h *Handler) updateRole(w http.ResponseWriter, r *http.Request) error {
	var in roleInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	role, err := h.changeableRole(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if in.Key != nil {
		if role.Key = strings.TrimSpace(*in.Key); role.Key == "" {
			return iam.Invalid("key must not be empty")
		}
	}
	if in.Name != nil {
		if role.Name = strings.TrimSpace(*in.Name); role.Name == "" {
			return iam.Invalid("name must not be empty")
		}
	}
	if in.Description != nil {
		role.Description = *in.Description
	}
	if in.Level != nil {
		role.Level = *in.Level
	}
	if in.FirstUserRole != nil {
		role.FirstUserRole = *in.FirstUserRole
	}
	migrate := in.MigrateRole != nil && *in.MigrateRole
	if in.IsDefault != nil {
		// A default role reaches new members, and with migrateRole every
		// member: only someone who could grant it may make it one.
		if *in.IsDefault && !role.IsDefault || migrate {
			if err := h.Scope.CheckRoleGrant(ctx, api.PrincipalFrom(ctx), []string{role.ID}); err != nil {
				return err
			}
		}
		role.IsDefault = *in.IsDefault
	}
	role.UpdatedAt = h.Now()
	if err := h.DB.UpdateRole(ctx, role, migrate); err != nil {
		return roleError(err)
	}
	return api.OK(w, h.role(role))
}

// deleteRole removes the role from every user and group, then the role.
func (h *Handler) deleteRole(w http.ResponseWriter, r *http.Request) error {
	role, err := h.changeableRole(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeleteRole(r.Context(), role.ID); err != nil {
		return roleError(err)
	}
	return api.JSON(w, http.StatusNoContent, nil)
}

// setRolePermissions replaces the role's permissions. A user may add only
// permissions it could put in a new account role.
func (h *Handler) setRolePermissions(w http.ResponseWriter, r *http.Request) error {
	ids, err := api.DecodeIDs(r, "permissionIds", true)
	if err != nil {
		return err
	}
	role, err := h.changeableRole(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var added []string
	for _, id := range ids {
		if !slices.Contains(role.Permissions, id) {
			added = append(added, id)
		}
	}
	if err := h.checkPermissionGrant(ctx, api.PrincipalFrom(ctx), added); err != nil {
		return err
	}
	if err := h.DB.SetRolePermissions(ctx, role.ID, ids, h.Now()); err != nil {
		return roleError(err)
	}
	if role, err = h.DB.FindRole(ctx, role.ID); err != nil {
		return err
	}
	return api.OK(w, h.role(role))
}

type moveRoleInput struct {
	TenantID json.RawMessage `json:"tenantId"`
}

// moveRole makes a role an account's own, or the environment's (tenantId null).
func (h *Handler) moveRole(w http.ResponseWriter, r *http.Request) error {
	var in moveRoleInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	var tenantID *string
	if len(in.TenantID) == 0 {
		return iam.Invalid("tenantId is required")
	}
	if err := json.Unmarshal(in.TenantID, &tenantID); err != nil {
		return iam.Invalid("tenantId must be of type string")
	}
	target := ""
	if tenantID != nil {
		target = strings.TrimSpace(*tenantID)
	}
	ctx := r.Context()
	if err := h.checkTenant(ctx, target); err != nil {
		return err
	}
	id := r.PathValue("roleId")
	if err := h.DB.MoveRole(ctx, id, target, h.Now()); err != nil {
		return roleError(err)
	}
	role, err := h.DB.FindRole(ctx, id)
	if err != nil {
		return err
	}
	return api.OK(w, h.role(role))
}
