package settings_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/policy"
)

const captcha = configurations + "/captcha-policy"

func TestCaptchaPolicy(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "GET", captcha, nil).WantError(t, 404, "Captcha policy not found")
		s.Anon().Do(t, "GET", captcha+"/public", nil).WantError(t, 404, "Captcha policy not found")

		body := map[string]any{"enabled": true, "siteKey": "site-1", "secretKey": "secret-1", "minScore": 0.5, "ignoredEmails": []string{"qa@example.com"}}
		created := v.Do(t, "POST", captcha, body).Want(t, 201).Map(t)
		if created["id"] == "" || created["siteKey"] != "site-1" || created["secretKey"] != "secret-1" || created["minScore"] != 0.5 || created["createdAt"] == nil {
			t.Fatalf("created %v", created)
		}
		v.Do(t, "POST", captcha, body).WantError(t, 409, "already exists")

		updated := v.Do(t, "PUT", captcha, map[string]any{"enabled": false, "siteKey": "site-2", "secretKey": "secret-2", "minScore": 0.7}).Want(t, 200).Map(t)
		if updated["id"] != created["id"] || updated["siteKey"] != "site-2" || updated["enabled"] != false || updated["createdAt"] != created["createdAt"] {
			t.Fatalf("updated %v", updated)
		}
		got := v.Do(t, "GET", captcha, nil).Want(t, 200).Map(t)
		if got["secretKey"] != "secret-2" || got["minScore"] != 0.7 || len(got["ignoredEmails"].([]any)) != 0 {
			t.Fatalf("get %v", got)
		}
		pub := s.Anon().Do(t, "GET", captcha+"/public", nil).Want(t, 200).Map(t)
		if pub["siteKey"] != "site-2" || pub["enabled"] != false || pub["secretKey"] != nil || pub["ignoredEmails"] != nil {
			t.Fatalf("public %v", pub)
		}

		// The secret key is sealed at rest.
		var stored policy.CaptchaPolicy
		if err := s.DB.FindSetting(context.Background(), "", policy.CaptchaName, &stored); err != nil {
			t.Fatal(err)
		}
		if stored.SecretKey == "" || strings.Contains(stored.SecretKey, "secret-2") {
			t.Fatalf("stored secret %q", stored.SecretKey)
		}

		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"siteKey": "s", "secretKey": "k", "minScore": 0.5}, "enabled is required"},
			{map[string]any{"enabled": true, "secretKey": "k", "minScore": 0.5}, "siteKey is required"},
			{map[string]any{"enabled": true, "siteKey": "s", "minScore": 0.5}, "secretKey is required"},
			{map[string]any{"enabled": true, "siteKey": "s", "secretKey": "k", "minScore": 2}, "minScore must be a number between 0 and 1"},
			{map[string]any{"enabled": true, "siteKey": "s", "secretKey": "k", "minScore": 0.5, "ignoredEmails": []string{"nope"}}, "ignoredEmails must hold emails"},
			{map[string]any{"enabled": "yes"}, "enabled must be of type boolean"},
		} {
			v.Do(t, "PUT", captcha, c.body).WantError(t, 400, c.want)
		}
	})
}

func TestCaptchaPutCreates(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "PUT", captcha, map[string]any{"enabled": true, "siteKey": "s", "secretKey": "k", "minScore": 0}).Want(t, 200)
		v.Do(t, "GET", captcha, nil).Want(t, 200)
	})
}
