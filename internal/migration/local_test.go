package migration_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/secure/securetest"
)

const (
	localPath  = "/identity/resources/migrations/v1/local"
	bulkPath   = "/identity/resources/migrations/v1/local/bulk"
	bulkV2Path = "/identity/resources/migrations/v2/local/bulk"
	statusPath = "/identity/resources/migrations/v1/local/bulk/status/"
	loginPath  = "/identity/resources/auth/v1/user"
)

func TestMigrateSingleUser(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.SeedTenant(t, "Acme")
		s.seedRole(t, "role-admin", "admin", "", false)
		s.seedRole(t, "role-member", "member", "", true)
		s.seedRole(t, "role-other", "other", "another-tenant", false)
		v := s.Vendor(t)
		body := map[string]any{
			"tenantId": tn.TenantID, "email": "Ada@Example.com", "name": "Ada", "username": "ada",
			"profilePictureUrl": "https://example.com/ada.png", "phoneNumber": "+16037184056", "phoneNumberType": "mfa",
			"metadata": `{"plan":"pro"}`, "vendorMetadata": `{"crm":42}`, "externalId": "ext-1", "verifyUser": true,
			"roleIds": []string{"role-admin"}, "authenticatorAppMfaSecret": "JBSWY3DPEHPK3PXPJBSWY3DP",
		}
		m := v.Do(t, "POST", "/frontegg"+localPath, body).Want(t, 201).Map(t)
		if m["email"] != "Ada@Example.com" || m["verified"] != true || m["tenantId"] != tn.TenantID || m["metadata"] != `{"plan":"pro"}` ||
			m["vendorMetadata"] != `{"crm":42}` || m["externalId"] != "ext-1" || m["sub"] != m["id"] || m["provider"] != "local" {
			t.Fatalf("migrated user %v", m)
		}
		roles := m["roles"].([]any)
		if len(roles) != 1 || roles[0].(map[string]any)["key"] != "admin" {
			t.Fatalf("roles %v", roles)
		}
		u := s.user(t, "ada@example.com")
		if u.PasswordHash != "" || u.PhoneNumber != "+16037184056" || u.Username != "ada" {
			t.Fatalf("stored user %+v", u)
		}
		origin, err := s.DB.FindOrigin(context.Background(), u.ID)
		if err != nil || origin.PhoneNumberType != "mfa" || origin.VendorMetadata != `{"crm":42}` {
			t.Fatalf("origin %+v, %v", origin, err)
		}
		if strings.Contains(origin.AuthenticatorSecret, "JBSWY3DP") || !strings.HasPrefix(origin.AuthenticatorSecret, "v1:") {
			t.Fatalf("TOTP seed not sealed: %q", origin.AuthenticatorSecret)
		}

		// Without roleIds the user gets the default roles.
		m = v.Do(t, "POST", localPath, map[string]any{"tenantId": tn.TenantID, "email": "bob@example.com"}).Want(t, 201).Map(t)
		var keys []string
		for _, r := range m["roles"].([]any) {
			keys = append(keys, r.(map[string]any)["key"].(string))
		}
		// The test's default role and the environment's seeded one (Read Only).
		if slices.Sort(keys); !slices.Equal(keys, []string{"ReadOnly", "member"}) || m["verified"] != false {
			t.Fatalf("default roles %v: %v", keys, m)
		}

		for _, tc := range []struct {
			body   map[string]any
			status int
			want   string
		}{
			{map[string]any{"tenantId": tn.TenantID, "email": "ada@EXAMPLE.com"}, 409, "email already exists"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "username": "ADA"}, 409, "username already exists"},
			{map[string]any{"tenantId": "nope", "email": "x@example.com"}, 404, "tenant nope not found"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "roleIds": []string{"missing"}}, 404, "role missing not found"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "roleIds": []string{"role-other"}}, 404, "role role-other not found"},
			{map[string]any{"tenantId": tn.TenantID}, 400, "email is required"},
			{map[string]any{"tenantId": tn.TenantID, "email": "not-an-email"}, 400, "email must be an email"},
			{map[string]any{"email": "x@example.com"}, 400, "tenantId is required"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "provider": "myspace"}, 400, "provider must be one of"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "phoneNumber": "555"}, 400, "phoneNumber must be in E.164"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "phoneNumberType": "fax"}, 400, "phoneNumberType must be one of"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "metadata": "[1]"}, 400, "metadata must be a JSON object"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "passwordHash": "abc", "passwordHashType": "crc32"}, 400, "passwordHashType must be one of"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "passwordHash": "abc"}, 400, "passwordHashType is required"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "passwordHashType": "bcrypt"}, 400, "passwordHash is required"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "passwordHash": "$argon2d$v=19$m=64,t=2,p=1$c2FsdA$a2V5",
				"passwordHashType": "argon2"}, 400, "unsupported hash type: argon2d"},
			{map[string]any{"tenantId": tn.TenantID, "email": "x@example.com", "authenticatorAppMfaSecret": "not base32!"}, 400, "authenticatorAppMfaSecret must be a base32"},
			{map[string]any{"tenantId": tn.TenantID, "email": 7}, 400, "email must be of type string"},
		} {
			v.Do(t, "POST", localPath, tc.body).WantError(t, tc.status, tc.want)
		}
		if _, err := s.DB.FindUserByEmail(context.Background(), "x@example.com"); err == nil {
			t.Fatal("a refused migration wrote a user")
		}
		s.Anon().Do(t, "POST", localPath, map[string]any{"tenantId": tn.TenantID, "email": "y@example.com"}).Want(t, 401)
		s.SeedUser(t, tn.TenantID, "user@example.com", "pw-pw-pw-pw")
		userClient, _ := s.Login(t, "user@example.com", "pw-pw-pw-pw")
		userClient.Do(t, "POST", localPath, map[string]any{"tenantId": tn.TenantID, "email": "y@example.com"}).Want(t, 403)
	})
}

// TestLoginUpgradesEveryImportedFormat migrates a user per hash format, with
// a hash made by the format's reference implementation, logs in through the
// login route, and finds the hash replaced by Hatch's argon2id.
func TestLoginUpgradesEveryImportedFormat(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.SeedTenant(t, "Acme")
		v := s.Vendor(t)
		for i, tc := range securetest.Cases() {
			t.Run(tc.Name, func(t *testing.T) {
				pw := tc.Password(fmt.Sprintf("Secret-%d-pässword", i))
				email := fmt.Sprintf("user%d@example.com", i)
				v.Do(t, "POST", localPath, map[string]any{"tenantId": tn.TenantID, "email": email, "verifyUser": true,
					"passwordHash": tc.Hash(t, pw), "passwordHashType": tc.HashType, "passwordHashConfig": tc.Config}).Want(t, 201)
				if got := s.user(t, email).PasswordHash; !strings.HasPrefix(got, tc.Stored) {
					t.Fatalf("stored hash %q, want prefix %q", got, tc.Stored)
				}
				s.Anon().Do(t, "POST", loginPath, map[string]string{"email": email, "password": pw + "!"}).WantError(t, 401, "Incorrect email or password")
				if got := s.user(t, email).PasswordHash; !strings.HasPrefix(got, tc.Stored) {
					t.Fatalf("a failed login changed the hash to %q", got)
				}
				_, res := s.Login(t, email, pw)
				if res.UserID == "" {
					t.Fatal("no user id in the login response")
				}
				upgraded := s.user(t, email).PasswordHash
				if !strings.HasPrefix(upgraded, "$argon2id$v=19$m=1024,t=1,p=1$") {
					t.Fatalf("hash after login %q, want Hatch's argon2id", upgraded)
				}
				s.Login(t, email, pw) // and the argon2id hash works
				if again := s.user(t, email).PasswordHash; again != upgraded {
					t.Fatal("the argon2id hash was replaced again")
				}
			})
		}
	})
}

func TestBulkMigration(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.SeedTenant(t, "Acme")
		v := s.Vendor(t)
		bcryptCase := securetest.Cases()[0]
		hash := bcryptCase.Hash(t, "bulk-password")
		users := []any{
			map[string]any{"tenantId": tn.TenantID, "email": "one@example.com", "verifyUser": true, "passwordHash": hash, "passwordHashType": "bcrypt"},
			map[string]any{"tenantId": tn.TenantID, "email": "bad-email"},
			map[string]any{"tenantId": "missing", "email": "two@example.com"},
			map[string]any{"tenantId": tn.TenantID, "email": "one@example.com"},
			"not an object",
			map[string]any{"tenantId": tn.TenantID, "email": "three@example.com", "name": 5},
			map[string]any{"tenantId": tn.TenantID, "email": "four@example.com", "authenticatorAppMfaSecret": "JBSWY3DPEHPK3PXP"},
		}
		var started struct{ MigrationID string }
		v.Do(t, "POST", bulkPath, map[string]any{"users": users}).Want(t, 202).JSON(t, &started)
		st := waitStatus(t, v, statusPath+started.MigrationID)
		if st.State != "completed" || st.Total != 7 || st.Migrated != 2 || st.Failed != 5 || len(st.Failures) != 5 {
			t.Fatalf("status %+v", st)
		}
		want := map[int]string{1: "email must be an email", 2: "tenant missing not found", 3: "email already exists",
			4: "row is not a JSON object", 5: "name has the wrong type"}
		for _, f := range st.Failures {
			if !strings.Contains(f.Reason, want[f.Index]) {
				t.Errorf("failure %d: %q, want %q", f.Index, f.Reason, want[f.Index])
			}
		}
		if st.Failures[0].Email != "bad-email" {
			t.Errorf("failure email %q", st.Failures[0].Email)
		}
		s.Login(t, "one@example.com", "bulk-password")
		origin, err := s.DB.FindOrigin(context.Background(), s.user(t, "four@example.com").ID)
		if err != nil || origin.JobID != started.MigrationID || strings.Contains(origin.AuthenticatorSecret, "JBSWY3DP") || origin.AuthenticatorSecret == "" {
			t.Fatalf("origin %+v, %v", origin, err)
		}

		// v2 takes an emails list; the primary one is the user's email.
		v.Do(t, "POST", bulkV2Path, map[string]any{"users": []any{map[string]any{"tenantId": tn.TenantID, "emails": []any{
			map[string]any{"email": "alt@example.com", "primary": false, "verified": false},
			map[string]any{"email": "five@example.com", "primary": true, "verified": true},
		}}}}).Want(t, 202).JSON(t, &started)
		st = waitStatus(t, v, "/frontegg"+statusPath+started.MigrationID)
		if st.Migrated != 1 || !s.user(t, "five@example.com").Verified {
			t.Fatalf("v2 status %+v", st)
		}

		v.Do(t, "POST", bulkPath, map[string]any{"users": []any{}}).WantError(t, 400, "users must be a non-empty array")
		v.Do(t, "POST", bulkV2Path, map[string]any{}).WantError(t, 400, "users must be a non-empty array")
		v.Do(t, "POST", bulkPath, map[string]any{"users": "x"}).WantError(t, 400, "users must be of type array")
		v.Do(t, "GET", statusPath+"nope", nil).WantError(t, 404, "Migration nope not found")
		s.Anon().Do(t, "GET", statusPath+started.MigrationID, nil).Want(t, 401)
		s.Anon().Do(t, "POST", bulkPath, map[string]any{"users": users}).Want(t, 401)
	})
}

func TestAccountMigration(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		existing := s.SeedTenant(t, "Existing")
		v := s.Vendor(t)
		const path = "/tenants/resources/migrations/v1/tenants"
		var started struct{ MigrationID string }
		v.Do(t, "POST", path, map[string]any{"tenants": []any{"acct-1", existing.TenantID, map[string]any{"tenantId": "acct-2",
			"name": "Second", "metadata": `{"tier":"gold"}`}, "", 5}}).Want(t, 202).JSON(t, &started)
		st := waitStatus(t, v, path+"/status/"+started.MigrationID)
		if st.Total != 5 || st.Migrated != 3 || st.Failed != 2 {
			t.Fatalf("status %+v", st)
		}
		if st.Failures[0].Index != 3 || !strings.Contains(st.Failures[0].Reason, "tenantId is required") ||
			!strings.Contains(st.Failures[1].Reason, "must be an account id or an object") {
			t.Fatalf("failures %+v", st.Failures)
		}
		for id, name := range map[string]string{"acct-1": "acct-1", "acct-2": "Second", existing.TenantID: "Existing"} {
			tn, err := s.DB.FindTenant(context.Background(), id)
			if err != nil || tn.Name != name {
				t.Fatalf("tenant %s: %+v, %v", id, tn, err)
			}
		}
		// Users can now be migrated into the new accounts.
		v.Do(t, "POST", localPath, map[string]any{"tenantId": "acct-2", "email": "new@example.com"}).Want(t, 201)

		v.Do(t, "POST", path, map[string]any{"tenants": []string{}}).WantError(t, 400, "tenants must be a non-empty array")
		v.Do(t, "GET", path+"/status/nope", nil).WantError(t, 404, "not found")
		// A users job is not an account migration.
		var users struct{ MigrationID string }
		v.Do(t, "POST", bulkPath, map[string]any{"users": []any{map[string]any{"email": "x"}}}).Want(t, 202).JSON(t, &users)
		v.Do(t, "GET", path+"/status/"+users.MigrationID, nil).Want(t, 404)
		s.Anon().Do(t, "POST", path, map[string]any{"tenants": []string{"x"}}).Want(t, 401)
	})
}
