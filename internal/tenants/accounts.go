package tenants

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

type createRequest struct {
	TenantID       string `json:"tenantId"`
	ParentTenantID string `json:"parentTenantId"`
	tenantFields
}

// createTenant creates an account with the body's tenantId, or a generated
// UUID when there is none. A tenantId in use is a 409.
func (h *Handler) createTenant(w http.ResponseWriter, r *http.Request) error {
	var req createRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return iam.Invalid("name is required")
	}
	id := uuid.NewString()
	if req.TenantID == "" {
		req.TenantID = id
	} else if !validTenantID(req.TenantID) {
		return iam.Invalid("tenantId must be 1 to 255 characters without spaces, '/', '?', '#' or '%%'")
	}
	ctx := r.Context()
	if req.ParentTenantID != "" {
		if _, err := h.DB.FindTenant(ctx, req.ParentTenantID); errors.Is(err, iam.ErrNotFound) {
			return iam.Invalid("parentTenantId must be the tenantId of an existing account")
		} else if err != nil {
			return err
		}
	}
	now := h.Now()
	t := &iam.Tenant{ID: id, TenantID: req.TenantID, ParentTenantID: req.ParentTenantID, Metadata: "{}", CreatedAt: now, UpdatedAt: now}
	if _, err := req.apply(t); err != nil {
		return err
	}
	if err := h.DB.CreateTenant(ctx, t); errors.Is(err, iam.ErrConflict) {
		return iam.Conflict("An account with tenantId %s already exists", t.TenantID)
	} else if err != nil {
		return err
	}
	return api.OK(w, h.tenantJSON(t))
}

// validTenantID reports whether id can name an account in a path segment.
func validTenantID(id string) bool {
	return len(id) <= 255 && !strings.ContainsFunc(id, func(c rune) bool {
		return unicode.IsSpace(c) || unicode.IsControl(c) || strings.ContainsRune("/?#%", c)
	})
}

// getTenantV1 answers the legacy read: an array holding the account, empty
// when there is none (Frontegg's behaviour, which its Terraform provider and
// the Rust client rely on).
func (h *Handler) getTenantV1(w http.ResponseWriter, r *http.Request) error {
	t, err := h.DB.FindTenant(r.Context(), r.PathValue("tenantId"))
	if errors.Is(err, iam.ErrNotFound) {
		return api.OK(w, []tenantJSON{})
	}
	if err != nil {
		return err
	}
	return api.OK(w, []tenantJSON{h.tenantJSON(t)})
}

// getTenant answers the account, or 404.
func (h *Handler) getTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := h.DB.FindTenant(r.Context(), r.PathValue("tenantId"))
	if err != nil {
		return notFound(err)
	}
	return api.OK(w, h.tenantJSON(t))
}

// updateTenant changes the fields the body sends and keeps the others. A
// body that sends none is a 400.
func (h *Handler) updateTenant(w http.ResponseWriter, r *http.Request) error {
	var req tenantFields
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	t, err := h.changeFields(r.Context(), r.PathValue("tenantId"), &req, "The body must set at least one account property")
	if err != nil {
		return err
	}
	return api.OK(w, h.tenantJSON(t))
}

// deleteTenantByID deletes the account named in the path.
func (h *Handler) deleteTenantByID(w http.ResponseWriter, r *http.Request) error {
	if err := h.deleteTenant(r.Context(), r.PathValue("tenantId")); err != nil {
		return err
	}
	return api.NoContent(w)
}

// deleteCurrentTenant deletes the caller's account: the user's active account,
// or for the vendor token the one in frontegg-tenant-id.
func (h *Handler) deleteCurrentTenant(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := callerTenant(r)
	if err != nil {
		return err
	}
	if err := h.deleteTenant(r.Context(), tenantID); err != nil {
		return err
	}
	return api.NoContent(w)
}

// callerTenant returns the account a call acts on: the token's active account,
// or for the vendor token (and on public routes without a token) the
// frontegg-tenant-id header.
func callerTenant(r *http.Request) (string, error) {
	tenantID := r.Header.Get("frontegg-tenant-id")
	if p := api.PrincipalFrom(r.Context()); p != nil {
		tenantID = p.TenantID
	}
	if tenantID == "" {
		return "", iam.Invalid("frontegg-tenant-id header is required")
	}
	return tenantID, nil
}

const (
	defaultListLimit = 50
	maxListLimit     = 200
)

var listSortBy = []string{"createdAt", "name", "tenantId"}

// listTenants answers a page of accounts, filtered by name or tenant id
// (_filter) and by a list of tenant ids (_tenantIds, repeated or
// comma-separated).
func (h *Handler) listTenants(w http.ResponseWriter, r *http.Request) error {
	p, err := api.ParsePaging(r, defaultListLimit)
	if err != nil {
		return err
	}
	switch {
	case p.Limit > maxListLimit:
		return iam.Invalid("_limit must not be greater than %d", maxListLimit)
	case p.SortBy != "" && !slices.Contains(listSortBy, p.SortBy):
		return iam.Invalid("_sortBy must be one of %s", strings.Join(listSortBy, ", "))
	case p.Limit == 0:
		p.Limit = defaultListLimit
	}
	var ids []string
	for _, v := range r.URL.Query()["_tenantIds"] {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	items, total, err := h.DB.FindTenants(r.Context(), store.TenantFilter{Filter: p.Filter, TenantIDs: ids,
		Page: store.Page{Limit: p.Limit, Offset: p.Offset, SortBy: p.SortBy, Desc: p.Desc}})
	if err != nil {
		return err
	}
	out := make([]tenantJSON, len(items))
	for i, t := range items {
		out[i] = h.tenantJSON(t)
	}
	return api.OK(w, api.NewList(out, total, p.Limit))
}

// listAllTenants answers the legacy list: every account, as an array, oldest
// first (Frontegg's Terraform provider and Rust client read it). It pages
// through storage so no single query holds them all.
func (h *Handler) listAllTenants(w http.ResponseWriter, r *http.Request) error {
	out := []tenantJSON{}
	for offset := 0; ; offset += maxListLimit {
		items, total, err := h.DB.FindTenants(r.Context(), store.TenantFilter{Page: store.Page{Limit: maxListLimit, Offset: offset}})
		if err != nil {
			return err
		}
		for _, t := range items {
			out = append(out, h.tenantJSON(t))
		}
		if offset+maxListLimit >= total {
			break
		}
	}
	return api.OK(w, out)
}
