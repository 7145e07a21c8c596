package apitest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// SeedRole creates a role directly in storage, owned by tenantID ("" for the
// whole environment), holding the permissions with the given keys (which
// must exist).
func (s *Server) SeedRole(t testing.TB, tenantID, key string, permissionKeys ...string) *iam.Role {
	t.Helper()
	ctx := context.Background()
	var ids []string
	if len(permissionKeys) > 0 {
		perms, err := s.DB.FindPermissions(ctx, store.PermissionFilter{Keys: permissionKeys})
		if err != nil {
			t.Fatal(err)
		}
		if len(perms) != len(permissionKeys) {
			t.Fatalf("SeedRole %s: some of %v are not permissions", key, permissionKeys)
		}
		for _, p := range perms {
			ids = append(ids, p.ID)
		}
	}
	now := s.Clock.Now()
	r := &iam.Role{ID: uuid.NewString(), Key: key, Name: key, TenantID: tenantID, Permissions: ids, CreatedAt: now, UpdatedAt: now}
	if err := s.DB.CreateRoles(ctx, []store.NewRole{{Role: r}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// Grant gives the member of tenantID the roles, directly in storage.
func (s *Server) Grant(t testing.TB, userID, tenantID string, roles ...*iam.Role) {
	t.Helper()
	ids := make([]string, len(roles))
	for i, r := range roles {
		ids[i] = r.ID
	}
	if err := s.DB.AssignUserRoles(context.Background(), userID, tenantID, ids, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// UserWith creates a user in tenantID holding exactly the given permission
// keys (through a role of its own; none when no key is given), logs it in and
// returns it with a client holding its access token.
func (s *Server) UserWith(t testing.TB, tenantID, email string, permissionKeys ...string) (*iam.User, *Client) {
	t.Helper()
	u := s.SeedUser(t, tenantID, email, "correct horse")
	if len(permissionKeys) > 0 {
		s.Grant(t, u.ID, tenantID, s.SeedRole(t, tenantID, "role-"+u.ID, permissionKeys...))
	}
	c, _ := s.Login(t, email, "correct horse")
	return u, c
}

// Claims decodes the payload of a JWT without verifying it, for tests that
// look inside tokens the server issued.
func Claims(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// StringList returns the claim's strings (nil when absent), for the roles
// and permissions claims.
func StringList(claims map[string]any, name string) []string {
	var out []string
	list, _ := claims[name].([]any)
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}
