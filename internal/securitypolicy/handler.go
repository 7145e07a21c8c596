package securitypolicy

import (
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the security policy routes.
type Handler struct {
	DB        *store.DB
	Policies  *policy.Policies
	Passwords *policy.Passwords
}

// scope returns the account the caller acts on: a user's or API token's active
// account; for the vendor, the frontegg-tenant-id header's account, or "" (the
// environment) without the header. A vendor naming an unknown account gets 404.
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

// notFound turns a missing account override into the route's 404.
func notFound(err error, what string) error {
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("No %s is set for this account", what)
	}
	return err
}

// conflict turns a second create into the route's 409.
func conflict(err error, what string) error {
	if errors.Is(err, iam.ErrConflict) {
		return iam.Conflict("A %s already exists; change it with PATCH", what)
	}
	return err
}
