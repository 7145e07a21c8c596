package rbac_test

import (
	"context"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// permissionIDs returns the ids of the permissions with keys, in that order.
func permissionIDs(t *testing.T, s *apitest.Server, keys ...string) []string {
	t.Helper()
	ps, err := s.DB.FindPermissions(context.Background(), store.PermissionFilter{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]string{}
	for _, p := range ps {
		byKey[p.Key] = p.ID
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		if out[i] = byKey[k]; out[i] == "" {
			t.Fatalf("no permission %s", k)
		}
	}
	return out
}

// role returns the role with id from storage.
func role(t *testing.T, s *apitest.Server, id string) *iam.Role {
	t.Helper()
	r, err := s.DB.FindRole(context.Background(), id)
	if err != nil {
		t.Fatalf("role %s: %v", id, err)
	}
	return r
}

// countRoles counts every role of the environment and its accounts.
func countRoles(t *testing.T, s *apitest.Server) int {
	t.Helper()
	_, n, err := s.DB.FindRoles(context.Background(), store.RoleFilter{AllTenants: true, Unpaged: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// memberRoleKeys returns the keys of the roles assigned directly to the user in tenantID.
func memberRoleKeys(t *testing.T, s *apitest.Server, userID, tenantID string) []string {
	t.Helper()
	rs, err := s.DB.FindMemberRoles(context.Background(), userID, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Key)
	}
	return out
}

// addMember makes the user a member of tenantID, without roles.
func addMember(t *testing.T, s *apitest.Server, userID, tenantID string) {
	t.Helper()
	err := s.DB.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.AddMembership(context.Background(), iam.Membership{UserID: userID, TenantID: tenantID, ActivatedForTenant: true, CreatedAt: s.Clock.Now()}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}
