package scope

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// TenantHeader names the account a request acts in.
const TenantHeader = "frontegg-tenant-id"

// HierarchySettingsName is the per-account settings document of sub-account
// access; HierarchySettings is its shape.
const HierarchySettingsName = "hierarchy-settings"

// HierarchySettings says how an account's members reach its sub-accounts.
type HierarchySettings struct {
	SubAccountAccessType string `json:"subAccountAccessType"` // iam.SubAccountDefaultOff (the default), DefaultOn or AlwaysOn
}

// Resolver answers the questions of this package from storage.
type Resolver struct {
	DB *store.DB
}

// ErrNoAccess is the one answer to a caller that may not act in an account.
var ErrNoAccess = iam.Forbidden("You do not have access to this account")

// Tenant returns the account the request acts in. A vendor names it with the
// frontegg-tenant-id header and gets a 400 without it. Users and API tokens
// act in their active account, or in the account the header names when they
// may (see Reach).
func (rs *Resolver) Tenant(r *http.Request) (string, error) {
	id, err := rs.OptionalTenant(r)
	if err == nil && id == "" {
		err = iam.Invalid("%s header is required", TenantHeader)
	}
	return id, err
}

// OptionalTenant is Tenant for routes where a vendor may act on the whole
// environment: it returns "" for a vendor that sends no header.
func (rs *Resolver) OptionalTenant(r *http.Request) (string, error) {
	p := api.PrincipalFrom(r.Context())
	want := strings.TrimSpace(r.Header.Get(TenantHeader))
	if p.IsVendor() {
		return want, nil
	}
	if want == "" || want == p.TenantID {
		return p.TenantID, nil
	}
	return want, rs.Reach(r.Context(), p, want)
}

// Reach returns nil when the principal may act in tenantID: vendors in any
// account, every caller in its active account, and users in the
// sub-accounts (at any depth) of their active account when they have
// sub-account access there: set for them, or by the account's
// subAccountAccessType (alwaysOn for everyone; defaultOn unless taken away).
// Otherwise it returns ErrNoAccess.
func (rs *Resolver) Reach(ctx context.Context, p *iam.Principal, tenantID string) error {
	switch {
	case p.IsVendor(), tenantID != "" && tenantID == p.TenantID:
		return nil
	case p == nil || p.Kind != iam.CallerUser || tenantID == "":
		return ErrNoAccess
	}
	below, err := rs.DB.IsDescendant(ctx, p.TenantID, tenantID)
	if err != nil {
		return err
	}
	if !below {
		return ErrNoAccess
	}
	ok, err := rs.SubAccountAccess(ctx, p.UserID, p.TenantID)
	if errors.Is(err, iam.ErrNotFound) || err == nil && !ok {
		return ErrNoAccess
	}
	return err
}

// SubAccountAccess reports whether the member of tenantID may act in its
// sub-accounts. It returns iam.ErrNotFound when the user is not a member.
func (rs *Resolver) SubAccountAccess(ctx context.Context, userID, tenantID string) (bool, error) {
	own, err := rs.DB.FindSubAccountAccess(ctx, userID, tenantID)
	if err != nil {
		return false, err
	}
	settings, err := rs.HierarchySettings(ctx, tenantID)
	if err != nil {
		return false, err
	}
	switch {
	case settings.SubAccountAccessType == iam.SubAccountAlwaysOn:
		return true, nil
	case own != nil:
		return *own, nil
	}
	return settings.SubAccountAccessType == iam.SubAccountDefaultOn, nil
}

// HierarchySettings returns the account's sub-account settings, defaultOff
// when never saved.
func (rs *Resolver) HierarchySettings(ctx context.Context, tenantID string) (HierarchySettings, error) {
	s := HierarchySettings{SubAccountAccessType: iam.SubAccountDefaultOff}
	if err := rs.DB.FindSetting(ctx, tenantID, HierarchySettingsName, &s); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return s, err
	}
	return s, nil
}

// Missing returns the keys the principal does not hold (a held wildcard such
// as fe.secure.* covers the keys it prefixes), sorted and without repeats.
func Missing(p *iam.Principal, keys []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		if !seen[k] && !p.Can(k) {
			out = append(out, k)
		}
		seen[k] = true
	}
	sort.Strings(out)
	return out
}

// CheckGrant returns a 403 naming the permissions the principal would pass
// on without holding them, or nil: nobody grants what they do not hold.
func CheckGrant(p *iam.Principal, keys []string) error {
	if missing := Missing(p, keys); len(missing) > 0 {
		return iam.Forbidden("You cannot grant permissions you do not hold: %s", strings.Join(missing, ", "))
	}
	return nil
}

// CheckRoleGrant is CheckGrant for the permissions of roles.
func (rs *Resolver) CheckRoleGrant(ctx context.Context, p *iam.Principal, roleIDs []string) error {
	if p.IsVendor() || len(roleIDs) == 0 {
		return nil
	}
	byRole, err := rs.DB.RolePermissionKeys(ctx, roleIDs)
	if err != nil {
		return err
	}
	var keys []string
	for _, ks := range byRole {
		keys = append(keys, ks...)
	}
	return CheckGrant(p, keys)
}
