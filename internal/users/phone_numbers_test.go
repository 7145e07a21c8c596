package users_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

const phones = "/identity/resources/users/phone-numbers/v1"

type phone struct {
	ID          string `json:"id"`
	UserID      string `json:"userId"`
	PhoneNumber string `json:"phoneNumber"`
	Verified    bool   `json:"verified"`
	OTCToken    string `json:"otcToken"`
}

var smsCode = regexp.MustCompile(`\b(\d{6})\b`)

// smsCodeTo returns the code of the next SMS to number.
func (e *env) smsCodeTo(t *testing.T, number string) string {
	t.Helper()
	m := e.SMS.WaitFor(t, number, 5*time.Second)
	c := smsCode.FindStringSubmatch(m.Body)
	if c == nil || m.From != apitest.SMSSender {
		t.Fatalf("SMS %+v has no code", m)
	}
	return c[1]
}

func TestPhoneNumbers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.ConfigureSMS(t)
		tn := e.SeedTenant(t, "Acme")
		u := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		c, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")

		// Add a number: it is unverified until the code sent to it comes back.
		var p phone
		c.Do(t, "POST", phones, map[string]any{"phoneNumber": "+14155550100"}).Want(t, 201).JSON(t, &p)
		if p.ID == "" || p.UserID != u.ID || p.Verified || p.OTCToken == "" {
			t.Fatalf("added %+v", p)
		}
		code := e.smsCodeTo(t, "+14155550100")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		c.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": wrong}).WantError(t, 400, "Invalid or expired code")
		c.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": code}).Want(t, 200)
		// A code works once.
		c.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": code}).WantError(t, 400, "Invalid or expired code")
		var mine []phone
		c.Do(t, "GET", phones+"/me", nil).Want(t, 200).JSON(t, &mine)
		if len(mine) != 1 || mine[0].ID != p.ID || !mine[0].Verified {
			t.Fatalf("my numbers %+v", mine)
		}

		// Pre-verify: nothing is stored until the code comes back.
		var pre struct {
			OTCToken string `json:"otcToken"`
		}
		c.Do(t, "POST", phones+"/preverify", map[string]string{"phoneNumber": "+442071838750"}).Want(t, 200).JSON(t, &pre)
		c.Do(t, "GET", phones+"/me", nil).Want(t, 200).JSON(t, &mine)
		if len(mine) != 1 {
			t.Fatalf("pre-verifying stored a number: %+v", mine)
		}
		code = e.smsCodeTo(t, "+442071838750")
		c.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": pre.OTCToken, "code": code}).Want(t, 200)
		c.Do(t, "GET", phones+"/me", nil).Want(t, 200).JSON(t, &mine)
		if len(mine) != 2 || !mine[0].Verified || !mine[1].Verified {
			t.Fatalf("after pre-verify %+v", mine)
		}
		uk := mine[0]
		if uk.PhoneNumber != "+442071838750" {
			uk = mine[1]
		}

		// Removing a number is confirmed by a code sent to it.
		var del struct {
			PhoneID  string `json:"phoneId"`
			OTCToken string `json:"otcToken"`
		}
		c.Do(t, "DELETE", phones+"/"+p.ID, nil).Want(t, 200).JSON(t, &del)
		if del.PhoneID != p.ID || del.OTCToken == "" {
			t.Fatalf("delete %+v", del)
		}
		code = e.smsCodeTo(t, "+14155550100")
		c.Do(t, "POST", phones+"/"+uk.ID+"/delete/verify", map[string]string{"otcToken": del.OTCToken, "code": code}).
			WantError(t, 400, "Invalid or expired code")
		c.Do(t, "POST", phones+"/"+p.ID+"/delete/verify", map[string]string{"otcToken": del.OTCToken, "code": code}).Want(t, 200)
		c.Do(t, "GET", phones+"/me", nil).Want(t, 200).JSON(t, &mine)
		if len(mine) != 1 || mine[0].PhoneNumber != "+442071838750" {
			t.Fatalf("after delete %+v", mine)
		}
		c.Do(t, "DELETE", phones+"/"+p.ID, nil).WantError(t, 404, "Phone number not found")

		// verify: false adds an unverified number without a code.
		var quiet phone
		c.Do(t, "POST", phones, map[string]any{"phoneNumber": "+14155550199", "verify": false}).Want(t, 201).JSON(t, &quiet)
		if quiet.Verified || quiet.OTCToken != "" {
			t.Fatalf("verify false: %+v", quiet)
		}

		for _, body := range []map[string]any{{}, {"phoneNumber": "4155550100"}, {"phoneNumber": "+1 415 555 0100"}, {"phoneNumber": "+0123456789"}} {
			c.Do(t, "POST", phones, body).Want(t, 400)
			c.Do(t, "POST", phones+"/preverify", body).Want(t, 400)
		}
		c.Do(t, "POST", phones, map[string]any{"phoneNumber": "0415"}).WantError(t, 400, "phoneNumber must be a phone number in E.164 form")
		c.Do(t, "POST", phones+"/verify", map[string]string{"code": "1"}).WantError(t, 400, "otcToken is required")
		c.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": "x"}).WantError(t, 400, "code is required")
		e.Anon().Do(t, "GET", phones+"/me", nil).Want(t, 401)
	})
}

func TestPhoneCodesAreAttemptLimitedAndExpire(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.ConfigureSMS(t)
		tn := e.SeedTenant(t, "Acme")
		e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		e.SeedUser(t, tn.TenantID, "bob@example.com", "pw-pw-pw-pw")
		ada, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		bob, _ := e.Login(t, "bob@example.com", "pw-pw-pw-pw")

		var p phone
		ada.Do(t, "POST", phones, map[string]any{"phoneNumber": "+14155550100"}).Want(t, 201).JSON(t, &p)
		code := e.smsCodeTo(t, "+14155550100")
		// Another user cannot use Ada's token, even with the right code.
		bob.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": code}).WantError(t, 400, "Invalid or expired code")
		for i := 0; i < 4; i++ {
			ada.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": "99999" + string(rune('0'+i))}).Want(t, 400)
		}
		// Five tries in all: the right code comes too late.
		ada.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": code}).WantError(t, 400, "Invalid or expired code")

		ada.Do(t, "POST", phones, map[string]any{"phoneNumber": "+14155550100"}).Want(t, 201).JSON(t, &p)
		code = e.smsCodeTo(t, "+14155550100")
		e.Clock.Advance(10*time.Minute + time.Second)
		ada.Do(t, "POST", phones+"/verify", map[string]string{"otcToken": p.OTCToken, "code": code}).WantError(t, 400, "Invalid or expired code")
	})
}

func TestPhoneNumberLists(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		other := e.SeedTenant(t, "Other")
		ada := e.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		eve := e.SeedUser(t, other.TenantID, "eve@example.com", "pw-pw-pw-pw")
		v := e.Vendor(t)

		// The vendor adds verified numbers and removes them without codes.
		var p phone
		v.Do(t, "POST", phones+"/vendor/"+ada.ID, map[string]string{"phoneNumber": "+14155550100"}).Want(t, 201).JSON(t, &p)
		if !p.Verified || p.UserID != ada.ID {
			t.Fatalf("vendor number %+v", p)
		}
		v.Do(t, "POST", phones+"/vendor/"+ada.ID, map[string]string{"phoneNumber": "+14155550101"}).Want(t, 201)
		v.Do(t, "POST", phones+"/vendor/"+eve.ID, map[string]string{"phoneNumber": "+14155550102"}).Want(t, 201)
		v.Do(t, "POST", phones+"/vendor/nobody", map[string]string{"phoneNumber": "+14155550102"}).WantError(t, 404, "User not found")
		v.Do(t, "POST", phones+"/vendor/"+ada.ID, map[string]string{"phoneNumber": "bad"}).WantError(t, 400, "E.164")

		var all page[phone]
		v.Do(t, "GET", phones+"?_limit=2&_sortBy=phoneNumber", nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 3 || all.Metadata.TotalPages != 2 || len(all.Items) != 2 || all.Items[0].PhoneNumber != "+14155550100" {
			t.Fatalf("vendor list %+v", all)
		}
		v.Do(t, "GET", "/identity/resources/users/phone-numbers/v2?userIds="+eve.ID, nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 1 || all.Items[0].UserID != eve.ID {
			t.Fatalf("v2 by user %+v", all)
		}
		v.Do(t, "GET", phones+"?_phoneNumber=%2B14155550101", nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 1 {
			t.Fatalf("by number %+v", all)
		}
		// An account admin sees its account's numbers only.
		admin, _ := e.admin(t, tn.TenantID, "boss@example.com")
		admin.Do(t, "GET", phones, nil).Want(t, 200).JSON(t, &all)
		if all.Metadata.TotalItems != 2 {
			t.Fatalf("admin list %+v", all)
		}
		v.Do(t, "GET", phones+"?_sortBy=email", nil).WantError(t, 400, "_sortBy must be one of userId, phoneNumber")
		plain, _ := e.Login(t, "ada@example.com", "pw-pw-pw-pw")
		plain.Do(t, "GET", phones, nil).Want(t, 403)

		v.Do(t, "DELETE", phones+"/vendor/"+ada.ID+"/"+p.ID, nil).Want(t, 200)
		v.Do(t, "DELETE", phones+"/vendor/"+ada.ID+"/"+p.ID, nil).WantError(t, 404, "Phone number not found")
		v.Do(t, "DELETE", phones+"/vendor/"+eve.ID+"/"+all.Items[0].ID, nil).Want(t, 404)
	})
}
