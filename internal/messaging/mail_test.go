package messaging_test

import (
	"net"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/mail/mailtest"
)

func TestMailConfigurationTakesEffectAtOnce(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "GET", mailV1Path, nil).WantError(t, 404, "Mail configuration not found")
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "password 1")

		relay := mailtest.Start(t, mailtest.Options{Username: "relay", Password: "p@ss word"})
		created := v.Do(t, "POST", mailV2Path, map[string]any{"payload": smtpPayload(t, relay, "p@ss word")}).Want(t, 201)
		got := v.Do(t, "GET", mailV1Path, nil).Want(t, 200)
		for _, body := range []string{string(created.Body), string(got.Body)} {
			if strings.Contains(body, "p@ss") || strings.Contains(body, "password") {
				t.Fatalf("the password shows: %s", body)
			}
		}
		m := got.Map(t)
		if m["provider"] != "smtp" || m["secret"] != "smtp://relay@"+relay.Addr || m["senderEmail"] != "team@app.test" ||
			m["fromName"] != "App Team" || m["createdAt"] == nil {
			t.Fatalf("configuration %v", m)
		}

		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		email := relay.WaitFor(t, "ada@example.com", mailWait)
		if email.From != "team@app.test" || email.Header.Get("From") != `"App Team" <team@app.test>` || email.Subject != "Reset your password" {
			t.Fatalf("email from %q (%q): %q", email.From, email.Header.Get("From"), email.Subject)
		}
		if n := len(s.Mail.Messages()); n != 0 {
			t.Fatalf("HATCH_SMTP_URL's server got %d messages", n)
		}

		// v1 takes the server as a URL; the sender stays.
		v.Do(t, "POST", mailV1Path, map[string]string{"secret": relay.URL()}).Want(t, 200)
		if m := v.Do(t, "GET", mailV1Path, nil).Want(t, 200).Map(t); m["senderEmail"] != "team@app.test" || m["username"] != "relay" {
			t.Fatalf("after v1: %v", m)
		}

		// Deleting it returns to HATCH_SMTP_URL.
		v.Do(t, "DELETE", mailV1Path, nil).Want(t, 200)
		v.Do(t, "GET", mailV1Path, nil).Want(t, 404)
		s.Anon().Do(t, "POST", resetPath, map[string]string{"email": "ada@example.com"}).Want(t, 201)
		if email := s.Mail.WaitFor(t, "ada@example.com", mailWait); email.From != "hatch@example.test" {
			t.Fatalf("after delete: from %q", email.From)
		}
	})
}

func TestMailConfigurationRefusesBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		relay := mailtest.Start(t, mailtest.Options{Username: "relay", Password: "right"})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := ln.Addr().String()
		ln.Close()
		with := func(change func(p map[string]any)) map[string]any {
			p := smtpPayload(t, relay, "right")
			change(p)
			return map[string]any{"payload": p}
		}
		for _, tc := range []struct {
			name string
			path string
			body any
			want string
		}{
			{"no payload", mailV2Path, map[string]any{}, "payload is required"},
			{"sendgrid", mailV2Path, map[string]any{"payload": map[string]any{"provider": "sendgrid", "secret": "SG.x"}}, "not supported"},
			{"unknown provider", mailV2Path, with(func(p map[string]any) { p["provider"] = "pigeon" }), "payload.provider must be smtp"},
			{"no host", mailV2Path, with(func(p map[string]any) { p["host"] = "" }), "host is required"},
			{"port 0", mailV2Path, with(func(p map[string]any) { p["port"] = 0 }), "port must be between 1 and 65535"},
			{"port too big", mailV2Path, with(func(p map[string]any) { p["port"] = 70000 }), "port must be between 1 and 65535"},
			{"port not a number", mailV2Path, with(func(p map[string]any) { p["port"] = "25" }), "port must be of type number"},
			{"bad sender", mailV2Path, with(func(p map[string]any) { p["senderEmail"] = "not an email" }), "senderEmail must be an email"},
			{"wrong password", mailV2Path, with(func(p map[string]any) { p["password"] = "wrong" }), "Could not connect to the mail server"},
			{"nothing listening", mailV1Path, map[string]string{"secret": "smtp://" + closed}, "Could not connect to the mail server " + closed},
			{"no secret", mailV1Path, map[string]string{}, "secret is required"},
			{"sendgrid key", mailV1Path, map[string]string{"secret": "SG.abcdef"}, "secret must be an smtp:// or smtps:// URL"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				v.Do(t, "POST", tc.path, tc.body).WantError(t, 400, tc.want)
			})
		}
		v.Do(t, "GET", mailV1Path, nil).Want(t, 404) // nothing was saved
		s.Anon().Do(t, "GET", mailV1Path, nil).Want(t, 401)
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "password 1")
		user, _ := s.Login(t, "ada@example.com", "password 1")
		user.Do(t, "POST", mailV2Path, with(func(map[string]any) {})).Want(t, 403)
	})
}
