package groups

import (
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

type groupRoleJSON struct {
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
}

type groupUserJSON struct {
	ID                 string    `json:"id"`
	Email              string    `json:"email"`
	Name               string    `json:"name"`
	ProfilePictureURL  string    `json:"profilePictureUrl"` // "" when none, as on the user routes
	CreatedAt          time.Time `json:"createdAt"`
	ActivatedForTenant bool      `json:"activatedForTenant"`
}

// groupJSON is Frontegg's group; roles and users are filled when the
// request's _groupsRelations asks for them, and empty otherwise.
type groupJSON struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Color       string          `json:"color"`
	Description string          `json:"description"`
	Metadata    string          `json:"metadata"`
	Roles       []groupRoleJSON `json:"roles"`
	Users       []groupUserJSON `json:"users"`
	ManagedBy   string          `json:"managedBy"`
	CreatedAt   time.Time       `json:"createdAt"`
	UpdatedAt   time.Time       `json:"updatedAt"`
}

func (h *Handler) group(g *iam.Group) groupJSON {
	out := groupJSON{ID: g.ID, Name: g.Name, Color: g.Color, Description: g.Description, Metadata: g.Metadata,
		Roles: make([]groupRoleJSON, len(g.Roles)), Users: make([]groupUserJSON, len(g.Members)), ManagedBy: g.ManagedBy,
		CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
	for i, r := range g.Roles {
		var tenantID *string
		if r.TenantID != "" {
			tenantID = &r.TenantID
		}
		out.Roles[i] = groupRoleJSON{ID: r.ID, VendorID: h.VendorID, TenantID: tenantID, Key: r.Key, Name: r.Name,
			Description: r.Description, IsDefault: r.IsDefault, FirstUserRole: r.FirstUserRole, Level: r.Level,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	}
	for i, m := range g.Members {
		out.Users[i] = groupUserJSON{ID: m.User.ID, Email: m.User.Email, Name: m.User.Name, ProfilePictureURL: m.User.ProfilePictureURL,
			CreatedAt: m.User.CreatedAt, ActivatedForTenant: m.ActivatedForTenant}
	}
	return out
}

func (h *Handler) groups(gs []*iam.Group) []groupJSON {
	out := make([]groupJSON, len(gs))
	for i, g := range gs {
		out[i] = h.group(g)
	}
	return out
}

type groupsJSON struct {
	Groups []groupJSON `json:"groups"`
}
