package apitest

import (
	"testing"

	"github.com/google/uuid"
)

// GrantPermissions gives the user, in tenantID, a new role of that account
// holding the permission keys (which must exist), directly in storage; the
// user's next login carries them.
func (s *Server) GrantPermissions(t testing.TB, userID, tenantID string, permissionKeys ...string) {
	t.Helper()
	r := s.SeedRole(t, tenantID, "granted-"+uuid.NewString()[:8], permissionKeys...)
	s.Grant(t, userID, tenantID, r)
}
