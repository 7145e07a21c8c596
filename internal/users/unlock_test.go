package users_test

import (
	"net/url"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	lockoutPolicy = "/identity/resources/configurations/v1/lockout-policy"
	unlockMe      = "/identity/resources/users/v3/me/unlock"
)

var unlockLink = regexp.MustCompile(`https?://\S+/account/unlock\?\S+`)

func TestUnlockMeIsAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		vendor := e.Vendor(t)
		vendor.Do(t, "PATCH", lockoutPolicy, map[string]any{"enabled": true, "maxAttempts": 2, "lockoutDuration": 0}).Want(t, 200)
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		for range 2 {
			e.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "wrong"}).Want(t, 401)
		}
		m := e.Mail.WaitFor(t, "ada@example.com", 5*time.Second)
		link, err := url.Parse(unlockLink.FindString(m.Text))
		if err != nil || link.Query().Get("token") == "" {
			t.Fatalf("no unlock link in %q: %q", m.Subject, m.Text)
		}

		unlocks := func() []apitest.AuditEntry { t.Helper(); return e.Audits(t, tn.TenantID, "User unlocked") }
		anon := e.Anon().With("User-Agent", "unlock-test")
		// A token that unlocks nothing records nothing.
		anon.Do(t, "POST", unlockMe, map[string]string{"token": "not-a-token"}).WantError(t, 400, "invalid or has expired")
		if got := unlocks(); len(got) != 0 {
			t.Fatalf("a refused unlock was recorded: %+v", got)
		}

		anon.Do(t, "POST", unlockMe, map[string]string{"token": link.Query().Get("token")}).Want(t, 200)
		got := unlocks()
		if len(got) != 1 {
			t.Fatalf("unlock entries %+v, want one", got)
		}
		want := apitest.AuditEntry{TenantID: tn.TenantID, UserID: u.ID, Email: "ada@example.com", Action: "User unlocked",
			Resource: "Authentication", Severity: "Medium", Outcome: "success", UserAgent: "unlock-test", ActorID: u.ID,
			ActorType: "user", ActorMail: "ada@example.com", JSON: map[string]any{"via": "unlock link"}}
		if !reflect.DeepEqual(got[0], want) {
			t.Fatalf("got %+v, want %+v", got[0], want)
		}
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
	})
}

// The vendor's lock and unlock are recorded too, with the vendor as actor.
func TestVendorLockIsAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		vendor := e.Vendor(t)
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		vendor.Do(t, "POST", usersV1+"/"+u.ID+"/lock", nil).Want(t, 200)
		vendor.Do(t, "POST", usersV1+"/"+u.ID+"/unlock", nil).Want(t, 200)
		for _, action := range []string{"User locked", "User unlocked"} {
			got := e.Audits(t, tn.TenantID, action)
			if len(got) != 1 || got[0].UserID != u.ID || got[0].ActorType != "vendor" || got[0].JSON["via"] != "vendor" {
				t.Fatalf("%s: %+v", action, got)
			}
		}
	})
}
