package securitypolicy

import (
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

const lockoutWhat = "lockout policy"

// lockoutJSON is Frontegg's lockout policy shape, plus Hatch's lockoutDuration
// (seconds the lock lasts; 0: until an administrator unlocks).
type lockoutJSON struct {
	ID              string    `json:"id"`
	Enabled         bool      `json:"enabled"`
	MaxAttempts     int       `json:"maxAttempts"`
	LockoutDuration int       `json:"lockoutDuration"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

func lockoutOut(d *policy.Document[policy.LockoutPolicy]) lockoutJSON {
	return lockoutJSON{ID: d.ID, Enabled: d.Policy.Enabled, MaxAttempts: d.Policy.MaxAttempts,
		LockoutDuration: d.Policy.LockoutDuration, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// lockoutRequest is the body of POST and PATCH: enabled and maxAttempts are
// required, lockoutDuration keeps its value when absent.
type lockoutRequest struct {
	Enabled         *bool `json:"enabled"`
	MaxAttempts     *int  `json:"maxAttempts"`
	LockoutDuration *int  `json:"lockoutDuration"`
}

func decodeLockout(r *http.Request) (func(*policy.LockoutPolicy), error) {
	var req lockoutRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Enabled == nil:
		return nil, iam.Invalid("enabled is required")
	case req.MaxAttempts == nil:
		return nil, iam.Invalid("maxAttempts is required")
	}
	return func(p *policy.LockoutPolicy) {
		p.Enabled, p.MaxAttempts = *req.Enabled, *req.MaxAttempts
		if req.LockoutDuration != nil {
			p.LockoutDuration = *req.LockoutDuration
		}
	}, nil
}

// createLockout saves the lockout policy of the caller's scope: 201, or 409
// when one was saved before.
func (h *Handler) createLockout(w http.ResponseWriter, r *http.Request) error {
	change, err := decodeLockout(r)
	if err != nil {
		return err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	p := policy.DefaultLockout()
	change(&p)
	d, err := h.Policies.Lockout.Create(r.Context(), tenantID, p)
	if err != nil {
		return conflict(err, lockoutWhat)
	}
	return api.Created(w, lockoutOut(d))
}

// updateLockout changes the lockout policy of the caller's scope; 404 for an
// account without its own.
func (h *Handler) updateLockout(w http.ResponseWriter, r *http.Request) error {
	change, err := decodeLockout(r)
	if err != nil {
		return err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.Lockout.Update(r.Context(), tenantID, change)
	if err != nil {
		return notFound(err, lockoutWhat)
	}
	return api.OK(w, lockoutOut(d))
}

// getLockout returns the lockout policy of the caller's scope; 404 for an
// account without its own (the environment's applies).
func (h *Handler) getLockout(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.Lockout.Find(r.Context(), tenantID)
	if err != nil {
		return notFound(err, lockoutWhat)
	}
	return api.OK(w, lockoutOut(d))
}

// getVendorLockout returns the environment's lockout policy.
func (h *Handler) getVendorLockout(w http.ResponseWriter, r *http.Request) error {
	d, err := h.Policies.Lockout.Find(r.Context(), "")
	if err != nil {
		return err
	}
	return api.OK(w, lockoutOut(d))
}
