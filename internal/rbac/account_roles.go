package rbac

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// roleScope returns the filter of the roles the caller sees: a user, those
// usable in its account; a vendor, those usable in the account
// frontegg-tenant-id names, or every role.
func (h *Handler) roleScope(r *http.Request) (store.RoleFilter, error) {
	tenantID, err := h.Scope.OptionalTenant(r)
	return store.RoleFilter{TenantID: tenantID, AllTenants: tenantID == ""}, err
}

// listRolesV2 pages through the roles the caller sees. _offset is a page
// number, as Frontegg documents for this route.
func (h *Handler) listRolesV2(w http.ResponseWriter, r *http.Request) error {
	f, err := h.roleScope(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := intParam(q.Get("_limit"), "_limit", 50, 1, 2000)
	if err != nil {
		return err
	}
	page, err := intParam(q.Get("_offset"), "_offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = limit, page*limit
	if f.SortBy = q.Get("_sortBy"); f.SortBy == "" {
		f.SortBy = "createdAt"
	} else if !store.RoleSortable(f.SortBy) {
		return iam.Invalid("_sortBy must be one of key, name, description, isDefault, firstUserRole, level, updatedAt, createdAt, permissions, userTenants, groups")
	}
	switch strings.ToUpper(q.Get("_order")) {
	case "", "ASC":
	case "DESC":
		f.Desc = true
	default:
		return iam.Invalid("_order must be one of ASC, DESC")
	}
	f.Filter = q.Get("_filter")
	for _, s := range api.QueryList(r, "_levels") {
		level, err := strconv.Atoi(s)
		if err != nil {
			return iam.Invalid("_levels must be numbers")
		}
		f.Levels = append(f.Levels, level)
	}
	f.OwnerIDs = api.QueryList(r, "_tenantIds")
	roles, total, err := h.DB.FindRoles(r.Context(), f)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(h.roles(roles), total, limit))
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(s, name string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, iam.Invalid("%s must be an integer from %d to %d", name, lo, hi)
	}
	return n, nil
}

type accountRoleInput struct {
	Key           *string  `json:"key"`
	Name          *string  `json:"name"`
	Description   *string  `json:"description"`
	IsDefault     *bool    `json:"isDefault"`
	BaseRoleID    *string  `json:"baseRoleId"`
	PermissionIDs []string `json:"permissionIds"`
}

// createAccountRole adds a role to the request's account, at the level of
// baseRoleId, from permissions the caller holds.
func (h *Handler) createAccountRole(w http.ResponseWriter, r *http.Request) error {
	var in accountRoleInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	switch {
	case in.Key == nil || strings.TrimSpace(*in.Key) == "":
		return iam.Invalid("key is required")
	case in.Name == nil || strings.TrimSpace(*in.Name) == "":
		return iam.Invalid("name is required")
	case in.BaseRoleID == nil || strings.TrimSpace(*in.BaseRoleID) == "":
		return iam.Invalid("baseRoleId is required")
	}
	permIDs, err := api.IDs("permissionIds", in.PermissionIDs, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	if err := h.checkTenant(ctx, tenantID); err != nil {
		return err
	}
	base, err := h.DB.FindRole(ctx, strings.TrimSpace(*in.BaseRoleID))
	if errors.Is(err, iam.ErrNotFound) || err == nil && base.TenantID != "" && base.TenantID != tenantID {
		return iam.NotFound("Base role not found")
	}
	if err != nil {
		return err
	}
	now := h.Now()
	role := &iam.Role{ID: uuid.NewString(), Key: strings.TrimSpace(*in.Key), Name: strings.TrimSpace(*in.Name),
		TenantID: tenantID, Level: base.Level, IsDefault: in.IsDefault != nil && *in.IsDefault, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		role.Description = *in.Description
	}
	if role.Permissions, err = h.accountRolePermissions(ctx, api.PrincipalFrom(ctx), permIDs); err != nil {
		return err
	}
	if err := h.DB.CreateRoles(ctx, []store.NewRole{{Role: role}}); err != nil {
		return roleError(err)
	}
	return api.OK(w, h.role(role))
}

func (h *Handler) distinctLevels(w http.ResponseWriter, r *http.Request) error {
	f, err := h.roleScope(r)
	if err != nil {
		return err
	}
	levels, err := h.DB.DistinctRoleLevels(r.Context(), f)
	if err != nil {
		return err
	}
	return api.OK(w, levels)
}

// distinctTenants lists the accounts that own roles: every one for a vendor,
// the caller's own (when it has roles) for a user.
func (h *Handler) distinctTenants(w http.ResponseWriter, r *http.Request) error {
	f, err := h.roleScope(r)
	if err != nil {
		return err
	}
	ids, err := h.DB.DistinctRoleTenants(r.Context(), f.TenantID)
	if err != nil {
		return err
	}
	if ids == nil {
		ids = []string{}
	}
	return api.OK(w, ids)
}
