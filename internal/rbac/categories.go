package rbac

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

func (h *Handler) listCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.DB.FindPermissionCategories(r.Context())
	if err != nil {
		return err
	}
	out := make([]categoryJSON, len(cs))
	for i, c := range cs {
		out[i] = category(c)
	}
	return api.OK(w, out)
}

type categoryInput struct {
	ID          *string `json:"id"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func (h *Handler) createCategory(w http.ResponseWriter, r *http.Request) error {
	var in categoryInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	now := h.Now()
	c := &iam.PermissionCategory{ID: uuid.NewString(), CreatedAt: now, UpdatedAt: now}
	if in.ID != nil {
		if c.ID = strings.TrimSpace(*in.ID); c.ID == "" {
			return iam.Invalid("id must not be empty")
		}
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return iam.Invalid("name is required")
	}
	c.Name = strings.TrimSpace(*in.Name)
	if in.Description != nil {
		c.Description = *in.Description
	}
	if err := h.DB.CreatePermissionCategory(r.Context(), c); err != nil {
		if errors.Is(err, iam.ErrConflict) {
			return iam.Conflict("A category with id %s already exists", c.ID)
		}
		return err
	}
	c.PermissionIDs = []string{}
	return api.Created(w, category(c))
}

// changeableCategory returns the path's category: a 404 when there is none, a
// 400 for one of Frontegg's own, which cannot change.
func (h *Handler) changeableCategory(r *http.Request) (*iam.PermissionCategory, error) {
	c, err := h.DB.FindPermissionCategory(r.Context(), r.PathValue("categoryId"))
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("Category not found")
	}
	if err == nil && c.FeCategory {
		return nil, iam.Invalid("Frontegg categories cannot be changed")
	}
	return c, err
}

func (h *Handler) updateCategory(w http.ResponseWriter, r *http.Request) error {
	var in categoryInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	c, err := h.changeableCategory(r)
	if err != nil {
		return err
	}
	if in.Name != nil {
		if c.Name = strings.TrimSpace(*in.Name); c.Name == "" {
			return iam.Invalid("name must not be empty")
		}
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	c.UpdatedAt = h.Now()
	if err := h.DB.UpdatePermissionCategory(r.Context(), c); err != nil {
		return err
	}
	return api.OK(w, category(c))
}

func (h *Handler) deleteCategory(w http.ResponseWriter, r *http.Request) error {
	c, err := h.changeableCategory(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeletePermissionCategory(r.Context(), c.ID); err != nil {
		return err
	}
	return api.NoContent(w)
}
