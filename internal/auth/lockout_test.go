package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

const lockoutPolicyPath = "/identity/resources/configurations/v1/lockout-policy"

// loginBody logs in and returns the status and the body, for comparing answers.
func loginBody(t *testing.T, s *apitest.Server, email, password string) (int, string) {
	t.Helper()
	r := s.Anon().Do(t, "POST", loginPath, map[string]string{"email": email, "password": password})
	return r.Status, string(r.Body)
}

// wantRefused fails unless the login is refused exactly as a wrong password is.
func wantRefused(t *testing.T, s *apitest.Server, email, password, wrongAnswer string) {
	t.Helper()
	status, body := loginBody(t, s, email, password)
	if status != 401 || body != wrongAnswer {
		t.Fatalf("login %s: %d %s, want the wrong-password answer %s", email, status, body, wrongAnswer)
	}
}

func TestLockoutByDefaultAfter100Failures(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		// 99 failures, then the right password: not locked, and the count restarts.
		for range 99 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Login(t, "ada@example.com", "correct horse battery")
		// (A new hour, so that the per-identifier rate limit, 200 an hour, stays out of the way.)
		s.Clock.Advance(time.Hour)
		for range 50 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Login(t, "ada@example.com", "correct horse battery")
		// The 100th failure in a row locks; the right password is then refused
		// exactly as a wrong one, for an hour.
		s.Clock.Advance(time.Hour)
		for range 100 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		s.Clock.Advance(59 * time.Minute)
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		s.Clock.Advance(2 * time.Minute)
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}

func TestLockoutAfterConfiguredAttempts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 3, "lockoutDuration": 600}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 2 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Login(t, "ada@example.com", "correct horse battery") // a success clears the count
		for range 3 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		// Locked: the right password, a wrong one and an unknown user look alike.
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		wantRefused(t, s, "ada@example.com", "wrong", wrong)
		got, err := s.DB.FindUser(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LockedUntil == nil || !got.LockedUntil.Equal(s.Clock.Now().Add(10*time.Minute)) || got.Locked {
			t.Fatalf("locked until %v (locked %v), want a 10-minute lock", got.LockedUntil, got.Locked)
		}
		// The lock is in the audit log, once (the failure after it extends nothing).
		if got := s.Audits(t, tn.TenantID, "User locked out"); len(got) != 1 || got[0].UserID != u.ID || got[0].Severity != "High" {
			t.Fatalf("lockout audit entries %+v, want one for the user", got)
		}
		s.Clock.Advance(11 * time.Minute)
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}

func TestLockoutFailuresAreForgottenAfterAQuietHour(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 3}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 2 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Clock.Advance(61 * time.Minute)
		for range 2 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}

func TestLockoutUntilUnlocked(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 2, "lockoutDuration": 0}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 2 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Clock.Advance(30 * 24 * time.Hour)
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		got, err := s.DB.FindUser(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Locked {
			t.Fatal("user not locked until unlocked")
		}
		// An administrator's unlock (clearing the lock) lets the user in again.
		got.Locked = false
		if err := s.DB.UpdateUser(context.Background(), got); err != nil {
			t.Fatal(err)
		}
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}

func TestLockoutDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": false, "maxAttempts": 1}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 5 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}

func TestLockoutAccountOverride(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		strict, lax := s.SeedTenant(t, "Strict"), s.SeedTenant(t, "Lax")
		s.Vendor(t).With("frontegg-tenant-id", strict.TenantID).
			Do(t, "POST", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 2}).Want(t, 201)
		s.SeedUser(t, strict.TenantID, "ada@example.com", "correct horse battery")
		s.SeedUser(t, lax.TenantID, "bob@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 2 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
			wantRefused(t, s, "bob@example.com", "wrong", wrong)
		}
		// Ada's account locks after 2; Bob's follows the environment's 100.
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		s.Login(t, "bob@example.com", "correct horse battery")
	})
}

func TestLockedAccountCountsEvenTheRightPassword(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		// Attempts on a locked account are failures like any other, so the
		// answer costs the same work whether or not the password was right.
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 2, "lockoutDuration": 600}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 2 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		s.Clock.Advance(5 * time.Minute)
		for range 2 {
			wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		}
		// Locked again for 10 minutes from the second of those.
		s.Clock.Advance(6 * time.Minute)
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		s.Clock.Advance(10 * time.Minute)
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}

const unlockPath = "/identity/resources/users/v3/me/unlock"

func TestLockoutEmailsAnUnlockLink(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 2, "lockoutDuration": 0}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		lockOut := func() emailLink {
			t.Helper()
			for range 2 {
				wantRefused(t, s, "ada@example.com", "wrong", wrong)
			}
			m := s.Mail.WaitFor(t, "ada@example.com", mailWait)
			if m.Subject != "Unlock your account" {
				t.Fatalf("lockout emailed %q", m.Subject)
			}
			l := readLink(t, m, "/account/unlock")
			if l.UserID != u.ID || !strings.HasPrefix(l.URL, s.URL+"/account/unlock?") {
				t.Fatalf("unlock link %+v", l)
			}
			return l
		}
		link := lockOut()
		// Attempts on the locked account extend the lock without another email.
		before := outboxSize(t, s)
		for range 4 {
			wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		}
		if after := outboxSize(t, s); after != before {
			t.Fatalf("an extended lock queued %d more messages", after-before)
		}

		anon := s.Anon()
		anon.Do(t, "POST", unlockPath, map[string]string{}).WantError(t, 400, "token is required")
		anon.Do(t, "POST", unlockPath, map[string]string{"token": "not-a-token"}).WantError(t, 400, "The unlock link is invalid or has expired")
		if r := anon.Do(t, "POST", "/frontegg"+unlockPath, map[string]string{"token": link.Token}).Want(t, 200); len(r.Body) != 0 {
			t.Fatalf("unlock answered %q, want no body", r.Body)
		}
		if m := s.Mail.WaitFor(t, "ada@example.com", mailWait); m.Subject != "Your account is unlocked" {
			t.Fatalf("unlock emailed %q", m.Subject)
		}
		s.Login(t, "ada@example.com", "correct horse battery")
		// The link works once.
		anon.Do(t, "POST", unlockPath, map[string]string{"token": link.Token}).WantError(t, 400, "invalid or has expired")

		// Lifting a lock voids its link; a lock the vendor sets voids the lockout's link.
		vendor := s.Vendor(t)
		first := lockOut()
		vendor.Do(t, "POST", "/identity/resources/users/v1/"+u.ID+"/unlock", nil).Want(t, 200)
		second := lockOut()
		anon.Do(t, "POST", unlockPath, map[string]string{"token": first.Token}).WantError(t, 400, "invalid or has expired")
		vendor.Do(t, "POST", "/identity/resources/users/v1/"+u.ID+"/lock", nil).Want(t, 200)
		anon.Do(t, "POST", unlockPath, map[string]string{"token": second.Token}).WantError(t, 400, "invalid or has expired")
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)

		// A link dies after a day; the user stays locked.
		vendor.Do(t, "POST", "/identity/resources/users/v1/"+u.ID+"/unlock", nil).Want(t, 200)
		link = lockOut()
		s.Clock.Advance(24*time.Hour + time.Minute)
		anon.Do(t, "POST", unlockPath, map[string]string{"token": link.Token}).WantError(t, 400, "invalid or has expired")
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
	})
}

func TestTimedLockoutEmailsAnUnlockLink(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Vendor(t).Do(t, "PATCH", lockoutPolicyPath, map[string]any{"enabled": true, "maxAttempts": 3, "lockoutDuration": 3600}).Want(t, 200)
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		_, wrong := loginBody(t, s, "nobody@example.com", "wrong")
		for range 3 {
			wantRefused(t, s, "ada@example.com", "wrong", wrong)
		}
		link := readLink(t, s.Mail.WaitFor(t, "ada@example.com", mailWait), "/account/unlock")
		wantRefused(t, s, "ada@example.com", "correct horse battery", wrong)
		// The link lifts the lock before its hour is up, and the count starts again.
		s.Anon().Do(t, "POST", unlockPath, map[string]string{"token": link.Token}).Want(t, 200)
		s.Login(t, "ada@example.com", "correct horse battery")
	})
}
