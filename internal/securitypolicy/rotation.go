package securitypolicy

import (
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/policy"
)

const rotationWhat = "password rotation policy"

// rotationJSON is Frontegg's password rotation shape; the periods are in
// seconds, and tenantId is "" for the environment's policy.
type rotationJSON struct {
	IsActive           bool      `json:"isActive"`
	RotationPeriod     int       `json:"rotationPeriod"`
	NotificationPeriod int       `json:"notificationPeriod"`
	TenantID           string    `json:"tenantId"`
	CreatedAt          time.Time `json:"createdAt"`
	UpdatedAt          time.Time `json:"updatedAt"`
}

func rotationOut(d *policy.Document[policy.PasswordRotation]) rotationJSON {
	return rotationJSON{IsActive: d.Policy.IsActive, RotationPeriod: d.Policy.RotationPeriod,
		NotificationPeriod: d.Policy.NotificationPeriod, TenantID: d.TenantID, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// rotationRequest is the body of POST; absent fields keep their value.
type rotationRequest struct {
	IsActive           *bool `json:"isActive"`
	RotationPeriod     *int  `json:"rotationPeriod"`
	NotificationPeriod *int  `json:"notificationPeriod"`
}

// saveRotation creates or changes the password rotation policy of the caller's scope.
func (h *Handler) saveRotation(w http.ResponseWriter, r *http.Request) error {
	var req rotationRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.PasswordRotation.Save(r.Context(), tenantID, func(p *policy.PasswordRotation) {
		setIf(&p.IsActive, req.IsActive)
		setIf(&p.RotationPeriod, req.RotationPeriod)
		setIf(&p.NotificationPeriod, req.NotificationPeriod)
	})
	if err != nil {
		return err
	}
	return api.OK(w, rotationOut(d))
}

// getRotation returns the password rotation policy of the caller's scope; 404
// for an account without its own.
func (h *Handler) getRotation(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.PasswordRotation.Find(r.Context(), tenantID)
	if err != nil {
		return notFound(err, rotationWhat)
	}
	return api.OK(w, rotationOut(d))
}

// getVendorRotation returns the environment's password rotation policy.
func (h *Handler) getVendorRotation(w http.ResponseWriter, r *http.Request) error {
	d, err := h.Policies.PasswordRotation.Find(r.Context(), "")
	if err != nil {
		return err
	}
	return api.OK(w, rotationOut(d))
}

// setIf sets *dst to *v when v is not nil.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
