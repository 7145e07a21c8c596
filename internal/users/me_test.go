package users_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
)

const refreshPath = "/identity/resources/auth/v1/user/token/refresh"

func TestGetMe(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/"+u.ID+"/tenant", map[string]any{"tenantId": b.TenantID, "skipInviteEmail": true}).Want(t, 201)
		viewer := e.seedRole(t, "", "viewer", false, "app.read")
		editor := e.seedRole(t, a.TenantID, "editor", false, "app.read", "app.write")
		e.grant(t, u.ID, a.TenantID, viewer)
		e.grant(t, u.ID, a.TenantID, editor)
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		for _, path := range []string{mePath, "/identity/resources/users/v3/me", "/frontegg" + mePath} {
			var me user
			c.Do(t, "GET", path, nil).Want(t, 200).JSON(t, &me)
			switch {
			case me.ID != u.ID || me.Sub != u.ID || me.Email != "ada@example.com" || me.TenantID != a.TenantID || me.LastLogin == "":
				t.Fatalf("%s: %+v", path, me)
			case len(me.TenantIDs) != 2 || len(me.Tenants) != 2 || me.Metadata != "{}":
				t.Fatalf("%s: tenants %+v", path, me)
			case len(me.Roles) != 2 || len(me.Permissions) != 2:
				t.Fatalf("%s: roles %+v permissions %+v", path, me.Roles, me.Permissions)
			}
			perms := map[string]int{}
			for _, p := range me.Permissions {
				perms[p.Key] = len(p.RoleIDs)
			}
			if perms["app.read"] != 2 || perms["app.write"] != 1 {
				t.Fatalf("%s: permission role ids %v", path, perms)
			}
		}

		var az struct {
			Roles       []role `json:"roles"`
			Permissions []struct {
				Key string `json:"key"`
			} `json:"permissions"`
		}
		c.Do(t, "GET", "/identity/resources/users/v1/me/authorization", nil).Want(t, 200).JSON(t, &az)
		if len(az.Roles) != 2 || len(az.Permissions) != 2 || az.Permissions[0].Key != "app.read" {
			t.Fatalf("authorization %+v", az)
		}

		e.Vendor(t).Do(t, "GET", mePath, nil).WantError(t, 403, "")
		e.Anon().Do(t, "GET", mePath, nil).WantError(t, 401, "")
		e.Anon().With("Authorization", "Bearer nonsense").Do(t, "GET", "/identity/resources/users/v1/me/authorization", nil).WantError(t, 401, "")
	})
}

// The browser client's tenant switch: PUT users/v1/tenant, then a refresh with
// {"tenantId": null} must issue a token for the new tenant.
func TestSwitchTenantThenRefresh(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b, other := e.SeedTenant(t, "A"), e.SeedTenant(t, "B"), e.SeedTenant(t, "Other")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "POST", usersV1+"/"+u.ID+"/tenant", map[string]any{"tenantId": b.TenantID, "skipInviteEmail": true}).Want(t, 201)
		c, first := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		if tenantOf(t, first.AccessToken) != a.TenantID {
			t.Fatal("login did not start in A")
		}

		var switched user
		c.Do(t, "PUT", "/frontegg"+usersV1+"/tenant", map[string]any{"tenantId": b.TenantID}).Want(t, 200).JSON(t, &switched)
		if switched.TenantID != b.TenantID {
			t.Fatalf("switch answered tenant %q", switched.TenantID)
		}
		var next apitest.LoginResponse
		c.Do(t, "POST", "/frontegg"+refreshPath, map[string]any{"tenantId": nil}).Want(t, 201).JSON(t, &next)
		if got := tenantOf(t, next.AccessToken); got != b.TenantID {
			t.Fatalf("refreshed token is for %q, want %q", got, b.TenantID)
		}
		var me user
		e.Anon().With("Authorization", "Bearer "+next.AccessToken).Do(t, "GET", mePath, nil).Want(t, 200).JSON(t, &me)
		if me.TenantID != b.TenantID {
			t.Fatalf("me after switch: %q", me.TenantID)
		}
		// The choice sticks for the next login too.
		_, again := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		if tenantOf(t, again.AccessToken) != b.TenantID {
			t.Fatal("next login is not in B")
		}

		c.Do(t, "PUT", usersV1+"/tenant", map[string]any{"tenantId": other.TenantID}).WantError(t, 403, "not a member")
		c.Do(t, "PUT", usersV1+"/tenant", map[string]any{}).WantError(t, 400, "tenantId is required")
		e.asTenant(t, a.TenantID).Do(t, "POST", "/identity/resources/tenants/users/v1/"+u.ID+"/disable", nil).Want(t, 201)
		c2, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		c2.Do(t, "PUT", usersV1+"/tenant", map[string]any{"tenantId": a.TenantID}).WantError(t, 403, "disabled")

		// The vendor may switch for a user with frontegg-user-id.
		e.Vendor(t).With("frontegg-user-id", u.ID).Do(t, "PUT", usersV1+"/tenant", map[string]any{"tenantId": b.TenantID}).Want(t, 200)
		e.Vendor(t).Do(t, "PUT", usersV1+"/tenant", map[string]any{"tenantId": b.TenantID}).WantError(t, 400, "frontegg-user-id header is required")
	})
}

// tenantOf returns the tenantId claim of an access token.
func tenantOf(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		TenantID string `json:"tenantId"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c.TenantID
}

func TestMyTenants(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		parent, lone := e.SeedTenant(t, "Parent"), e.SeedTenant(t, "Lone")
		now := e.Clock.Now()
		childID := uuid.NewString()
		child := &iam.Tenant{ID: childID, TenantID: childID, Name: "Child", Metadata: "{}", ParentTenantID: parent.TenantID, CreatedAt: now, UpdatedAt: now}
		if err := e.DB.CreateTenant(context.Background(), child); err != nil {
			t.Fatal(err)
		}
		u := e.SeedUser(t, parent.TenantID, "ada@example.com", "pw-pw-pw-pw")
		for _, tn := range []string{child.TenantID, lone.TenantID} {
			e.Vendor(t).Do(t, "POST", usersV1+"/"+u.ID+"/tenant", map[string]any{"tenantId": tn, "skipInviteEmail": true}).Want(t, 201)
		}
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		type tenant struct {
			ID             string  `json:"id"`
			TenantID       string  `json:"tenantId"`
			Name           string  `json:"name"`
			VendorID       string  `json:"vendorId"`
			Metadata       string  `json:"metadata"`
			ParentTenantID string  `json:"parentTenantId"`
			DeletedAt      *string `json:"deletedAt"`
		}
		for _, path := range []string{"/identity/resources/users/v1/me/tenants", "/identity/resources/users/v3/me/tenants"} {
			var got struct {
				Tenants      []tenant `json:"tenants"`
				ActiveTenant tenant   `json:"activeTenant"`
			}
			c.Do(t, "GET", path, nil).Want(t, 200).JSON(t, &got)
			if len(got.Tenants) != 3 || got.ActiveTenant.TenantID != parent.TenantID || got.ActiveTenant.Name != "Parent" ||
				got.ActiveTenant.VendorID != e.ClientID || got.ActiveTenant.Metadata != "{}" {
				t.Fatalf("%s: %+v", path, got)
			}
		}
		var arr []tenant
		c.Do(t, "GET", "/identity/resources/users/v2/me/tenants", nil).Want(t, 200).JSON(t, &arr)
		if len(arr) != 3 {
			t.Fatalf("v2/me/tenants %+v", arr)
		}
		// The vendor may ask for a user with frontegg-user-id.
		arr = nil
		e.Vendor(t).With("frontegg-user-id", u.ID).Do(t, "GET", "/identity/resources/users/v2/me/tenants", nil).Want(t, 200).JSON(t, &arr)
		if len(arr) != 3 {
			t.Fatalf("v2/me/tenants as vendor %+v", arr)
		}
		// The hierarchy drops the child: membership of its parent covers it.
		arr = nil
		c.Do(t, "GET", "/identity/resources/users/v2/me/hierarchy", nil).Want(t, 200).JSON(t, &arr)
		ids := map[string]bool{}
		for _, tn := range arr {
			ids[tn.TenantID] = true
		}
		if len(arr) != 2 || !ids[parent.TenantID] || !ids[lone.TenantID] {
			t.Fatalf("hierarchy %+v", arr)
		}
		// Disabled memberships are not offered.
		e.asTenant(t, lone.TenantID).Do(t, "POST", "/identity/resources/tenants/users/v1/"+u.ID+"/disable", nil).Want(t, 201)
		c, _ = e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		arr = nil
		c.Do(t, "GET", "/identity/resources/users/v2/me/tenants", nil).Want(t, 200).JSON(t, &arr)
		if len(arr) != 2 {
			t.Fatalf("with a disabled membership: %+v", arr)
		}
		e.Vendor(t).Do(t, "GET", "/identity/resources/users/v1/me/tenants", nil).WantError(t, 403, "")
	})
}

// users/v2/me keeps its rendered answer only while the user is unchanged and,
// for a temporary lock, until the lock ends.
func TestGetMeFollowsChanges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.SeedTenant(t, "A")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		me := func() (m struct {
			Name     string `json:"name"`
			IsLocked bool   `json:"isLocked"`
			Roles    []role `json:"roles"`
		}) {
			t.Helper()
			c.Do(t, "GET", mePath, nil).Want(t, 200).JSON(t, &m)
			return m
		}
		if m := me(); m.Name == "Grace" || len(m.Roles) != 0 || m.IsLocked {
			t.Fatalf("first answer %+v", m)
		}
		e.Exec(t, `UPDATE users SET name = 'Grace' WHERE id = $1`, u.ID)
		if m := me(); m.Name != "Grace" {
			t.Fatalf("after a rename: %+v", m)
		}
		e.grant(t, u.ID, a.TenantID, e.seedRole(t, a.TenantID, "editor", false, "app.write"))
		if m := me(); len(m.Roles) != 1 {
			t.Fatalf("after a grant: %+v", m)
		}
		until := e.Clock.Now().Add(time.Minute)
		e.Exec(t, `UPDATE users SET locked_until = $1 WHERE id = $2`, until.UnixMicro(), u.ID)
		if m := me(); !m.IsLocked {
			t.Fatalf("during a temporary lock: %+v", m)
		}
		e.Clock.Advance(2 * time.Minute)
		if m := me(); m.IsLocked {
			t.Fatalf("after the temporary lock ended: %+v", m)
		}
	})
}
