package applications

import (
	"context"
	"errors"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
)

// ErrNotAllowed answers a login to an application the user may not use.
var ErrNotAllowed = &iam.Error{Kind: iam.KindForbidden, Message: "User is not allowed to access this application"}

// CheckLogin implements login.Check. A login that names no application
// (frontegg-requested-application-id) passes. One that names an application
// passes when it is active, assigned to the login's account or to no account
// at all, and — when access to it there is managed (MANAGED_ACCESS, the
// account assignment's type overriding the application's) — the user is
// assigned to it in that account. An unknown application fails, as does
// every other case, with ErrNotAllowed.
func (h *Handler) CheckLogin(ctx context.Context, a *login.Attempt, tenantID string) error {
	appID := api.RequestedApplicationID(ctx)
	if appID == "" {
		return nil
	}
	acc, err := h.DB.FindAppAccess(ctx, appID, a.User.ID, tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return ErrNotAllowed
	}
	if err != nil {
		return err
	}
	access := acc.App.AccessType
	if acc.Assigned {
		if acc.TenantAccess == "" {
			return ErrNotAllowed
		}
		access = acc.TenantAccess
	}
	if !acc.App.IsActive || access == iam.ManagedAccess && !acc.UserAssigned {
		return ErrNotAllowed
	}
	return nil
}
