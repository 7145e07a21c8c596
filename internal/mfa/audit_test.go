package mfa_test

import (
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

// Enrolling and removing a second factor, turning MFA off, the vendor's
// reset and a recovery code's are each in the audit log once, saying what
// changed and carrying no seed or code; refused attempts record nothing.
func TestMFAChangesAreAudited(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		c := f.signedIn(t)
		n := 0
		// newest checks that the log holds one entry more than before, the
		// newest by actorType with exactly the data want.
		newest := func(actorType string, want map[string]any) {
			t.Helper()
			n++
			got := s.Audits(t, f.tenant.TenantID, "MFA changed")
			if len(got) != n {
				t.Fatalf("%d entries, want %d: %+v", len(got), n, got)
			}
			e := got[0]
			if e.UserID != f.user.ID || e.Email != f.user.Email || e.ActorType != actorType || e.Severity != "Medium" ||
				(actorType == "user" && e.ActorID != f.user.ID) || len(e.JSON) != len(want) {
				t.Fatalf("entry %+v, want %v by a %s", e, want, actorType)
			}
			for k, v := range want {
				if e.JSON[k] != v {
					t.Fatalf("entry data %v, want %v", e.JSON, want)
				}
			}
			s.Clock.Advance(time.Second) // the next entry is the newest
		}
		deviceID := func() string {
			t.Helper()
			var devices struct{ Authenticators []struct{ ID string } }
			c.Do(t, "GET", usersMFA+"/devices", nil).Want(t, 200).JSON(t, &devices)
			return devices.Authenticators[0].ID
		}

		secret, _ := f.enrollAuthenticator(t, c)
		id := deviceID()
		newest("user", map[string]any{"change": "enrolled", "factor": "authenticator", "deviceId": id})
		c.Do(t, "POST", usersMFA+"/authenticator/"+id+"/disable/verify", map[string]string{"token": wrong(f.code(t, secret))}).WantError(t, 401, "invalid")
		c.Do(t, "POST", usersMFA+"/authenticator/"+id+"/disable/verify", map[string]string{"token": f.code(t, secret)}).Want(t, 200)
		newest("user", map[string]any{"change": "removed", "factor": "authenticator", "deviceId": id})

		secret, _ = f.enrollAuthenticator(t, c)
		newest("user", map[string]any{"change": "enrolled", "factor": "authenticator", "deviceId": deviceID()})
		c.Do(t, "POST", usersMFA+"/disable", map[string]string{"token": f.code(t, secret)}).Want(t, 200)
		newest("user", map[string]any{"change": "removed", "factor": "all"})

		f.enrollAuthenticator(t, c)
		newest("user", map[string]any{"change": "enrolled", "factor": "authenticator", "deviceId": deviceID()})
		s.Vendor(t).Do(t, "POST", "/identity/resources/vendor-only/users/v1/"+f.user.ID+"/mfa/unenroll", nil).Want(t, 200)
		newest("vendor", map[string]any{"change": "reset", "factor": "all"})

		_, recovery := f.enrollAuthenticator(t, c)
		newest("user", map[string]any{"change": "enrolled", "factor": "authenticator", "deviceId": deviceID()})
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email, "recoveryCode": "not-the-code"}).
			WantError(t, 401, "recovery code")
		s.Anon().Do(t, "POST", mfaURL+"/recover", map[string]string{"email": f.user.Email, "recoveryCode": recovery}).Want(t, 200)
		newest("user", map[string]any{"change": "reset", "factor": "all", "via": "recovery code"})
	})
}
