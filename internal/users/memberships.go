package users

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

type userTenantRequest struct {
	TenantID            string   `json:"tenantId"`
	ValidateTenantExist bool     `json:"validateTenantExist"`
	SkipInviteEmail     bool     `json:"skipInviteEmail"`
	RoleIDs             []string `json:"roleIds"`
}

// ensureTenant makes sure tenantID exists, creating it (named after its id)
// unless validate is set, in which case a missing tenant is a 404.
func (h *Handler) ensureTenant(ctx context.Context, tx *store.Tx, tenantID string, validate bool) error {
	_, err := tx.FindTenant(ctx, tenantID)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, iam.ErrNotFound):
		return err
	case validate:
		return iam.NotFound("Tenant not found")
	}
	now := h.Now()
	return tx.CreateTenant(ctx, &iam.Tenant{ID: uuid.NewString(), TenantID: tenantID, Name: tenantID, Metadata: "{}",
		CreatedAt: now, UpdatedAt: now})
}

// isMember reports whether the user belongs to tenantID.
func isMember(ms []iam.Membership, tenantID string) bool {
	for _, m := range ms {
		if m.TenantID == tenantID {
			return true
		}
	}
	return false
}

// setUserTenant makes tenantId the user's active tenant (PUT users/v1/{userId}/tenant).
// A missing tenant is created unless validateTenantExist is set; a user who is
// not yet a member joins it with the default roles.
func (h *Handler) setUserTenant(w http.ResponseWriter, r *http.Request) error {
	return h.changeUserTenant(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx, u *iam.User, req *userTenantRequest) error {
		ms, err := tx.FindMemberships(ctx, u.ID)
		if err != nil {
			return err
		}
		if !isMember(ms, req.TenantID) {
			if err := h.join(ctx, tx, u, req.TenantID, nil); err != nil {
				return err
			}
		}
		u.ActiveTenantID = req.TenantID
		return nil
	})
}

// addUserToTenant makes the user a member of tenantId with roleIds (the
// tenant's default roles when none are given). A user who has no password yet
// gets an activation email for that tenant unless skipInviteEmail is set.
func (h *Handler) addUserToTenant(w http.ResponseWriter, r *http.Request) error {
	return h.changeUserTenant(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx, u *iam.User, req *userTenantRequest) error {
		if err := h.join(ctx, tx, u, req.TenantID, req.RoleIDs); err != nil {
			return err
		}
		if u.ActiveTenantID == "" {
			u.ActiveTenantID = req.TenantID
		}
		if req.SkipInviteEmail || u.PasswordHash != "" {
			return nil
		}
		_, err := h.Notifier.Activation(ctx, tx, u, req.TenantID, true)
		return err
	})
}

// changeUserTenant reads the body's tenant, makes sure it exists (see
// ensureTenant), applies change to the path's user in the same transaction and
// answers the user shown in that tenant with status.
func (h *Handler) changeUserTenant(w http.ResponseWriter, r *http.Request, status int,
	change func(ctx context.Context, tx *store.Tx, u *iam.User, req *userTenantRequest) error) error {
	var req userTenantRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.TenantID = strings.TrimSpace(req.TenantID); req.TenantID == "" {
		return iam.Invalid("tenantId is required")
	}
	ctx := r.Context()
	u, err := h.changeUser(r, r.PathValue("userId"), func(tx *store.Tx, u *iam.User) error {
		if err := h.ensureTenant(ctx, tx, req.TenantID, req.ValidateTenantExist); err != nil {
			return err
		}
		return change(ctx, tx, u, &req)
	})
	if err != nil {
		return err
	}
	return h.writeUser(w, r, status, u, req.TenantID)
}

// join adds u to tenantID with roleIDs (checked; the defaults when empty).
func (h *Handler) join(ctx context.Context, tx *store.Tx, u *iam.User, tenantID string, roleIDs []string) error {
	roleIDs, err := h.checkRoles(ctx, tx, tenantID, roleIDs)
	if err != nil {
		return err
	}
	err = tx.AddMembership(ctx, iam.Membership{UserID: u.ID, TenantID: tenantID, ActivatedForTenant: true, CreatedAt: h.Now()}, roleIDs)
	if errors.Is(err, iam.ErrConflict) {
		return iam.Conflict("User is already a member of this tenant")
	}
	return err
}

// setUserEmail changes a user's primary email. An address the user already
// had as an additional one becomes the primary; one any other user has is a
// 409, one the email-domain restrictions of the user's accounts refuse a 400.
func (h *Handler) setUserEmail(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	email, err := checkEmail("email", req.Email)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("userId")
	if _, err := h.scopedUser(r, id); err != nil {
		return err
	}
	if err := h.checkEmailDomain(ctx, id, email); err != nil {
		return err
	}
	u, err := h.updateUser(ctx, id, func(tx *store.Tx, u *iam.User) error {
		if err := claimEmail(ctx, tx, u.ID, email); err != nil {
			return err
		}
		u.Email = email
		return nil
	})
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, scopeTenant(r))
}

// claimEmail readies email to become userID's primary address: a 409 when
// another user has it, and removed from userID's additional addresses.
func claimEmail(ctx context.Context, tx *store.Tx, userID, email string) error {
	owner, err := tx.FindEmailOwner(ctx, email)
	switch {
	case errors.Is(err, iam.ErrNotFound):
		return nil
	case err != nil:
		return err
	case owner != userID:
		return iam.Conflict("Email is already in use")
	}
	e, err := tx.FindUserEmail(ctx, userID, email)
	if err != nil || e.Primary {
		return err
	}
	return tx.DeleteUserEmail(ctx, userID, e.ID)
}

// migrateTenantUsers moves every user of srcTenantId into targetTenantId.
func (h *Handler) migrateTenantUsers(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SrcTenantID    string `json:"srcTenantId"`
		TargetTenantID string `json:"targetTenantId"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.SrcTenantID == "":
		return iam.Invalid("srcTenantId is required")
	case req.TargetTenantID == "":
		return iam.Invalid("targetTenantId is required")
	case req.SrcTenantID == req.TargetTenantID:
		return iam.Invalid("srcTenantId and targetTenantId must differ")
	}
	ended, err := h.DB.MoveTenantUsers(r.Context(), req.SrcTenantID, req.TargetTenantID, h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Tenant not found")
	}
	if err != nil {
		return err
	}
	h.forget(ended)
	return api.NoContent(w)
}

// switchTenant makes tenantId the caller's active tenant (PUT users/v1/tenant)
// and moves the caller's session there, so the next refresh issues a token for it.
func (h *Handler) switchTenant(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		TenantID string `json:"tenantId"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.TenantID == "" {
		return iam.Invalid("tenantId is required")
	}
	id, err := selfID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	m, err := h.membership(ctx, id, req.TenantID)
	if errors.Is(err, errUserNotFound) {
		return iam.Forbidden("User is not a member of this tenant")
	}
	if err != nil {
		return err
	}
	if m.Disabled {
		return iam.Forbidden("User is disabled in this tenant")
	}
	u, err := h.updateUser(ctx, id, func(_ *store.Tx, u *iam.User) error {
		u.ActiveTenantID = req.TenantID
		return nil
	})
	if err != nil {
		return err
	}
	if sid := api.PrincipalFrom(ctx).SessionID; sid != "" {
		if err := h.DB.SetSessionTenant(ctx, sid, req.TenantID); err != nil && !errors.Is(err, iam.ErrNotFound) {
			return err
		}
	}
	return h.writeUser(w, r, http.StatusOK, u, req.TenantID)
}
