package messaging_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/mail/mailtest"
)

type templateJSON struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Subject      string `json:"subject"`
	HTMLTemplate string `json:"htmlTemplate"`
	SenderEmail  string `json:"senderEmail"`
	FromName     string `json:"fromName"`
	RedirectURL  string `json:"redirectURL"`
	Active       bool   `json:"active"`
}

func TestEveryEmailTypeHasADefault(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		var all []templateJSON
		v.Do(t, "GET", templatesPath, nil).Want(t, 200).JSON(t, &all)
		if len(all) != 29 {
			t.Fatalf("%d templates, want one per type of Frontegg's enum (29)", len(all))
		}
		for _, tpl := range all {
			if tpl.ID != "" || tpl.Subject == "" || tpl.HTMLTemplate == "" || !tpl.Active || tpl.SenderEmail != "hatch@example.test" {
				t.Errorf("%s: %+v", tpl.Type, tpl)
			}
			var def templateJSON
			v.Do(t, "GET", "/identity/resources/mail/v1/configs/"+tpl.Type+"/default", nil).Want(t, 200).JSON(t, &def)
			if def != tpl {
				t.Errorf("%s: default %+v differs from the list's %+v", tpl.Type, def, tpl)
			}
		}
		var one []templateJSON
		v.Do(t, "GET", templatesPath+"?type=InviteToTenant", nil).Want(t, 200).JSON(t, &one)
		if len(one) != 1 || one[0].Type != "InviteToTenant" || one[0].RedirectURL != s.URL+"/account/invitation/accept" {
			t.Fatalf("?type=InviteToTenant: %+v", one)
		}
		v.Do(t, "GET", templatesPath+"?type=Bogus", nil).WantError(t, 400, "type must be one of ResetPassword, ActivateUser")
		v.Do(t, "GET", "/identity/resources/mail/v1/configs/Bogus/default", nil).WantError(t, 400, "type must be one of")
	})
}

func TestEmailTemplateOverride(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		tn := s.SeedTenant(t, "Acme")
		u := s.SeedUser(t, tn.TenantID, "ada@example.com", "password 1")
		u.Name = `Ada <img src=x onerror=alert(1)>`
		if err := s.DB.UpdateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}

		var o templateJSON
		v.Do(t, "POST", templatesPath, map[string]any{
			"type": "ResetPassword", "subject": "Reset for {{name}}", "senderEmail": "support@app.test", "fromName": "Support",
			"redirectURL":  "https://app.test/reset?lang=en",
			"htmlTemplate": `<p>Hi {{name}} ({{email}})</p><p><a href="{{redirectURL}}">Choose a new password</a></p>`,
		}).Want(t, 201).JSON(t, &o)
		if o.ID == "" || o.Subject != "Reset for {{name}}" || o.SenderEmail != "support@app.test" || !o.Active {
			t.Fatalf("override %+v", o)
		}

		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		email := s.Mail.WaitFor(t, "ada@example.com", mailWait)
		if email.Subject != "Reset for Ada <img src=x onerror=alert(1)>" || email.Header.Get("From") != `"Support" <support@app.test>` {
			t.Fatalf("subject %q from %q", email.Subject, email.Header.Get("From"))
		}
		if strings.Contains(email.HTML, "<img") || !strings.Contains(email.HTML, "<p>Hi Ada &lt;img src=x onerror=alert(1)&gt; (ada@example.com)</p>") {
			t.Fatalf("the name was not escaped:\n%s", email.HTML)
		}
		link, userID, token := linkIn(t, email.Text, "https://app.test/reset?")
		if userID != u.ID || token == "" || !strings.Contains(link, "lang=en") || !strings.Contains(email.HTML, `href="https://app.test/reset?`) {
			t.Fatalf("link %q", link)
		}
		s.Anon().Do(t, "POST", resetVerifyPath, map[string]string{"userId": userID, "token": token, "password": "new password 2"}).Want(t, 201)
		s.Login(t, "ada@example.com", "new password 2")

		var listed []templateJSON
		v.Do(t, "GET", templatesPath+"?type=ResetPassword", nil).Want(t, 200).JSON(t, &listed)
		if len(listed) != 1 || listed[0].ID != o.ID || listed[0].Subject != o.Subject {
			t.Fatalf("listed %+v", listed)
		}

		// An inactive template's email is not sent.
		v.Do(t, "POST", templatesPath, map[string]any{"type": "ResetPassword", "active": false}).Want(t, 201)
		before := s.OutboxSize(t)
		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		if after := s.OutboxSize(t); after != before {
			t.Fatalf("inactive template: outbox went from %d to %d", before, after)
		}

		// Deleting the override brings the default back.
		v.Do(t, "DELETE", templatesPath+"/"+o.ID, nil).Want(t, 200)
		v.Do(t, "DELETE", templatesPath+"/"+o.ID, nil).WantError(t, 404, "Template not found")
		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		email = s.Mail.WaitFor(t, "ada@example.com", mailWait)
		if email.Subject != "Reset your password" || email.From != "hatch@example.test" {
			t.Fatalf("after delete: %q from %q", email.Subject, email.From)
		}
		linkIn(t, email.Text, s.URL+"/account/reset-password?")
	})
}

func TestEmailTemplateRefusesBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		for _, tc := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"subject": "x"}, "type is required"},
			{map[string]any{"type": "Bogus"}, "type must be one of"},
			{map[string]any{"type": "OTC", "senderEmail": "nope"}, "senderEmail must be an email"},
			{map[string]any{"type": "OTC", "redirectURL": "javascript:alert(1)"}, "redirectURL must be an http(s) URL"},
			{map[string]any{"type": "OTC", "successRedirectUrl": "/relative"}, "successRedirectUrl must be an http(s) URL"},
			{map[string]any{"type": "OTC", "subject": strings.Repeat("x", 513)}, "subject must be at most 512 characters"},
			{map[string]any{"type": "OTC", "fromName": "a\nBcc: x@example.com"}, "fromName must be one line"},
			{map[string]any{"type": "OTC", "active": "yes"}, "active must be of type boolean"},
		} {
			v.Do(t, "POST", templatesPath, tc.body).WantError(t, 400, tc.want)
		}
		var listed []templateJSON
		v.Do(t, "GET", templatesPath+"?type=OTC", nil).Want(t, 200).JSON(t, &listed)
		if listed[0].ID != "" {
			t.Fatalf("a refused request saved an override: %+v", listed[0])
		}
		s.Anon().Do(t, "GET", templatesPath, nil).Want(t, 401)
	})
}

func TestTemplatesShowTheConfiguredSender(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		relay := mailtest.Start(t, mailtest.Options{Username: "relay", Password: "pw"})
		v.Do(t, "POST", mailV2Path, map[string]any{"payload": smtpPayload(t, relay, "pw")}).Want(t, 201)
		var def templateJSON
		v.Do(t, "GET", "/identity/resources/mail/v1/configs/MagicLink/default", nil).Want(t, 200).JSON(t, &def)
		if def.SenderEmail != "team@app.test" || def.FromName != "App Team" {
			t.Fatalf("with a configured sender: %+v", def)
		}
	})
}
