package applications

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// activeUser returns whose active accounts a request reads or changes: a
// user's own, or for a vendor the user frontegg-user-id names.
func activeUser(r *http.Request) (string, error) {
	p := api.PrincipalFrom(r.Context())
	if p.UserID == "" {
		return "", iam.Invalid("frontegg-user-id header is required")
	}
	return p.UserID, nil
}

type activeTenantJSON struct {
	TenantID      string `json:"tenantId"`
	ApplicationID string `json:"applicationId"`
}

type activeTenantsJSON struct {
	ApplicationActiveTenants []activeTenantJSON `json:"applicationActiveTenants"`
}

func (h *Handler) activeTenants(w http.ResponseWriter, r *http.Request) error {
	userID, err := activeUser(r)
	if err != nil {
		return err
	}
	as, err := h.DB.FindActiveAppTenants(r.Context(), userID)
	if err != nil {
		return err
	}
	out := activeTenantsJSON{ApplicationActiveTenants: make([]activeTenantJSON, len(as))}
	for i, a := range as {
		out.ApplicationActiveTenants[i] = activeTenantJSON{TenantID: a.TenantID, ApplicationID: a.AppID}
	}
	return api.OK(w, out)
}

type switchInput struct {
	ActiveApplicationTenants []struct {
		ApplicationID *string `json:"applicationId"`
		TenantID      *string `json:"tenantId"`
	} `json:"activeApplicationTenants"`
}

// switchActiveTenants sets the user's active account for each application
// listed, every one or none; the user must belong to each account.
func (h *Handler) switchActiveTenants(w http.ResponseWriter, r *http.Request) error {
	var in switchInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.ActiveApplicationTenants == nil {
		return iam.Invalid("activeApplicationTenants is required")
	}
	userID, err := activeUser(r)
	if err != nil {
		return err
	}
	active := make([]store.AppTenant, len(in.ActiveApplicationTenants))
	for i, a := range in.ActiveApplicationTenants {
		switch {
		case a.ApplicationID == nil || strings.TrimSpace(*a.ApplicationID) == "":
			return iam.Invalid("activeApplicationTenants.applicationId is required")
		case a.TenantID == nil || strings.TrimSpace(*a.TenantID) == "":
			return iam.Invalid("activeApplicationTenants.tenantId is required")
		}
		active[i] = store.AppTenant{AppID: strings.TrimSpace(*a.ApplicationID), TenantID: strings.TrimSpace(*a.TenantID)}
	}
	if err := h.DB.SetActiveAppTenants(r.Context(), userID, active, h.Now()); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Application or account not found for this user")
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}
