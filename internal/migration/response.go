package migration

import (
	"context"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// userResponse is the user the single migration answers: Frontegg's user shape.
type userResponse struct {
	ID                      string           `json:"id"`
	Email                   string           `json:"email"`
	Username                string           `json:"username,omitempty"`
	Name                    string           `json:"name"`
	ProfilePictureURL       string           `json:"profilePictureUrl"`
	Sub                     string           `json:"sub"`
	Verified                bool             `json:"verified"`
	MFAEnrolled             bool             `json:"mfaEnrolled"`
	PhoneNumber             string           `json:"phoneNumber,omitempty"`
	Roles                   []roleResponse   `json:"roles"`
	Permissions             []permissionResp `json:"permissions"`
	Provider                string           `json:"provider"`
	TenantID                string           `json:"tenantId"`
	TenantIDs               []string         `json:"tenantIds"`
	ActivatedForTenant      bool             `json:"activatedForTenant"`
	IsLocked                bool             `json:"isLocked"`
	Tenants                 []tenantRoles    `json:"tenants"`
	Invisible               bool             `json:"invisible"`
	SuperUser               bool             `json:"superUser"`
	Metadata                string           `json:"metadata"`
	VendorMetadata          string           `json:"vendorMetadata"`
	ExternalID              string           `json:"externalId,omitempty"`
	CreatedAt               time.Time        `json:"createdAt"`
	LastLogin               *time.Time       `json:"lastLogin"`
	SubAccountAccessAllowed bool             `json:"subAccountAccessAllowed"`
	ManagedBy               string           `json:"managedBy"`
	Groups                  []map[string]any `json:"groups"`
}

type roleResponse struct {
	ID            string    `json:"id"`
	VendorID      string    `json:"vendorId"`
	TenantID      string    `json:"tenantId"`
	Key           string    `json:"key"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	IsDefault     bool      `json:"isDefault"`
	FirstUserRole bool      `json:"firstUserRole"`
	Level         int       `json:"level"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	Permissions   []string  `json:"permissions"`
}

type permissionResp struct {
	ID           string    `json:"id"`
	Key          string    `json:"key"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	RoleIDs      []string  `json:"roleIds"`
	CategoryID   string    `json:"categoryId"`
	FePermission bool      `json:"fePermission"`
}

type tenantRoles struct {
	TenantID string         `json:"tenantId"`
	Roles    []roleResponse `json:"roles"`
}

// userResponse renders a just-migrated user with its roles and permissions in its tenant.
func (h *Handler) userResponse(ctx context.Context, u *iam.User, c *checked) (*userResponse, error) {
	authz, err := h.DB.FindAuthz(ctx, u.ID, c.tenantID)
	if err != nil {
		return nil, err
	}
	res := &userResponse{
		ID: u.ID, Email: u.Email, Username: u.Username, Name: u.Name, ProfilePictureURL: u.ProfilePictureURL, Sub: u.ID,
		Verified: u.Verified, MFAEnrolled: u.MFAEnrolled, PhoneNumber: u.PhoneNumber, Provider: u.Provider,
		TenantID: c.tenantID, TenantIDs: []string{c.tenantID}, ActivatedForTenant: true, Metadata: u.Metadata,
		VendorMetadata: c.origin.VendorMetadata, ExternalID: u.ExternalID, CreatedAt: u.CreatedAt, LastLogin: u.LastLogin,
		ManagedBy: "frontegg", Groups: []map[string]any{}, Roles: []roleResponse{}, Permissions: []permissionResp{},
	}
	if res.VendorMetadata == "" {
		res.VendorMetadata = "{}"
	}
	roleIDsOf := map[string][]string{}
	for _, r := range authz.Roles {
		res.Roles = append(res.Roles, roleResponse{ID: r.ID, TenantID: r.TenantID, Key: r.Key, Name: r.Name,
			Description: r.Description, IsDefault: r.IsDefault, FirstUserRole: r.FirstUserRole, Level: r.Level,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Permissions: r.Permissions})
		for _, p := range r.Permissions {
			roleIDsOf[p] = append(roleIDsOf[p], r.ID)
		}
	}
	for _, p := range authz.Permissions {
		res.Permissions = append(res.Permissions, permissionResp{ID: p.ID, Key: p.Key, Name: p.Name, Description: p.Description,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, RoleIDs: roleIDsOf[p.ID], CategoryID: p.CategoryID,
			FePermission: p.FePermission})
	}
	res.Tenants = []tenantRoles{{TenantID: c.tenantID, Roles: res.Roles}}
	return res, nil
}
