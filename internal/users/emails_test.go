package users_test

import (
	"slices"
	"testing"
)

const emailsV1 = "/identity/resources/users/emails/v1"

type email struct {
	ID        string `json:"id"`
	UserID    string `json:"userId"`
	Email     string `json:"email"`
	Verified  bool   `json:"verified"`
	IsPrimary bool   `json:"isPrimary"`
	CreatedAt string `json:"createdAt"`
}

func TestMyEmails(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.SeedUser(t, tn.TenantID, "bob@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		var added email
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@work.example"}).Want(t, 201).JSON(t, &added)
		if added.ID == "" || added.UserID != u.ID || added.Verified || added.IsPrimary {
			t.Fatalf("added %+v", added)
		}
		code := e.waitCode(t, "ada@work.example")

		c.Do(t, "POST", emailsV1, map[string]any{"email": "BOB@example.com"}).WantError(t, 409, "Email is already in use")
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@example.com"}).WantError(t, 409, "Email is already in use")
		c.Do(t, "POST", emailsV1, map[string]any{"email": "nope"}).WantError(t, 400, "email must be an email")
		// An unverified address cannot become primary.
		c.Do(t, "POST", emailsV1+"/me/primary", map[string]any{"email": "ada@work.example"}).WantError(t, 400, "must be verified first")

		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example", "code": wrong}).WantError(t, 400, "Invalid code")
		c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example"}).WantError(t, 400, "code is required")
		c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "other@work.example", "code": code}).WantError(t, 404, "Email not found")
		c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example", "code": code}).Want(t, 200)

		var mine []email
		c.Do(t, "GET", emailsV1+"/me", nil).Want(t, 200).JSON(t, &mine)
		if len(mine) != 2 || !mine[0].IsPrimary || mine[0].ID != u.ID || mine[0].Email != "ada@example.com" || !mine[1].Verified {
			t.Fatalf("my emails %+v", mine)
		}

		// Swapping the primary: login moves to the new address; the old one stays as an additional one.
		c.Do(t, "POST", emailsV1+"/me/primary", map[string]any{"email": "ada@work.example"}).Want(t, 200)
		e.Login(t, "ada@work.example", "pw-pw-pw-pw")
		mine = nil
		c.Do(t, "GET", emailsV1+"/me", nil).Want(t, 200).JSON(t, &mine)
		if len(mine) != 2 || mine[0].Email != "ada@work.example" || mine[1].Email != "ada@example.com" || !mine[1].Verified {
			t.Fatalf("after swap %+v", mine)
		}
		c.Do(t, "DELETE", emailsV1+"/"+u.ID, nil).WantError(t, 400, "primary email cannot be deleted")
		c.Do(t, "DELETE", emailsV1+"/"+mine[1].ID, nil).Want(t, 200)
		c.Do(t, "DELETE", emailsV1+"/"+mine[1].ID, nil).WantError(t, 404, "Email not found")
		c.Do(t, "POST", emailsV1+"/me/primary", map[string]any{"email": "gone@example.com"}).WantError(t, 404, "Email not found")

		// The vendor acts for a user with frontegg-user-id.
		var asVendor []email
		e.Vendor(t).With("frontegg-user-id", u.ID).Do(t, "GET", emailsV1+"/me", nil).Want(t, 200).JSON(t, &asVendor)
		if len(asVendor) != 1 {
			t.Fatalf("vendor view %+v", asVendor)
		}
		e.Vendor(t).Do(t, "GET", emailsV1+"/me", nil).WantError(t, 400, "frontegg-user-id header is required")
	})
}

func TestEmailCodeAttemptsAreLimited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@work.example"}).Want(t, 201)
		code := e.waitCode(t, "ada@work.example")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for range 5 {
			c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example", "code": wrong}).WantError(t, 400, "Invalid code")
		}
		// Even the right code is refused now, until a new one is sent.
		c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example", "code": code}).WantError(t, 400, "Too many wrong codes")
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@work.example"}).Want(t, 201)
		fresh := e.waitCode(t, "ada@work.example")
		if fresh != code {
			c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example", "code": code}).WantError(t, 400, "Invalid code")
		}
		c.Do(t, "POST", emailsV1+"/verify", map[string]any{"email": "ada@work.example", "code": fresh}).Want(t, 200)
		// Verified addresses cannot be added again.
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@work.example"}).WantError(t, 409, "Email is already in use")
	})
}

func TestVendorUserEmails(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		u := e.SeedUser(t, a.TenantID, "ada@example.com", "pw-pw-pw-pw")
		bob := e.SeedUser(t, b.TenantID, "bob@example.com", "pw-pw-pw-pw")
		base := emailsV1 + "/vendor/" + u.ID

		var added email
		e.Vendor(t).Do(t, "POST", base, map[string]any{"email": "ada@work.example", "isVerified": true}).Want(t, 201).JSON(t, &added)
		if !added.Verified {
			t.Fatalf("vendor-added %+v", added)
		}
		var pending email
		e.Vendor(t).Do(t, "POST", base, map[string]any{"email": "ada@home.example"}).Want(t, 201).JSON(t, &pending)
		if pending.Verified {
			t.Fatal("address verified without isVerified")
		}
		e.waitCode(t, "ada@home.example")
		e.Vendor(t).Do(t, "POST", emailsV1+"/vendor/nope", map[string]any{"email": "x@example.com"}).WantError(t, 404, "User not found")
		e.Vendor(t).Do(t, "POST", emailsV1+"/vendor/"+bob.ID, map[string]any{"email": "ada@work.example"}).WantError(t, 409, "Email is already in use")

		// The vendor may make even an unverified address primary; verified follows the address.
		e.Vendor(t).Do(t, "POST", base+"/primary", map[string]any{"email": "ada@home.example"}).Want(t, 200)
		var got user
		e.Vendor(t).Do(t, "GET", usersV1+"/"+u.ID, nil).Want(t, 200).JSON(t, &got)
		if got.Email != "ada@home.example" || got.Verified {
			t.Fatalf("after vendor primary %+v", got)
		}
		e.Vendor(t).Do(t, "POST", emailsV1+"/vendor/nope/primary", map[string]any{"email": "x@example.com"}).WantError(t, 404, "User not found")
		e.Vendor(t).Do(t, "DELETE", base+"/"+added.ID, nil).Want(t, 200)
		e.Vendor(t).Do(t, "DELETE", base+"/"+added.ID, nil).WantError(t, 404, "Email not found")

		// Listing every address: the vendor sees all, a tenant admin its tenant's.
		var all page[email]
		e.Vendor(t).Do(t, "GET", emailsV1+"?_limit=50", nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 3 { // ada's two, bob's one
			t.Fatalf("all emails %+v", all)
		}
		e.Vendor(t).Do(t, "GET", emailsV1+"?_email=BOB@example.com", nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 1 || all.Items[0].UserID != bob.ID || !all.Items[0].IsPrimary {
			t.Fatalf("by email %+v", all)
		}
		e.Vendor(t).Do(t, "GET", emailsV1+"?userIds="+u.ID+"&_sortBy=email&_order=DESC&_limit=1&_offset=1", nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 2 || all.Metadata.TotalPages != 2 || all.Items[0].Email != "ada@example.com" {
			t.Fatalf("paged %+v", all)
		}
		admin, _ := e.admin(t, b.TenantID, "admin@example.com")
		admin.Do(t, "GET", emailsV1, nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 2 { // bob and the admin
			t.Fatalf("tenant B emails %+v", all)
		}
		e.Vendor(t).Do(t, "GET", emailsV1+"?_sortBy=verified", nil).WantError(t, 400, "_sortBy must be one of")
		c, _ := e.Login(t, "bob@example.com", "pw-pw-pw-pw")
		c.Do(t, "GET", emailsV1, nil).WantError(t, 403, "Insufficient permissions")
		c.Do(t, "POST", base, map[string]any{"email": "z@example.com"}).WantError(t, 403, "")
	})
}

func TestAddedEmailsObeyDomainRestrictions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u, c, vendor, betaAdmin := seedBetaBlocks(t, e)
		const refused = refusedByBeta
		mine := func() []email {
			t.Helper()
			var out []email
			c.Do(t, "GET", emailsV1+"/me", nil).Want(t, 200).JSON(t, &out)
			return out
		}

		// Refused, by the user and by the vendor: nothing stored, nothing sent.
		before := e.OutboxSize(t)
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@blocked.example"}).WantError(t, 400, refused)
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@mail.BLOCKED.example"}).WantError(t, 400, refused)
		vendor.Do(t, "POST", emailsV1+"/vendor/"+u.ID, map[string]any{"email": "ada@blocked.example", "isVerified": true}).WantError(t, 400, refused)
		vendor.Do(t, "POST", emailsV1+"/vendor/"+u.ID, map[string]any{"email": "ada@blocked.example"}).WantError(t, 400, refused)
		if got := mine(); len(got) != 1 || got[0].Email != "ada@example.com" {
			t.Fatalf("after refused additions %+v", got)
		}
		if after := e.OutboxSize(t); after != before {
			t.Fatalf("refused additions queued %d messages", after-before)
		}

		// An allowed domain is added and sent a code.
		var added email
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@fine.example"}).Want(t, 201).JSON(t, &added)
		if added.Email != "ada@fine.example" || added.UserID != u.ID {
			t.Fatalf("added %+v", added)
		}
		e.waitCode(t, "ada@fine.example")
		vendor.Do(t, "POST", emailsV1+"/vendor/"+u.ID, map[string]any{"email": "ada@work.example", "isVerified": true}).Want(t, 201)
		// (Both additional addresses are added at the same instant: compare them unordered.)
		got := mine()
		var additional []string
		for _, a := range got[1:] {
			additional = append(additional, a.Email)
		}
		slices.Sort(additional)
		if len(got) != 3 || !slices.Equal(additional, []string{"ada@fine.example", "ada@work.example"}) {
			t.Fatalf("after allowed additions %+v", got)
		}

		// Once its domain is blocked, a pending address is sent no new code.
		betaAdmin.Do(t, "POST", domainRestrictions, map[string]any{"domain": "fine.example", "type": "BLOCK"}).Want(t, 201)
		before = e.OutboxSize(t)
		c.Do(t, "POST", emailsV1, map[string]any{"email": "ada@fine.example"}).WantError(t, 400, refused)
		if after := e.OutboxSize(t); after != before {
			t.Fatalf("a refused resend queued %d messages", after-before)
		}
	})
}
