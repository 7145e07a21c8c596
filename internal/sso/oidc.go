package sso

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// oidcSettings is the settings document of /team/resources/sso/v1/oidc/configurations,
// per account (and for the environment, as the accounts' default).
type oidcSettings struct {
	Active      *bool  `json:"active"`
	RedirectURI string `json:"redirectUri"`
}

const oidcSettingsName = "sso-oidc"

// oidcSettingsResponse is IOidcConfiguration, with the redirect URI to
// register at the IdP in full.
type oidcSettingsResponse struct {
	Active      bool   `json:"active"`
	RedirectURI string `json:"redirectUri"`
}

// oidcCallbackPath is the login box's page that receives the authorization
// code and calls oidc/postlogin.
const oidcCallbackPath = "/account/oidc/callback"

// effectiveOIDC returns the OIDC settings that apply to tenantID: its own,
// else the environment's, else active with the redirect URI at the
// account's application URL (or Hatch's base URL, for applications that
// serve Hatch under their own origin).
func (h *Handler) effectiveOIDC(ctx context.Context, tenantID string) (oidcSettingsResponse, error) {
	out := oidcSettingsResponse{Active: true}
	for _, scope := range []string{"", tenantID} {
		var s oidcSettings
		err := h.DB.FindSetting(ctx, scope, oidcSettingsName, &s)
		if errors.Is(err, iam.ErrNotFound) {
			continue
		}
		if err != nil {
			return out, err
		}
		if s.Active != nil {
			out.Active = *s.Active
		}
		if s.RedirectURI != "" {
			out.RedirectURI = s.RedirectURI
		}
		if scope == "" && tenantID == "" {
			break
		}
	}
	if out.RedirectURI == "" {
		base := h.BaseURL
		if t, err := h.DB.FindTenant(ctx, tenantID); err == nil && t.ApplicationURL != "" {
			base = strings.TrimRight(t.ApplicationURL, "/")
		}
		out.RedirectURI = base + oidcCallbackPath
	}
	return out, nil
}

// getOIDCSettings answers the OIDC settings of the caller's account (for the
// vendor without frontegg-tenant-id, the environment's).
func (h *Handler) getOIDCSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.effectiveOIDC(r.Context(), api.PrincipalFrom(r.Context()).TenantID)
	if err != nil {
		return err
	}
	return api.OK(w, s)
}

type oidcSettingsRequest struct {
	Active      *bool   `json:"active"`
	RedirectURI *string `json:"redirectUri"`
}

// saveOIDCSettings stores the OIDC settings of the caller's account (for the
// vendor without frontegg-tenant-id, the environment's).
func (h *Handler) saveOIDCSettings(w http.ResponseWriter, r *http.Request) error {
	var req oidcSettingsRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Active == nil {
		return iam.Invalid("active is required")
	}
	s := oidcSettings{Active: req.Active}
	if req.RedirectURI != nil && strings.TrimSpace(*req.RedirectURI) != "" {
		s.RedirectURI = strings.TrimSpace(*req.RedirectURI)
		if err := checkURL("redirectUri", s.RedirectURI, true); err != nil {
			return err
		}
	}
	tenantID := api.PrincipalFrom(r.Context()).TenantID
	if err := h.DB.SaveSetting(r.Context(), tenantID, oidcSettingsName, s, h.Now()); err != nil {
		return err
	}
	out, err := h.effectiveOIDC(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.Created(w, out)
}

// oidcProvider discovers c's issuer. The issuer in the discovery document
// must be c's.
func (h *Handler) oidcProvider(ctx context.Context, c *store.SSOConfiguration) (*oidc.Provider, error) {
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, h.Fetch), c.SSOEndpoint)
	if err != nil {
		return nil, &iam.Error{Kind: iam.KindInvalid, Message: "The OIDC issuer of the SSO configuration could not be discovered", Err: err}
	}
	return p, nil
}

func (h *Handler) oauthConfig(ctx context.Context, c *store.SSOConfiguration, p *oidc.Provider, redirectURI string) (*oauth2.Config, error) {
	secret := ""
	if c.OIDCSecret != "" {
		raw, err := h.Sealer.Open(c.OIDCSecret, oidcSecretAAD(c.ID))
		if err != nil {
			return nil, err
		}
		secret = string(raw)
	}
	return &oauth2.Config{ClientID: c.OIDCClientID, ClientSecret: secret, Endpoint: p.Endpoint(),
		RedirectURL: redirectURI, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// oidcAuthorizeURL remembers a new authorization request for c — state,
// nonce and a PKCE verifier (S256) — and returns the IdP's authorize URL,
// which sends the browser back to the account's OIDC redirect URI.
func (h *Handler) oidcAuthorizeURL(ctx context.Context, c *store.SSOConfiguration) (string, error) {
	address, _, err := h.oidcAuthorize(ctx, c, "", "")
	return address, err
}

// oidcAuthorize is oidcAuthorizeURL for a login that comes back to
// redirectURI ("" for the account's) and then goes on to returnTo ("" for
// none); it also returns the state.
func (h *Handler) oidcAuthorize(ctx context.Context, c *store.SSOConfiguration, redirectURI, returnTo string) (string, string, error) {
	settings, err := h.effectiveOIDC(ctx, c.TenantID)
	if err != nil {
		return "", "", err
	}
	if !settings.Active {
		return "", "", errNoSSO
	}
	if c.SSOEndpoint == "" || c.OIDCClientID == "" {
		return "", "", iam.Invalid("The SSO configuration has no OIDC issuer or client id")
	}
	if redirectURI == "" {
		redirectURI = settings.RedirectURI
	}
	p, err := h.oidcProvider(ctx, c)
	if err != nil {
		return "", "", err
	}
	cfg, err := h.oauthConfig(ctx, c, p, redirectURI)
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := secure.RandomToken(24), secure.RandomToken(24), oauth2.GenerateVerifier()
	hash := secure.HashToken(state)
	now := h.Now()
	err = h.DB.CreateSSOLoginState(ctx, &store.SSOLoginState{Hash: hash, ConfigurationID: c.ID, Nonce: nonce,
		CodeVerifier: h.Sealer.Seal([]byte(verifier), pkceAAD(hash)), RedirectURI: redirectURI, ReturnTo: returnTo,
		CreatedAt: now, ExpiresAt: now.Add(loginStateTTL)})
	if err != nil {
		return "", "", err
	}
	return cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

func pkceAAD(stateHash string) string { return "sso-pkce:" + stateHash }

type oidcPostLoginRequest struct {
	Code        string `json:"code"`
	State       string `json:"state"`
	RelayState  string `json:"RelayState"`
	RedirectURI string `json:"redirectUri"`
}

// errOIDCLogin answers every OIDC login that cannot finish; the cause is logged.
func errOIDCLogin(cause error) error {
	return &iam.Error{Kind: iam.KindUnauthorized, Message: "The OIDC login is not valid", Err: cause}
}

// oidcPostLogin finishes an OIDC SSO login ({code, state} in v1, {code,
// RelayState} in v2): the state must be one Hatch issued and not yet used;
// the code is exchanged with the PKCE verifier and the client secret; the ID
// token must verify against the IdP's JWKS and carry the issuer, the client
// id as audience, an unexpired time and the nonce of that state.
func (h *Handler) oidcPostLogin(w http.ResponseWriter, r *http.Request) error {
	var req oidcPostLoginRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.State == "" {
		req.State = req.RelayState
	}
	switch {
	case req.Code == "":
		return iam.Invalid("code is required")
	case req.State == "":
		return iam.Invalid("state is required")
	}
	st, err := h.useOIDCState(r.Context(), req.State)
	if err != nil {
		return err
	}
	if req.RedirectURI != "" && req.RedirectURI != st.RedirectURI {
		return errOIDCLogin(errors.New("redirectUri differs from the authorization request's"))
	}
	res, err := h.oidcSignIn(r, st, req.Code)
	if err != nil {
		return err
	}
	return h.writeLogin(w, r, res, "")
}

// useOIDCState spends the OIDC login state whose value is state, or returns
// the error to answer when there is none.
func (h *Handler) useOIDCState(ctx context.Context, state string) (*store.SSOLoginState, error) {
	st, err := h.DB.UseSSOLoginState(ctx, secure.HashToken(state), h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errOIDCLogin(errors.New("unknown or expired state"))
	}
	return st, err
}

// oidcSignIn exchanges code for the login of state st, verifies the ID
// token and logs its user in.
func (h *Handler) oidcSignIn(r *http.Request, st *store.SSOLoginState, code string) (*login.Result, error) {
	ctx := r.Context()
	c, err := h.DB.FindSSOConfiguration(ctx, "", st.ConfigurationID)
	if err != nil {
		return nil, errOIDCLogin(err)
	}
	if !c.Enabled || c.Type != typeOIDC {
		return nil, errOIDCLogin(errors.New("configuration disabled or not OIDC"))
	}
	p, err := h.oidcProvider(ctx, c)
	if err != nil {
		return nil, err
	}
	cfg, err := h.oauthConfig(ctx, c, p, st.RedirectURI)
	if err != nil {
		return nil, err
	}
	verifier, err := h.Sealer.Open(st.CodeVerifier, pkceAAD(st.Hash))
	if err != nil {
		return nil, err
	}
	fetchCtx := oidc.ClientContext(ctx, h.Fetch)
	tok, err := cfg.Exchange(fetchCtx, code, oauth2.VerifierOption(string(verifier)))
	if err != nil {
		return nil, errOIDCLogin(err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, errOIDCLogin(errors.New("no id_token in the token response"))
	}
	idt, err := p.VerifierContext(fetchCtx, &oidc.Config{ClientID: c.OIDCClientID, Now: h.Now}).Verify(fetchCtx, rawID)
	if err != nil {
		return nil, errOIDCLogin(err)
	}
	if !secure.Equal(idt.Nonce, st.Nonce) {
		return nil, errOIDCLogin(errors.New("nonce mismatch"))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, errOIDCLogin(err)
	}
	return h.signIn(r, c, claimsIdentity(claims, optionsOf(c)))
}

// claimsIdentity reads the email, name and groups from ID-token claims.
func claimsIdentity(claims map[string]any, o options) identity {
	str := func(names ...string) string {
		for _, n := range names {
			if s, ok := claims[n].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	id := identity{Provider: typeOIDC}
	emailClaim, nameClaim, groupsClaim := o.EmailAttribute, o.NameAttribute, o.GroupsAttribute
	if emailClaim == "" {
		emailClaim = "email"
	}
	id.Email = str(emailClaim, "upn", "preferred_username")
	if !strings.Contains(id.Email, "@") {
		id.Email = ""
	}
	if nameClaim == "" {
		nameClaim = "name"
	}
	id.Name = str(nameClaim)
	if id.Name == "" {
		id.Name = strings.TrimSpace(str("given_name") + " " + str("family_name"))
	}
	if groupsClaim == "" {
		groupsClaim = "groups"
	}
	switch g := claims[groupsClaim].(type) {
	case []any:
		for _, v := range g {
			if s, ok := v.(string); ok {
				id.Groups = append(id.Groups, s)
			}
		}
	case string:
		id.Groups = []string{g}
	}
	return id
}
