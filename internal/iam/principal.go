package iam

import "slices"

// CallerKind says how a request authenticated.
type CallerKind int

const (
	CallerNone     CallerKind = iota
	CallerVendor              // environment credentials (POST /auth/vendor)
	CallerUser                // a user access token from login
	CallerAPIToken            // a tenantApiToken or userApiToken JWT
)

// Token types, as carried in the JWT "type" claim.
const (
	TokenTypeUser         = "userToken"
	TokenTypeTenantAPI    = "tenantApiToken"
	TokenTypeUserAPI      = "userApiToken"
	TokenTypeTenantAccess = "tenantAccessToken"
	TokenTypeUserAccess   = "userAccessToken"
	TokenTypeVendor       = "vendor"
)

// Principal is who is calling. For a vendor caller, TenantID and UserID come
// from the frontegg-tenant-id and frontegg-user-id headers and may be empty.
type Principal struct {
	Kind        CallerKind
	TokenType   string
	Subject     string // sub claim
	UserID      string
	TenantID    string // active tenant (public tenant id)
	TenantIDs   []string
	SessionID   string
	Roles       []string // role keys
	Permissions []string // permission keys
	Email       string
	Token       string // the raw bearer token, for routes that must re-read it
}

// IsVendor reports whether the caller used environment credentials.
func (p *Principal) IsVendor() bool { return p != nil && p.Kind == CallerVendor }

// Can reports whether the principal holds the permission key. Vendors hold every
// permission. A key ending in ".*" grants every key that shares its prefix.
func (p *Principal) Can(key string) bool {
	if p == nil {
		return false
	}
	if p.Kind == CallerVendor {
		return true
	}
	for _, k := range p.Permissions {
		if k == key || (len(k) > 1 && k[len(k)-1] == '*' && len(key) >= len(k)-1 && key[:len(k)-1] == k[:len(k)-1]) {
			return true
		}
	}
	return false
}

// InTenant reports whether the principal is a member of tenantID.
func (p *Principal) InTenant(tenantID string) bool {
	return p != nil && (p.TenantID == tenantID || slices.Contains(p.TenantIDs, tenantID))
}
