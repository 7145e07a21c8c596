package invitations_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNewInviteeAcceptsSetsAPasswordAndLogsIn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		l := e.invite(t, tn.TenantID, "new@example.com")
		if !strings.HasPrefix(l.URL, e.URL+"/account/invitation/accept?") || l.UserID == "" || l.Token == "" {
			t.Fatalf("link %+v", l)
		}
		if got := e.status(t, l.UserID, tn.TenantID); got != "PendingInvitation" {
			t.Fatalf("status before accepting: %s", got)
		}
		anon := e.Anon()
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": "bogus"}).WantError(t, 400, "invalid or has expired")
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": "someone-else", "token": l.Token}).WantError(t, 400, "invalid or has expired")
		anon.Do(t, "POST", acceptPath, map[string]string{"token": l.Token}).WantError(t, 400, "userId is required")
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID}).WantError(t, 400, "token is required")

		anon.Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": l.Token}).Want(t, 200)
		if got := e.status(t, l.UserID, tn.TenantID); got != "PendingLogin" {
			t.Fatalf("status after accepting: %s", got)
		}
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": l.Token}).WantError(t, 400, "invalid or has expired")

		// The invitee has no password: the same link now sets one through activation.
		q := url.Values{"userId": {l.UserID}, "token": {l.Token}}
		var strategy struct {
			ShouldSetPassword bool `json:"shouldSetPassword"`
		}
		anon.Do(t, "GET", strategyPath+"?"+q.Encode(), nil).Want(t, 200).JSON(t, &strategy)
		if !strategy.ShouldSetPassword {
			t.Fatal("shouldSetPassword is false")
		}
		anon.Do(t, "POST", activatePath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "Invited-pw-1"}).Want(t, 200)
		_, res := e.Login(t, "new@example.com", "Invited-pw-1")
		if res.UserID != l.UserID {
			t.Fatalf("logged in as %s", res.UserID)
		}
		if got := e.status(t, l.UserID, tn.TenantID); got != "Activated" {
			t.Fatalf("status after login: %s", got)
		}
		anon.Do(t, "POST", activatePath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "Other-pw-22"}).
			WantError(t, 400, "invalid or has expired")
	})
}

func TestAcceptWithAPassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		l := e.invite(t, tn.TenantID, "new@example.com")
		anon := e.Anon()
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "short"}).
			WantError(t, 400, "password must be at least 8 characters")
		// The refused password left the token usable.
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "Invited-pw-1"}).Want(t, 200)
		e.Login(t, "new@example.com", "Invited-pw-1")
		// No activation link was made of the token.
		anon.Do(t, "POST", activatePath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "Other-pw-22"}).Want(t, 400)
	})
}

func TestExistingUserAcceptsAnotherAccount(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		home := e.SeedTenant(t, "Home")
		acme := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, home.TenantID, "ada@example.com", "pw-pw-pw-pw")
		l := e.invite(t, acme.TenantID, "ada@example.com")
		if l.UserID != u.ID {
			t.Fatalf("link for %s, want %s", l.UserID, u.ID)
		}
		if got := e.status(t, u.ID, acme.TenantID); got != "PendingInvitation" {
			t.Fatalf("status %s", got)
		}
		e.Anon().Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "ignored-pw-1"}).Want(t, 200)
		if got := e.status(t, u.ID, acme.TenantID); got != "PendingLogin" && got != "Activated" {
			t.Fatalf("status after accepting %s", got)
		}
		// The password was not changed by the invitation.
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		// A user who already has a password gets no activation link from the invitation.
		e.Anon().Do(t, "POST", activatePath, map[string]string{"userId": l.UserID, "token": l.Token, "password": "x-pw-pw-pw-1"}).Want(t, 400)
	})
}

func TestInvitationIntoALockedAccount(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		l := e.invite(t, tn.TenantID, "new@example.com")
		tn.Locked = true
		if err := e.DB.UpdateTenant(t.Context(), tn); err != nil {
			t.Fatal(err)
		}
		r := e.Anon().Do(t, "POST", acceptPath, map[string]string{"userId": l.UserID, "token": l.Token})
		r.WantError(t, 400, "The account is locked")
		if m := r.Map(t); m["errorCode"] != "ER-01239" {
			t.Fatalf("error %v", m)
		}
	})
}

func TestResendInvitation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		first := e.invite(t, tn.TenantID, "new@example.com")
		anon := e.Anon()

		// Anyone may ask; the answer is the same whether or not there is an invitation.
		anon.Do(t, "POST", resendPath, map[string]string{"email": "new@example.com"}).Want(t, 200)
		anon.Do(t, "POST", resendPath, map[string]string{"email": "nobody@example.com"}).Want(t, 200)
		second := readLink(t, e.Mail.WaitFor(t, "new@example.com", mailWait), "/account/invitation/accept")
		if second.Token == first.Token || second.UserID != first.UserID {
			t.Fatalf("resent %+v after %+v", second, first)
		}
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": first.UserID, "token": first.Token}).WantError(t, 400, "invalid or has expired")

		// The vendor gets the new link back.
		var got struct{ UserID, Token, Link string }
		v := e.Vendor(t).With("frontegg-tenant-id", tn.TenantID)
		v.Do(t, "POST", resendPath, map[string]string{"email": "new@example.com"}).Want(t, 200).JSON(t, &got)
		if got.UserID != first.UserID || got.Token == "" || !strings.Contains(got.Link, "token="+url.QueryEscape(got.Token)) {
			t.Fatalf("vendor resend %+v", got)
		}
		e.Mail.WaitFor(t, "new@example.com", mailWait)
		anon.Do(t, "POST", acceptPath, map[string]string{"userId": got.UserID, "token": got.Token}).Want(t, 200)
		v.Do(t, "POST", resendPath, map[string]string{"email": "new@example.com"}).WantError(t, 404, "No pending invitation")
		v.Do(t, "POST", resendPath, map[string]string{"email": "nobody@example.com"}).WantError(t, 404, "No pending invitation")
		e.Vendor(t).Do(t, "POST", resendPath, map[string]string{"email": "new@example.com"}).WantError(t, 400, "frontegg-tenant-id header is required")
		anon.Do(t, "POST", resendPath, map[string]string{"email": "nope"}).WantError(t, 400, "email must be an email")
		anon.Do(t, "POST", resendPath, map[string]string{}).WantError(t, 400, "email is required")

		// An account admin may resend, and gets no token; a plain member may not.
		admin, _, _ := e.member(t, tn.TenantID, "boss@example.com", 0, "fe.secure.write.users")
		e.invite(t, tn.TenantID, "third@example.com")
		r := admin.Do(t, "POST", resendPath, map[string]string{"email": "third@example.com"}).Want(t, 200)
		if len(r.Body) != 0 {
			t.Fatalf("admin got %s", r.Body)
		}
		plain, _, _ := e.member(t, tn.TenantID, "plain@example.com", 0)
		plain.Do(t, "POST", resendPath, map[string]string{"email": "third@example.com"}).Want(t, 403)
	})
}

func TestResendEveryInvitation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		parent := e.SeedTenant(t, "Parent")
		child := e.SeedTenant(t, "Child")
		child.ParentTenantID = parent.TenantID
		if err := e.DB.UpdateTenant(t.Context(), child); err != nil {
			t.Fatal(err)
		}
		elsewhere := e.SeedTenant(t, "Elsewhere")
		for _, tn := range []string{parent.TenantID, child.TenantID, elsewhere.TenantID} {
			e.invite(t, tn, "new@example.com")
		}
		admin, _, _ := e.member(t, parent.TenantID, "boss@example.com", 0, "fe.secure.write.users", "fe.secure.write.resendActivationEmail")
		admin.Do(t, "POST", resendAllPath, map[string]string{"email": "new@example.com"}).Want(t, 200)
		subjects := map[string]bool{}
		for range 2 {
			subjects[e.Mail.WaitFor(t, "new@example.com", mailWait).Subject] = true
		}
		if !subjects["You are invited to join Parent"] || !subjects["You are invited to join Child"] {
			t.Fatalf("resent %v", subjects)
		}
		time.Sleep(200 * time.Millisecond)
		if n := len(e.Mail.MessagesTo("new@example.com")); n != 5 {
			t.Fatalf("%d emails in all, want 3 invitations and 2 resent", n)
		}
		e.Vendor(t).Do(t, "POST", resendAllPath, map[string]string{"email": "new@example.com"}).Want(t, 200)
		admin.Do(t, "POST", resendAllPath, map[string]string{"email": "nobody@example.com"}).WantError(t, 404, "No pending invitation")
	})
}
