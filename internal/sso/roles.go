package sso

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

type rolesBody struct {
	RoleIDs []string `json:"roleIds"`
}

// groupResponse is ISamlRolesGroup.
type groupResponse struct {
	ID      string   `json:"id"`
	Group   string   `json:"group"`
	RoleIDs []string `json:"roleIds"`
}

type groupRequest struct {
	Group   *string  `json:"group"`
	RoleIDs []string `json:"roleIds"`
}

var errRoleNotFound = iam.NotFound("Role not found")

// getDefaultRoles answers the roles every user of the configuration gets.
func (h *Handler) getDefaultRoles(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	return api.OK(w, rolesBody{RoleIDs: c.RoleIDs})
}

// setDefaultRoles replaces the configuration's default roles.
func (h *Handler) setDefaultRoles(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	var req rolesBody
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.RoleIDs == nil {
		return iam.Invalid("roleIds is required")
	}
	if err := h.DB.SetSSODefaultRoles(r.Context(), c.TenantID, c.ID, req.RoleIDs); errors.Is(err, iam.ErrNotFound) {
		return errRoleNotFound
	} else if err != nil {
		return err
	}
	ids := slices.Clone(req.RoleIDs)
	slices.Sort(ids)
	return api.Created(w, rolesBody{RoleIDs: slices.Compact(ids)})
}

// listGroups answers the configuration's group mappings.
func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	out := make([]groupResponse, 0, len(c.Groups))
	for _, g := range c.Groups {
		out = append(out, groupResponse{ID: g.ID, Group: g.Name, RoleIDs: g.RoleIDs})
	}
	return api.OK(w, out)
}

// createGroup maps an IdP group to roles.
func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	var req groupRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Group == nil || strings.TrimSpace(*req.Group) == "" {
		return iam.Invalid("group is required")
	}
	now := h.Now()
	g := &store.SSOGroup{ID: uuid.NewString(), ConfigurationID: c.ID, Name: strings.TrimSpace(*req.Group),
		RoleIDs: nonNil(req.RoleIDs), CreatedAt: now, UpdatedAt: now}
	if err := h.saveGroup(r, c, g, true); err != nil {
		return err
	}
	return api.Created(w, groupResponse{ID: g.ID, Group: g.Name, RoleIDs: g.RoleIDs})
}

// updateGroup renames a mapping or changes its roles.
func (h *Handler) updateGroup(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	var g *store.SSOGroup
	for _, x := range c.Groups {
		if x.ID == r.PathValue("groupId") {
			g = x
		}
	}
	if g == nil {
		return errGroupNotFound
	}
	var req groupRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Group != nil {
		if strings.TrimSpace(*req.Group) == "" {
			return iam.Invalid("group must not be empty")
		}
		g.Name = strings.TrimSpace(*req.Group)
	}
	if req.RoleIDs != nil {
		g.RoleIDs = req.RoleIDs
	}
	g.UpdatedAt = h.Now()
	if err := h.saveGroup(r, c, g, false); err != nil {
		return err
	}
	return api.OK(w, groupResponse{ID: g.ID, Group: g.Name, RoleIDs: g.RoleIDs})
}

var errGroupNotFound = iam.NotFound("SSO group not found")

func (h *Handler) saveGroup(r *http.Request, c *store.SSOConfiguration, g *store.SSOGroup, create bool) error {
	switch err := h.DB.SaveSSOGroup(r.Context(), c.TenantID, g, create); {
	case errors.Is(err, iam.ErrNotFound):
		return errRoleNotFound
	case errors.Is(err, iam.ErrConflict):
		return iam.Conflict("The group %s is already mapped", g.Name)
	case err != nil:
		return err
	}
	return nil
}

// deleteGroup removes a group mapping.
func (h *Handler) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeleteSSOGroup(r.Context(), c.ID, r.PathValue("groupId")); errors.Is(err, iam.ErrNotFound) {
		return errGroupNotFound
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// mappedRoles returns the role ids a user in groups gets from c: the
// mappings of those groups (compared case-insensitively) and c's default roles.
func mappedRoles(c *store.SSOConfiguration, groups []string) []string {
	ids := slices.Clone(c.RoleIDs)
	for _, g := range c.Groups {
		for _, name := range groups {
			if strings.EqualFold(g.Name, name) {
				ids = append(ids, g.RoleIDs...)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
