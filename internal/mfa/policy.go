package mfa

import (
	"errors"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

// policyJSON is Frontegg's MFA policy shape.
type policyJSON struct {
	ID                    string    `json:"id"`
	EnforceMFAType        string    `json:"enforceMFAType"`
	AllowRememberMyDevice bool      `json:"allowRememberMyDevice"`
	MFADeviceExpiration   int       `json:"mfaDeviceExpiration"`
	CreatedAt             time.Time `json:"createdAt"`
	UpdatedAt             time.Time `json:"updatedAt"`
}

func policyOut(d *policy.Document[factors.MFAPolicy]) policyJSON {
	return policyJSON{ID: d.ID, EnforceMFAType: d.Policy.EnforceMFAType, AllowRememberMyDevice: d.Policy.AllowRememberMyDevice,
		MFADeviceExpiration: d.Policy.MFADeviceExpiration, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// policyRequest is the body of POST, PATCH and PUT: absent fields keep their value.
type policyRequest struct {
	EnforceMFAType        *string `json:"enforceMFAType"`
	AllowRememberMyDevice *bool   `json:"allowRememberMyDevice"`
	MFADeviceExpiration   *int    `json:"mfaDeviceExpiration"`
}

func (req *policyRequest) apply(p *factors.MFAPolicy) {
	if req.EnforceMFAType != nil {
		p.EnforceMFAType = *req.EnforceMFAType
	}
	if req.AllowRememberMyDevice != nil {
		p.AllowRememberMyDevice = *req.AllowRememberMyDevice
	}
	if req.MFADeviceExpiration != nil {
		p.MFADeviceExpiration = *req.MFADeviceExpiration
	}
}

// scope returns the account the caller acts on: a user's or API token's
// active account; for the vendor, the frontegg-tenant-id header's account,
// or "" (the environment) without the header. An unknown account is a 404.
func (h *Handler) scope(r *http.Request) (string, error) {
	p := api.PrincipalFrom(r.Context())
	if !p.IsVendor() {
		if p.TenantID == "" {
			return "", iam.Forbidden("The caller is not in an account")
		}
		return p.TenantID, nil
	}
	if p.TenantID == "" {
		return "", nil
	}
	_, err := h.DB.FindTenant(r.Context(), p.TenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return "", iam.NotFound("Account %s not found", p.TenantID)
	}
	return p.TenantID, err
}

// writePolicy validates the policy that change makes of the scope's current
// one (an account without its own starts from the environment's) and saves
// it: create refuses an existing policy (409), update a missing account
// policy (404), upsert does either. An account's policy may be stricter than
// the environment's, never looser (400 naming the field).
func (h *Handler) writePolicy(r *http.Request, mode string) (*policy.Document[factors.MFAPolicy], error) {
	var req policyRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	cur, err := h.Factors.Policies.Find(ctx, tenantID)
	exists := err == nil && cur.Saved
	switch {
	case errors.Is(err, iam.ErrNotFound):
		if cur, err = h.Factors.Policies.Find(ctx, ""); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	switch {
	case mode == "create" && exists:
		return nil, iam.Conflict("An MFA policy already exists; change it with PATCH")
	case mode == "update" && !exists && tenantID != "":
		return nil, iam.NotFound("No MFA policy is set for this account")
	}
	next := cur.Policy
	req.apply(&next)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	if tenantID != "" {
		if err := h.Factors.CheckAccountPolicy(ctx, next); err != nil {
			return nil, err
		}
	}
	return h.Factors.Policies.Save(ctx, tenantID, func(p *factors.MFAPolicy) { *p = next })
}

// createPolicy saves the MFA policy of the caller's scope: 201, or 409 when one was saved before.
func (h *Handler) createPolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := h.writePolicy(r, "create")
	if err != nil {
		return err
	}
	return api.Created(w, policyOut(d))
}

// updatePolicy changes the MFA policy of the caller's scope; 404 for an account without its own.
func (h *Handler) updatePolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := h.writePolicy(r, "update")
	if err != nil {
		return err
	}
	return api.OK(w, policyOut(d))
}

// upsertPolicy saves the MFA policy of the caller's scope, creating it when needed.
func (h *Handler) upsertPolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := h.writePolicy(r, "upsert")
	if err != nil {
		return err
	}
	return api.OK(w, policyOut(d))
}

// getPolicy returns the MFA policy of the caller's scope; 404 for an account
// without its own (the environment's applies).
func (h *Handler) getPolicy(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Factors.Policies.Find(r.Context(), tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("No MFA policy is set for this account")
	}
	if err != nil {
		return err
	}
	return api.OK(w, policyOut(d))
}

// getVendorPolicy returns the environment's MFA policy.
func (h *Handler) getVendorPolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := h.Factors.Policies.Find(r.Context(), "")
	if err != nil {
		return err
	}
	return api.OK(w, policyOut(d))
}
