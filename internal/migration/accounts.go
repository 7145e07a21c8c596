package migration

import (
	"encoding/json"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

type tenantsRequest struct {
	Tenants []json.RawMessage `json:"tenants"`
}

// migrateTenants queues an account migration (tenants.json "Account
// migration") and answers 202 with its id. Each item is an account id (or an
// object {tenantId, name, metadata}); the job makes every account that does
// not exist yet, so users can then be migrated into them.
func (h *Handler) migrateTenants(w http.ResponseWriter, r *http.Request) error {
	var req tenantsRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if len(req.Tenants) == 0 {
		return iam.Invalid("tenants must be a non-empty array")
	}
	payloads := make([]string, len(req.Tenants))
	for i, raw := range req.Tenants {
		payloads[i] = string(raw)
	}
	id, err := h.enqueue(r.Context(), KindTenants, payloads)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusAccepted, migrationIDResponse{MigrationID: id})
}
