package apitest

import (
	"context"
	"testing"

	"github.com/google/uuid"
)

// SeedRole gives the user, in tenantID, a new role holding the permission
// keys, directly in storage; the user's next login carries them.
func (s *Server) SeedRole(t testing.TB, userID, tenantID string, permissionKeys ...string) {
	t.Helper()
	key := "seeded-" + uuid.NewString()[:8]
	if err := s.DB.SeedRole(context.Background(), userID, tenantID, key, permissionKeys, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
}
