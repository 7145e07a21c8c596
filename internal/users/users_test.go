package users_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const usersV1 = "/identity/resources/users/v1"

func TestCreateUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		// Only the test's role is a default: the seeded Admin (first user's
		// role) and Read Only (default) roles step aside.
		e.exec(t, `UPDATE roles SET is_default = FALSE, first_user_role = FALSE`)
		def := e.seedRole(t, "", "member", true, "app.read")
		v := e.asTenant(t, tn.TenantID)

		var got user
		v.Do(t, "POST", usersV1, map[string]any{
			"email": "ada@example.com", "name": "Ada", "password": "pw-pw-pw-pw", "phoneNumber": "+15550100",
			"metadata": `{"plan":"pro"}`, "skipInviteEmail": true,
		}).Want(t, 201).JSON(t, &got)
		switch {
		case got.ID == "" || got.Sub != got.ID || got.Email != "ada@example.com" || got.Name != "Ada":
			t.Fatalf("created user %+v", got)
		case got.TenantID != tn.TenantID || len(got.TenantIDs) != 1 || got.Metadata != `{"plan":"pro"}` || !got.Verified:
			t.Fatalf("created user %+v", got)
		case len(got.Roles) != 1 || got.Roles[0].ID != def || got.Roles[0].VendorID != e.ClientID || len(got.Roles[0].Permissions) != 1:
			t.Fatalf("default role not given: %+v", got.Roles)
		case len(got.Permissions) != 1 || got.Permissions[0].Key != "app.read" || got.Permissions[0].RoleIDs[0] != def:
			t.Fatalf("permissions %+v", got.Permissions)
		case len(got.Tenants) != 1 || got.Tenants[0].TenantID != tn.TenantID || len(got.Tenants[0].Roles) != 1:
			t.Fatalf("tenants %+v", got.Tenants)
		}
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		if n := len(e.Mail.Messages()); n != 0 {
			t.Fatalf("%d emails sent, want none (skipInviteEmail)", n)
		}

		// The account's email-domain restrictions decide who may join it.
		const domains = "/identity/resources/configurations/restrictions/v1/email-domain"
		v.Do(t, "POST", domains, map[string]any{"domain": "blocked.example", "type": "BLOCK"}).Want(t, 201)
		v.Do(t, "POST", domains+"/config", map[string]any{"active": true, "listType": "BLOCK"}).Want(t, 201)
		v.Do(t, "POST", usersV1, map[string]any{"email": "eve@blocked.example", "name": "Eve", "skipInviteEmail": true}).Want(t, 403)
		// And the account's password policy (the breached list is on by default).
		v.Do(t, "POST", usersV1, map[string]any{"email": "bob@example.com", "password": "password123", "skipInviteEmail": true}).
			WantError(t, 400, "password is too common")

		// Metadata sent as a JSON object (as some management clients do) is kept as JSON text.
		var obj user
		v.Do(t, "POST", usersV1, map[string]any{"email": "obj@example.com", "metadata": map[string]any{"a": 1}}).Want(t, 201).JSON(t, &obj)
		if obj.Metadata != `{"a":1}` || obj.Verified {
			t.Fatalf("metadata %q verified %v", obj.Metadata, obj.Verified)
		}
		// Without a password and without skipInviteEmail the user is invited to activate.
		m := e.Mail.WaitFor(t, "obj@example.com", 5*time.Second)
		if !strings.Contains(m.Text, "/account/activate?") {
			t.Fatalf("activation email %q", m.Text)
		}

		for _, c := range []struct {
			name   string
			body   any
			status int
			msg    string
		}{
			{"no email", map[string]any{"name": "x"}, 400, "email is required"},
			{"bad email", map[string]any{"email": "not-an-email"}, 400, "email must be an email"},
			{"duplicate", map[string]any{"email": "ADA@example.com"}, 409, "User already exists"},
			{"unknown role", map[string]any{"email": "r@example.com", "roleIds": []string{"nope"}}, 404, "Role not found"},
			{"bad provider", map[string]any{"email": "p@example.com", "provider": "myspace"}, 400, "provider must be one of"},
			{"bad metadata", map[string]any{"email": "m@example.com", "metadata": "{oops"}, 400, "metadata must be a JSON string"},
			{"wrong type", map[string]any{"email": 5}, 400, "email must be of type string"},
			{"temporary off", map[string]any{"email": "t@example.com", "expirationInSeconds": 60}, 400, "Temporary users are not enabled"},
			{"bad picture", map[string]any{"email": "x@example.com", "profilePictureUrl": "javascript:alert(1)"}, 400, "profilePictureUrl must be"},
		} {
			t.Run(c.name, func(t *testing.T) { v.Do(t, "POST", usersV1, c.body).WantError(t, c.status, c.msg) })
		}
		e.Vendor(t).Do(t, "POST", usersV1, map[string]any{"email": "h@example.com"}).WantError(t, 400, "frontegg-tenant-id header is required")
		e.Vendor(t).With("frontegg-tenant-id", "nope").Do(t, "POST", usersV1, map[string]any{"email": "h@example.com"}).WantError(t, 404, "Tenant not found")

		// A user needs fe.secure.write.users, and creates users in its own tenant only.
		plain, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		plain.Do(t, "POST", usersV1, map[string]any{"email": "u@example.com"}).WantError(t, 403, "Insufficient permissions")
		admin, _ := e.admin(t, tn.TenantID, "admin@example.com")
		var byAdmin user
		admin.Do(t, "POST", usersV1, map[string]any{"email": "u@example.com", "skipInviteEmail": true}).Want(t, 201).JSON(t, &byAdmin)
		if byAdmin.TenantID != tn.TenantID {
			t.Fatalf("admin created user in %q", byAdmin.TenantID)
		}
		// It gives roles at or below its own rank only (a higher level is a lower rank).
		e.exec(t, `UPDATE roles SET level = 5 WHERE key LIKE 'admin-%'`)
		top := e.seedRole(t, "", "owner", false)
		low := e.seedRole(t, "", "guest", false)
		e.exec(t, `UPDATE roles SET level = 9 WHERE id = $1`, low)
		admin.Do(t, "POST", usersV1, map[string]any{"email": "top@example.com", "roleIds": []string{top}}).WantError(t, 403, "assign these roles")
		admin.Do(t, "POST", usersV1, map[string]any{"email": "low@example.com", "roleIds": []string{low}}).Want(t, 201)
	})
}

func TestCreateVendorOnlyUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		const path = "/identity/resources/vendor-only/users/v1"
		var got user
		e.Vendor(t).Do(t, "POST", path, map[string]any{
			"tenantId": tn.TenantID, "email": "ada@example.com", "vendorMetadata": `{"tier":1}`, "mfaBypass": true,
			"externalId": "ext-1", "username": "ada",
		}).Want(t, 201).JSON(t, &got)
		if got.VendorMetadata != `{"tier":1}` || !got.MFABypass || got.ExternalID != "ext-1" || got.Username != "ada" || got.TenantID != tn.TenantID {
			t.Fatalf("vendor-only user %+v", got)
		}
		var byName user
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": tn.TenantID, "username": "bob"}).Want(t, 201).JSON(t, &byName)
		if byName.Email != "" || byName.Username != "bob" {
			t.Fatalf("username-only user %+v", byName)
		}
		if n := len(e.Mail.Messages()); n != 0 {
			t.Fatalf("vendor-only create sent %d emails", n)
		}
		e.Vendor(t).Do(t, "POST", path, map[string]any{"email": "x@example.com"}).WantError(t, 400, "tenantId is required")
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": tn.TenantID}).WantError(t, 400, "email or username is required")
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": tn.TenantID, "username": "two words"}).WantError(t, 400, "username must not contain spaces")
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": tn.TenantID, "username": "ADA"}).WantError(t, 409, "User already exists")
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": tn.TenantID, "email": "v@example.com", "vendorMetadata": "nope"}).
			WantError(t, 400, "vendorMetadata must be a JSON string")
		u := e.SeedUser(t, tn.TenantID, "user@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, u.Email, "pw-pw-pw-pw")
		c.Do(t, "POST", path, map[string]any{"tenantId": tn.TenantID, "email": "w@example.com"}).WantError(t, 403, "")
	})
}

func TestGetUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.SeedUser(t, b.TenantID, "bob@example.com", "pw-pw-pw-pw")
		var got user
		e.Vendor(t).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if got.ID != u.ID || got.TenantID != a.TenantID || got.Metadata != "{}" || got.VendorMetadata != "{}" || got.Provider != "local" {
			t.Fatalf("user %+v", got)
		}
		e.asTenant(t, a.TenantID).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200)
		e.asTenant(t, b.TenantID).Do(t, "GET", usersV1+"/"+u.ID, nil).WantError(t, 404, "User not found")
		e.Vendor(t).Do(t, "GET", usersV1+"/nope", nil).WantError(t, 404, "User not found")

		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if got.Email != "ada@example.com" {
			t.Fatalf("vendor-only get %+v", got)
		}
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/nope", nil).WantError(t, 404, "User not found")

		e.Vendor(t).Do(t, "GET", usersV1+"/email?email=ADA@example.com", nil).Want(t, 200).JSON(t, &got)
		if got.ID != u.ID {
			t.Fatalf("by email %+v", got)
		}
		e.Vendor(t).Do(t, "GET", usersV1+"/email?email=nobody@example.com", nil).WantError(t, 404, "User not found")
		e.Vendor(t).Do(t, "GET", usersV1+"/email", nil).WantError(t, 400, "email is required")

		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		c.Do(t, "GET", usersV1+"/"+u.ID, nil).WantError(t, 403, "")
		e.Anon().Do(t, "GET", usersV1+"/"+u.ID, nil).WantError(t, 401, "")
	})
}

func TestUpdateUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		path := usersV1 + "/" + u.ID
		var got user
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"name": "Ada L", "profilePictureUrl": "https://example.com/a.png",
			"phoneNumber": "+1555", "vendorMetadata": `{"v":1}`, "mfaBypass": true, "externalId": "e1"}).Want(t, 200).JSON(t, &got)
		if got.Name != "Ada L" || got.ProfilePictureURL != "https://example.com/a.png" || got.VendorMetadata != `{"v":1}` || !got.MFABypass || got.ExternalID != "e1" {
			t.Fatalf("updated %+v", got)
		}
		// Partial: absent fields stay, null clears a nullable one.
		var partial user
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"profilePictureUrl": nil, "metadata": `{"m":2}`}).Want(t, 200).JSON(t, &partial)
		if partial.Name != "Ada L" || partial.PhoneNumber != "+1555" || partial.ProfilePictureURL != "" || partial.Metadata != `{"m":2}` ||
			partial.VendorMetadata != `{"v":1}` || !partial.MFABypass || partial.ExternalID != "e1" {
			t.Fatalf("partial update %+v", partial)
		}
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"name": strings.Repeat("x", 300)}).WantError(t, 400, "name must be at most 255 characters")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"metadata": "nope"}).WantError(t, 400, "metadata must be a JSON string")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"mfaBypass": "yes"}).WantError(t, 400, "mfaBypass must be of type boolean")
		e.Vendor(t).Do(t, "PUT", usersV1+"/nope", map[string]any{"name": "x"}).WantError(t, 404, "User not found")
	})
}

func TestUpdateSelf(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		var got user
		e.asTenant(t, tn.TenantID).With("frontegg-user-id", u.ID).Do(t, "PUT", usersV1, map[string]any{"name": "Vendor Set"}).Want(t, 200).JSON(t, &got)
		if got.Name != "Vendor Set" || got.TenantID != tn.TenantID {
			t.Fatalf("PUT users/v1 as vendor: %+v", got)
		}
		e.asTenant(t, tn.TenantID).Do(t, "PUT", usersV1, map[string]any{"name": "x"}).WantError(t, 400, "frontegg-user-id header is required")

		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		c.Do(t, "PUT", usersV1, map[string]any{"phoneNumber": "+1"}).Want(t, 200).JSON(t, &got)
		if got.PhoneNumber != "+1" || got.Name != "Vendor Set" {
			t.Fatalf("PUT users/v1 as user: %+v", got)
		}
		c.Do(t, "PUT", mePath, map[string]any{"name": "Me", "metadata": `{"theme":"dark"}`, "vendorMetadata": `{"hack":1}`}).Want(t, 200).JSON(t, &got)
		if got.Name != "Me" || got.Metadata != `{"theme":"dark"}` || got.VendorMetadata != "{}" {
			t.Fatalf("PUT v2/me: %+v", got)
		}
		c.Do(t, "PUT", mePath, map[string]any{"name": 1}).WantError(t, 400, "name must be of type string")
		e.Vendor(t).Do(t, "PUT", mePath, map[string]any{"name": "x"}).WantError(t, 403, "")
	})
}

func TestDeleteUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/"+u.ID+"/tenant", map[string]any{"tenantId": b.TenantID, "skipInviteEmail": true}).Want(t, 201)
		inA, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		// With frontegg-tenant-id: out of that tenant only, and its session there ends.
		e.asTenant(t, a.TenantID).Do(t, "DELETE", usersV1+"/"+u.ID, nil).Want(t, 200)
		inA.Do(t, "GET", mePath, nil).Want(t, 401)
		var got user
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if len(got.TenantIDs) != 1 || got.TenantIDs[0] != b.TenantID || got.TenantID != b.TenantID {
			t.Fatalf("after removal from A: %+v", got)
		}
		e.asTenant(t, a.TenantID).Do(t, "DELETE", usersV1+"/"+u.ID, nil).WantError(t, 404, "User not found")

		// Without it: gone altogether, sessions included.
		inB, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		revokedBefore, err := e.DB.FindRevokedSessions(context.Background(), time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		e.Vendor(t).Do(t, "DELETE", usersV1+"/"+u.ID, nil).Want(t, 200)
		inB.Do(t, "GET", mePath, nil).Want(t, 401)
		// The session stays as a revocation other nodes' polls will see.
		revokedAfter, err := e.DB.FindRevokedSessions(context.Background(), time.Unix(0, 0))
		if err != nil || len(revokedAfter) != len(revokedBefore)+1 {
			t.Fatalf("revoked sessions %d → %d (%v), want one more", len(revokedBefore), len(revokedAfter), err)
		}
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+u.ID, nil).WantError(t, 404, "User not found")
		e.Vendor(t).Do(t, "DELETE", usersV1+"/"+u.ID, nil).WantError(t, 404, "User not found")

		// A user with fe.secure.delete.users removes users from its own tenant only.
		admin, _ := e.admin(t, a.TenantID, "admin@example.com")
		other := e.SeedUser(t, b.TenantID, "bob@example.com", "pw-pw-pw-pw")
		admin.Do(t, "DELETE", usersV1+"/"+other.ID, nil).WantError(t, 404, "User not found")
		mate := e.SeedUser(t, a.TenantID, "mate@example.com", "pw-pw-pw-pw")
		admin.Do(t, "DELETE", usersV1+"/"+mate.ID, nil).Want(t, 200)
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+mate.ID, nil).Want(t, 200)
		plain, _ := e.Login(t, "bob@example.com", "pw-pw-pw-pw")
		plain.Do(t, "DELETE", usersV1+"/"+other.ID, nil).WantError(t, 403, "Insufficient permissions")
	})
}

func TestUserFlags(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		path := usersV1 + "/" + u.ID
		var got user
		e.Vendor(t).Do(t, "PUT", path+"/invisible", map[string]any{"invisible": true}).Want(t, 200).JSON(t, &got)
		if !got.Invisible {
			t.Fatal("not invisible")
		}
		e.Vendor(t).Do(t, "PUT", path+"/superuser", map[string]any{"superUser": true}).Want(t, 200).JSON(t, &got)
		if !got.SuperUser || !got.Invisible {
			t.Fatalf("flags %+v", got)
		}
		e.Vendor(t).Do(t, "PUT", path+"/invisible", map[string]any{}).WantError(t, 400, "invisible is required")
		e.Vendor(t).Do(t, "PUT", path+"/superuser", map[string]any{"superUser": "yes"}).WantError(t, 400, "superUser must be of type boolean")
		e.Vendor(t).Do(t, "PUT", usersV1+"/nope/invisible", map[string]any{"invisible": true}).WantError(t, 404, "User not found")

		// Verify.
		nv := e.SeedUser(t, tn.TenantID, "nv@example.com", "pw-pw-pw-pw")
		e.exec(t, `UPDATE users SET verified = FALSE WHERE id = $1`, nv.ID)
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "nv@example.com", "password": "pw-pw-pw-pw"}).Want(t, 401)
		e.Vendor(t).Do(t, "POST", usersV1+"/"+nv.ID+"/verify", nil).Want(t, 200)
		e.Login(t, "nv@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/nope/verify", nil).WantError(t, 404, "User not found")

		// Lock ends every session at once and refuses logins; unlock lifts it.
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		c.Do(t, "GET", mePath, nil).Want(t, 200)
		e.Vendor(t).Do(t, "POST", path+"/lock", nil).Want(t, 200)
		c.Do(t, "GET", mePath, nil).Want(t, 401)
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if !got.IsLocked {
			t.Fatal("isLocked false after lock")
		}
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": "pw-pw-pw-pw"}).Want(t, 401)
		e.Vendor(t).Do(t, "POST", path+"/unlock", nil).Want(t, 200)
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/nope/lock", nil).WantError(t, 404, "User not found")
		c.Do(t, "POST", path+"/unlock", nil).WantError(t, 401, "")
	})
}

func TestUserTenants(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		roleB := e.seedRole(t, b.TenantID, "b-editor", false, "b.write")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		path := usersV1 + "/" + u.ID + "/tenant"

		var got user
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": b.TenantID, "roleIds": []string{roleB}, "skipInviteEmail": true}).
			Want(t, 201).JSON(t, &got)
		if got.TenantID != b.TenantID || len(got.TenantIDs) != 2 || len(got.Roles) != 1 || got.Roles[0].ID != roleB {
			t.Fatalf("added to B: %+v", got)
		}
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": b.TenantID}).WantError(t, 409, "already a member")
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": "missing", "validateTenantExist": true}).WantError(t, 404, "Tenant not found")
		e.Vendor(t).Do(t, "POST", path, map[string]any{}).WantError(t, 400, "tenantId is required")
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": a.TenantID + "x", "roleIds": []string{roleB}}).WantError(t, 404, "Role not found")
		e.Vendor(t).Do(t, "POST", usersV1+"/nope/tenant", map[string]any{"tenantId": b.TenantID}).WantError(t, 404, "User not found")
		// Without validateTenantExist a missing tenant is created.
		e.Vendor(t).Do(t, "POST", path, map[string]any{"tenantId": "fresh", "skipInviteEmail": true}).Want(t, 201).JSON(t, &got)
		if len(got.TenantIDs) != 3 {
			t.Fatalf("after joining a new tenant: %v", got.TenantIDs)
		}
		e.Vendor(t).Do(t, "GET", "/identity/resources/users/v3?_tenantId=fresh", nil).Want(t, 200)

		// PUT sets the active tenant: the next login lands there.
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"tenantId": b.TenantID}).Want(t, 200).JSON(t, &got)
		if got.TenantID != b.TenantID {
			t.Fatalf("active tenant %q", got.TenantID)
		}
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		var me user
		c.Do(t, "GET", mePath, nil).Want(t, 200).JSON(t, &me)
		if me.TenantID != b.TenantID || len(me.Roles) != 1 || me.Roles[0].ID != roleB {
			t.Fatalf("me after setting the active tenant: %+v", me)
		}
		// A tenant the user is not in yet: joins it with the default roles.
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"tenantId": "newer"}).Want(t, 200).JSON(t, &got)
		if got.TenantID != "newer" || len(got.TenantIDs) != 4 {
			t.Fatalf("set to a new tenant: %+v", got)
		}
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"tenantId": "absent", "validateTenantExist": true}).WantError(t, 404, "Tenant not found")

		// Without a password, joining a tenant sends an activation email unless skipped.
		np := e.SeedUser(t, a.TenantID, "nopw@example.com", "")
		e.Vendor(t).Do(t, "POST", usersV1+"/"+np.ID+"/tenant", map[string]any{"tenantId": b.TenantID}).Want(t, 201)
		e.Mail.WaitFor(t, "nopw@example.com", 5*time.Second)
	})
}

func TestSetUserEmail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.SeedUser(t, tn.TenantID, "bob@example.com", "pw-pw-pw-pw")
		path := usersV1 + "/" + u.ID + "/email"
		var got user
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"email": "ada.l@example.com"}).Want(t, 200).JSON(t, &got)
		if got.Email != "ada.l@example.com" {
			t.Fatalf("email %q", got.Email)
		}
		e.Login(t, "ada.l@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"email": "BOB@example.com"}).WantError(t, 409, "Email is already in use")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"email": "bad"}).WantError(t, 400, "email must be an email")
		e.Vendor(t).Do(t, "PUT", usersV1+"/nope/email", map[string]any{"email": "n@example.com"}).WantError(t, 404, "User not found")

		// An additional address of the user becomes its primary one.
		e.Vendor(t).Do(t, "POST", "/identity/resources/users/emails/v1/vendor/"+u.ID, map[string]any{"email": "alt@example.com", "isVerified": true}).Want(t, 201)
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"email": "alt@example.com"}).Want(t, 200)
		var emails []struct{ Email string }
		e.Vendor(t).With("frontegg-user-id", u.ID).Do(t, "GET", "/identity/resources/users/emails/v1/me", nil).Want(t, 200).JSON(t, &emails)
		if len(emails) != 1 || emails[0].Email != "alt@example.com" {
			t.Fatalf("emails %+v", emails)
		}
	})
}

func TestMigrateTenantUsers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		src, dst := e.SeedTenant(t, "Src"), e.SeedTenant(t, "Dst")
		global := e.seedRole(t, "", "global", false, "g.read")
		local := e.seedRole(t, src.TenantID, "local", false, "l.read")
		u := e.SeedUser(t, src.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.grant(t, u.ID, src.TenantID, global)
		e.grant(t, u.ID, src.TenantID, local)
		both := e.SeedUser(t, dst.TenantID, "bob@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/"+both.ID+"/tenant", map[string]any{"tenantId": src.TenantID, "skipInviteEmail": true}).Want(t, 201)
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		const path = usersV1 + "/tenants/migrate"
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"srcTenantId": src.TenantID, "targetTenantId": dst.TenantID}).Want(t, 200)
		c.Do(t, "GET", mePath, nil).Want(t, 401)
		var got user
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if got.TenantID != dst.TenantID || len(got.TenantIDs) != 1 || len(got.Roles) != 1 || got.Roles[0].ID != global {
			t.Fatalf("migrated user %+v", got)
		}
		e.Vendor(t).Do(t, "GET", "/identity/resources/vendor-only/users/v1/"+both.ID, nil).Want(t, 200).JSON(t, &got)
		if len(got.TenantIDs) != 1 || got.TenantIDs[0] != dst.TenantID {
			t.Fatalf("user in both: %+v", got.TenantIDs)
		}
		var list page[user]
		e.Vendor(t).Do(t, "GET", "/identity/resources/users/v3?_tenantId="+src.TenantID, nil).Want(t, 200).JSON(t, &list)
		if list.Metadata.TotalItems != 0 {
			t.Fatalf("%d users left in src", list.Metadata.TotalItems)
		}

		e.Vendor(t).Do(t, "PUT", path, map[string]any{"srcTenantId": dst.TenantID, "targetTenantId": dst.TenantID}).WantError(t, 400, "must differ")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"srcTenantId": dst.TenantID}).WantError(t, 400, "targetTenantId is required")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"srcTenantId": "nope", "targetTenantId": dst.TenantID}).WantError(t, 404, "Tenant not found")
	})
}

func TestDisableInTenant(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		const base = "/identity/resources/tenants/users/v1/"
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		e.asTenant(t, a.TenantID).Do(t, "POST", base+u.ID+"/disable", nil).Want(t, 201)
		c.Do(t, "GET", mePath, nil).Want(t, 401)
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": "pw-pw-pw-pw"}).Want(t, 401)
		var got user
		e.asTenant(t, a.TenantID).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if !got.IsDisabled || !got.Tenants[0].IsDisabled {
			t.Fatalf("disabled user %+v", got)
		}
		e.asTenant(t, a.TenantID).Do(t, "POST", base+u.ID+"/enable", nil).Want(t, 201)
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		e.Vendor(t).Do(t, "POST", base+u.ID+"/disable", nil).WantError(t, 400, "frontegg-tenant-id header is required")
		e.asTenant(t, b.TenantID).Do(t, "POST", base+u.ID+"/disable", nil).WantError(t, 404, "User not found")
		admin, _ := e.admin(t, b.TenantID, "admin@example.com")
		admin.Do(t, "POST", base+u.ID+"/disable", nil).WantError(t, 404, "User not found")
		plain, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		plain.Do(t, "POST", base+u.ID+"/disable", nil).WantError(t, 403, "Insufficient permissions")
	})
}

func TestUserStatuses(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		active := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		fresh := e.SeedUser(t, a.TenantID, "new@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/"+fresh.ID+"/tenant", map[string]any{"tenantId": b.TenantID, "skipInviteEmail": true}).Want(t, 201)
		e.exec(t, `UPDATE user_tenants SET activated = FALSE WHERE user_id = $1 AND tenant_id = $2`, fresh.ID, b.TenantID)

		const path = "/identity/resources/tenants/users/v1/statuses"
		var got []struct {
			UserID          string `json:"userId"`
			TenantsStatuses []struct {
				TenantID string `json:"tenantId"`
				Status   string `json:"status"`
			} `json:"tenantsStatuses"`
		}
		e.Vendor(t).Do(t, "GET", path+"?userIds="+active.ID+","+fresh.ID+"&userIds=nope", nil).Want(t, 200).JSON(t, &got)
		statuses := map[string]string{}
		for _, u := range got {
			for _, s := range u.TenantsStatuses {
				statuses[u.UserID+"/"+s.TenantID] = s.Status
			}
		}
		want := map[string]string{
			active.ID + "/" + a.TenantID: "Activated",
			fresh.ID + "/" + a.TenantID:  "PendingLogin",
			fresh.ID + "/" + b.TenantID:  "PendingInvitation",
		}
		if len(got) != 2 || !equalMaps(statuses, want) {
			t.Fatalf("statuses %v, want %v", statuses, want)
		}
		e.Vendor(t).Do(t, "GET", path+"?userIds="+fresh.ID+"&userTenantStatuses=PendingInvitation", nil).Want(t, 200).JSON(t, &got)
		if len(got) != 1 || len(got[0].TenantsStatuses) != 1 || got[0].TenantsStatuses[0].TenantID != b.TenantID {
			t.Fatalf("filtered statuses %+v", got)
		}
		e.Vendor(t).Do(t, "GET", path, nil).WantError(t, 400, "userIds is required")
		e.Vendor(t).Do(t, "GET", path+"?userIds=x&userTenantStatuses=Sleeping", nil).WantError(t, 400, "userTenantStatuses must be among")
		e.Vendor(t).Do(t, "GET", path+"?userIds="+strings.Repeat("x,", 201), nil).WantError(t, 400, "at most 200")
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The user shape's metadata is a JSON string, as the browser client parses it.
func TestUserShapeMetadataIsString(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		m := e.Vendor(t).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200).Map(t)
		if _, ok := m["metadata"].(string); !ok {
			t.Fatalf("metadata is %T", m["metadata"])
		}
		for _, k := range []string{"id", "email", "name", "profilePictureUrl", "sub", "verified", "mfaEnrolled", "roles", "permissions",
			"provider", "tenantId", "tenantIds", "tenants", "metadata", "vendorMetadata", "createdAt", "subAccountAccessAllowed", "managedBy"} {
			if _, ok := m[k]; !ok {
				raw, _ := json.Marshal(m)
				t.Fatalf("user shape lacks %q: %s", k, raw)
			}
		}
	})
}

// Management routes take the vendor token only: a user token, even an
// account admin's, is refused.
func TestVendorRoutesRefuseUsers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		admin, u := e.admin(t, tn.TenantID, "admin@example.com")
		for _, route := range []string{
			"POST /identity/resources/vendor-only/users/v1",
			"GET /identity/resources/users/v1/" + u.ID,
			"GET /identity/resources/vendor-only/users/v1/" + u.ID,
			"GET /identity/resources/users/v1/email?email=admin@example.com",
			"PUT /identity/resources/users/v1/" + u.ID,
			"POST /identity/resources/users/v1/" + u.ID + "/verify",
			"PUT /identity/resources/users/v1/" + u.ID + "/invisible",
			"PUT /identity/resources/users/v1/" + u.ID + "/superuser",
			"POST /identity/resources/users/v1/" + u.ID + "/lock",
			"POST /identity/resources/users/v1/" + u.ID + "/unlock",
			"PUT /identity/resources/users/v1/" + u.ID + "/tenant",
			"POST /identity/resources/users/v1/" + u.ID + "/tenant",
			"PUT /identity/resources/users/v1/" + u.ID + "/email",
			"PUT /identity/resources/users/v1/tenants/migrate",
			"GET /identity/resources/tenants/users/v1/statuses?userIds=" + u.ID,
			"PUT /identity/resources/users/temporary/v1/configuration",
			"POST /identity/resources/users/emails/v1/vendor/" + u.ID,
			"DELETE /identity/resources/users/emails/v1/vendor/" + u.ID + "/x",
			"POST /identity/resources/users/emails/v1/vendor/" + u.ID + "/primary",
		} {
			method, path, _ := strings.Cut(route, " ")
			admin.Do(t, method, path, map[string]any{}).WantError(t, 403, "This route does not accept this kind of token")
		}
	})
}
