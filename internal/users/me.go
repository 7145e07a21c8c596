package users

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/bounded"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// getMe answers the caller's profile, shown in the token's active tenant.
//
// The profile comes from the store's copy, kept while the user is unchanged
// (store.FindUserProfile), and the answer rendered from that copy is kept
// beside it (meAnswers): every authenticated page load asks for it.
func (h *Handler) getMe(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	u, d, err := h.DB.FindUserProfile(r.Context(), id)
	if err != nil {
		return h.selfMissing(r, err)
	}
	tenantID, now := scopeTenant(r), h.Now()
	body, ok := h.me.get(id, tenantID, d, now)
	if !ok {
		if body, err = api.Encode(h.userJSON(u, d, tenantID, now)); err != nil {
			return err
		}
		var until time.Time // the answer's isLocked turns false when a temporary lock ends
		if u.LockedUntil != nil && u.LockedUntil.After(now) {
			until = *u.LockedUntil
		}
		h.me.put(id, tenantID, meAnswer{from: d, until: until, body: body})
	}
	return api.RawJSON(w, http.StatusOK, body)
}

// meAnswers keeps the rendered users/v2/me answer of each user and tenant
// with the profile copy it was rendered from. The store hands out the same
// copy (the same *store.UserDetails) while the user is unchanged and a new
// one after any change, so an answer is reused only while its copy is the
// current one; holding the copy keeps its address from being reused.
type meAnswers struct {
	mu sync.Mutex
	m  map[[2]string]meAnswer // by user id and tenant id
}

type meAnswer struct {
	from  *store.UserDetails
	until time.Time // zero: for as long as from is current
	body  []byte
}

// maxMeAnswers bounds the answers kept (bounded.MakeRoom).
const maxMeAnswers = 1024

func (c *meAnswers) get(userID, tenantID string, from *store.UserDetails, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	a, ok := c.m[[2]string{userID, tenantID}]
	c.mu.Unlock()
	if !ok || a.from != from || (!a.until.IsZero() && !now.Before(a.until)) {
		return nil, false
	}
	return a.body, true
}

func (c *meAnswers) put(userID, tenantID string, a meAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[[2]string]meAnswer)
	}
	bounded.MakeRoom(c.m, maxMeAnswers)
	c.m[[2]string{userID, tenantID}] = a
}

// authorizationJSON is the caller's roles and permissions in its active tenant.
type authorizationJSON struct {
	Roles       []roleJSON       `json:"roles"`
	Permissions []permissionJSON `json:"permissions"`
}

// getMyAuthorization answers the caller's roles and permissions in the token's tenant.
func (h *Handler) getMyAuthorization(w http.ResponseWriter, r *http.Request) error {
	u, err := h.self(r)
	if err != nil {
		return err
	}
	az, err := h.DB.FindAuthz(r.Context(), u.ID, scopeTenant(r))
	if err != nil {
		return err
	}
	perms := make(map[string]*iam.Permission, len(az.Permissions))
	for _, p := range az.Permissions {
		perms[p.ID] = p
	}
	var out authorizationJSON
	out.Roles, out.Permissions = h.authzJSON(az.Roles, perms)
	return api.OK(w, out)
}

// myTenants returns the tenants the caller may use (disabled memberships do
// not count), oldest membership first, and the active one: the token's
// tenant, else the user's active tenant, else the first. active is nil when
// the user belongs to no tenant.
func (h *Handler) myTenants(r *http.Request) (tenants []tenantJSON, active *tenantJSON, err error) {
	u, err := h.self(r)
	if err != nil {
		return nil, nil, err
	}
	ctx := r.Context()
	ms, err := h.DB.FindMemberships(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, m := range ms {
		if !m.Disabled {
			ids = append(ids, m.TenantID)
		}
	}
	found, err := h.DB.FindTenantsByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]*iam.Tenant, len(found))
	for _, t := range found {
		byID[t.TenantID] = t
	}
	tenants = []tenantJSON{}
	for _, id := range ids {
		if t := byID[id]; t != nil {
			tenants = append(tenants, h.tenantJSON(t))
		}
	}
	for _, want := range []string{scopeTenant(r), u.ActiveTenantID} {
		for i := range tenants {
			if active == nil && want != "" && tenants[i].TenantID == want {
				active = &tenants[i]
			}
		}
	}
	if active == nil && len(tenants) > 0 {
		active = &tenants[0]
	}
	return tenants, active, nil
}

type myTenantsJSON struct {
	Tenants      []tenantJSON `json:"tenants"`
	ActiveTenant *tenantJSON  `json:"activeTenant"`
}

// getMyTenantsWithActive answers {tenants, activeTenant} (users/v1 and v3 me/tenants).
func (h *Handler) getMyTenantsWithActive(w http.ResponseWriter, r *http.Request) error {
	tenants, active, err := h.myTenants(r)
	if err != nil {
		return err
	}
	return api.OK(w, myTenantsJSON{Tenants: tenants, ActiveTenant: active})
}

// getMyTenants answers the caller's tenants as an array (users/v2/me/tenants).
func (h *Handler) getMyTenants(w http.ResponseWriter, r *http.Request) error {
	tenants, _, err := h.myTenants(r)
	if err != nil {
		return err
	}
	return api.OK(w, tenants)
}

// maxHierarchyDepth bounds the walk up a tenant's parents.
const maxHierarchyDepth = 32

// getMyTenantsHierarchy answers the caller's tenants without those that lie
// under another of them: membership of a parent reaches its sub-tenants.
// Each tenant carries its parentTenantId.
func (h *Handler) getMyTenantsHierarchy(w http.ResponseWriter, r *http.Request) error {
	tenants, _, err := h.myTenants(r)
	if err != nil {
		return err
	}
	mine := make(map[string]bool, len(tenants))
	for _, t := range tenants {
		mine[t.TenantID] = true
	}
	out := []tenantJSON{}
	for _, t := range tenants {
		under, err := h.hasAncestorIn(r.Context(), t.ParentTenantID, mine)
		if err != nil {
			return err
		}
		if !under {
			out = append(out, t)
		}
	}
	return api.OK(w, out)
}

// hasAncestorIn reports whether parentID or one of its ancestors is in set.
func (h *Handler) hasAncestorIn(ctx context.Context, parentID string, set map[string]bool) (bool, error) {
	for depth := 0; parentID != "" && depth < maxHierarchyDepth; depth++ {
		if set[parentID] {
			return true, nil
		}
		p, err := h.DB.FindTenant(ctx, parentID)
		if errors.Is(err, iam.ErrNotFound) {
			return false, nil // a dangling parent ends the chain
		}
		if err != nil {
			return false, err
		}
		parentID = p.ParentTenantID
	}
	return false, nil
}
