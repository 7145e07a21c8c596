package applications_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	credentialsPath = "/applications/resources/applications/v1/credentials"
	clientsPath     = "/applications/application-clients"
)

// createApp creates an application through the vendor API and returns its id.
func createApp(t *testing.T, s *apitest.Server, body map[string]any) string {
	t.Helper()
	in := map[string]any{"name": "Portal", "appURL": "https://portal.example.com", "loginURL": "https://portal.example.com/login"}
	for k, v := range body {
		in[k] = v
	}
	var a struct{ ID string }
	s.Vendor(t).Do(t, "POST", appsPath, in).Want(t, 201).JSON(t, &a)
	return a.ID
}

type credentials struct{ ClientSecret, SharedSecret string }

func TestApplicationCredentials(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		id := createApp(t, s, nil)

		// Made at the first read, the same at every later one.
		var first, again credentials
		v.Do(t, "GET", credentialsPath+"/"+id, nil).Want(t, 200).JSON(t, &first)
		v.Do(t, "GET", credentialsPath+"/"+id, nil).Want(t, 200).JSON(t, &again)
		if len(first.ClientSecret) < 40 || len(first.SharedSecret) < 40 || first.ClientSecret == first.SharedSecret || again != first {
			t.Fatalf("credentials %+v, then %+v", first, again)
		}
		// Sealed at rest, never stored in the clear.
		rec, err := s.DB.FindOAuthClientRecord(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rec.Secret, "v1:") || strings.Contains(rec.Secret, first.ClientSecret) {
			t.Fatalf("stored client secret %q", rec.Secret)
		}

		// Each regeneration replaces its own secret only.
		var client, shared credentials
		v.Do(t, "POST", credentialsPath+"/regenerate", map[string]string{"appId": id}).Want(t, 201).JSON(t, &client)
		if client.ClientSecret == first.ClientSecret || client.SharedSecret != first.SharedSecret {
			t.Fatalf("client secret regenerated: %+v, was %+v", client, first)
		}
		v.Do(t, "POST", credentialsPath+"/shared/regenerate", map[string]string{"appId": id}).Want(t, 201).JSON(t, &shared)
		if shared.ClientSecret != client.ClientSecret || shared.SharedSecret == client.SharedSecret {
			t.Fatalf("shared secret regenerated: %+v, was %+v", shared, client)
		}
		v.Do(t, "GET", credentialsPath+"/"+id, nil).Want(t, 200).JSON(t, &again)
		if again != shared {
			t.Fatalf("credentials after regeneration %+v, want %+v", again, shared)
		}
		// Regenerating an application's credentials before any read makes both.
		fresh := createApp(t, s, nil)
		var made credentials
		v.Do(t, "POST", credentialsPath+"/shared/regenerate", map[string]string{"appId": fresh}).Want(t, 201).JSON(t, &made)
		if made.ClientSecret == "" || made.SharedSecret == "" {
			t.Fatalf("credentials of a new application %+v", made)
		}

		v.Do(t, "GET", credentialsPath+"/nope", nil).WantError(t, 404, "Application not found")
		v.Do(t, "POST", credentialsPath+"/regenerate", map[string]string{"appId": "nope"}).WantError(t, 404, "Application not found")
		v.Do(t, "POST", credentialsPath+"/regenerate", map[string]string{}).WantError(t, 400, "appId is required")
		v.Do(t, "POST", credentialsPath+"/shared/regenerate", map[string]any{"appId": 5}).WantError(t, 400, "appId must be of type string")

		// The vendor's alone.
		tn := s.SeedTenant(t, "Acme")
		_, user := s.UserWith(t, tn.TenantID, "ada@example.com", "fe.secure.*", "fe.account-settings.read.app")
		user.Do(t, "GET", credentialsPath+"/"+id, nil).Want(t, 403)
		user.Do(t, "POST", credentialsPath+"/regenerate", map[string]string{"appId": id}).Want(t, 403)
		s.Anon().Do(t, "GET", credentialsPath+"/"+id, nil).Want(t, 401)
	})
}

func TestApplicationRedirectURLs(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		id := createApp(t, s, map[string]any{"redirectURLs": []string{"https://portal.example.com/cb", "com.example.portal:/cb"}})
		a := v.Do(t, "GET", appsPath+"/"+id, nil).Want(t, 200).Map(t)
		if len(a["redirectURLs"].([]any)) != 2 || len(a["logoutURLs"].([]any)) != 0 {
			t.Fatalf("created %v", a)
		}
		a = v.Do(t, "PATCH", appsPath+"/"+id, map[string]any{"logoutURLs": []string{"http://localhost:3000/"}}).Want(t, 201).Map(t)
		if len(a["redirectURLs"].([]any)) != 2 || len(a["logoutURLs"].([]any)) != 1 {
			t.Fatalf("patched %v", a)
		}
		for name, body := range map[string]map[string]any{
			"http":      {"redirectURLs": []string{"http://portal.example.com/cb"}},
			"wildcard":  {"redirectURLs": []string{"https://*.example.com/cb"}},
			"fragment":  {"redirectURLs": []string{"https://portal.example.com/cb#x"}},
			"relative":  {"redirectURLs": []string{"/cb"}},
			"script":    {"logoutURLs": []string{"javascript:alert(1)"}},
			"twice":     {"redirectURLs": []string{"https://portal.example.com/cb", "https://portal.example.com/cb"}},
			"not array": {"logoutURLs": "https://portal.example.com/"},
		} {
			t.Run(name, func(t *testing.T) {
				field := "redirectURLs"
				if _, ok := body["logoutURLs"]; ok {
					field = "logoutURLs"
				}
				v.Do(t, "PATCH", appsPath+"/"+id, body).WantError(t, 400, field)
			})
		}
	})
}

func TestApplicationClients(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		appID := createApp(t, s, map[string]any{"type": "agent"})
		var created map[string]any
		created = v.Do(t, "POST", clientsPath, map[string]any{"appId": appID, "clientName": " Agent one ", "clientType": "Agent",
			"redirectURLs": []string{"https://agent.example.com/cb"}, "externalMetadata": map[string]any{"team": "ml", "tier": 2, "beta": true}}).
			Want(t, 201).Map(t)
		id, _ := created["id"].(string)
		secret, _ := created["clientSecret"].(string)
		if id == "" || id == appID || len(secret) < 40 || created["appId"] != appID || created["clientName"] != "Agent one" ||
			created["externalMetadata"].(map[string]any)["tier"] != float64(2) {
			t.Fatalf("created %v", created)
		}
		stored, err := s.DB.FindAppClient(context.Background(), id)
		if err != nil || !strings.HasPrefix(stored.Secret, "v1:") || strings.Contains(stored.Secret, secret) {
			t.Fatalf("stored secret %+v %v", stored, err)
		}
		// The application is also named by the header the SDKs send.
		s.Clock.Advance(time.Second)
		second := v.With("frontegg-requested-application-id", appID).Do(t, "POST", clientsPath,
			map[string]any{"clientName": "Agent two", "clientType": "Agent"}).Want(t, 201).Map(t)
		if second["appId"] != appID || second["externalMetadata"] != nil || len(second["redirectURLs"].([]any)) != 0 {
			t.Fatalf("second %v", second)
		}

		got := v.Do(t, "GET", clientsPath+"/"+id, nil).Want(t, 200).Map(t)
		if got["clientSecret"] != secret || got["clientName"] != "Agent one" {
			t.Fatalf("get %v", got)
		}
		var list []map[string]any
		v.Do(t, "GET", clientsPath+"/app/"+appID, nil).Want(t, 200).JSON(t, &list)
		if len(list) != 2 || list[0]["id"] != id || list[1]["id"] != second["id"] {
			t.Fatalf("list %v", list)
		}
		v.Do(t, "GET", clientsPath+"/app/nope", nil).WantError(t, 404, "Application not found")

		patched := v.Do(t, "PATCH", clientsPath+"/"+id, map[string]any{"clientName": "Agent 1", "externalMetadata": nil}).Want(t, 200).Map(t)
		if patched["clientName"] != "Agent 1" || patched["externalMetadata"] != nil || len(patched["redirectURLs"].([]any)) != 1 ||
			patched["clientSecret"] != secret {
			t.Fatalf("patched %v", patched)
		}

		for name, c := range map[string]struct {
			body map[string]any
			msg  string
		}{
			"no app":         {map[string]any{"clientName": "x", "clientType": "Agent"}, "appId is required"},
			"no name":        {map[string]any{"appId": appID, "clientType": "Agent"}, "clientName is required"},
			"blank name":     {map[string]any{"appId": appID, "clientName": " ", "clientType": "Agent"}, "clientName must not be empty"},
			"no type":        {map[string]any{"appId": appID, "clientName": "x"}, "clientType is required"},
			"bad type":       {map[string]any{"appId": appID, "clientName": "x", "clientType": "Robot"}, "clientType must be one of Agent"},
			"bad redirect":   {map[string]any{"appId": appID, "clientName": "x", "clientType": "Agent", "redirectURLs": []string{"http://a.example/cb"}}, "redirectURLs must be"},
			"metadata array": {map[string]any{"appId": appID, "clientName": "x", "clientType": "Agent", "externalMetadata": []int{1}}, "externalMetadata must be an object"},
			"nested value":   {map[string]any{"appId": appID, "clientName": "x", "clientType": "Agent", "externalMetadata": map[string]any{"a": map[string]any{}}}, "externalMetadata.a must be"},
		} {
			t.Run(name, func(t *testing.T) { v.Do(t, "POST", clientsPath, c.body).WantError(t, 400, c.msg) })
		}
		v.Do(t, "POST", clientsPath, map[string]any{"appId": "nope", "clientName": "x", "clientType": "Agent"}).WantError(t, 404, "Application not found")
		v.Do(t, "PATCH", clientsPath+"/"+id, map[string]any{"redirectURLs": []string{"https://*.example.com"}}).WantError(t, 400, "redirectURLs must be")
		v.Do(t, "GET", clientsPath+"/nope", nil).WantError(t, 404, "Application client not found")
		v.Do(t, "PATCH", clientsPath+"/nope", map[string]any{"clientName": "x"}).WantError(t, 404, "Application client not found")

		tn := s.SeedTenant(t, "Acme")
		_, user := s.UserWith(t, tn.TenantID, "ada@example.com", "fe.secure.*", "fe.account-settings.read.app")
		user.Do(t, "GET", clientsPath+"/"+id, nil).Want(t, 403)
		s.Anon().Do(t, "POST", clientsPath, map[string]any{}).Want(t, 401)

		v.Do(t, "DELETE", clientsPath+"/"+id, nil).Want(t, 204)
		v.Do(t, "DELETE", clientsPath+"/"+id, nil).WantError(t, 404, "Application client not found")
		// Deleting the application deletes its clients.
		v.Do(t, "DELETE", appsPath+"/"+appID, nil).Want(t, 200)
		v.Do(t, "GET", clientsPath+"/"+second["id"].(string), nil).WantError(t, 404, "Application client not found")
	})
}
