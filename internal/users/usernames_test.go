package users_test

import (
	"strings"
	"testing"
)

const usernamesV1 = "/identity/resources/usernames/v1"

type username struct {
	VendorID string `json:"vendorId"`
	Username string `json:"username"`
	UserID   string `json:"userId"`
}

func TestUsernames(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		bob := e.SeedUser(t, b.TenantID, "bob@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		c.Do(t, "GET", usernamesV1+"/me", nil).WantError(t, 404, "Username not found")
		var got username
		c.Do(t, "POST", usernamesV1, map[string]any{"username": " ada.l "}).Want(t, 201).JSON(t, &got)
		if got.Username != "ada.l" || got.UserID != u.ID {
			t.Fatalf("created %+v", got)
		}
		c.Do(t, "GET", usernamesV1+"/me", nil).Want(t, 200).JSON(t, &got)
		if got.Username != "ada.l" {
			t.Fatalf("me %+v", got)
		}
		// The username logs in.
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"username": "ADA.L", "password": "pw-pw-pw-pw"}).Want(t, 200)

		bc, _ := e.Login(t, "bob@example.com", "pw-pw-pw-pw")
		bc.Do(t, "POST", usernamesV1, map[string]any{"username": "Ada.L"}).WantError(t, 409, "Username is already taken")
		bc.Do(t, "POST", usernamesV1, map[string]any{"username": "bob builder"}).WantError(t, 400, "must not contain spaces")
		bc.Do(t, "POST", usernamesV1, map[string]any{}).WantError(t, 400, "username is required")
		bc.Do(t, "POST", usernamesV1, map[string]any{"username": strings.Repeat("b", 129)}).WantError(t, 400, "at most 128")
		e.Vendor(t).With("frontegg-user-id", bob.ID).Do(t, "POST", usernamesV1, map[string]any{"username": "bob"}).Want(t, 201)
		e.Vendor(t).Do(t, "POST", usernamesV1, map[string]any{"username": "x"}).WantError(t, 400, "frontegg-user-id header is required")

		var list page[username]
		e.Vendor(t).Do(t, "GET", usernamesV1+"?_sortBy=username&_order=DESC", nil).Want(t, 200).JSON(t, &list)
		if list.Metadata.TotalItems != 2 || list.Items[0].Username != "bob" || list.Items[0].VendorID != e.ClientID {
			t.Fatalf("vendor list %+v", list)
		}
		e.Vendor(t).Do(t, "GET", usernamesV1+"?_usernamePrefix=AD", nil).Want(t, 200).JSON(t, &list)
		if list.Metadata.TotalItems != 1 || list.Items[0].UserID != u.ID {
			t.Fatalf("prefix %+v", list)
		}
		e.Vendor(t).Do(t, "GET", usernamesV1+"?userIds="+bob.ID+"&usernames=bob,ada.l", nil).Want(t, 200).JSON(t, &list)
		if list.Metadata.TotalItems != 1 || list.Items[0].UserID != bob.ID {
			t.Fatalf("by ids %+v", list)
		}
		admin, _ := e.admin(t, a.TenantID, "admin@example.com")
		admin.Do(t, "GET", usernamesV1, nil).Want(t, 200).JSON(t, &list)
		if list.Metadata.TotalItems != 1 || list.Items[0].UserID != u.ID {
			t.Fatalf("tenant A usernames %+v", list)
		}
		c.Do(t, "GET", usernamesV1, nil).WantError(t, 403, "Insufficient permissions")
		e.Vendor(t).Do(t, "GET", usernamesV1+"?_sortBy=email", nil).WantError(t, 400, "_sortBy must be one of")

		// A user deletes only its own username; the vendor any.
		c.Do(t, "DELETE", usernamesV1+"/bob", nil).WantError(t, 404, "Username not found")
		c.Do(t, "DELETE", usernamesV1+"/ada.l", nil).Want(t, 200)
		c.Do(t, "GET", usernamesV1+"/me", nil).WantError(t, 404, "Username not found")
		e.Vendor(t).Do(t, "DELETE", usernamesV1+"/BOB", nil).Want(t, 200)
		e.Vendor(t).Do(t, "DELETE", usernamesV1+"/bob", nil).WantError(t, 404, "Username not found")
	})
}
