package subaccounts

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/scope"
)

var errNotFound = iam.NotFound("Sub-account not found")

// managed returns the account tenantID if the caller manages it: a vendor
// any account, a user its active account (when self is allowed) and every
// sub-account of it, at any depth. Others are a 404.
func (h *Handler) managed(ctx context.Context, tenantID string, self bool) (*iam.Tenant, error) {
	p := api.PrincipalFrom(ctx)
	if !p.IsVendor() && !(self && tenantID == p.TenantID) {
		below, err := h.DB.IsDescendant(ctx, p.TenantID, tenantID)
		if err != nil {
			return nil, err
		}
		if !below {
			return nil, errNotFound
		}
	}
	t, err := h.DB.FindTenant(ctx, tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errNotFound
	}
	return t, err
}

type createInput struct {
	TenantID       *string `json:"tenantId"`
	Name           *string `json:"name"`
	ParentTenantID *string `json:"parentTenantId"`
	Status         *string `json:"status"`
	Logo           *string `json:"logo"`
	LogoURL        *string `json:"logoUrl"`
	Website        *string `json:"website"`
	ApplicationURL *string `json:"applicationUrl"`
	Address        *string `json:"address"`
	Timezone       *string `json:"timezone"`
	Currency       *string `json:"currency"`
	CreatorName    *string `json:"creatorName"`
	CreatorEmail   *string `json:"creatorEmail"`
	IsReseller     *bool   `json:"isReseller"`
}

// createSubAccount creates an account under parentTenantId: for a user, its
// active account or one of that account's sub-accounts.
func (h *Handler) createSubAccount(w http.ResponseWriter, r *http.Request) error {
	var in createInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	for field, v := range map[string]*string{"tenantId": in.TenantID, "name": in.Name, "parentTenantId": in.ParentTenantID} {
		if v == nil || strings.TrimSpace(*v) == "" {
			return iam.Invalid("%s is required", field)
		}
	}
	ctx := r.Context()
	parent, err := h.managed(ctx, strings.TrimSpace(*in.ParentTenantID), true)
	if errors.Is(err, errNotFound) {
		return iam.NotFound("Parent account not found")
	}
	if err != nil {
		return err
	}
	now := h.Now()
	id := strings.TrimSpace(*in.TenantID)
	t := &iam.Tenant{ID: uuid.NewString(), TenantID: id, Name: strings.TrimSpace(*in.Name), ParentTenantID: parent.TenantID,
		Metadata: "{}", IsReseller: in.IsReseller != nil && *in.IsReseller, CreatedAt: now, UpdatedAt: now}
	for _, f := range []struct {
		in  *string
		dst *string
	}{{in.Logo, &t.LogoURL}, {in.LogoURL, &t.LogoURL}, {in.Website, &t.Website}, {in.ApplicationURL, &t.ApplicationURL},
		{in.Address, &t.Address}, {in.Timezone, &t.Timezone}, {in.Currency, &t.Currency}, {in.CreatorName, &t.CreatorName},
		{in.CreatorEmail, &t.CreatorEmail}} {
		if f.in != nil {
			*f.dst = strings.TrimSpace(*f.in)
		}
	}
	if err := h.DB.CreateTenant(ctx, t); errors.Is(err, iam.ErrConflict) {
		return iam.Conflict("An account with tenantId %s already exists", id)
	} else if err != nil {
		return err
	}
	return api.OK(w, h.tenant(t))
}

type updateInput struct {
	Name *string `json:"name"`
}

func (h *Handler) updateSubAccount(w http.ResponseWriter, r *http.Request) error {
	var in updateInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	t, err := h.managed(r.Context(), r.PathValue("tenantId"), false)
	if err != nil {
		return err
	}
	if in.Name != nil {
		if t.Name = strings.TrimSpace(*in.Name); t.Name == "" {
			return iam.Invalid("name must not be empty")
		}
	}
	return h.save(w, r, t)
}

func (h *Handler) save(w http.ResponseWriter, r *http.Request, t *iam.Tenant) error {
	t.UpdatedAt = h.Now()
	if err := h.DB.UpdateTenant(r.Context(), t); err != nil {
		return err
	}
	return api.OK(w, h.tenant(t))
}

type managementInput struct {
	IsReseller *bool `json:"isReseller"`
}

// updateManagement lets a sub-account manage sub-accounts of its own
// (isReseller).
func (h *Handler) updateManagement(w http.ResponseWriter, r *http.Request) error {
	var in managementInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.IsReseller == nil {
		return iam.Invalid("isReseller is required")
	}
	t, err := h.managed(r.Context(), r.PathValue("tenantId"), false)
	if err != nil {
		return err
	}
	t.IsReseller = *in.IsReseller
	return h.save(w, r, t)
}

// deleteSubAccount deletes a sub-account that has none of its own (a 409
// otherwise, so no account is orphaned), with its memberships, roles and
// settings; its sessions end.
func (h *Handler) deleteSubAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := h.managed(ctx, r.PathValue("tenantId"), false)
	if err != nil {
		return err
	}
	if t.ParentTenantID == "" {
		return errNotFound
	}
	children, err := h.DB.CountDescendants(ctx, []string{t.TenantID})
	if err != nil {
		return err
	}
	if children[t.TenantID] > 0 {
		return iam.Conflict("Delete the sub-accounts of this account first")
	}
	if err := h.DB.DeleteTenant(ctx, t.TenantID, h.Now()); errors.Is(err, iam.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}

type hierarchySettingsJSON struct {
	TenantID             string `json:"tenantId"`
	SubAccountAccessType string `json:"subAccountAccessType"`
}

// updateHierarchySettings sets how the members of an account (the caller's
// own or a sub-account of it) reach its sub-accounts.
func (h *Handler) updateHierarchySettings(w http.ResponseWriter, r *http.Request) error {
	var in scope.HierarchySettings
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	switch in.SubAccountAccessType {
	case iam.SubAccountDefaultOff, iam.SubAccountDefaultOn, iam.SubAccountAlwaysOn:
	default:
		return iam.Invalid("subAccountAccessType must be one of defaultOff, defaultOn, alwaysOn")
	}
	ctx := r.Context()
	t, err := h.managed(ctx, r.PathValue("tenantId"), true)
	if err != nil {
		return err
	}
	if err := h.DB.SaveSetting(ctx, t.TenantID, scope.HierarchySettingsName, in, h.Now()); err != nil {
		return err
	}
	return api.OK(w, hierarchySettingsJSON{TenantID: t.TenantID, SubAccountAccessType: in.SubAccountAccessType})
}

type accessInput struct {
	AllowAccess *bool `json:"allowAccess"`
}

type accessJSON struct {
	UserID      string `json:"userId"`
	TenantID    string `json:"tenantId"`
	AllowAccess bool   `json:"allowAccess"`
}

// setUserAccess gives or takes a member of the request's account the right
// to act in the account's sub-accounts.
func (h *Handler) setUserAccess(w http.ResponseWriter, r *http.Request) error {
	var in accessInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.AllowAccess == nil {
		return iam.Invalid("allowAccess is required")
	}
	tenantID, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	userID := r.PathValue("userId")
	if err := h.DB.SetSubAccountAccess(r.Context(), userID, tenantID, *in.AllowAccess); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User not found")
	} else if err != nil {
		return err
	}
	return api.OK(w, accessJSON{UserID: userID, TenantID: tenantID, AllowAccess: *in.AllowAccess})
}
