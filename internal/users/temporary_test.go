package users_test

import (
	"testing"
	"time"
)

func TestTemporaryUsers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		const config = "/identity/resources/users/temporary/v1/configuration"
		path := "/identity/resources/users/temporary/v1/" + u.ID

		var cfg struct {
			Enabled bool `json:"enabled"`
		}
		e.Vendor(t).Do(t, "GET", config, nil).Want(t, 200).JSON(t, &cfg)
		if cfg.Enabled {
			t.Fatal("temporary users enabled by default")
		}
		e.asTenant(t, tn.TenantID).Do(t, "PUT", path, map[string]any{"expirationInSeconds": 3600}).WantError(t, 400, "Temporary users are not enabled")
		e.Vendor(t).Do(t, "PUT", config, map[string]any{}).WantError(t, 400, "enabled is required")
		e.Vendor(t).Do(t, "PUT", config, map[string]any{"enabled": true}).Want(t, 200).JSON(t, &cfg)
		plain, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		plain.Do(t, "GET", config, nil).WantError(t, 403, "Insufficient permissions")
		c, _ := e.admin(t, tn.TenantID, "reader@example.com")
		c.Do(t, "GET", config, nil).Want(t, 200).JSON(t, &cfg)
		if !cfg.Enabled {
			t.Fatal("configuration not saved")
		}
		c.Do(t, "PUT", config, map[string]any{"enabled": false}).WantError(t, 403, "")

		var res struct {
			ExpirationInSeconds int `json:"expirationInSeconds"`
		}
		e.asTenant(t, tn.TenantID).Do(t, "PUT", path, map[string]any{"expirationInSeconds": 3600}).Want(t, 201).JSON(t, &res)
		if res.ExpirationInSeconds != 3600 {
			t.Fatalf("answer %+v", res)
		}
		var got user
		e.Vendor(t).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if got.Temporary == "" {
			t.Fatal("no temporaryExpirationDate")
		}
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		e.Clock.Advance(2 * time.Hour)
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": "ada@example.com", "password": "pw-pw-pw-pw"}).Want(t, 401)

		e.Vendor(t).Do(t, "DELETE", path, nil).Want(t, 200)
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		var perm user
		e.Vendor(t).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200).JSON(t, &perm)
		if perm.Temporary != "" {
			t.Fatal("still temporary")
		}

		// Creating a temporary user works once enabled.
		var tmp user
		e.asTenant(t, tn.TenantID).Do(t, "POST", usersV1, map[string]any{"email": "tmp@example.com", "expirationInSeconds": 60, "skipInviteEmail": true}).
			Want(t, 201).JSON(t, &tmp)
		if tmp.Temporary == "" {
			t.Fatal("created user is not temporary")
		}

		e.Vendor(t).Do(t, "PUT", path, map[string]any{}).WantError(t, 400, "expirationInSeconds is required")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"expirationInSeconds": 0}).WantError(t, 400, "expirationInSeconds must be between")
		e.Vendor(t).Do(t, "PUT", path, map[string]any{"expirationInSeconds": 1.5}).WantError(t, 400, "expirationInSeconds must be of type number")
		e.Vendor(t).Do(t, "PUT", "/identity/resources/users/temporary/v1/nope", map[string]any{"expirationInSeconds": 60}).WantError(t, 404, "User not found")
		other := e.SeedTenant(t, "Other")
		e.asTenant(t, other.TenantID).Do(t, "DELETE", path, nil).WantError(t, 404, "User not found")
		c2, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		c2.Do(t, "DELETE", path, nil).WantError(t, 403, "Insufficient permissions")

		// An account admin sets the expiry of users of its account only, not of
		// users that also belong to another account.
		admin, _ := e.admin(t, tn.TenantID, "admin@example.com")
		admin.Do(t, "PUT", path, map[string]any{"expirationInSeconds": 60}).Want(t, 201)
		admin.Do(t, "DELETE", path, nil).Want(t, 200)
		e.Vendor(t).Do(t, "POST", usersV1+"/"+u.ID+"/tenant", map[string]any{"tenantId": other.TenantID, "skipInviteEmail": true}).Want(t, 201)
		admin.Do(t, "PUT", path, map[string]any{"expirationInSeconds": 60}).WantError(t, 403, "only the vendor")
		admin.Do(t, "DELETE", path, nil).WantError(t, 403, "only the vendor")
		e.asTenant(t, tn.TenantID).Do(t, "PUT", path, map[string]any{"expirationInSeconds": 60}).Want(t, 201)
	})
}
