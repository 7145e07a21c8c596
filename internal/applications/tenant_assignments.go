package applications

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// assignments returns the application-account assignments the query asks
// for (appIds, tenantIds, accessType). A user only sees its own account's; a
// vendor's frontegg-tenant-id header narrows to that account.
func (h *Handler) assignments(r *http.Request) ([]store.AppTenant, error) {
	q := r.URL.Query()
	accessType := q.Get("accessType")
	if accessType != "" {
		if err := oneOf("accessType", accessType, accessTypes()); err != nil {
			return nil, err
		}
	}
	var appIDs, tenantIDs []string
	if ids := api.QueryList(r, "appIds"); len(ids) > 0 {
		appIDs = ids
	}
	if ids := api.QueryList(r, "tenantIds"); len(ids) > 0 {
		tenantIDs = ids
	}
	scoped, err := h.Scope.OptionalTenant(r)
	if err != nil {
		return nil, err
	}
	if scoped != "" {
		if tenantIDs != nil && !slices.Contains(tenantIDs, scoped) {
			return nil, nil
		}
		tenantIDs = []string{scoped}
	}
	return h.DB.FindAppTenants(r.Context(), appIDs, tenantIDs, accessType)
}

type tenantAppsJSON struct {
	TenantID string   `json:"tenantId"`
	AppIDs   []string `json:"appIds"`
}

func (h *Handler) listTenantAssignments(w http.ResponseWriter, r *http.Request) error {
	as, err := h.assignments(r)
	if err != nil {
		return err
	}
	out := []tenantAppsJSON{}
	for _, a := range as {
		if len(out) == 0 || out[len(out)-1].TenantID != a.TenantID {
			out = append(out, tenantAppsJSON{TenantID: a.TenantID, AppIDs: []string{}})
		}
		last := &out[len(out)-1]
		last.AppIDs = append(last.AppIDs, a.AppID)
	}
	return api.OK(w, out)
}

type assignmentJSON struct {
	AppID      string `json:"appId"`
	AccessType string `json:"accessType"`
}

type tenantAssignmentsJSON struct {
	TenantID    string           `json:"tenantId"`
	Assignments []assignmentJSON `json:"assignments"`
}

func (h *Handler) listTenantAssignmentsV2(w http.ResponseWriter, r *http.Request) error {
	as, err := h.assignments(r)
	if err != nil {
		return err
	}
	out := []tenantAssignmentsJSON{}
	for _, a := range as {
		if len(out) == 0 || out[len(out)-1].TenantID != a.TenantID {
			out = append(out, tenantAssignmentsJSON{TenantID: a.TenantID, Assignments: []assignmentJSON{}})
		}
		last := &out[len(out)-1]
		last.Assignments = append(last.Assignments, assignmentJSON{AppID: a.AppID, AccessType: a.AccessType})
	}
	return api.OK(w, out)
}

type appTenantsJSON struct {
	TenantIDs []string `json:"tenantIds"`
}

func (h *Handler) appTenants(w http.ResponseWriter, r *http.Request) error {
	a, err := h.findApp(r, r.PathValue("appId"))
	if err != nil {
		return err
	}
	as, err := h.DB.FindAppTenants(r.Context(), []string{a.ID}, nil, "")
	if err != nil {
		return err
	}
	out := appTenantsJSON{TenantIDs: []string{}}
	for _, t := range as {
		out.TenantIDs = append(out.TenantIDs, t.TenantID)
	}
	return api.OK(w, out)
}

type assignTenantInput struct {
	TenantID   *string `json:"tenantId"`
	AccessType *string `json:"accessType"`
}

// assignTenant assigns the application to an account, with the
// application's access type unless the body names one, and answers with the
// account's applications.
func (h *Handler) assignTenant(w http.ResponseWriter, r *http.Request) error {
	var in assignTenantInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.TenantID == nil || strings.TrimSpace(*in.TenantID) == "" {
		return iam.Invalid("tenantId is required")
	}
	ctx := r.Context()
	a, err := h.findApp(r, r.PathValue("appId"))
	if err != nil {
		return err
	}
	at := store.AppTenant{AppID: a.ID, TenantID: strings.TrimSpace(*in.TenantID), AccessType: a.AccessType}
	if in.AccessType != nil {
		if err := oneOf("accessType", *in.AccessType, accessTypes()); err != nil {
			return err
		}
		at.AccessType = *in.AccessType
	}
	if err := h.DB.SaveAppTenant(ctx, at, h.Now()); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Account not found")
	} else if err != nil {
		return err
	}
	as, err := h.DB.FindAppTenants(ctx, nil, []string{at.TenantID}, "")
	if err != nil {
		return err
	}
	out := tenantAppsJSON{TenantID: at.TenantID, AppIDs: []string{}}
	for _, t := range as {
		out.AppIDs = append(out.AppIDs, t.AppID)
	}
	return api.Created(w, out)
}

type accessTypeInput struct {
	AccessType *string `json:"accessType"`
}

func (h *Handler) updateTenantAssignment(w http.ResponseWriter, r *http.Request) error {
	var in accessTypeInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.AccessType == nil {
		return iam.Invalid("accessType is required")
	}
	if err := oneOf("accessType", *in.AccessType, accessTypes()); err != nil {
		return err
	}
	at := store.AppTenant{AppID: r.PathValue("appId"), TenantID: r.PathValue("tenantId"), AccessType: *in.AccessType}
	if err := h.DB.UpdateAppTenant(r.Context(), at); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("The application is not assigned to this account")
	} else if err != nil {
		return err
	}
	return api.OK(w, assignmentJSON{AppID: at.AppID, AccessType: at.AccessType})
}

// unassignTenant removes the application from the account, and its users
// there from the application.
func (h *Handler) unassignTenant(w http.ResponseWriter, r *http.Request) error {
	err := h.DB.DeleteAppTenant(r.Context(), r.PathValue("appId"), r.PathValue("tenantId"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("The application is not assigned to this account")
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}
