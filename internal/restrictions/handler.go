package restrictions

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the restriction routes.
type Handler struct {
	DB      *store.DB
	IP      *policy.IPRestrictions
	Domains *policy.EmailDomains
	Audit   *audit.Recorder
	Now     func() time.Time
}

// account returns the account the call acts on (see api.Account), or a 404
// when the vendor's frontegg-tenant-id names no account.
func (h *Handler) account(r *http.Request) (string, error) {
	tenantID, err := api.Account(r.Context())
	if err != nil {
		return "", err
	}
	if _, err := h.DB.FindTenant(r.Context(), tenantID); errors.Is(err, iam.ErrNotFound) {
		return "", iam.NotFound("Account %s not found", tenantID)
	} else if err != nil {
		return "", err
	}
	return tenantID, nil
}

// recordChange records a change of the account's restrictions in the audit log.
func (h *Handler) recordChange(ctx context.Context, tenantID, resource string, data map[string]any) error {
	return h.Audit.Record(ctx, audit.Event{TenantID: tenantID, Action: audit.ActionSettingsChanged, Resource: resource,
		Severity: audit.Medium, Data: data})
}

// checkListType returns a 400 naming field unless v is ALLOW or BLOCK.
func checkListType(field, v string) error {
	if v != policy.Allow && v != policy.Block {
		return iam.Invalid("%s must be one of ALLOW, BLOCK", field)
	}
	return nil
}
