package oauth_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/secure"
)

// TestStandardRelyingParty drives Hatch with coreos/go-oidc and
// golang.org/x/oauth2, as any Go application behind the hosted login would:
// discovery, the code flow with PKCE (the login form driven as a browser
// would), ID-token verification with nonce, userinfo and refresh — for an
// application used as a public client (PKCE alone) and as a confidential one
// (PKCE and the client secret of its credentials).
func TestStandardRelyingParty(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seedUser(t, s, "ada@example.com")
		ctx := oidc.ClientContext(context.Background(), s.Client())
		provider, err := oidc.NewProvider(ctx, s.URL)
		if err != nil {
			t.Fatal(err)
		}
		const redirect = "https://app.example.com/callback"
		for _, typ := range []string{"public", "confidential"} {
			t.Run(typ, func(t *testing.T) {
				clientID, secret := registerApp(t, s, redirect)
				if typ == "public" {
					secret = ""
				}
				cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: provider.Endpoint(), RedirectURL: redirect,
					Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
				verifier := oauth2.GenerateVerifier()
				state, nonce := secure.RandomToken(12), secure.RandomToken(12)
				b := newBrowser(s)
				back := b.signIn(t, cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), "ada@example.com", password)
				if got := back.Scheme + "://" + back.Host + back.Path; got != redirect {
					t.Fatalf("sent to %s, want %s", back, redirect)
				}
				if back.Query().Get("state") != state || back.Query().Get("iss") != s.URL {
					t.Fatalf("state or iss did not come back: %s", back)
				}

				tok, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
				if err != nil {
					t.Fatal(err)
				}
				rawID, _ := tok.Extra("id_token").(string)
				idVerifier := provider.Verifier(&oidc.Config{ClientID: clientID, Now: s.Clock.Now})
				id, err := idVerifier.Verify(ctx, rawID)
				if err != nil {
					t.Fatal(err)
				}
				var claims struct {
					Email         string   `json:"email"`
					EmailVerified bool     `json:"email_verified"`
					Name          string   `json:"name"`
					AMR           []string `json:"amr"`
					AuthTime      int64    `json:"auth_time"`
				}
				if err := id.Claims(&claims); err != nil {
					t.Fatal(err)
				}
				if id.Nonce != nonce || id.Issuer != s.URL || claims.Email != "ada@example.com" || !claims.EmailVerified ||
					claims.Name != "ada" || len(claims.AMR) != 1 || claims.AMR[0] != "pwd" || claims.AuthTime != s.Clock.Now().Unix() {
					t.Fatalf("id token: nonce %q iss %q claims %+v", id.Nonce, id.Issuer, claims)
				}
				if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
					t.Fatalf("token response %+v", tok)
				}

				info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
				if err != nil {
					t.Fatal(err)
				}
				if info.Subject != id.Subject || info.Email != "ada@example.com" || !info.EmailVerified {
					t.Fatalf("userinfo %+v, id token subject %s", info, id.Subject)
				}

				// Refresh rotates: a new refresh token and a new verifiable ID token.
				next, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
				if err != nil {
					t.Fatal(err)
				}
				if next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken || next.AccessToken == "" {
					t.Fatalf("refresh did not rotate: %+v", next)
				}
				rawNext, _ := next.Extra("id_token").(string)
				nextID, err := idVerifier.Verify(ctx, rawNext)
				if err != nil {
					t.Fatal(err)
				}
				if nextID.Subject != id.Subject {
					t.Fatalf("refreshed ID token for %s, want %s", nextID.Subject, id.Subject)
				}
				// The spent refresh token is refused (and ends the session).
				if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Unix(1, 0)}).Token(); err == nil {
					t.Fatal("a spent refresh token was accepted")
				}
			})
		}
	})
}

// TestDiscovery checks the provider metadata an OpenID Basic OP publishes.
func TestDiscovery(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		m := s.Anon().Do(t, "GET", "/.well-known/openid-configuration", nil).Want(t, 200).Map(t)
		for k, want := range map[string]string{
			"issuer": s.URL, "authorization_endpoint": s.URL + "/oauth/authorize", "token_endpoint": s.URL + "/oauth/token",
			"userinfo_endpoint": s.URL + "/oauth/userinfo", "jwks_uri": s.URL + "/.well-known/jwks.json",
			"end_session_endpoint": s.URL + "/oauth/logout",
		} {
			if m[k] != want {
				t.Errorf("%s = %v, want %s", k, m[k], want)
			}
		}
		for k, want := range map[string]string{
			"response_types_supported": "code", "subject_types_supported": "public", "id_token_signing_alg_values_supported": "RS256",
			"code_challenge_methods_supported": "S256", "scopes_supported": "openid", "grant_types_supported": "refresh_token",
			"token_endpoint_auth_methods_supported": "client_secret_basic", "claims_supported": "nonce",
		} {
			list, _ := m[k].([]any)
			found := false
			for _, v := range list {
				found = found || v == want
			}
			if !found {
				t.Errorf("%s = %v, want it to list %s", k, m[k], want)
			}
		}
		if methods := m["code_challenge_methods_supported"].([]any); len(methods) != 1 {
			t.Errorf("code_challenge_methods_supported %v: plain must not be offered", methods)
		}
		s.Anon().Do(t, "GET", "/.well-known/jwks.json", nil).Want(t, http.StatusOK)
	})
}
