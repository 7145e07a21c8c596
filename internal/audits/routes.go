package audits

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Account users and API tokens see
// their active account's log; the vendor names an account with
// frontegg-tenant-id (or tenantId, or v2's tenant_ids) or sees every entry.
// The /audits/ forms with a trailing slash are the ones @frontegg/client calls.
func (h *Handler) Routes(r *api.Router) {
	read := api.SelfService.Can("fe.secure.read.audits")
	r.Handle("GET /audits", read, h.list)
	r.Handle("GET /audits/{$}", read, h.list)
	r.Handle("POST /audits", api.Vendor, h.add)
	r.Handle("POST /audits/{$}", api.Vendor, h.add)
	r.Handle("GET /audits/stats", read, h.stats)
	r.Handle("POST /audits/export/csv", read, h.exportCreated)
	r.Handle("POST /audits/export/csv/v2", read, h.exportCreated)
	r.Handle("GET /audits/resources/audits/v2", read, h.list)
	r.Handle("POST /audits/resources/audits/v2/export/csv", read, h.export)
}
