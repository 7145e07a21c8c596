package restrictions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// getIPConfig answers the account's IP restriction configuration.
func (h *Handler) getIPConfig(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	cfg, err := h.IP.Config(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.OK(w, cfg)
}

type ipConfigRequest struct {
	Strategy *string `json:"strategy"`
	IsActive *bool   `json:"isActive"`
}

// saveIPConfig turns the account's IP restrictions on or off and picks the
// list in force; fields left out keep their value.
func (h *Handler) saveIPConfig(w http.ResponseWriter, r *http.Request) error {
	var req ipConfigRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cfg, err := h.IP.Config(ctx, tenantID)
	if err != nil {
		return err
	}
	if req.Strategy != nil {
		if err := checkListType("strategy", *req.Strategy); err != nil {
			return err
		}
		cfg.Strategy = *req.Strategy
	}
	if req.IsActive != nil {
		cfg.IsActive = *req.IsActive
	}
	if err := h.DB.SaveSetting(ctx, tenantID, policy.IPConfigName, cfg, h.Now()); err != nil {
		return err
	}
	h.IP.Invalidate(tenantID)
	if err := h.recordChange(ctx, tenantID, "IP restrictions", map[string]any{"isActive": cfg.IsActive, "strategy": cfg.Strategy}); err != nil {
		return err
	}
	return api.Created(w, cfg)
}

// ipRestrictionJSON is an IP restriction as the API shows it.
type ipRestrictionJSON struct {
	ID          string    `json:"id"`
	IP          string    `json:"ip"`
	Strategy    string    `json:"strategy"`
	IsActive    bool      `json:"isActive"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func ipJSON(e *store.IPRestriction) ipRestrictionJSON {
	return ipRestrictionJSON{ID: e.ID, IP: e.IP, Strategy: e.Strategy, IsActive: e.IsActive, Description: e.Description,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// listIPs answers one page of the account's entries. _offset is a page
// number, as Frontegg documents for this route; _filter matches the IP or
// the description.
func (h *Handler) listIPs(w http.ResponseWriter, r *http.Request) error {
	paging, err := api.ParsePaging(r, 20)
	if err != nil {
		return err
	}
	if paging.Limit < 1 {
		return iam.Invalid("_limit must be at least 1")
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	list, total, err := h.DB.FindIPRestrictions(r.Context(), tenantID, paging.Filter,
		store.Page{Limit: paging.Limit, Offset: paging.Offset * paging.Limit})
	if err != nil {
		return err
	}
	items := make([]ipRestrictionJSON, len(list))
	for i, e := range list {
		items[i] = ipJSON(e)
	}
	return api.OK(w, api.NewList(items, total, paging.Limit))
}

type ipRestrictionRequest struct {
	IP          string `json:"ip"`
	Description string `json:"description"`
	Strategy    string `json:"strategy"`
	IsActive    *bool  `json:"isActive"`
}

// entry validates req (field names prefixed by prefix) and returns the entry
// to store for tenantID.
func (req *ipRestrictionRequest) entry(prefix, tenantID string, now time.Time) (*store.IPRestriction, error) {
	if req.IP == "" {
		return nil, iam.Invalid("%sip is required", prefix)
	}
	_, ip, err := policy.ParseIPRange(req.IP)
	if err != nil {
		return nil, iam.Invalid("%sip must be an IPv4 or IPv6 address or CIDR range", prefix)
	}
	if err := checkListType(prefix+"strategy", req.Strategy); err != nil {
		return nil, err
	}
	if len(req.Description) > 255 {
		return nil, iam.Invalid("%sdescription must be at most 255 characters", prefix)
	}
	active := req.IsActive == nil || *req.IsActive
	return &store.IPRestriction{ID: uuid.NewString(), TenantID: tenantID, IP: ip, Strategy: req.Strategy, IsActive: active,
		Description: req.Description, CreatedAt: now, UpdatedAt: now}, nil
}

// addIP adds an address or range to the account's allow or block list, or
// updates the entry the account already has for it.
func (h *Handler) addIP(w http.ResponseWriter, r *http.Request) error {
	var req ipRestrictionRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	e, err := req.entry("", tenantID, h.Now())
	if err != nil {
		return err
	}
	if err := h.DB.SaveIPRestriction(r.Context(), e); err != nil {
		return err
	}
	if err := h.ipChanged(r.Context(), tenantID, "added", []*store.IPRestriction{e}); err != nil {
		return err
	}
	return api.Created(w, ipJSON(e))
}

type ipBulkRequest struct {
	IPs []ipRestrictionRequest `json:"ips"`
}

// addIPs adds or updates several entries at once: all of them or, when one
// is invalid, none.
func (h *Handler) addIPs(w http.ResponseWriter, r *http.Request) error {
	var req ipBulkRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if len(req.IPs) == 0 || len(req.IPs) > 1000 {
		return iam.Invalid("ips must hold between 1 and 1000 entries")
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	now := h.Now()
	entries := make([]*store.IPRestriction, len(req.IPs))
	for i := range req.IPs {
		if entries[i], err = req.IPs[i].entry(fmt.Sprintf("ips[%d].", i), tenantID, now); err != nil {
			return err
		}
	}
	err = h.DB.InTx(r.Context(), func(tx *store.Tx) error {
		for _, e := range entries {
			if err := tx.SaveIPRestriction(r.Context(), e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := h.ipChanged(r.Context(), tenantID, "added", entries); err != nil {
		return err
	}
	out := make([]ipRestrictionJSON, len(entries))
	for i, e := range entries {
		out[i] = ipJSON(e)
	}
	return api.Created(w, out)
}

// deleteIP removes an entry of the account's lists.
func (h *Handler) deleteIP(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.DB.DeleteIPRestriction(r.Context(), tenantID, id); err != nil {
		if errors.Is(err, iam.ErrNotFound) {
			return iam.NotFound("IP restriction %s not found", id)
		}
		return err
	}
	if err := h.ipChanged(r.Context(), tenantID, "deleted", []*store.IPRestriction{{ID: id}}); err != nil {
		return err
	}
	return api.NoContent(w)
}

// ipChanged makes this node enforce the account's new entries at once and
// records the change.
func (h *Handler) ipChanged(ctx context.Context, tenantID, what string, entries []*store.IPRestriction) error {
	h.IP.Invalidate(tenantID)
	list := make([]map[string]any, len(entries))
	for i, e := range entries {
		list[i] = map[string]any{"id": e.ID, "ip": e.IP, "strategy": e.Strategy, "isActive": e.IsActive}
	}
	return h.recordChange(ctx, tenantID, "IP restrictions", map[string]any{what: list})
}

type ipValidResponse struct {
	Valid bool `json:"valid"`
}

// verifyIP answers whether the caller's address may use the account under
// the restrictions as they stand.
func (h *Handler) verifyIP(w http.ResponseWriter, r *http.Request) error {
	return h.verify(w, r, (*policy.IPRules).Allows)
}

// verifyIPInAllowList answers whether the caller's address is in the
// account's allow list, so that an admin can check before turning it on.
func (h *Handler) verifyIPInAllowList(w http.ResponseWriter, r *http.Request) error {
	return h.verify(w, r, (*policy.IPRules).InAllowList)
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request, test func(*policy.IPRules, string) bool) error {
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	rules, err := h.IP.Rules(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.Created(w, ipValidResponse{Valid: test(rules, api.ClientIP(r.Context()))})
}
