package migration

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Every one takes the environment token.
func (h *Handler) Routes(r *api.Router) {
	// Data migration (identity.json)
	r.Handle("POST /identity/resources/migrations/v1/local", api.Vendor, h.migrateUser)
	r.Handle("POST /identity/resources/migrations/v1/local/bulk", api.Vendor, h.bulkMigrateUsers)
	r.Handle("GET /identity/resources/migrations/v1/local/bulk/status/{migrationId}", api.Vendor, h.bulkStatus)
	r.Handle("POST /identity/resources/migrations/v2/local/bulk", api.Vendor, h.bulkMigrateUsers)
	r.Handle("POST /identity/resources/migrations/v1/auth0", api.Vendor, h.migrateFromAuth0)

	// Account migration (tenants.json)
	r.Handle("POST /tenants/resources/migrations/v1/tenants", api.Vendor, h.migrateTenants)
	r.Handle("GET /tenants/resources/migrations/v1/tenants/status/{migrationId}", api.Vendor, h.tenantsStatus)

	// User pools (identity.json)
	r.Handle("GET /identity/resources/user-sources/v1", api.Vendor, h.listSources)
	r.Handle("GET /identity/resources/user-sources/v1/{id}", api.Vendor, h.getSource)
	r.Handle("DELETE /identity/resources/user-sources/v1/{id}", api.Vendor, h.deleteSource)
	r.Handle("POST /identity/resources/user-sources/v1/external/auth0", api.Vendor, h.createSource(SourceAuth0))
	r.Handle("POST /identity/resources/user-sources/v1/external/cognito", api.Vendor, h.createSource(SourceCognito))
	r.Handle("POST /identity/resources/user-sources/v1/external/firebase", api.Vendor, h.createSource(SourceFirebase))
	r.Handle("POST /identity/resources/user-sources/v1/external/custom-code", api.Vendor, h.createSource(SourceCustomCode))
	r.Handle("POST /identity/resources/user-sources/v1/federation", api.Vendor, h.createSource(SourceFederation))
	r.Handle("PUT /identity/resources/user-sources/v1/external/auth0/{id}", api.Vendor, h.updateSource(SourceAuth0))
	r.Handle("PUT /identity/resources/user-sources/v1/external/cognito/{id}", api.Vendor, h.updateSource(SourceCognito))
	r.Handle("PUT /identity/resources/user-sources/v1/external/firebase/{id}", api.Vendor, h.updateSource(SourceFirebase))
	r.Handle("PUT /identity/resources/user-sources/v1/external/custom-code/{id}", api.Vendor, h.updateSource(SourceCustomCode))
	r.Handle("PUT /identity/resources/user-sources/v1/federation/{id}", api.Vendor, h.updateSource(SourceFederation))
	r.Handle("POST /identity/resources/user-sources/v1/assign", api.Vendor, h.assignSource)
	r.Handle("POST /identity/resources/user-sources/v1/unassign", api.Vendor, h.unassignSource)
	r.Handle("GET /identity/resources/user-sources/v1/{id}/users", api.Vendor, h.sourceUsers)
}
