package rbac

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/store"
)

func (h *Handler) listPermissions(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.DB.FindPermissions(r.Context(), store.PermissionFilter{})
	if err != nil {
		return err
	}
	return api.OK(w, permissions(ps))
}

type permissionInput struct {
	Key            *string `json:"key"`
	Name           *string `json:"name"`
	Description    *string `json:"description"`
	CategoryID     *string `json:"categoryId"`
	AssignmentType *string `json:"assignmentType"`
}

// checkKey validates a permission key: not blank, no spaces, and not in
// Frontegg's reserved fe. namespace.
func checkKey(key string) error {
	switch {
	case key == "":
		return iam.Invalid("key is required")
	case strings.ContainsAny(key, " \t\r\n"):
		return iam.Invalid("key must not contain spaces")
	case strings.HasPrefix(key, "fe."):
		return iam.Invalid("key must not start with fe. (reserved for Frontegg's permissions)")
	}
	return nil
}

func checkAssignmentType(t string) error {
	switch t {
	case iam.AssignAssignable, iam.AssignNever, iam.AssignAlways:
		return nil
	}
	return iam.Invalid("assignmentType must be one of NEVER, ALWAYS, ASSIGNABLE")
}

// createPermissions adds every permission in the body, or none.
func (h *Handler) createPermissions(w http.ResponseWriter, r *http.Request) error {
	in, _, err := api.DecodeList[permissionInput](r)
	if err != nil {
		return err
	}
	now := h.Now()
	ps := make([]*iam.Permission, len(in))
	keys := make([]string, len(in))
	seen := map[string]bool{}
	for i, p := range in {
		np := &iam.Permission{ID: uuid.NewString(), AssignmentType: iam.AssignAssignable, CreatedAt: now, UpdatedAt: now}
		if p.Key != nil {
			np.Key = strings.TrimSpace(*p.Key)
		}
		if err := checkKey(np.Key); err != nil {
			return err
		}
		if seen[np.Key] {
			return iam.Conflict("Permission key %s is listed twice", np.Key)
		}
		seen[np.Key] = true
		if p.Name == nil || strings.TrimSpace(*p.Name) == "" {
			return iam.Invalid("name is required")
		}
		np.Name = strings.TrimSpace(*p.Name)
		if p.Description != nil {
			np.Description = *p.Description
		}
		if p.CategoryID != nil {
			np.CategoryID = strings.TrimSpace(*p.CategoryID)
			if err := h.checkCategory(r, np.CategoryID); err != nil {
				return err
			}
		}
		if p.AssignmentType != nil {
			if err := checkAssignmentType(*p.AssignmentType); err != nil {
				return err
			}
			np.AssignmentType = *p.AssignmentType
		}
		ps[i], keys[i] = np, np.Key
	}
	existing, err := h.DB.FindPermissions(r.Context(), store.PermissionFilter{Keys: keys})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return iam.Conflict("A permission with key %s already exists", existing[0].Key)
	}
	if err := h.DB.CreatePermissions(r.Context(), ps); err != nil {
		return permissionError(err)
	}
	for _, p := range ps {
		p.RoleIDs = []string{}
	}
	return api.Created(w, permissions(ps))
}

// permissionError turns the store's answers about permissions into messages.
func permissionError(err error) error {
	switch {
	case errors.Is(err, iam.ErrConflict):
		return iam.Conflict("A permission with this key already exists")
	case errors.Is(err, iam.ErrNotFound):
		return iam.NotFound("Permission not found")
	}
	return err
}

// checkCategory returns a 404 unless id is "" (no category) or names one.
func (h *Handler) checkCategory(r *http.Request, id string) error {
	if id == "" {
		return nil
	}
	_, err := h.DB.FindPermissionCategory(r.Context(), id)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Category %s not found", id)
	}
	return err
}

// changeablePermission returns the path's permission: a 404 when there is
// none, a 400 for one of Frontegg's own, which cannot change.
func (h *Handler) changeablePermission(r *http.Request) (*iam.Permission, error) {
	p, err := h.DB.FindPermission(r.Context(), r.PathValue("permissionId"))
	if err != nil {
		return nil, permissionError(err)
	}
	if p.FePermission {
		return nil, iam.Invalid("Frontegg permissions cannot be changed")
	}
	return p, nil
}

func (h *Handler) updatePermission(w http.ResponseWriter, r *http.Request) error {
	var in permissionInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	p, err := h.changeablePermission(r)
	if err != nil {
		return err
	}
	if in.Key != nil {
		p.Key = strings.TrimSpace(*in.Key)
		if err := checkKey(p.Key); err != nil {
			return err
		}
	}
	if in.Name != nil {
		if p.Name = strings.TrimSpace(*in.Name); p.Name == "" {
			return iam.Invalid("name must not be empty")
		}
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.CategoryID != nil {
		p.CategoryID = strings.TrimSpace(*in.CategoryID)
		if err := h.checkCategory(r, p.CategoryID); err != nil {
			return err
		}
	}
	p.UpdatedAt = h.Now()
	if err := h.DB.UpdatePermission(r.Context(), p); err != nil {
		return permissionError(err)
	}
	return api.OK(w, permission(p))
}

func (h *Handler) deletePermission(w http.ResponseWriter, r *http.Request) error {
	p, err := h.changeablePermission(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeletePermission(r.Context(), p.ID); err != nil {
		return permissionError(err)
	}
	return api.JSON(w, http.StatusNoContent, nil)
}

// setPermissionRoles makes the permission held by exactly the roles listed.
// A vendor sets it across every role of the environment; a user, across the
// roles of its account only, and only for a permission it holds.
func (h *Handler) setPermissionRoles(w http.ResponseWriter, r *http.Request) error {
	roleIDs, err := api.DecodeIDs(r, "roleIds", true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	owner := ""
	if !p.IsVendor() {
		if owner, err = h.Scope.Tenant(r); err != nil {
			return err
		}
	}
	perm, err := h.DB.FindPermission(ctx, r.PathValue("permissionId"))
	if err != nil {
		return permissionError(err)
	}
	if !p.IsVendor() {
		if perm.AssignmentType == iam.AssignNever {
			return iam.Forbidden("Permission %s cannot be given to account roles", perm.Key)
		}
		if err := scope.CheckGrant(p, []string{perm.Key}); err != nil {
			return err
		}
	}
	if err := h.DB.SetPermissionRoles(ctx, perm.ID, owner, roleIDs, h.Now()); err != nil {
		if errors.Is(err, iam.ErrNotFound) {
			return iam.NotFound("Role not found")
		}
		return err
	}
	if perm, err = h.DB.FindPermission(ctx, perm.ID); err != nil {
		return err
	}
	return api.OK(w, permission(perm))
}

type classificationInput struct {
	PermissionIDs []string `json:"permissionIds"`
	Type          *string  `json:"type"`
}

// classifyPermissions sets the assignment type of every permission listed
// and answers with them.
func (h *Handler) classifyPermissions(w http.ResponseWriter, r *http.Request) error {
	var in classificationInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	ids, err := api.IDs("permissionIds", in.PermissionIDs, false)
	if err != nil {
		return err
	}
	if in.Type == nil {
		return iam.Invalid("type is required")
	}
	if err := checkAssignmentType(*in.Type); err != nil {
		return iam.Invalid("type must be one of NEVER, ALWAYS, ASSIGNABLE")
	}
	if err := h.DB.SetPermissionsAssignmentType(r.Context(), ids, *in.Type, h.Now()); err != nil {
		return permissionError(err)
	}
	ps, err := h.DB.FindPermissions(r.Context(), store.PermissionFilter{IDs: ids})
	if err != nil {
		return err
	}
	return api.OK(w, permissions(ps))
}
