package apitokens_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

// Every kind of token made or deleted is in the audit log once, with its id
// and type and never its secret, the caller as actor; refused requests
// record nothing.
func TestTokensAreAudited(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		memberV := f.vendor(t).With("frontegg-user-id", f.member.ID)
		type want struct{ id, tokenType, userID, actorType, actorID string }
		// check wants the log's entries with action to be exactly wants, by token id.
		check := func(action string, wants ...want) {
			t.Helper()
			got := s.Audits(t, f.tenant.TenantID, action)
			if len(got) != len(wants) {
				t.Fatalf("%s: %d entries, want %d: %+v", action, len(got), len(wants), got)
			}
			for _, w := range wants {
				n := 0
				for _, e := range got {
					if e.JSON["id"] != w.id {
						continue
					}
					n++
					if len(e.JSON) != 2 || e.JSON["type"] != w.tokenType || e.UserID != w.userID || e.ActorType != w.actorType ||
						(w.actorID != "" && e.ActorID != w.actorID) {
						t.Fatalf("%s: entry %+v, want %+v", action, e, w)
					}
				}
				if n != 1 {
					t.Fatalf("%s: %d entries for %s, want 1: %+v", action, n, w.id, got)
				}
			}
		}

		f.adminC.Do(t, "POST", tenantTokensV2, map[string]any{"roleIds": []string{"no-such-role"}}).WantError(t, 400, "roleIds")
		check("Token created")
		tenantTok := createTenantToken(t, f.adminC, map[string]any{"roleIds": []string{f.roles["TokenReader"].ID}})
		var userTok created
		f.adminC.Do(t, "POST", userTokensPath, map[string]any{"description": "laptop"}).Want(t, 201).JSON(t, &userTok)
		var tenantAccess, userAccess createdAccessToken
		f.adminC.Do(t, "POST", tenantAccessPath, map[string]any{"roleIds": []string{f.roles["TokenReader"].ID}}).Want(t, 201).JSON(t, &tenantAccess)
		memberV.Do(t, "POST", userAccessPath, map[string]any{"description": "cli"}).Want(t, 201).JSON(t, &userAccess)
		wants := []want{
			{tenantTok.ClientID, "tenantApiToken", "", "user", f.admin.ID},
			{userTok.ClientID, "userApiToken", f.admin.ID, "user", f.admin.ID},
			{tenantAccess.ID, "tenantAccessToken", "", "user", f.admin.ID},
			{userAccess.ID, "userAccessToken", f.member.ID, "vendor", ""},
		}
		check("Token created", wants...)

		f.adminC.Do(t, "DELETE", userTokensPath+"/"+tenantTok.ClientID, nil).WantError(t, 404, "API token not found")
		check("Token deleted")
		f.adminC.Do(t, "DELETE", tenantTokensPath+"/"+tenantTok.ClientID, nil).Want(t, 200)
		f.adminC.Do(t, "DELETE", userTokensPath+"/"+userTok.ClientID, nil).Want(t, 200)
		f.adminC.Do(t, "DELETE", tenantAccessPath+"/"+tenantAccess.ID, nil).Want(t, 200)
		memberV.Do(t, "DELETE", userAccessPath+"/"+userAccess.ID, nil).Want(t, 200)
		check("Token deleted", wants...)
	})
}
