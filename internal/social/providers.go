package social

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// profile is what a provider says about the user who logged in.
type profile struct {
	Subject       string
	Email         string
	EmailVerified bool // the provider vouches that the user controls Email
	Name          string
	Picture       string
}

// provider is a built-in social login provider: its public endpoints and how
// to read its profile.
type provider struct {
	Type        string
	AuthURL     string
	TokenURL    string
	UserInfoURL string
	EmailsURL   string // GitHub: the user's addresses with their verified flag
	Issuer      string // Apple: the ID token's issuer
	JWKSURL     string // Apple: the keys of its ID tokens
	Scopes      []string
	// read returns the profile from the token response.
	read func(ctx context.Context, h *Handler, p *provider, clientID string, tok *oauth2.Token) (*profile, error)
}

// builtins are the providers Frontegg's clients know, with their public endpoints.
var builtins = map[string]provider{
	"google": {AuthURL: "https://accounts.google.com/o/oauth2/v2/auth", TokenURL: "https://oauth2.googleapis.com/token",
		UserInfoURL: "https://openidconnect.googleapis.com/v1/userinfo", Scopes: []string{"openid", "email", "profile"}, read: readOIDCUserInfo},
	"github": {AuthURL: "https://github.com/login/oauth/authorize", TokenURL: "https://github.com/login/oauth/access_token",
		UserInfoURL: "https://api.github.com/user", EmailsURL: "https://api.github.com/user/emails", Scopes: []string{"read:user", "user:email"}, read: readGitHub},
	"microsoft": {AuthURL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize", TokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
		UserInfoURL: "https://graph.microsoft.com/oidc/userinfo", Scopes: []string{"openid", "email", "profile", "User.Read"}, read: readMicrosoft},
	"facebook": {AuthURL: "https://www.facebook.com/v19.0/dialog/oauth", TokenURL: "https://graph.facebook.com/v19.0/oauth/access_token",
		UserInfoURL: "https://graph.facebook.com/me?fields=id,name,email,picture", Scopes: []string{"email", "public_profile"}, read: readFacebook},
	"apple": {AuthURL: "https://appleid.apple.com/auth/authorize", TokenURL: "https://appleid.apple.com/auth/token",
		Issuer: "https://appleid.apple.com", JWKSURL: "https://appleid.apple.com/auth/keys", Scopes: []string{"name", "email"}, read: readApple},
	"linkedin": {AuthURL: "https://www.linkedin.com/oauth/v2/authorization", TokenURL: "https://www.linkedin.com/oauth/v2/accessToken",
		UserInfoURL: "https://api.linkedin.com/v2/userinfo", Scopes: []string{"openid", "profile", "email"}, read: readOIDCUserInfo},
	"slack": {AuthURL: "https://slack.com/openid/connect/authorize", TokenURL: "https://slack.com/api/openid.connect.token",
		UserInfoURL: "https://slack.com/api/openid.connect.userInfo", Scopes: []string{"openid", "email", "profile"}, read: readOIDCUserInfo},
}

// builtin returns the provider of type typ with its endpoints moved to the
// configured base URL, if any.
func (h *Handler) builtin(typ string) (*provider, bool) {
	p, ok := builtins[typ]
	if !ok {
		return nil, false
	}
	p.Type = typ
	if base := h.BaseURLs[typ]; base != "" {
		for _, u := range []*string{&p.AuthURL, &p.TokenURL, &p.UserInfoURL, &p.EmailsURL, &p.Issuer, &p.JWKSURL} {
			*u = rebase(*u, base)
		}
	}
	return &p, true
}

// rebase replaces the scheme and host of raw with base's.
func rebase(raw, base string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return base + u.RequestURI()
}

// getJSON fetches url with the access token and decodes the JSON answer into v.
func (h *Handler) getJSON(ctx context.Context, rawURL string, tok *oauth2.Token, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	tok.SetAuthHeader(req)
	req.Header.Set("Accept", "application/json")
	resp, err := h.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d: %.200s", rawURL, resp.StatusCode, body)
	}
	return json.Unmarshal(body, v)
}

// flexBool reads true, "true" (Apple sends strings) or false.
type flexBool bool

func (b *flexBool) UnmarshalJSON(raw []byte) error {
	s := strings.Trim(string(raw), `"`)
	*b = flexBool(s == "true")
	return nil
}

type oidcClaims struct {
	Sub           string   `json:"sub"`
	Email         string   `json:"email"`
	EmailVerified flexBool `json:"email_verified"`
	Name          string   `json:"name"`
	GivenName     string   `json:"given_name"`
	FamilyName    string   `json:"family_name"`
	Picture       string   `json:"picture"`
	OK            *bool    `json:"ok"` // Slack wraps failures in {ok: false}
}

func (c *oidcClaims) profile() *profile {
	name := c.Name
	if name == "" {
		name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	return &profile{Subject: c.Sub, Email: c.Email, EmailVerified: bool(c.EmailVerified), Name: name, Picture: c.Picture}
}

// readOIDCUserInfo reads an OpenID Connect userinfo answer (Google, LinkedIn, Slack).
func readOIDCUserInfo(ctx context.Context, h *Handler, p *provider, _ string, tok *oauth2.Token) (*profile, error) {
	var c oidcClaims
	if err := h.getJSON(ctx, p.UserInfoURL, tok, &c); err != nil {
		return nil, err
	}
	if c.OK != nil && !*c.OK {
		return nil, errors.New("userinfo answered ok: false")
	}
	return c.profile(), nil
}

// readMicrosoft reads Microsoft's userinfo. Microsoft does not vouch for the
// email of every account (any directory can set any address), so it never
// counts as verified: it can start a new user, never take over an existing one.
func readMicrosoft(ctx context.Context, h *Handler, p *provider, clientID string, tok *oauth2.Token) (*profile, error) {
	pr, err := readOIDCUserInfo(ctx, h, p, clientID, tok)
	if err != nil {
		return nil, err
	}
	pr.EmailVerified = false
	return pr, nil
}

// readGitHub reads the GitHub user and its primary address with its verified flag.
func readGitHub(ctx context.Context, h *Handler, p *provider, _ string, tok *oauth2.Token) (*profile, error) {
	var u struct {
		ID        json.Number `json:"id"`
		Login     string      `json:"login"`
		Name      string      `json:"name"`
		AvatarURL string      `json:"avatar_url"`
	}
	if err := h.getJSON(ctx, p.UserInfoURL, tok, &u); err != nil {
		return nil, err
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := h.getJSON(ctx, p.EmailsURL, tok, &emails); err != nil {
		return nil, err
	}
	out := &profile{Subject: u.ID.String(), Name: u.Name, Picture: u.AvatarURL}
	if out.Name == "" {
		out.Name = u.Login
	}
	for _, e := range emails {
		if e.Primary {
			out.Email, out.EmailVerified = e.Email, e.Verified
		}
	}
	return out, nil
}

// readFacebook reads the Graph API's /me. Facebook returns only confirmed
// addresses, so the email counts as verified.
func readFacebook(ctx context.Context, h *Handler, p *provider, _ string, tok *oauth2.Token) (*profile, error) {
	var me struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Email   string `json:"email"`
		Picture struct {
			Data struct {
				URL string `json:"url"`
			} `json:"data"`
		} `json:"picture"`
	}
	if err := h.getJSON(ctx, p.UserInfoURL, tok, &me); err != nil {
		return nil, err
	}
	return &profile{Subject: me.ID, Email: me.Email, EmailVerified: me.Email != "", Name: me.Name, Picture: me.Picture.Data.URL}, nil
}

// readApple verifies the ID token of Apple's token response (Apple has no
// userinfo endpoint): signature by Apple's keys, issuer, audience and expiry.
func readApple(ctx context.Context, h *Handler, p *provider, clientID string, tok *oauth2.Token) (*profile, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("no id_token in Apple's answer")
	}
	ctx = oidc.ClientContext(ctx, h.Client)
	keys := oidc.NewRemoteKeySet(ctx, p.JWKSURL)
	idt, err := oidc.NewVerifier(p.Issuer, keys, &oidc.Config{ClientID: clientID, Now: h.Now}).Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	var c oidcClaims
	if err := idt.Claims(&c); err != nil {
		return nil, err
	}
	return c.profile(), nil
}

// readCustom reads a custom provider's user-info answer: sub (or id), email,
// email_verified, name, picture. Its email counts as verified only when the
// provider says so.
func readCustom(ctx context.Context, h *Handler, userInfoURL string, tok *oauth2.Token) (*profile, error) {
	var c struct {
		oidcClaims
		ID json.RawMessage `json:"id"`
	}
	if err := h.getJSON(ctx, userInfoURL, tok, &c); err != nil {
		return nil, err
	}
	p := c.profile()
	if p.Subject == "" {
		p.Subject = strings.Trim(string(c.ID), `"`)
	}
	return p, nil
}
