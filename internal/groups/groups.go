package groups

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// relations reads _groupsRelations: which of roles and users to include.
func relations(r *http.Request) (roles, users bool, err error) {
	switch r.URL.Query().Get("_groupsRelations") {
	case "":
		return false, false, nil
	case "roles":
		return true, false, nil
	case "users":
		return false, true, nil
	case "rolesAndUsers":
		return true, true, nil
	}
	return false, false, iam.Invalid("_groupsRelations must be one of roles, users, rolesAndUsers")
}

// filter returns the request's account and the relations it asks for.
func (h *Handler) filter(r *http.Request) (store.GroupFilter, error) {
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return store.GroupFilter{}, err
	}
	roles, users, err := relations(r)
	return store.GroupFilter{TenantID: tenantID, WithRoles: roles, WithUsers: users, Unpaged: true}, err
}

func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	gs, _, err := h.DB.FindGroups(r.Context(), f)
	if err != nil {
		return err
	}
	return api.OK(w, groupsJSON{Groups: h.groups(gs)})
}

// listGroupsV2 pages through the account's groups (_offset counts groups).
func (h *Handler) listGroupsV2(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	p, err := api.ParsePaging(r, 20)
	if err != nil {
		return err
	}
	switch p.SortBy {
	case "", "id", "name", "createdAt", "updatedAt":
	default:
		return iam.Invalid("_sortBy must be one of id, name, createdAt, updatedAt")
	}
	f.Unpaged, f.Page = false, store.Page{Limit: p.Limit, Offset: p.Offset, SortBy: p.SortBy, Desc: p.Desc}
	gs, total, err := h.DB.FindGroups(r.Context(), f)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(h.groups(gs), total, p.Limit))
}

// bulkGetGroups answers the account's groups among those listed; unknown ids
// are left out.
func (h *Handler) bulkGetGroups(w http.ResponseWriter, r *http.Request) error {
	ids, err := api.DecodeIDs(r, "groupsIds", true)
	if err != nil {
		return err
	}
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	f.IDs = ids
	gs, _, err := h.DB.FindGroups(r.Context(), f)
	if err != nil {
		return err
	}
	return api.Created(w, groupsJSON{Groups: h.groups(gs)})
}

func (h *Handler) getGroup(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	g, err := h.DB.FindGroup(r.Context(), f.TenantID, r.PathValue("id"), f.WithRoles, f.WithUsers)
	if err != nil {
		return groupError(err, "Group")
	}
	return api.OK(w, h.group(g))
}

// groupError turns the store's answers into messages: a conflict is a
// group's name, and not found is missing, unless the caller has already
// made sure of the group.
func groupError(err error, missing string) error {
	switch {
	case errors.Is(err, iam.ErrConflict):
		return iam.Conflict("A group with this name already exists in this account")
	case errors.Is(err, iam.ErrNotFound):
		return iam.NotFound("%s not found", missing)
	}
	return err
}

type groupInput struct {
	Name        *string `json:"name"`
	Color       *string `json:"color"`
	Description *string `json:"description"`
	Metadata    *string `json:"metadata"`
}

func (in groupInput) apply(g *iam.Group) error {
	if in.Name != nil {
		if g.Name = strings.TrimSpace(*in.Name); g.Name == "" {
			return iam.Invalid("name must not be empty")
		}
	}
	for _, f := range []struct {
		in  *string
		dst *string
	}{{in.Color, &g.Color}, {in.Description, &g.Description}, {in.Metadata, &g.Metadata}} {
		if f.in != nil {
			*f.dst = *f.in
		}
	}
	return nil
}

func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in groupInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return iam.Invalid("name is required")
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
	if !cfg.Enabled {
		return iam.Invalid("Groups are disabled")
	}
	now := h.Now()
	g := &iam.Group{ID: uuid.NewString(), TenantID: tenantID, ManagedBy: "frontegg", CreatedAt: now, UpdatedAt: now,
		Roles: []*iam.Role{}, Members: []*iam.GroupMember{}}
	if err := in.apply(g); err != nil {
		return err
	}
	if err := h.DB.CreateGroup(ctx, g); err != nil {
		return groupError(err, "Account")
	}
	return api.Created(w, h.group(g))
}

func (h *Handler) updateGroup(w http.ResponseWriter, r *http.Request) error {
	var in groupInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	g, err := h.DB.FindGroup(ctx, f.TenantID, r.PathValue("id"), true, true)
	if err != nil {
		return groupError(err, "Group")
	}
	if err := in.apply(g); err != nil {
		return err
	}
	g.UpdatedAt = h.Now()
	if err := h.DB.UpdateGroup(ctx, g); err != nil {
		return groupError(err, "Group")
	}
	return api.OK(w, h.group(g))
}

func (h *Handler) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeleteGroup(r.Context(), tenantID, r.PathValue("id")); err != nil {
		return groupError(err, "Group")
	}
	return api.NoContent(w)
}
