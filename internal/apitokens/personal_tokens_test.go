package apitokens_test

import (
	"slices"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

func TestPersonalAPITokens(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		var tok created
		// roleIds are not a personal token's to choose: it carries its user's roles.
		f.adminC.Do(t, "POST", userTokensPath, map[string]any{"description": "laptop", "metadata": map[string]string{"k": "v"},
			"roleIds": []string{f.roles["TokenSuper"].ID}}).Want(t, 201).JSON(t, &tok)
		if tok.ClientID == "" || tok.Secret == "" || tok.Description != "laptop" || string(tok.Metadata) != `{"k":"v"}` || tok.CreatedAt == "" {
			t.Fatalf("created %+v", tok)
		}
		var list []map[string]any
		f.adminC.Do(t, "GET", userTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0]["clientId"] != tok.ClientID || list[0]["secret"] != nil {
			t.Fatalf("list %v", list)
		}
		// Personal tokens are not the account's.
		var accountList []map[string]any
		f.adminC.Do(t, "GET", tenantTokensPath, nil).Want(t, 200).JSON(t, &accountList)
		if len(accountList) != 0 {
			t.Fatalf("account list shows personal tokens: %v", accountList)
		}

		res := authenticate(t, s, tok.ClientID, tok.Secret)
		c := claims(t, res.AccessToken)
		if c["type"] != "userApiToken" || c["sub"] != tok.ClientID || c["userId"] != f.admin.ID || c["createdByUserId"] != f.admin.ID ||
			c["email"] != "admin@acme.test" || c["tenantId"] != f.tenant.TenantID || c["sid"] == "" {
			t.Fatalf("claims %v", c)
		}
		if _, ok := c["userMetadata"].(map[string]any); !ok {
			t.Fatalf("userMetadata claim %v", c["userMetadata"])
		}
		if m, _ := c["metadata"].(map[string]any); m["k"] != "v" {
			t.Fatalf("metadata claim %v", c["metadata"])
		}
		if got := strs(c["roles"]); !slices.Equal(got, []string{"TokenAdmin"}) || slices.Contains(strs(c["permissions"]), "app.admin") {
			t.Fatalf("roles %v permissions %v, want the user's", got, c["permissions"])
		}
		// Roles are the user's at the time of use.
		f.grant(t, f.admin.ID, f.tenant.TenantID, "TokenSuper")
		c = claims(t, authenticate(t, s, tok.ClientID, tok.Secret).AccessToken)
		if got := strs(c["roles"]); !slices.Equal(got, []string{"TokenAdmin", "TokenSuper"}) || !slices.Contains(strs(c["permissions"]), "app.admin") {
			t.Fatalf("after a new role: roles %v permissions %v", got, c["permissions"])
		}
		// The token acts as its user on Hatch's routes.
		bearer(s, res.AccessToken).Do(t, "GET", userTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 {
			t.Fatalf("the token's own list has %d tokens", len(list))
		}

		// The vendor acts for a user named by frontegg-user-id.
		memberV := f.vendor(t).With("frontegg-user-id", f.member.ID)
		var memberTok created
		memberV.Do(t, "POST", userTokensPath, map[string]any{"expiresInMinutes": 10}).Want(t, 201).JSON(t, &memberTok)
		if memberTok.Expires == nil {
			t.Fatalf("member token %+v", memberTok)
		}
		c = claims(t, authenticate(t, s, memberTok.ClientID, memberTok.Secret).AccessToken)
		if !slices.Equal(strs(c["roles"]), []string{"TokenReader"}) || c["userId"] != f.member.ID {
			t.Fatalf("member token claims %v", c)
		}
		memberV.Do(t, "GET", userTokensPath, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0]["clientId"] != memberTok.ClientID {
			t.Fatalf("member list %v", list)
		}
		// Nobody deletes another user's personal token through their own scope.
		f.adminC.Do(t, "DELETE", userTokensPath+"/"+memberTok.ClientID, nil).WantError(t, 404, "API token not found")
		f.adminC.Do(t, "DELETE", tenantTokensPath+"/"+tok.ClientID, nil).WantError(t, 404, "API token not found")
		memberV.Do(t, "DELETE", userTokensPath+"/"+memberTok.ClientID, nil).Want(t, 200)
		s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": memberTok.ClientID, "secret": memberTok.Secret}).Want(t, 401)
		f.adminC.Do(t, "DELETE", userTokensPath+"/"+tok.ClientID, nil).Want(t, 200)
		bearer(s, res.AccessToken).Do(t, "GET", userTokensPath, nil).Want(t, 401)
	})
}

func TestPersonalTokensNeedAUser(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		for _, path := range []string{userTokensPath, userAccessPath} {
			f.vendor(t).Do(t, "POST", path, map[string]any{}).WantError(t, 400, "frontegg-user-id header is required")
			f.vendor(t).Do(t, "GET", path, nil).WantError(t, 400, "frontegg-user-id header is required")
			f.vendor(t).Do(t, "DELETE", path+"/x", nil).WantError(t, 400, "frontegg-user-id header is required")
			s.Vendor(t).With("frontegg-user-id", f.admin.ID).Do(t, "POST", path, map[string]any{}).WantError(t, 400, "frontegg-tenant-id header is required")
			f.vendor(t).With("frontegg-user-id", "nobody").Do(t, "POST", path, map[string]any{}).WantError(t, 404, "User not found in this account")
			f.adminC.Do(t, "DELETE", path+"/nope", nil).WantError(t, 404, "not found")
			for body, want := range map[string]string{
				`{"metadata": "x"}`:          "metadata must be an object",
				`{"expiresInMinutes": -1}`:   "expiresInMinutes must be a whole number",
				`{"description": ["x"]}`:     "description must be of type string",
				`{"expiresInMinutes": 1e99}`: "expiresInMinutes must be a whole number",
			} {
				f.adminC.Do(t, "POST", path, body).WantError(t, 400, want)
			}
		}
		// Account tokens act for nobody here, even one a user made: it must not
		// mint tokens carrying that user's roles.
		for _, maker := range []*apitest.Client{f.vendor(t), f.adminC} {
			tok := createTenantToken(t, maker, map[string]any{"permissionIds": []string{f.perms["fe.secure.write.userApiTokens"], f.perms["fe.secure.read.userApiTokens"]}})
			jwt := authenticate(t, s, tok.ClientID, tok.Secret).AccessToken
			bearer(s, jwt).Do(t, "POST", userTokensPath, map[string]any{}).WantError(t, 403, "Personal tokens belong to a user")
			bearer(s, jwt).Do(t, "GET", userAccessPath, nil).WantError(t, 403, "Personal tokens belong to a user")
		}
		// A personal token may manage its user's personal tokens.
		var own created
		f.adminC.Do(t, "POST", userTokensPath, map[string]any{}).Want(t, 201).JSON(t, &own)
		jwt := authenticate(t, s, own.ClientID, own.Secret).AccessToken
		bearer(s, jwt).Do(t, "POST", userAccessPath, map[string]any{}).Want(t, 201)
	})
}
