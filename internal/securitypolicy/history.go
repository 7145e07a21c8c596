package securitypolicy

import (
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

const historyWhat = "password history policy"

type historyJSON struct {
	ID          string    `json:"id"`
	Enabled     bool      `json:"enabled"`
	HistorySize int       `json:"historySize"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func historyOut(d *policy.Document[policy.PasswordHistory]) historyJSON {
	return historyJSON{ID: d.ID, Enabled: d.Policy.Enabled, HistorySize: d.Policy.HistorySize, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// historyRequest is the body of POST and PATCH; both fields are required.
type historyRequest struct {
	Enabled     *bool `json:"enabled"`
	HistorySize *int  `json:"historySize"`
}

func decodeHistory(r *http.Request) (func(*policy.PasswordHistory), error) {
	var req historyRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Enabled == nil:
		return nil, iam.Invalid("enabled is required")
	case req.HistorySize == nil:
		return nil, iam.Invalid("historySize is required")
	}
	return func(p *policy.PasswordHistory) { p.Enabled, p.HistorySize = *req.Enabled, *req.HistorySize }, nil
}

// createHistory saves the password history policy of the caller's scope: 201,
// or 409 when one was saved before.
func (h *Handler) createHistory(w http.ResponseWriter, r *http.Request) error {
	change, err := decodeHistory(r)
	if err != nil {
		return err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	p := policy.DefaultPasswordHistory()
	change(&p)
	d, err := h.Policies.PasswordHistory.Create(r.Context(), tenantID, p)
	if err != nil {
		return conflict(err, historyWhat)
	}
	return api.Created(w, historyOut(d))
}

// updateHistory changes the password history policy of the caller's scope;
// 404 for an account without its own.
func (h *Handler) updateHistory(w http.ResponseWriter, r *http.Request) error {
	change, err := decodeHistory(r)
	if err != nil {
		return err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.PasswordHistory.Update(r.Context(), tenantID, change)
	if err != nil {
		return notFound(err, historyWhat)
	}
	return api.OK(w, historyOut(d))
}

// getHistory returns the password history policy of the caller's scope; 404
// for an account without its own.
func (h *Handler) getHistory(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.PasswordHistory.Find(r.Context(), tenantID)
	if err != nil {
		return notFound(err, historyWhat)
	}
	return api.OK(w, historyOut(d))
}

// getVendorHistory returns the environment's password history policy.
func (h *Handler) getVendorHistory(w http.ResponseWriter, r *http.Request) error {
	d, err := h.Policies.PasswordHistory.Find(r.Context(), "")
	if err != nil {
		return err
	}
	return api.OK(w, historyOut(d))
}
