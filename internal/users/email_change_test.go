package users_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
)

const (
	emailMe       = "/identity/resources/users/v1/email/me"
	emailMeVerify = emailMe + "/verify"
	loginPath     = "/identity/resources/auth/v1/user"

	domainRestrictions = "/identity/resources/configurations/restrictions/v1/email-domain"
)

// wrongCode returns a six-digit code other than code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

func TestChangeMyEmail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		other, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		res := c.Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).Want(t, 200)
		if len(res.Body) != 0 {
			t.Fatalf("request answered %q, want an empty body", res.Body)
		}
		code := e.waitCode(t, "ada@new.example")
		// Nothing changes until the code is verified.
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "ada@new.example", "code": wrongCode(code)}).WantError(t, 400, "code is invalid or expired")
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "ada@other.example", "code": code}).WantError(t, 400, "code is invalid or expired")

		var got, me user
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "ADA@new.example", "code": code}).Want(t, 200).JSON(t, &got)
		if got.ID != u.ID || got.Email != "ada@new.example" || !got.Verified {
			t.Fatalf("verified change answered %+v", got)
		}
		c.Do(t, "GET", mePath, nil).Want(t, 200).JSON(t, &me)
		if me.Email != got.Email || me.ID != got.ID || me.Verified != got.Verified {
			t.Fatalf("me %+v, verify answered %+v", me, got)
		}

		// The old address is told of the change.
		if m := e.Mail.WaitFor(t, "ada@example.com", 5*time.Second); m.Subject != "Your email address was changed" ||
			!strings.Contains(m.Text, "ada@new.example") {
			t.Fatalf("old address emailed %q: %s", m.Subject, m.Text)
		}

		// The caller's other sessions end; the old address no longer signs in, the new one does.
		other.Do(t, "GET", mePath, nil).Want(t, 401)
		e.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "pw-pw-pw-pw"}).WantError(t, 401, "Incorrect email or password")
		e.Login(t, "ada@new.example", "pw-pw-pw-pw")

		// A code works once.
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "ada@new.example", "code": code}).WantError(t, 400, "code is invalid or expired")

		// The vendor acts for a user with frontegg-user-id.
		vendor := e.Vendor(t).With("frontegg-user-id", u.ID)
		vendor.Do(t, "POST", emailMe, map[string]any{"email": "ada@vendor.example"}).Want(t, 200)
		code = e.waitCode(t, "ada@vendor.example")
		vendor.Do(t, "POST", emailMeVerify, map[string]any{"email": "ada@vendor.example", "code": code}).Want(t, 200).JSON(t, &got)
		if got.Email != "ada@vendor.example" {
			t.Fatalf("vendor change answered %+v", got)
		}
		if m := e.Mail.WaitFor(t, "ada@new.example", 5*time.Second); m.Subject != "Your email address was changed" {
			t.Fatalf("old address emailed %q", m.Subject)
		}
		c.Do(t, "GET", mePath, nil).Want(t, 401) // a vendor has no session of its own to keep
		e.Vendor(t).Do(t, "POST", emailMe, map[string]any{"email": "x@example.com"}).WantError(t, 400, "frontegg-user-id header is required")
	})
}

func TestChangeMyEmailCodeLimits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		body := func(code string) map[string]any { return map[string]any{"email": "ada@new.example", "code": code} }

		// A code expires after ten minutes.
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).Want(t, 200)
		code := e.waitCode(t, "ada@new.example")
		e.Clock.Advance(11 * time.Minute)
		c.Do(t, "POST", emailMeVerify, body(code)).WantError(t, 400, "code is invalid or expired")

		// Five wrong codes void it.
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).Want(t, 200)
		code = e.waitCode(t, "ada@new.example")
		for range 5 {
			c.Do(t, "POST", emailMeVerify, body(wrongCode(code))).WantError(t, 400, "code is invalid or expired")
		}
		c.Do(t, "POST", emailMeVerify, body(code)).WantError(t, 400, "code is invalid or expired")

		// A new request voids the earlier code.
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).Want(t, 200)
		first := e.waitCode(t, "ada@new.example")
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).Want(t, 200)
		second := e.waitCode(t, "ada@new.example")
		if first != second {
			c.Do(t, "POST", emailMeVerify, body(first)).WantError(t, 400, "code is invalid or expired")
		}
		c.Do(t, "POST", emailMeVerify, body(second)).Want(t, 200)
	})
}

func TestChangeMyEmailToTakenAddress(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.SeedUser(t, tn.TenantID, "bob@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		before := e.OutboxSize(t)
		for _, taken := range []string{"BOB@example.com", "ada@example.com"} {
			res := c.Do(t, "POST", emailMe, map[string]any{"email": taken}).Want(t, 200)
			if len(res.Body) != 0 {
				t.Fatalf("taken %s answered %q", taken, res.Body)
			}
		}
		if after := e.OutboxSize(t); after != before {
			t.Fatalf("outbox grew from %d to %d for taken addresses", before, after)
		}
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "bob@example.com", "code": "123456"}).WantError(t, 400, "code is invalid or expired")

		// An address taken between request and verification is refused.
		c.Do(t, "POST", emailMe, map[string]any{"email": "cy@example.com"}).Want(t, 200)
		code := e.waitCode(t, "cy@example.com")
		e.SeedUser(t, tn.TenantID, "cy@example.com", "pw-pw-pw-pw")
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "cy@example.com", "code": code}).WantError(t, 409, "email is already taken")
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
	})
}

func TestChangeMyEmailInput(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		for _, tc := range []struct {
			path string
			body any
			want string
		}{
			{emailMe, map[string]any{}, "email is required"},
			{emailMe, map[string]any{"email": "nope"}, "email must be an email"},
			{emailMe, map[string]any{"email": 5}, "email must be of type string"},
			{emailMe, "{not json", "not valid JSON"},
			{emailMeVerify, map[string]any{"code": "123456"}, "email is required"},
			{emailMeVerify, map[string]any{"email": "ada@new.example"}, "code is required"},
			{emailMeVerify, map[string]any{"email": "nope", "code": "123456"}, "email must be an email"},
		} {
			c.Do(t, "POST", tc.path, tc.body).WantError(t, 400, tc.want)
		}
		e.Anon().Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).Want(t, 401)

		// The vendor may forbid changing emails.
		e.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/user-emails-policy", map[string]any{"allowEmailChange": false}).Want(t, 200)
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@new.example"}).WantError(t, 403, "not allowed")
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "ada@new.example", "code": "123456"}).WantError(t, 403, "not allowed")
	})
}

// refusedByBeta is how a change of email that Beta's restrictions refuse is answered.
const refusedByBeta = `email domain is not allowed in account "Beta" by its email domain restrictions`

// seedBetaBlocks seeds Ada, a member of Acme and of Beta, whose
// email-domain restrictions block blocked.example and its subdomains, and
// returns her, her signed-in client, the vendor and the vendor acting in Beta.
func seedBetaBlocks(t *testing.T, e *env) (u *iam.User, ada, vendor, betaAdmin *apitest.Client) {
	t.Helper()
	acme, beta := e.SeedTenant(t, "Acme"), e.SeedTenant(t, "Beta")
	u = e.SeedUser(t, acme.TenantID, "ada@example.com", "pw-pw-pw-pw")
	vendor = e.Vendor(t)
	vendor.Do(t, "POST", "/identity/resources/users/v1/"+u.ID+"/tenant", map[string]any{"tenantId": beta.TenantID, "skipInviteEmail": true}).Want(t, 201)
	betaAdmin = vendor.With("frontegg-tenant-id", beta.TenantID)
	betaAdmin.Do(t, "POST", domainRestrictions, map[string]any{"domain": "blocked.example", "type": "BLOCK"}).Want(t, 201)
	betaAdmin.Do(t, "POST", domainRestrictions+"/config", map[string]any{"active": true, "type": "BLOCK"}).Want(t, 201)
	ada, _ = e.Login(t, "ada@example.com", "pw-pw-pw-pw")
	return u, ada, vendor, betaAdmin
}

func TestEmailChangesObeyDomainRestrictions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u, c, vendor, betaAdmin := seedBetaBlocks(t, e)
		const refused = refusedByBeta

		before := e.OutboxSize(t)
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@blocked.example"}).WantError(t, 400, refused)
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@mail.BLOCKED.example"}).WantError(t, 400, refused)
		if after := e.OutboxSize(t); after != before {
			t.Fatalf("refused changes queued %d messages", after-before)
		}
		// A domain blocked between request and verification is refused at verification.
		c.Do(t, "POST", emailMe, map[string]any{"email": "ada@later.example"}).Want(t, 200)
		code := e.waitCode(t, "ada@later.example")
		betaAdmin.Do(t, "POST", domainRestrictions, map[string]any{"domain": "later.example", "type": "BLOCK"}).Want(t, 201)
		c.Do(t, "POST", emailMeVerify, map[string]any{"email": "ada@later.example", "code": code}).WantError(t, 400, refused)
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		// The vendor's changes obey them too: the email route, and making an
		// additional address primary, even one added before its domain was blocked.
		vendor.Do(t, "PUT", "/identity/resources/users/v1/"+u.ID+"/email", map[string]any{"email": "ada@blocked.example"}).WantError(t, 400, refused)
		vendor.Do(t, "POST", "/identity/resources/users/emails/v1/vendor/"+u.ID, map[string]any{"email": "ada@soon.example", "isVerified": true}).Want(t, 201)
		betaAdmin.Do(t, "POST", domainRestrictions, map[string]any{"domain": "soon.example", "type": "BLOCK"}).Want(t, 201)
		vendor.Do(t, "POST", "/identity/resources/users/emails/v1/vendor/"+u.ID+"/primary", map[string]any{"email": "ada@soon.example"}).WantError(t, 400, refused)
		e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		var got user
		vendor.Do(t, "PUT", "/identity/resources/users/v1/"+u.ID+"/email", map[string]any{"email": "ada@fine.example"}).Want(t, 200).JSON(t, &got)
		if got.Email != "ada@fine.example" {
			t.Fatalf("vendor change answered %+v", got)
		}
	})
}
