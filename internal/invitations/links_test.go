package invitations_test

import (
	"strings"
	"testing"
	"time"
)

type inviteToken struct {
	ID              string   `json:"id"`
	VendorID        string   `json:"vendorId"`
	TenantID        string   `json:"tenantId"`
	UserID          string   `json:"userId"`
	Token           string   `json:"token"`
	Expires         string   `json:"expires"`
	ShouldSendEmail bool     `json:"shouldSendEmail"`
	Name            string   `json:"name"`
	RoleIDs         []string `json:"roleIds"`
}

func TestVendorInvitationLinks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		v := e.Vendor(t)
		var l inviteToken
		v.Do(t, "POST", invitesPath, map[string]any{"tenantId": tn.TenantID, "expiresInMinutes": 60}).Want(t, 201).JSON(t, &l)
		if l.ID == "" || l.Token == "" || l.TenantID != tn.TenantID || l.VendorID != e.ClientID || l.Name != "Acme" || l.RoleIDs == nil {
			t.Fatalf("link %+v", l)
		}
		if want := e.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339); l.Expires != want {
			t.Fatalf("expires %s, want %s", l.Expires, want)
		}
		var all []inviteToken
		v.Do(t, "GET", invitesPath+"/all", nil).Want(t, 200).JSON(t, &all)
		if len(all) != 1 || all[0].Token != l.Token {
			t.Fatalf("all %+v", all)
		}

		// Anyone holding the token may check it, any number of times, until it expires.
		anon := e.Anon()
		var checked inviteToken
		for range 2 {
			anon.Do(t, "POST", invitesPath+"/verify", map[string]string{"token": l.Token}).Want(t, 200).JSON(t, &checked)
		}
		if checked.ID != l.ID || checked.Name != "Acme" {
			t.Fatalf("verified %+v", checked)
		}
		anon.Do(t, "POST", invitesPath+"/verify", map[string]string{"token": "bogus"}).WantError(t, 400, "invalid or has expired")
		anon.Do(t, "POST", invitesPath+"/verify", map[string]string{}).WantError(t, 400, "token is required")
		e.Clock.Advance(time.Hour)
		anon.Do(t, "POST", invitesPath+"/verify", map[string]string{"token": l.Token}).WantError(t, 400, "invalid or has expired")

		v.Do(t, "DELETE", invitesPath+"/token/"+l.ID, nil).Want(t, 200)
		v.Do(t, "DELETE", invitesPath+"/token/"+l.ID, nil).WantError(t, 404, "Invitation link not found")

		for _, c := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{}, 400, "tenantId is required"},
			{map[string]any{"tenantId": "nope"}, 404, "Tenant not found"},
			{map[string]any{"tenantId": tn.TenantID, "expiresInMinutes": 0}, 400, "expiresInMinutes must be between"},
			{map[string]any{"tenantId": tn.TenantID, "userId": "nobody"}, 404, "User not found"},
			{map[string]any{"tenantId": tn.TenantID, "roleIds": []string{"nope"}}, 404, "Role not found"},
		} {
			v.Do(t, "POST", invitesPath, c.body).WantError(t, c.status, c.msg)
		}

		// While the environment disallows account invitations, links neither start nor work.
		v.Do(t, "POST", invitesPath, map[string]any{"tenantId": tn.TenantID}).Want(t, 201).JSON(t, &l)
		v.Do(t, "POST", "/identity/resources/configurations/v1", map[string]any{"allowTenantInvitations": false}).Want(t, 201)
		v.Do(t, "POST", invitesPath, map[string]any{"tenantId": tn.TenantID}).WantError(t, 403, "Account invitations are disabled")
		anon.Do(t, "POST", invitesPath+"/verify", map[string]string{"token": l.Token}).Want(t, 400)
		e.Anon().Do(t, "GET", invitesPath+"/all", nil).Want(t, 401)
	})
}

func TestMembersOwnInvitationLink(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		admin, adminID, adminRole := e.member(t, tn.TenantID, "boss@example.com", 1, "fe.secure.read.users", "fe.secure.write.users", "fe.secure.write.tenantInvites", "fe.secure.delete.tenantInvites")
		mine := invitesPath + "/user"
		admin.Do(t, "GET", mine, nil).WantError(t, 404, "Invitation link not found")
		var l inviteToken
		admin.Do(t, "POST", mine, map[string]any{"expiresInMinutes": 30, "shouldSendEmail": true}).Want(t, 201).JSON(t, &l)
		if l.UserID != adminID || l.TenantID != tn.TenantID || !l.ShouldSendEmail || len(l.RoleIDs) != 0 {
			t.Fatalf("own link %+v", l)
		}
		var got inviteToken
		admin.Do(t, "GET", mine, nil).Want(t, 200).JSON(t, &got)
		if got.Token != l.Token {
			t.Fatalf("got %+v", got)
		}
		admin.Do(t, "PATCH", mine, map[string]any{"shouldSendEmail": false, "expiresInMinutes": 90}).Want(t, 200).JSON(t, &got)
		if got.ShouldSendEmail || got.Token != l.Token || got.Expires == l.Expires {
			t.Fatalf("patched %+v", got)
		}
		// A new link replaces the old one.
		admin.Do(t, "POST", mine, map[string]any{"expiresInMinutes": 30, "shouldSendEmail": false}).Want(t, 201).JSON(t, &got)
		e.Anon().Do(t, "POST", invitesPath+"/verify", map[string]string{"token": l.Token}).Want(t, 400)

		// v2 gives roles, no higher than the member's own.
		lower, higher := uuidRole(t, e, tn.TenantID, 5), uuidRole(t, e, tn.TenantID, 0)
		v2 := "/identity/resources/tenants/invites/v2/user"
		admin.Do(t, "POST", v2, map[string]any{"expiresInMinutes": 30, "shouldSendEmail": false, "roleIds": []string{higher}}).
			WantError(t, 403, "Insufficient permissions to assign these roles")
		admin.Do(t, "POST", v2, map[string]any{"expiresInMinutes": 30, "shouldSendEmail": false, "roleIds": []string{lower, adminRole}}).
			Want(t, 201).JSON(t, &got)
		if len(got.RoleIDs) != 2 {
			t.Fatalf("v2 link %+v", got)
		}
		admin.Do(t, "POST", v2, map[string]any{"expiresInMinutes": 30, "shouldSendEmail": false}).WantError(t, 400, "roleIds is required")
		admin.Do(t, "POST", mine, map[string]any{"shouldSendEmail": false}).WantError(t, 400, "expiresInMinutes is required")
		admin.Do(t, "POST", mine, map[string]any{"expiresInMinutes": 5}).WantError(t, 400, "shouldSendEmail is required")

		var cfg map[string]bool
		admin.Do(t, "GET", invitesPath+"/configuration", nil).Want(t, 200).JSON(t, &cfg)
		if !cfg["tenantInvitationsAllowed"] || !cfg["emailsEnabled"] {
			t.Fatalf("configuration %v", cfg)
		}
		e.Vendor(t).Do(t, "POST", "/identity/resources/mail/v1/configs/templates", map[string]any{"type": "UserUsedInvitation", "active": false}).Want(t, 201)
		admin.Do(t, "GET", invitesPath+"/configuration", nil).Want(t, 200).JSON(t, &cfg)
		if cfg["emailsEnabled"] {
			t.Fatalf("configuration %v", cfg)
		}

		admin.Do(t, "DELETE", mine, nil).Want(t, 200)
		admin.Do(t, "DELETE", mine, nil).Want(t, 404)

		// The vendor acts for a member with both headers.
		v := e.Vendor(t)
		v.Do(t, "POST", mine, map[string]any{"expiresInMinutes": 5, "shouldSendEmail": false}).WantError(t, 400, "frontegg-tenant-id header is required")
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", mine, map[string]any{"expiresInMinutes": 5, "shouldSendEmail": false}).
			WantError(t, 400, "frontegg-user-id header is required")
		v.With("frontegg-tenant-id", tn.TenantID).With("frontegg-user-id", adminID).
			Do(t, "POST", mine, map[string]any{"expiresInMinutes": 5, "shouldSendEmail": false}).Want(t, 201)

		plain, _, _ := e.member(t, tn.TenantID, "plain@example.com", 9)
		plain.Do(t, "POST", mine, map[string]any{"expiresInMinutes": 5, "shouldSendEmail": false}).Want(t, 403)
		plain.Do(t, "GET", mine, nil).Want(t, 403)
	})
}

// uuidRole seeds a role of tenantID at level and returns its id.
func uuidRole(t *testing.T, e *env, tenantID string, level int) string {
	t.Helper()
	_, _, role := e.member(t, tenantID, "holder-"+time.Now().Format("150405.000000000")+"@example.com", level)
	return role
}

func TestJoiningThroughAnInvitationLink(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		_, ownerID, role := e.member(t, tn.TenantID, "owner@example.com", 0, "fe.secure.write.users")
		v := e.Vendor(t)
		var l inviteToken
		v.Do(t, "POST", invitesPath, map[string]any{"tenantId": tn.TenantID, "userId": ownerID, "shouldSendEmail": true,
			"roleIds": []string{role}}).Want(t, 201).JSON(t, &l)

		// Sign-ups are off, but the link lets a newcomer into Acme, with the link's roles.
		signUp := "/identity/resources/users/v1/signUp"
		e.Anon().Do(t, "POST", signUp, map[string]any{"email": "new@example.com", "password": "New-pw-123", "companyName": "Own"}).Want(t, 403)
		var res struct {
			UserID   string `json:"userId"`
			TenantID string `json:"tenantId"`
		}
		e.Anon().Do(t, "POST", signUp, map[string]any{"email": "new@example.com", "password": "New-pw-123", "name": "Newcomer",
			"invitationToken": l.Token}).Want(t, 201).JSON(t, &res)
		if res.TenantID != tn.TenantID {
			t.Fatalf("signed up into %s, want %s", res.TenantID, tn.TenantID)
		}
		m := e.Mail.WaitFor(t, "owner@example.com", mailWait)
		if m.Subject != "Someone joined Acme with your invitation link" || !strings.Contains(m.Text, "Newcomer joined Acme") {
			t.Fatalf("owner email %q: %s", m.Subject, m.Text)
		}
		var got struct {
			Roles []struct {
				ID string `json:"id"`
			} `json:"roles"`
		}
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "GET", "/identity/resources/users/v1/"+res.UserID, nil).Want(t, 200).JSON(t, &got)
		if len(got.Roles) != 1 || got.Roles[0].ID != role {
			t.Fatalf("roles %+v", got.Roles)
		}

		// A user of another account joins by logging in with the link.
		other := e.SeedTenant(t, "Other")
		ada := e.SeedUser(t, other.TenantID, "ada@example.com", "pw-pw-pw-pw")
		var login struct {
			AccessToken string `json:"accessToken"`
		}
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": "pw-pw-pw-pw",
			"invitationToken": l.Token}).Want(t, 200).JSON(t, &login)
		if got := e.status(t, ada.ID, tn.TenantID); got != "Activated" && got != "PendingLogin" {
			t.Fatalf("Ada in Acme: %s", got)
		}
		// A bad link is refused whatever the password.
		for _, pw := range []string{"pw-pw-pw-pw", "wrong"} {
			e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": pw,
				"invitationToken": "bogus"}).WantError(t, 400, "invalid or has expired")
		}
		e.Anon().Do(t, "POST", signUp, map[string]any{"email": "x@example.com", "password": "New-pw-123", "invitationToken": "bogus"}).
			WantError(t, 400, "invalid or has expired")
	})
}
