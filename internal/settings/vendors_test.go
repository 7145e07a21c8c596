package settings_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

func TestVendorProfileAndAllowedOrigins(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		m := v.Do(t, "GET", "/vendors", nil).Want(t, 200).Map(t)
		if m["id"] != s.ClientID || len(m["allowedOrigins"].([]any)) != 0 || m["name"] != "" {
			t.Fatalf("default vendor %v", m)
		}
		// A browser at an origin not allowed gets no CORS grant.
		const origin = "https://app.example.com"
		if h := s.Anon().With("Origin", origin).Do(t, "GET", configurations+"/public", nil).Header.Get("Access-Control-Allow-Origin"); h != "" {
			t.Fatalf("origin allowed before configuration: %q", h)
		}

		m = v.Do(t, "PUT", "/vendors", map[string]any{"name": "Acme", "backendStack": "Node",
			"allowedOrigins": []string{"HTTPS://App.Example.com:443/", "http://localhost:3000", origin}}).Want(t, 200).Map(t)
		origins := m["allowedOrigins"].([]any)
		if m["name"] != "Acme" || m["backendStack"] != "Node" || len(origins) != 2 || origins[0] != origin || origins[1] != "http://localhost:3000" {
			t.Fatalf("after put %v", m)
		}
		if h := s.Anon().With("Origin", origin).Do(t, "GET", configurations+"/public", nil).Header.Get("Access-Control-Allow-Origin"); h != origin {
			t.Fatalf("Access-Control-Allow-Origin %q after allowing %s", h, origin)
		}
		cfg := v.Do(t, "GET", configurations, nil).Want(t, 200).Map(t)
		if len(cfg["allowedOrigins"].([]any)) != 2 {
			t.Fatalf("configuration allowedOrigins %v", cfg["allowedOrigins"])
		}

		// A partial update keeps the rest.
		m = v.Do(t, "PUT", "/vendors", map[string]any{"country": "FR", "whiteLabelMode": true}).Want(t, 200).Map(t)
		if m["name"] != "Acme" || m["country"] != "FR" || len(m["allowedOrigins"].([]any)) != 2 {
			t.Fatalf("after partial put %v", m)
		}
		pub := s.Anon().Do(t, "GET", "/vendors/public", nil).Want(t, 200).Map(t)
		if len(pub) != 4 || pub["name"] != "Acme" || pub["whiteLabelMode"] != true {
			t.Fatalf("public vendor %v", pub)
		}

		for _, bad := range []string{"ftp://files.example.com", "https://app.example.com/path", "app.example.com", "https://"} {
			v.Do(t, "PUT", "/vendors", map[string]any{"name": "Changed", "allowedOrigins": []string{bad}}).WantError(t, 400, "allowedOrigins must hold origins")
		}
		v.Do(t, "PUT", "/vendors", map[string]any{"allowedOrigins": "https://a.example"}).WantError(t, 400, "allowedOrigins must be of type array")
		// A refused update saves nothing.
		m = v.Do(t, "GET", "/vendors", nil).Want(t, 200).Map(t)
		if m["name"] != "Acme" || len(m["allowedOrigins"].([]any)) != 2 {
			t.Fatalf("after refused puts %v", m)
		}
		// An empty list clears the origins.
		m = v.Do(t, "PUT", "/vendors", map[string]any{"allowedOrigins": []string{}}).Want(t, 200).Map(t)
		if len(m["allowedOrigins"].([]any)) != 0 {
			t.Fatalf("after clearing %v", m)
		}
	})
}
