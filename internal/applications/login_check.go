package applications

import (
	"context"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
)

// ErrNotAllowed answers a login to an application the user may not use.
var ErrNotAllowed = &iam.Error{Kind: iam.KindForbidden, Message: "User is not allowed to access this application"}

// CheckLogin implements login.Check. A login that names no application
// (frontegg-requested-application-id) passes; one that names an application
// passes when the user may use it in the login's account (CheckAccess).
func (h *Handler) CheckLogin(ctx context.Context, a *login.Attempt, tenantID string) error {
	appID := api.RequestedApplicationID(ctx)
	if appID == "" {
		return nil
	}
	return h.CheckAccess(ctx, appID, a.User.ID, tenantID)
}
