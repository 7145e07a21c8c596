package apitokens_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

func TestTenantAPITokenLifecycle(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		for _, path := range []string{tenantTokensPath, tenantTokensV2} {
			var tok created
			f.adminC.Do(t, "POST", path, map[string]any{"description": "ci", "roleIds": []string{f.roles["TokenReader"].ID},
				"metadata": map[string]any{"env": "prod"}}).Want(t, 201).JSON(t, &tok)
			if tok.Secret == "" || tok.TenantID != f.tenant.TenantID || tok.CreatedByUserID == nil || *tok.CreatedByUserID != f.admin.ID ||
				!slices.Equal(tok.RoleIDs, []string{f.roles["TokenReader"].ID}) || len(tok.PermissionIDs) != 0 || tok.Expires != nil ||
				string(tok.Metadata) != `{"env":"prod"}` || tok.Description != "ci" {
				t.Fatalf("%s: created %+v", path, tok)
			}
		}

		tok := createTenantToken(t, f.adminC, map[string]any{"description": "deploy", "roleIds": []string{f.roles["TokenAdmin"].ID},
			"metadata": map[string]any{"team": "ops"}})
		var list []map[string]any
		f.adminC.Do(t, "GET", tenantTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 3 {
			t.Fatalf("list has %d tokens, want 3", len(list))
		}
		for _, item := range list {
			if _, ok := item["secret"]; ok {
				t.Fatalf("list shows a secret: %v", item)
			}
			for _, k := range []string{"clientId", "description", "tenantId", "createdByUserId", "metadata", "createdAt", "permissionIds", "roleIds", "expires"} {
				if _, ok := item[k]; !ok {
					t.Fatalf("list item lacks %s: %v", k, item)
				}
			}
		}

		res := authenticate(t, s, tok.ClientID, tok.Secret)
		if res.ExpiresIn != 86400 || res.Expires == "" {
			t.Fatalf("authentication answered %+v", res)
		}
		c := claims(t, res.AccessToken)
		if c["type"] != "tenantApiToken" || c["sub"] != tok.ClientID || c["tenantId"] != f.tenant.TenantID ||
			c["createdByUserId"] != f.admin.ID || c["sid"] == "" || c["aud"] != s.ClientID {
			t.Fatalf("claims %v", c)
		}
		if m, _ := c["metadata"].(map[string]any); m["team"] != "ops" {
			t.Fatalf("metadata claim %v", c["metadata"])
		}
		if got := strs(c["roles"]); !slices.Equal(got, []string{"TokenAdmin"}) {
			t.Fatalf("roles %v", got)
		}
		if got := strs(c["permissions"]); !slices.Contains(got, "app.write") || !slices.Contains(got, "fe.secure.read.tenantApiTokens") {
			t.Fatalf("permissions %v", got)
		}
		// The JWT is a caller of Hatch's own self-service routes.
		bearer(s, res.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 200)

		// A wrong secret, an unknown client and an access token's id all look alike.
		for _, body := range []map[string]string{
			{"clientId": tok.ClientID, "secret": tok.Secret + "x"},
			{"clientId": "00000000-0000-0000-0000-000000000000", "secret": tok.Secret},
		} {
			s.Anon().Do(t, "POST", authPath, body).WantError(t, 401, "Invalid client id or secret")
		}

		// PATCH: description and permissions instead of roles; grants apply from the next authentication.
		var upd created
		f.adminC.Do(t, "PATCH", tenantTokensPath+"/"+tok.ClientID, map[string]any{"description": "deploy-2",
			"permissionIds": []string{f.perms["app.read"]}}).Want(t, 200).JSON(t, &upd)
		if upd.Description != "deploy-2" || len(upd.RoleIDs) != 0 || !slices.Equal(upd.PermissionIDs, []string{f.perms["app.read"]}) ||
			string(upd.Metadata) != `{"team":"ops"}` || upd.Secret != "" {
			t.Fatalf("updated %+v", upd)
		}
		c = claims(t, authenticate(t, s, tok.ClientID, tok.Secret).AccessToken)
		if len(strs(c["roles"])) != 0 || !slices.Equal(strs(c["permissions"]), []string{"app.read"}) {
			t.Fatalf("after update: roles %v permissions %v", c["roles"], c["permissions"])
		}
		f.adminC.Do(t, "PATCH", tenantTokensPath+"/"+tok.ClientID, map[string]any{"metadata": map[string]int{"v": 2}}).Want(t, 200).JSON(t, &upd)
		if string(upd.Metadata) != `{"v":2}` || upd.Description != "deploy-2" {
			t.Fatalf("metadata update %+v", upd)
		}

		// DELETE: authentication, refresh and the access JWT stop at once.
		f.adminC.Do(t, "DELETE", tenantTokensPath+"/"+tok.ClientID, nil).Want(t, 200)
		s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": tok.ClientID, "secret": tok.Secret}).WantError(t, 401, "Invalid client id or secret")
		refresh(t, s, res.RefreshToken).WantError(t, 401, "Invalid refresh token")
		bearer(s, res.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 401)
		f.adminC.Do(t, "DELETE", tenantTokensPath+"/"+tok.ClientID, nil).WantError(t, 404, "API token not found")
	})
}

func TestTenantAPITokenVendorAndExpiry(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		// The vendor may grant anything, with or without naming a creator.
		tok := createTenantToken(t, f.vendor(t), map[string]any{"permissionIds": []string{f.perms["app.admin"]}, "expiresInMinutes": 1})
		if tok.CreatedByUserID != nil || tok.Expires == nil {
			t.Fatalf("vendor token %+v", tok)
		}
		exp, err := time.Parse(time.RFC3339, *tok.Expires)
		if err != nil || !exp.Equal(s.Clock.Now().Add(time.Minute)) {
			t.Fatalf("expires %q (%v), want %v", *tok.Expires, err, s.Clock.Now().Add(time.Minute))
		}
		withCreator := createTenantToken(t, f.vendor(t).With("frontegg-user-id", f.member.ID), map[string]any{})
		if withCreator.CreatedByUserID == nil || *withCreator.CreatedByUserID != f.member.ID {
			t.Fatalf("vendor token with creator %+v", withCreator)
		}
		// The JWT never outlives the token.
		res := authenticate(t, s, tok.ClientID, tok.Secret)
		if res.ExpiresIn != 60 {
			t.Fatalf("expires_in %d, want 60", res.ExpiresIn)
		}
		s.Clock.Advance(61 * time.Second)
		s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": tok.ClientID, "secret": tok.Secret}).WantError(t, 401, "Invalid client id or secret")
		refresh(t, s, res.RefreshToken).WantError(t, 401, "Invalid refresh token")
		bearer(s, res.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 401)
		// Expired tokens stay listed until deleted.
		var list []created
		f.vendor(t).Do(t, "GET", tenantTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 2 {
			t.Fatalf("vendor list has %d tokens, want 2", len(list))
		}
		// Another account sees none of them.
		other := s.SeedTenant(t, "Other")
		s.Vendor(t).With("frontegg-tenant-id", other.TenantID).Do(t, "GET", tenantTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("other account lists %d tokens", len(list))
		}
		s.Vendor(t).With("frontegg-tenant-id", other.TenantID).Do(t, "DELETE", tenantTokensPath+"/"+withCreator.ClientID, nil).WantError(t, 404, "API token not found")
		s.Vendor(t).With("frontegg-tenant-id", other.TenantID).Do(t, "PATCH", tenantTokensPath+"/"+withCreator.ClientID, map[string]any{}).WantError(t, 404, "API token not found")
	})
}

func TestTenantAPITokenBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		cases := []struct {
			name   string
			body   any
			status int
			want   string
		}{
			{"metadata not an object", map[string]any{"metadata": []int{1}}, 400, "metadata must be an object"},
			{"metadata a string", map[string]any{"metadata": "x"}, 400, "metadata must be an object"},
			{"expiry zero", map[string]any{"expiresInMinutes": 0}, 400, "expiresInMinutes must be a whole number"},
			{"expiry fraction", map[string]any{"expiresInMinutes": 1.5}, 400, "expiresInMinutes must be a whole number"},
			{"expiry too far", map[string]any{"expiresInMinutes": 5256001}, 400, "expiresInMinutes must be a whole number"},
			{"expiry a string", map[string]any{"expiresInMinutes": "5"}, 400, "expiresInMinutes must be of type number"},
			{"description a number", map[string]any{"description": 5}, 400, "description must be of type string"},
			{"roleIds not an array", map[string]any{"roleIds": "x"}, 400, "roleIds must be of type array"},
			{"both grants", map[string]any{"roleIds": []string{f.roles["TokenReader"].ID}, "permissionIds": []string{f.perms["app.read"]}}, 400, "roleIds and permissionIds cannot both be set"},
			{"empty role id", map[string]any{"roleIds": []string{""}}, 400, "roleIds must not contain empty ids"},
			{"unknown role", map[string]any{"roleIds": []string{"nope"}}, 400, "roleIds contains a role that does not exist"},
			{"unknown permission", map[string]any{"permissionIds": []string{"nope"}}, 400, "permissionIds contains a permission that does not exist"},
			{"not json", "{", 400, "not valid JSON"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, path := range []string{tenantTokensPath, tenantTokensV2} {
					f.vendor(t).Do(t, "POST", path, tc.body).WantError(t, tc.status, tc.want)
				}
			})
		}
		// Another account's role is unknown here.
		other := s.SeedTenant(t, "Other")
		foreign := f.seedRole(t, other.TenantID, "Foreign", "app.read")
		f.vendor(t).Do(t, "POST", tenantTokensV2, map[string]any{"roleIds": []string{foreign.ID}}).WantError(t, 400, "roleIds contains a role that does not exist")
		// The vendor must say which account; the account must exist.
		s.Vendor(t).Do(t, "POST", tenantTokensV2, map[string]any{}).WantError(t, 400, "frontegg-tenant-id header is required")
		s.Vendor(t).With("frontegg-tenant-id", "nope").Do(t, "POST", tenantTokensV2, map[string]any{}).WantError(t, 404, "Account not found")
		f.vendor(t).With("frontegg-user-id", "nope").Do(t, "POST", tenantTokensV2, map[string]any{}).WantError(t, 404, "User not found in this account")
		// PATCH checks the same fields.
		tok := createTenantToken(t, f.vendor(t), map[string]any{"roleIds": []string{f.roles["TokenReader"].ID}})
		for body, want := range map[string]string{
			`{"metadata": 1}`:                            "metadata must be an object",
			`{"roleIds": ["nope"]}`:                      "roleIds contains a role that does not exist",
			`{"permissionIds": ["nope"]}`:                "permissionIds contains a permission that does not exist",
			`{"expiresInMinutes": 5}`:                    "expiresInMinutes cannot be changed",
			`{"roleIds": ["a"], "permissionIds": ["b"]}`: "roleIds and permissionIds cannot both be set",
		} {
			f.vendor(t).Do(t, "PATCH", tenantTokensPath+"/"+tok.ClientID, body).WantError(t, 400, want)
		}
		f.vendor(t).Do(t, "PATCH", tenantTokensPath+"/nope", map[string]any{"description": "x"}).WantError(t, 404, "API token not found")
		f.vendor(t).Do(t, "DELETE", tenantTokensPath+"/nope", nil).WantError(t, 404, "API token not found")
		// Nothing was half-written.
		var list []created
		f.vendor(t).Do(t, "GET", tenantTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || !slices.Equal(list[0].RoleIDs, []string{f.roles["TokenReader"].ID}) {
			t.Fatalf("after bad input: %+v", list)
		}
		// Authentication names its missing fields.
		s.Anon().Do(t, "POST", authPath, map[string]string{"secret": "x"}).WantError(t, 400, "clientId is required")
		s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": "x"}).WantError(t, 400, "secret is required")
		s.Anon().Do(t, "POST", refreshPath, map[string]string{}).WantError(t, 400, "refreshToken is required")
		s.Anon().Do(t, "POST", refreshPath, `{"refreshToken": 1}`).WantError(t, 400, "refreshToken must be of type string")
	})
}

func TestTenantAPITokenPermissions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{})
		id := tok.ClientID
		for _, r := range []struct{ method, path string }{
			{"POST", tenantTokensPath}, {"POST", tenantTokensV2}, {"GET", tenantTokensPath},
			{"PATCH", tenantTokensPath + "/" + id}, {"DELETE", tenantTokensPath + "/" + id},
			{"POST", tenantAccessPath}, {"GET", tenantAccessPath}, {"DELETE", tenantAccessPath + "/" + id},
			{"POST", userTokensPath}, {"GET", userTokensPath}, {"DELETE", userTokensPath + "/" + id},
			{"POST", userAccessPath}, {"GET", userAccessPath}, {"DELETE", userAccessPath + "/" + id},
		} {
			f.memberC.Do(t, r.method, r.path, map[string]any{}).WantError(t, 403, "Insufficient permissions")
			s.Anon().Do(t, r.method, r.path, map[string]any{}).WantError(t, 401, "Unauthorized")
		}
		for _, path := range []string{vendorTenantsPath + "/active", vendorTenantsPath + "/x", vendorUsersPath + "/active", vendorUsersPath + "/x"} {
			f.adminC.Do(t, "GET", path, nil).WantError(t, 403, "does not accept this kind of token")
			s.Anon().Do(t, "GET", path, nil).WantError(t, 401, "Unauthorized")
		}
		// A user cannot grant a permission they do not hold, through roles or directly.
		f.adminC.Do(t, "POST", tenantTokensV2, map[string]any{"roleIds": []string{f.roles["TokenSuper"].ID}}).WantError(t, 403, "Cannot grant the permission app.admin")
		f.adminC.Do(t, "POST", tenantTokensV2, map[string]any{"permissionIds": []string{f.perms["app.admin"]}}).WantError(t, 403, "Cannot grant the permission app.admin")
		f.adminC.Do(t, "POST", tenantAccessPath, map[string]any{"roleIds": []string{f.roles["TokenSuper"].ID}}).WantError(t, 403, "Cannot grant the permission app.admin")
		f.adminC.Do(t, "PATCH", tenantTokensPath+"/"+id, map[string]any{"roleIds": []string{f.roles["TokenSuper"].ID}}).WantError(t, 403, "Cannot grant the permission app.admin")
		// A token made by an API token holds no more than that token.
		reader := createTenantToken(t, f.adminC, map[string]any{"permissionIds": []string{f.perms["fe.secure.write.tenantApiTokens"], f.perms["app.read"]}})
		jwt := authenticate(t, s, reader.ClientID, reader.Secret).AccessToken
		createTenantToken(t, bearer(s, jwt), map[string]any{"permissionIds": []string{f.perms["app.read"]}})
		bearer(s, jwt).Do(t, "POST", tenantTokensV2, map[string]any{"permissionIds": []string{f.perms["app.write"]}}).WantError(t, 403, "Cannot grant the permission app.write")
		bearer(s, jwt).Do(t, "GET", tenantTokensPath, nil).WantError(t, 403, "Insufficient permissions")
	})
}

func TestAPITokensDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{})
		res := authenticate(t, s, tok.ClientID, tok.Secret)
		setAPITokensEnabled(t, s, false)
		v := f.vendor(t).With("frontegg-user-id", f.admin.ID)
		for _, r := range []struct {
			c            *apitest.Client
			method, path string
			body         any
		}{
			{v, "POST", tenantTokensPath, map[string]any{}},
			{v, "POST", tenantTokensV2, map[string]any{}},
			{v, "POST", userTokensPath, map[string]any{}},
			{v, "POST", tenantAccessPath, map[string]any{}},
			{v, "POST", userAccessPath, map[string]any{}},
			{s.Anon(), "POST", authPath, map[string]string{"clientId": tok.ClientID, "secret": tok.Secret}},
			{s.Anon(), "POST", refreshPath, map[string]string{"refreshToken": res.RefreshToken}},
			{s.Vendor(t), "GET", vendorTenantsPath + "/active", nil},
			{s.Vendor(t), "GET", vendorTenantsPath + "/x", nil},
			{s.Vendor(t), "GET", vendorUsersPath + "/active", nil},
			{s.Vendor(t), "GET", vendorUsersPath + "/x", nil},
		} {
			resp := r.c.Do(t, r.method, r.path, r.body)
			resp.Want(t, 403)
			var e struct{ Errors []string }
			resp.JSON(t, &e)
			if len(e.Errors) == 0 || e.Errors[0] != "Api tokens are disabled" {
				t.Fatalf("%s %s: errors %q, want exactly \"Api tokens are disabled\" (what @frontegg/client reads)", r.method, r.path, e.Errors)
			}
		}
		// Existing tokens can still be listed and deleted.
		v.Do(t, "GET", tenantTokensPath, nil).Want(t, 200)
		v.Do(t, "DELETE", tenantTokensPath+"/"+tok.ClientID, nil).Want(t, 200)
		setAPITokensEnabled(t, s, true)
		v.Do(t, "POST", tenantTokensV2, map[string]any{}).Want(t, 201)
	})
}

func TestMetadataRoundTrip(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{"metadata": json.RawMessage(` { "a" : [1, {"b": null}] } `)})
		if string(tok.Metadata) != `{"a":[1,{"b":null}]}` {
			t.Fatalf("metadata %s", tok.Metadata)
		}
		none := createTenantToken(t, f.vendor(t), map[string]any{"metadata": nil})
		if string(none.Metadata) != `{}` {
			t.Fatalf("absent metadata %s", none.Metadata)
		}
	})
}
