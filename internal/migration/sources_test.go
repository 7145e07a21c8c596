package migration_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const sourcesPath = "/identity/resources/user-sources/v1"

// fakeAuth0 speaks the parts of Auth0's API Hatch uses: the password and
// client-credentials grants of /oauth/token, /userinfo and GET /api/v2/users.
func fakeAuth0(t *testing.T, tenantID string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		if req["client_id"] != "a0-client" || req["client_secret"] != "a0-secret" {
			w.WriteHeader(401)
			json.NewEncoder(w).Encode(map[string]string{"error": "access_denied"})
			return
		}
		switch {
		case req["grant_type"] == "client_credentials" && req["audience"] == "http://"+r.Host+"/api/v2/":
			json.NewEncoder(w).Encode(map[string]any{"access_token": "mgmt-token", "token_type": "Bearer"})
		case req["grant_type"] == "password" && req["username"] == "ann@example.com" && req["password"] == "auth0-pass":
			json.NewEncoder(w).Encode(map[string]any{"access_token": "ann-token", "token_type": "Bearer"})
		default:
			w.WriteHeader(403)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "Wrong email or password."})
		}
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ann-token" {
			w.WriteHeader(401)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"sub": "auth0|ann", "email": "ann@example.com", "email_verified": true,
			"name": "Ann", "picture": "https://example.com/ann.png", "tenant": tenantID})
	})
	mux.HandleFunc("GET /api/v2/users", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer mgmt-token" {
			w.WriteHeader(401)
			return
		}
		users := []map[string]any{}
		if r.URL.Query().Get("page") == "0" {
			users = []map[string]any{
				{"user_id": "auth0|1", "email": "u1@example.com", "email_verified": true, "name": "U1",
					"app_metadata": map[string]any{"tenant": tenantID}, "user_metadata": map[string]any{"color": "blue"}},
				{"user_id": "auth0|2", "email": "u2@example.com", "app_metadata": map[string]any{}},
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"start": 0, "limit": 100, "length": len(users), "total": 2, "users": users})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestMigrateFromAuth0(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.SeedTenant(t, "Acme")
		a0 := fakeAuth0(t, tn.TenantID)
		v := s.Vendor(t)
		body := map[string]any{"domain": a0.URL, "clientId": "a0-client", "secret": "a0-secret", "tenantIdFieldName": "tenant"}
		var started struct{ MigrationID string }
		v.Do(t, "POST", "/identity/resources/migrations/v1/auth0", body).Want(t, 201).JSON(t, &started)
		st := waitStatus(t, v, statusPath+started.MigrationID)
		if st.Total != 2 || st.Migrated != 1 || st.Failed != 1 || st.Failures[0].Email != "u2@example.com" ||
			!strings.Contains(st.Failures[0].Reason, "tenantId is required") {
			t.Fatalf("status %+v", st)
		}
		u := s.user(t, "u1@example.com")
		if u.ExternalID != "auth0|1" || !u.Verified || u.Metadata != `{"color":"blue"}` || u.PasswordHash != "" {
			t.Fatalf("migrated user %+v", u)
		}
		body["secret"] = "wrong"
		v.Do(t, "POST", "/identity/resources/migrations/v1/auth0", body).WantError(t, 400, "Auth0 refused the client credentials")
		delete(body, "tenantIdFieldName")
		v.Do(t, "POST", "/identity/resources/migrations/v1/auth0", body).WantError(t, 400, "tenantIdFieldName is required")
		s.Anon().Do(t, "POST", "/identity/resources/migrations/v1/auth0", body).Want(t, 401)
	})
}

func TestUserSourcesCRUD(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.SeedTenant(t, "Acme")
		v := s.Vendor(t)
		cfg := map[string]any{"syncOnLogin": true, "isMigrated": true, "domain": "acme.auth0.com", "clientId": "cid",
			"secret": "top-secret", "tenantConfig": map[string]any{"tenantResolverType": "static", "tenantId": tn.TenantID}}
		var created struct {
			ID, Name, Type, Description string
			AppIDs                      []string
			Index                       int
		}
		v.Do(t, "POST", sourcesPath+"/external/auth0", map[string]any{"name": "Legacy", "configuration": cfg, "index": 2,
			"appIds": []string{"app-1"}, "description": "old users"}).Want(t, 201).JSON(t, &created)
		if created.ID == "" || created.Type != "auth0" || created.Index != 2 || len(created.AppIDs) != 1 || created.Description != "old users" {
			t.Fatalf("created %+v", created)
		}
		list := v.Do(t, "GET", sourcesPath, nil).Want(t, 200)
		if strings.Contains(string(list.Body), "top-secret") {
			t.Fatal("the list shows the secret")
		}
		var items []map[string]any
		list.JSON(t, &items)
		if len(items) != 1 || items[0]["usersCount"] != 0.0 || items[0]["configuration"].(map[string]any)["domain"] != "acme.auth0.com" {
			t.Fatalf("list %v", items)
		}
		got := v.Do(t, "GET", sourcesPath+"/"+created.ID, nil).Want(t, 200).Map(t)
		if got["name"] != "Legacy" || got["configuration"].(map[string]any)["tenantConfig"].(map[string]any)["tenantId"] != tn.TenantID {
			t.Fatalf("get %v", got)
		}

		// PUT replaces what it is given; a secret left out keeps its value.
		delete(cfg, "secret")
		cfg["domain"] = "new.auth0.com"
		put := v.Do(t, "PUT", sourcesPath+"/external/auth0/"+created.ID, map[string]any{"name": "Renamed", "configuration": cfg}).Want(t, 200).Map(t)
		if put["name"] != "Renamed" || put["index"] != 2.0 || put["configuration"].(map[string]any)["domain"] != "new.auth0.com" {
			t.Fatalf("put %v", put)
		}
		v.Do(t, "PUT", sourcesPath+"/external/cognito/"+created.ID, map[string]any{"name": "x"}).Want(t, 404)
		v.Do(t, "PUT", sourcesPath+"/external/auth0/nope", map[string]any{"name": "x"}).Want(t, 404)

		v.Do(t, "POST", sourcesPath+"/assign", map[string]any{"userSourceId": created.ID, "appIds": []string{"app-2", "app-3"}}).Want(t, 201)
		v.Do(t, "POST", sourcesPath+"/unassign", map[string]any{"userSourceId": created.ID, "appIds": []string{"app-1"}}).Want(t, 201)
		got = v.Do(t, "GET", sourcesPath+"/"+created.ID, nil).Want(t, 200).Map(t)
		if apps := got["appIds"].([]any); len(apps) != 2 || apps[0] != "app-2" || apps[1] != "app-3" {
			t.Fatalf("appIds %v", apps)
		}
		v.Do(t, "POST", sourcesPath+"/assign", map[string]any{"userSourceId": "nope", "appIds": []string{"a"}}).Want(t, 404)
		v.Do(t, "POST", sourcesPath+"/assign", map[string]any{"userSourceId": created.ID}).WantError(t, 400, "appIds must be a non-empty array")
		v.Do(t, "POST", sourcesPath+"/unassign", map[string]any{"appIds": []string{"a"}}).WantError(t, 400, "userSourceId is required")

		users := v.Do(t, "GET", sourcesPath+"/"+created.ID+"/users", nil).Want(t, 200).Map(t)
		if users["_metadata"].(map[string]any)["totalItems"] != 0.0 || users["_links"] == nil {
			t.Fatalf("users %v", users)
		}
		v.Do(t, "GET", sourcesPath+"/nope/users", nil).Want(t, 404)

		for _, tc := range []struct {
			path string
			body map[string]any
			code int
			want string
		}{
			{"/external/auth0", map[string]any{"configuration": cfg, "index": 1}, 400, "name is required"},
			{"/external/auth0", map[string]any{"name": "x", "index": 1}, 400, "configuration is required"},
			{"/external/auth0", map[string]any{"name": "x", "configuration": cfg}, 400, "index is required"},
			{"/external/auth0", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "isMigrated": true,
				"domain": "d", "clientId": "c", "tenantConfig": map[string]any{"tenantResolverType": "new"}}}, 400, "configuration.secret is required"},
			{"/external/auth0", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"isMigrated": true}}, 400, "syncOnLogin is required"},
			{"/external/auth0", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "isMigrated": true,
				"domain": "d", "clientId": "c", "secret": "s", "tenantConfig": map[string]any{"tenantResolverType": "static", "tenantId": "nope"}}}, 404, "Tenant nope not found"},
			{"/external/auth0", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "isMigrated": true,
				"domain": "d", "clientId": "c", "secret": "s", "tenantConfig": map[string]any{"tenantResolverType": "from-source"}}}, 400, "tenantResolverType must be one of"},
			{"/external/custom-code", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "isMigrated": true,
				"codePayload": "async function login() {}", "tenantConfig": map[string]any{"tenantResolverType": "new"}}}, 400, "Hatch does not run code"},
			{"/external/cognito", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "isMigrated": true,
				"region": "eu-west-1", "clientId": "c", "userPoolId": "p", "tenantConfig": map[string]any{"tenantResolverType": "new"}}}, 400, "configuration.accessKeyId is required"},
			{"/external/firebase", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "isMigrated": true,
				"apiKey": "k", "tenantConfig": map[string]any{"tenantResolverType": "new"}}}, 400, "serviceAccount"},
			{"/federation", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "clientId": "c",
				"secret": "s", "tenantConfig": map[string]any{"tenantResolverType": "new"}}}, 400, "wellknownUrl or configuration.oauth2Config is required"},
			{"/federation", map[string]any{"name": "x", "index": 1, "configuration": map[string]any{"syncOnLogin": true, "clientId": "c",
				"secret": "s", "tenantConfig": map[string]any{"tenantResolverType": "dynamic"}, "wellknownUrl": "https://x/.well-known/openid-configuration"}}, 400, "tenantIdFieldName is required"},
		} {
			v.Do(t, "POST", sourcesPath+tc.path, tc.body).WantError(t, tc.code, tc.want)
		}

		v.Do(t, "DELETE", sourcesPath+"/"+created.ID, nil).Want(t, 200)
		v.Do(t, "GET", sourcesPath+"/"+created.ID, nil).Want(t, 404)
		v.Do(t, "DELETE", sourcesPath+"/"+created.ID, nil).Want(t, 404)
		s.Anon().Do(t, "GET", sourcesPath, nil).Want(t, 401)
	})
}

// sourceCase is one kind of user source: how to make it and the remote
// system that speaks its API.
type sourceCase struct {
	name, path string
	config     func(t *testing.T, s *server, tenantID string) (cfg map[string]any, remote *httptest.Server)
	email, pw  string
}

func sourceCases() []sourceCase {
	return []sourceCase{
		{"auth0", "/external/auth0", func(t *testing.T, s *server, tenantID string) (map[string]any, *httptest.Server) {
			srv := fakeAuth0(t, tenantID)
			return map[string]any{"syncOnLogin": false, "isMigrated": true, "domain": srv.URL, "clientId": "a0-client",
				"secret": "a0-secret", "tenantConfig": map[string]any{"tenantResolverType": "dynamic", "tenantIdFieldName": "tenant"}}, srv
		}, "ann@example.com", "auth0-pass"},
		{"custom-code", "/external/custom-code", func(t *testing.T, s *server, tenantID string) (map[string]any, *httptest.Server) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req map[string]string
				json.NewDecoder(r.Body).Decode(&req)
				if r.Header.Get("Authorization") != "Bearer hook-secret" || req["identifier"] != "hal@example.com" || req["password"] != "http-pass" {
					w.WriteHeader(401)
					return
				}
				json.NewEncoder(w).Encode(map[string]any{"user": map[string]any{"email": "hal@example.com", "name": "Hal",
					"verified": true, "tenantId": tenantID, "metadata": `{"legacy":true}`}})
			}))
			t.Cleanup(srv.Close)
			return map[string]any{"syncOnLogin": true, "isMigrated": true, "codePayload": srv.URL + "/check", "secret": "hook-secret",
				"tenantConfig": map[string]any{"tenantResolverType": "from-source"}}, srv
		}, "hal@example.com", "http-pass"},
		{"cognito", "/external/cognito", func(t *testing.T, s *server, tenantID string) (map[string]any, *httptest.Server) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req map[string]any
				json.NewDecoder(r.Body).Decode(&req)
				w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				switch r.Header.Get("X-Amz-Target") {
				case "AWSCognitoIdentityProviderService.InitiateAuth":
					p, _ := req["AuthParameters"].(map[string]any)
					m := hmac.New(sha256.New, []byte("cog-client-secret"))
					m.Write([]byte("cora@example.com" + "cog-client"))
					if req["AuthFlow"] != "USER_PASSWORD_AUTH" || req["ClientId"] != "cog-client" || p["USERNAME"] != "cora@example.com" ||
						p["PASSWORD"] != "cognito-pass" || p["SECRET_HASH"] != base64.StdEncoding.EncodeToString(m.Sum(nil)) {
						w.WriteHeader(400)
						json.NewEncoder(w).Encode(map[string]string{"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
						return
					}
					json.NewEncoder(w).Encode(map[string]any{"AuthenticationResult": map[string]any{"AccessToken": "cog-token"}})
				case "AWSCognitoIdentityProviderService.GetUser":
					if req["AccessToken"] != "cog-token" {
						w.WriteHeader(400)
						return
					}
					json.NewEncoder(w).Encode(map[string]any{"Username": "cora-sub", "UserAttributes": []map[string]string{
						{"Name": "email", "Value": "cora@example.com"}, {"Name": "email_verified", "Value": "true"},
						{"Name": "name", "Value": "Cora"}, {"Name": "custom:tenantId", "Value": tenantID}}})
				default:
					w.WriteHeader(400)
				}
			}))
			t.Cleanup(srv.Close)
			return map[string]any{"syncOnLogin": false, "isMigrated": true, "region": "eu-west-1", "clientId": "cog-client",
				"userPoolId": "eu-west-1_abc", "accessKeyId": "AKIA", "secretAccessKey": "sak", "clientSecret": "cog-client-secret",
				"endpoint": srv.URL, "tenantConfig": map[string]any{"tenantResolverType": "dynamic", "tenantIdFieldName": "tenantId"}}, srv
		}, "cora@example.com", "cognito-pass"},
		{"firebase", "/external/firebase", func(t *testing.T, s *server, tenantID string) (map[string]any, *httptest.Server) {
			mux := http.NewServeMux()
			mux.HandleFunc("POST /v1/accounts:signInWithPassword", func(w http.ResponseWriter, r *http.Request) {
				var req map[string]any
				json.NewDecoder(r.Body).Decode(&req)
				if r.URL.Query().Get("key") != "fb-key" || req["email"] != "fay@example.com" || req["password"] != "firebase-pass" {
					w.WriteHeader(400)
					json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": 400, "message": "INVALID_PASSWORD"}})
					return
				}
				json.NewEncoder(w).Encode(map[string]any{"idToken": "fb-id-token", "localId": "fb-uid", "registered": true})
			})
			mux.HandleFunc("POST /v1/accounts:lookup", func(w http.ResponseWriter, r *http.Request) {
				var req map[string]string
				json.NewDecoder(r.Body).Decode(&req)
				if req["idToken"] != "fb-id-token" {
					w.WriteHeader(400)
					return
				}
				json.NewEncoder(w).Encode(map[string]any{"users": []map[string]any{{"localId": "fb-uid", "email": "fay@example.com",
					"emailVerified": true, "displayName": "Fay"}}})
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			return map[string]any{"syncOnLogin": false, "isMigrated": true, "apiKey": "fb-key", "endpoint": srv.URL,
				"serviceAccount": map[string]any{"type": "service_account", "project_id": "proj", "private_key_id": "k1",
					"private_key": "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n", "client_email": "sa@proj.iam.gserviceaccount.com",
					"client_id": "1", "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
					"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs", "client_x509_cert_url": "https://x", "universe_domain": "googleapis.com"},
				"tenantConfig": map[string]any{"tenantResolverType": "new"}}, srv
		}, "fay@example.com", "firebase-pass"},
		{"federation", "/federation", func(t *testing.T, s *server, tenantID string) (map[string]any, *httptest.Server) {
			// Another Hatch plays the remote Frontegg environment.
			remote := apitest.New(t, "sqlite:"+filepath.Join(t.TempDir(), "remote.db"))
			rt := remote.SeedTenant(t, "Remote")
			remote.SeedUser(t, rt.TenantID, "fed@example.com", "federated-pass")
			return map[string]any{"syncOnLogin": false, "clientId": remote.ClientID, "secret": "unused",
				"oauth2Config": map[string]any{"authorizationUrl": remote.URL + "/oauth/authorize", "tokenUrl": remote.URL + "/oauth/token",
					"userInfoUrl": remote.URL + "/identity/resources/users/v2/me"},
				"tenantConfig": map[string]any{"tenantResolverType": "static", "tenantId": tenantID}}, remote.Server
		}, "fed@example.com", "federated-pass"},
	}
}

// TestLazyMigrationPerSource logs in a user Hatch does not know through each
// kind of source: the first login is checked by the remote system and makes
// the user with an argon2id hash; later logins are Hatch's alone, with the
// remote system gone.
func TestLazyMigrationPerSource(t *testing.T) {
	for _, sc := range sourceCases() {
		t.Run(sc.name, func(t *testing.T) {
			each(t, func(t *testing.T, s *server) {
				tn := s.SeedTenant(t, "Acme")
				cfg, remote := sc.config(t, s, tn.TenantID)
				v := s.Vendor(t)
				var src struct{ ID string }
				v.Do(t, "POST", sourcesPath+sc.path, map[string]any{"name": sc.name, "index": 1, "configuration": cfg}).Want(t, 201).JSON(t, &src)

				s.Anon().Do(t, "POST", loginPath, map[string]string{"email": sc.email, "password": "wrong"}).WantError(t, 401, "Incorrect email or password")
				if _, err := s.DB.FindUserByEmail(context.Background(), sc.email); err == nil {
					t.Fatal("a rejected login made a user")
				}
				_, res := s.Login(t, sc.email, sc.pw)
				u := s.user(t, sc.email)
				if res.UserID != u.ID || !strings.HasPrefix(u.PasswordHash, "$argon2id$") || !u.Verified {
					t.Fatalf("user from %s: %+v (login %+v)", sc.name, u, res)
				}
				origin, err := s.DB.FindOrigin(context.Background(), u.ID)
				if err != nil || origin.SourceID != src.ID {
					t.Fatalf("origin %+v, %v", origin, err)
				}
				if sc.name == "firebase" { // tenantConfig "new": an account of its own
					if ms, _ := s.DB.FindMemberships(context.Background(), u.ID); len(ms) != 1 || ms[0].TenantID == tn.TenantID {
						t.Fatalf("memberships %+v", ms)
					}
				}
				users := v.Do(t, "GET", sourcesPath+"/"+src.ID+"/users", nil).Want(t, 200).Map(t)
				if items := users["items"].([]any); len(items) != 1 || items[0].(map[string]any)["email"] != sc.email {
					t.Fatalf("source users %v", users)
				}

				remote.Close() // from now on Hatch answers alone
				s.Login(t, sc.email, sc.pw)
				s.Anon().Do(t, "POST", loginPath, map[string]string{"email": sc.email, "password": "wrong"}).WantError(t, 401, "Incorrect email or password")
			})
		})
	}
}

// TestSourceNotMigrated keeps the source in charge: a source with
// isMigrated false makes the user without a password and is asked on every
// login, syncing the profile when syncOnLogin is set.
func TestSourceNotMigrated(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.SeedTenant(t, "Acme")
		var calls atomic.Int32
		var name atomic.Value
		name.Store("First")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			var req map[string]string
			json.NewDecoder(r.Body).Decode(&req)
			if req["password"] != "remote-pass" {
				w.WriteHeader(403)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"email": req["identifier"], "name": name.Load(), "verified": true})
		}))
		defer srv.Close()
		v := s.Vendor(t)
		v.Do(t, "POST", sourcesPath+"/external/custom-code", map[string]any{"name": "hook", "index": 0, "configuration": map[string]any{
			"syncOnLogin": true, "isMigrated": false, "codePayload": srv.URL,
			"tenantConfig": map[string]any{"tenantResolverType": "new"}}}).Want(t, 201)
		s.Login(t, "kim@example.com", "remote-pass")
		if u := s.user(t, "kim@example.com"); u.PasswordHash != "" || u.Name != "First" {
			t.Fatalf("user %+v", u)
		}
		name.Store("Second")
		s.Login(t, "kim@example.com", "remote-pass")
		if u := s.user(t, "kim@example.com"); u.PasswordHash != "" || u.Name != "Second" || calls.Load() != 2 {
			t.Fatalf("user %+v after %d calls", u, calls.Load())
		}
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "kim@example.com", "password": "nope"}).WantError(t, 401, "Incorrect email or password")
		// A local user without a password that no source brought is not asked about.
		s.SeedUser(t, tn.TenantID, "local@example.com", "")
		before := calls.Load()
		s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "local@example.com", "password": "remote-pass"}).Want(t, 401)
		if calls.Load() != before {
			t.Fatal("a local user was checked with a source")
		}
	})
}
