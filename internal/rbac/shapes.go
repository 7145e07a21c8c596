package rbac

import (
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// roleJSON is Frontegg's RoleResponse. tenantId is null for roles of the
// whole environment.
type roleJSON struct {
	ID            string    `json:"id"`
	VendorID      string    `json:"vendorId"`
	TenantID      *string   `json:"tenantId"`
	Key           string    `json:"key"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	IsDefault     bool      `json:"isDefault"`
	FirstUserRole bool      `json:"firstUserRole"`
	Level         int       `json:"level"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	Permissions   []string  `json:"permissions"` // permission ids
}

func (h *Handler) role(r *iam.Role) roleJSON {
	perms := r.Permissions
	if perms == nil {
		perms = []string{}
	}
	return roleJSON{ID: r.ID, VendorID: h.VendorID, TenantID: optional(r.TenantID), Key: r.Key, Name: r.Name,
		Description: r.Description, IsDefault: r.IsDefault, FirstUserRole: r.FirstUserRole, Level: r.Level,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Permissions: perms}
}

func (h *Handler) roles(rs []*iam.Role) []roleJSON {
	out := make([]roleJSON, len(rs))
	for i, r := range rs {
		out[i] = h.role(r)
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// permissionJSON is Frontegg's permission, with the roles holding it.
type permissionJSON struct {
	ID             string    `json:"id"`
	Key            string    `json:"key"`
	Name           string    `json:"name"`
	Description    string    `json:"description"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	RoleIDs        []string  `json:"roleIds"`
	CategoryID     *string   `json:"categoryId"`
	FePermission   bool      `json:"fePermission"`
	AssignmentType string    `json:"assignmentType"`
}

func permission(p *iam.Permission) permissionJSON {
	roles := p.RoleIDs
	if roles == nil {
		roles = []string{}
	}
	return permissionJSON{ID: p.ID, Key: p.Key, Name: p.Name, Description: p.Description, CreatedAt: p.CreatedAt,
		UpdatedAt: p.UpdatedAt, RoleIDs: roles, CategoryID: optional(p.CategoryID), FePermission: p.FePermission,
		AssignmentType: p.AssignmentType}
}

func permissions(ps []*iam.Permission) []permissionJSON {
	out := make([]permissionJSON, len(ps))
	for i, p := range ps {
		out[i] = permission(p)
	}
	return out
}

// categoryJSON is a permission category with its permissions' ids.
type categoryJSON struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	FeCategory    bool      `json:"feCategory"`
	PermissionIDs []string  `json:"permissionIds"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

func category(c *iam.PermissionCategory) categoryJSON {
	ids := c.PermissionIDs
	if ids == nil {
		ids = []string{}
	}
	return categoryJSON{ID: c.ID, Name: c.Name, Description: c.Description, FeCategory: c.FeCategory, PermissionIDs: ids,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// userRoleJSON is a role as the user-roles routes list it.
type userRoleJSON struct {
	ID          string    `json:"id"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	IsDefault   bool      `json:"isDefault"`
	Level       int       `json:"level"`
	CreatedAt   time.Time `json:"createdAt"`
}

// userRolesJSON answers POST and DELETE users/v1/{userId}/roles.
type userRolesJSON struct {
	TenantID string         `json:"tenantId"`
	UserID   string         `json:"userId"`
	Roles    []userRoleJSON `json:"roles"`
}
