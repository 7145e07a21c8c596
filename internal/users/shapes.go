package users

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// userJSON is Frontegg's user (IUserProfile / the users/v3 item): every user
// route answers with it. Roles and permissions are those of TenantID.
type userJSON struct {
	ID                      string           `json:"id"`
	Email                   string           `json:"email"`
	Name                    string           `json:"name"`
	Username                string           `json:"username,omitempty"`
	ProfilePictureURL       string           `json:"profilePictureUrl"`
	Sub                     string           `json:"sub"`
	Verified                bool             `json:"verified"`
	MFAEnrolled             bool             `json:"mfaEnrolled"`
	MFABypass               bool             `json:"mfaBypass"`
	PhoneNumber             string           `json:"phoneNumber,omitempty"`
	Roles                   []roleJSON       `json:"roles"`
	Permissions             []permissionJSON `json:"permissions"`
	Provider                string           `json:"provider"`
	TenantID                string           `json:"tenantId"`
	TenantIDs               []string         `json:"tenantIds"`
	ActivatedForTenant      bool             `json:"activatedForTenant"`
	IsLocked                bool             `json:"isLocked"`
	IsDisabled              bool             `json:"isDisabled"`
	Tenants                 []userTenantJSON `json:"tenants"`
	Invisible               bool             `json:"invisible"`
	SuperUser               bool             `json:"superUser"`
	Metadata                string           `json:"metadata"`
	VendorMetadata          string           `json:"vendorMetadata"`
	ExternalID              string           `json:"externalId,omitempty"`
	CreatedAt               time.Time        `json:"createdAt"`
	LastLogin               *time.Time       `json:"lastLogin,omitempty"`
	TemporaryExpirationDate *time.Time       `json:"temporaryExpirationDate,omitempty"`
	SubAccountAccessAllowed bool             `json:"subAccountAccessAllowed"`
	ManagedBy               string           `json:"managedBy"`
}

// userTenantJSON is one of a user's tenants with the roles held there.
type userTenantJSON struct {
	TenantID                string     `json:"tenantId"`
	Roles                   []roleJSON `json:"roles"`
	TemporaryExpirationDate *time.Time `json:"temporaryExpirationDate,omitempty"`
	IsDisabled              bool       `json:"isDisabled"`
}

// roleJSON is Frontegg's role; permissions are permission ids.
type roleJSON struct {
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

// permissionJSON is Frontegg's permission; roleIds are the caller's roles that grant it.
type permissionJSON struct {
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

// tenantJSON is Frontegg's tenant (ITenantsResponse) as the me routes show it.
type tenantJSON struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	TenantID       string     `json:"tenantId"`
	VendorID       string     `json:"vendorId"`
	Metadata       string     `json:"metadata"`
	IsReseller     bool       `json:"isReseller"`
	ParentTenantID string     `json:"parentTenantId,omitempty"`
	Address        string     `json:"address,omitempty"`
	Timezone       string     `json:"timezone,omitempty"`
	DateFormat     string     `json:"dateFormat,omitempty"`
	TimeFormat     string     `json:"timeFormat,omitempty"`
	Currency       string     `json:"currency,omitempty"`
	Logo           string     `json:"logo,omitempty"`
	LogoURL        string     `json:"logoUrl,omitempty"`
	ApplicationURL string     `json:"applicationUrl,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
	DeletedAt      *time.Time `json:"deletedAt"`
}

func (h *Handler) tenantJSON(t *iam.Tenant) tenantJSON {
	return tenantJSON{
		ID: t.ID, Name: t.Name, TenantID: t.TenantID, VendorID: h.ClientID, Metadata: t.Metadata, IsReseller: t.IsReseller,
		ParentTenantID: t.ParentTenantID, Address: t.Address, Timezone: t.Timezone, DateFormat: t.DateFormat,
		TimeFormat: t.TimeFormat, Currency: t.Currency, Logo: t.LogoURL, LogoURL: t.LogoURL, ApplicationURL: t.ApplicationURL,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, DeletedAt: t.DeletedAt,
	}
}

func (h *Handler) roleJSON(r *iam.Role) roleJSON {
	perms := r.Permissions
	if perms == nil {
		perms = []string{}
	}
	return roleJSON{
		ID: r.ID, VendorID: h.ClientID, TenantID: r.TenantID, Key: r.Key, Name: r.Name, Description: r.Description,
		IsDefault: r.IsDefault, FirstUserRole: r.FirstUserRole, Level: r.Level, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Permissions: perms,
	}
}

func (h *Handler) rolesJSON(roles []*iam.Role) []roleJSON {
	out := make([]roleJSON, len(roles))
	for i, r := range roles {
		out[i] = h.roleJSON(r)
	}
	return out
}

// authzJSON returns roles and the permissions they grant, each permission
// naming the roles (of these) that grant it. perms holds permission objects by id.
func (h *Handler) authzJSON(roles []*iam.Role, perms map[string]*iam.Permission) ([]roleJSON, []permissionJSON) {
	byID := map[string]*permissionJSON{}
	var order []string
	for _, r := range roles {
		for _, pid := range r.Permissions {
			p := perms[pid]
			if p == nil {
				continue
			}
			pj := byID[pid]
			if pj == nil {
				pj = &permissionJSON{ID: p.ID, Key: p.Key, Name: p.Name, Description: p.Description, CreatedAt: p.CreatedAt,
					UpdatedAt: p.UpdatedAt, RoleIDs: []string{}, CategoryID: p.CategoryID, FePermission: p.FePermission}
				byID[pid] = pj
				order = append(order, pid)
			}
			pj.RoleIDs = append(pj.RoleIDs, r.ID)
		}
	}
	slices.SortFunc(order, func(a, b string) int { return strings.Compare(byID[a].Key, byID[b].Key) })
	outPerms := make([]permissionJSON, 0, len(order))
	for _, id := range order {
		outPerms = append(outPerms, *byID[id])
	}
	return h.rolesJSON(roles), outPerms
}

// usersJSON renders users with their tenants and roles, loaded together.
// Each user is shown in tenantID when it is a member of it, else in its
// active tenant, else in its oldest membership.
func (h *Handler) usersJSON(ctx context.Context, users []*iam.User, tenantID string) ([]userJSON, error) {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	d, err := h.DB.FindUserDetails(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := h.Now()
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = h.userJSON(u, d, tenantID, now)
	}
	return out, nil
}

// userJSON renders one user of d; see usersJSON for the tenant it is shown in.
func (h *Handler) userJSON(u *iam.User, d *store.UserDetails, tenantID string, now time.Time) userJSON {
	vendor := d.Vendor[u.ID]
	j := userJSON{
		ID: u.ID, Email: u.Email, Name: u.Name, Username: u.Username, ProfilePictureURL: u.ProfilePictureURL, Sub: u.ID,
		Verified: u.Verified, MFAEnrolled: u.MFAEnrolled, MFABypass: vendor.MFABypass, PhoneNumber: u.PhoneNumber,
		Roles: []roleJSON{}, Permissions: []permissionJSON{}, Provider: u.Provider, TenantIDs: []string{},
		IsLocked: u.LockedAt(now), Tenants: []userTenantJSON{},
		Invisible: u.Invisible, SuperUser: u.SuperUser, Metadata: orEmptyObject(u.Metadata),
		VendorMetadata: orEmptyObject(vendor.Metadata), ExternalID: u.ExternalID, CreatedAt: u.CreatedAt, LastLogin: u.LastLogin,
		TemporaryExpirationDate: u.TemporaryExpires, ManagedBy: "frontegg",
	}
	members := d.Tenants[u.ID]
	for _, m := range members {
		j.TenantIDs = append(j.TenantIDs, m.TenantID)
		j.Tenants = append(j.Tenants, userTenantJSON{TenantID: m.TenantID, Roles: h.rolesJSON(m.Roles),
			TemporaryExpirationDate: u.TemporaryExpires, IsDisabled: m.Disabled})
	}
	shown, ok := d.Tenant(u.ID, tenantID)
	if !ok {
		shown, ok = d.Tenant(u.ID, u.ActiveTenantID)
	}
	if !ok && len(members) > 0 {
		shown, ok = members[0], true
	}
	if ok {
		j.TenantID, j.ActivatedForTenant, j.IsDisabled = shown.TenantID, shown.ActivatedForTenant, shown.Disabled
		j.Roles, j.Permissions = h.authzJSON(shown.Roles, d.Permissions)
	}
	return j
}

// userResponse renders one user; see usersJSON for tenantID.
func (h *Handler) userResponse(ctx context.Context, u *iam.User, tenantID string) (userJSON, error) {
	out, err := h.usersJSON(ctx, []*iam.User{u}, tenantID)
	if err != nil {
		return userJSON{}, err
	}
	return out[0], nil
}

func orEmptyObject(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}
