package applications

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// assignment is one change of users' applications in one account.
type assignment struct {
	tenantID string
	appIDs   []string
	userIDs  []string
}

// checkAssignment returns a 403 unless the caller may act in the account, a
// 404 unless every application exists, and a 400 for an application that is
// assigned to accounts but not to this one.
func (h *Handler) checkAssignment(ctx context.Context, a assignment) error {
	if err := h.Scope.Reach(ctx, api.PrincipalFrom(ctx), a.tenantID); err != nil {
		return err
	}
	apps, err := h.DB.FindApplications(ctx, store.ApplicationFilter{IDs: a.appIDs})
	if err != nil {
		return err
	}
	if len(apps) != len(a.appIDs) {
		return iam.NotFound("Application not found")
	}
	tenants, err := h.DB.FindAppTenants(ctx, a.appIDs, nil, "")
	if err != nil {
		return err
	}
	for _, appID := range a.appIDs {
		assigned, here := false, false
		for _, t := range tenants {
			if t.AppID == appID {
				assigned, here = true, here || t.TenantID == a.tenantID
			}
		}
		if assigned && !here {
			return iam.Invalid("Application %s is not assigned to this account", appID)
		}
	}
	return nil
}

type appUserJSON struct {
	AppID        string    `json:"appId"`
	UserTenantID string    `json:"userTenantId"`
	CreatedAt    time.Time `json:"createdAt"`
}

// userTenantID names a user's membership of an account, stably: Hatch keys
// memberships by user and account, Frontegg by an id of their own.
func userTenantID(userID, tenantID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("hatch:user-tenant:"+userID+"/"+tenantID)).String()
}

func (h *Handler) assign(w http.ResponseWriter, r *http.Request, a assignment) error {
	ctx := r.Context()
	if err := h.checkAssignment(ctx, a); err != nil {
		return err
	}
	stored, err := h.DB.AssignAppUsers(ctx, a.tenantID, a.appIDs, a.userIDs, h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User not found")
	}
	if err != nil {
		return err
	}
	out := make([]appUserJSON, len(stored))
	for i, s := range stored {
		out[i] = appUserJSON{AppID: s.AppID, UserTenantID: userTenantID(s.UserID, s.TenantID), CreatedAt: s.CreatedAt}
	}
	return api.Created(w, out)
}

func (h *Handler) unassign(w http.ResponseWriter, r *http.Request, a assignment) error {
	ctx := r.Context()
	if err := h.Scope.Reach(ctx, api.PrincipalFrom(ctx), a.tenantID); err != nil {
		return err
	}
	if err := h.DB.UnassignAppUsers(ctx, a.tenantID, a.appIDs, a.userIDs); err != nil {
		return err
	}
	return api.NoContent(w)
}

type usersInput struct {
	AppID    *string  `json:"appId"`
	TenantID *string  `json:"tenantId"`
	UserIDs  []string `json:"userIds"`
}

func (in usersInput) assignment() (assignment, error) {
	switch {
	case in.AppID == nil || strings.TrimSpace(*in.AppID) == "":
		return assignment{}, iam.Invalid("appId is required")
	case in.TenantID == nil || strings.TrimSpace(*in.TenantID) == "":
		return assignment{}, iam.Invalid("tenantId is required")
	}
	users, err := api.IDs("userIds", in.UserIDs, false)
	return assignment{tenantID: strings.TrimSpace(*in.TenantID), appIDs: []string{strings.TrimSpace(*in.AppID)}, userIDs: users}, err
}

type appsInput struct {
	UserID   *string  `json:"userId"`
	TenantID *string  `json:"tenantId"`
	AppIDs   []string `json:"appIds"`
}

func (in appsInput) assignment() (assignment, error) {
	switch {
	case in.UserID == nil || strings.TrimSpace(*in.UserID) == "":
		return assignment{}, iam.Invalid("userId is required")
	case in.TenantID == nil || strings.TrimSpace(*in.TenantID) == "":
		return assignment{}, iam.Invalid("tenantId is required")
	}
	apps, err := api.IDs("appIds", in.AppIDs, false)
	return assignment{tenantID: strings.TrimSpace(*in.TenantID), appIDs: apps, userIDs: []string{strings.TrimSpace(*in.UserID)}}, err
}

// decodeAssignment reads a users-to-application or application-to-user body.
func decodeAssignment[T interface{ assignment() (assignment, error) }](r *http.Request) (assignment, error) {
	var in T
	if err := api.Decode(r, &in); err != nil {
		return assignment{}, err
	}
	return in.assignment()
}

// assignUsers assigns users of an account to one application.
func (h *Handler) assignUsers(w http.ResponseWriter, r *http.Request) error {
	a, err := decodeAssignment[usersInput](r)
	if err != nil {
		return err
	}
	return h.assign(w, r, a)
}

func (h *Handler) unassignUsers(w http.ResponseWriter, r *http.Request) error {
	a, err := decodeAssignment[usersInput](r)
	if err != nil {
		return err
	}
	return h.unassign(w, r, a)
}

// assignUserApps assigns one user of an account to applications.
func (h *Handler) assignUserApps(w http.ResponseWriter, r *http.Request) error {
	a, err := decodeAssignment[appsInput](r)
	if err != nil {
		return err
	}
	return h.assign(w, r, a)
}

func (h *Handler) unassignUserApps(w http.ResponseWriter, r *http.Request) error {
	a, err := decodeAssignment[appsInput](r)
	if err != nil {
		return err
	}
	return h.unassign(w, r, a)
}

// findAppUsers returns assignments of the applications and users asked for
// (nil: any), in the request's account; a vendor without frontegg-tenant-id
// sees every account's.
func (h *Handler) findAppUsers(r *http.Request, appIDs, userIDs []string) ([]store.AppUser, error) {
	tenantID, err := h.Scope.OptionalTenant(r)
	if err != nil {
		return nil, err
	}
	return h.DB.FindAppUsers(r.Context(), tenantID, appIDs, userIDs)
}

// appUsers lists the ids of the users assigned to the application.
func (h *Handler) appUsers(w http.ResponseWriter, r *http.Request) error {
	as, err := h.findAppUsers(r, []string{r.PathValue("appId")}, nil)
	if err != nil {
		return err
	}
	return api.OK(w, distinct(as, func(a store.AppUser) string { return a.UserID }))
}

// userApps lists the ids of the applications the user is assigned to.
func (h *Handler) userApps(w http.ResponseWriter, r *http.Request) error {
	as, err := h.findAppUsers(r, nil, []string{r.PathValue("userId")})
	if err != nil {
		return err
	}
	return api.OK(w, distinct(as, func(a store.AppUser) string { return a.AppID }))
}

func distinct(as []store.AppUser, field func(store.AppUser) string) []string {
	out := []string{}
	for _, a := range as {
		if v := field(a); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

type appUsersJSON struct {
	AppID   string   `json:"appId"`
	UserIDs []string `json:"userIds"`
}

// appsUsers lists the users of each application in appIds.
func (h *Handler) appsUsers(w http.ResponseWriter, r *http.Request) error {
	ids := api.QueryList(r, "appIds")
	if len(ids) == 0 {
		return iam.Invalid("appIds is required")
	}
	as, err := h.findAppUsers(r, ids, nil)
	if err != nil {
		return err
	}
	out := make([]appUsersJSON, len(ids))
	for i, id := range ids {
		out[i] = appUsersJSON{AppID: id, UserIDs: distinct(filter(as, func(a store.AppUser) bool { return a.AppID == id }),
			func(a store.AppUser) string { return a.UserID })}
	}
	return api.OK(w, out)
}

type userAppsJSON struct {
	UserID string   `json:"userId"`
	AppIDs []string `json:"appIds"`
}

// usersApps lists the applications of each user in userIds.
func (h *Handler) usersApps(w http.ResponseWriter, r *http.Request) error {
	ids := api.QueryList(r, "userIds")
	if len(ids) == 0 {
		return iam.Invalid("userIds is required")
	}
	as, err := h.findAppUsers(r, nil, ids)
	if err != nil {
		return err
	}
	out := make([]userAppsJSON, len(ids))
	for i, id := range ids {
		out[i] = userAppsJSON{UserID: id, AppIDs: distinct(filter(as, func(a store.AppUser) bool { return a.UserID == id }),
			func(a store.AppUser) string { return a.AppID })}
	}
	return api.OK(w, out)
}

func filter(as []store.AppUser, keep func(store.AppUser) bool) []store.AppUser {
	var out []store.AppUser
	for _, a := range as {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}
