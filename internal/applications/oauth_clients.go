package applications

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

// The vendor's applications are the OAuth clients of the hosted login
// (package oauth asks through these methods; internal/app wires them):
//
//   - an application's client id is its id and its secret the client secret
//     of its credentials (credentials.go). It may be sent back, exactly, to
//     appURL + "/oauth/callback" (where Frontegg's SDKs receive the code) and
//     to each of its redirectURLs; after logout to appURL, loginURL and each
//     of its logoutURLs. The URLs its appURL and loginURL imply count only when
//     they pass the rules registered URLs must (https, or http on loopback).
//   - an application client's (app_clients.go) client id is its id, its
//     secret its own, its redirect URIs its redirectURLs; it returns after
//     logout where its application does.
//
// Either is active while its application is, and signs in only users who
// may use the application (CheckAccess).

// callbackPath is where Frontegg's SDKs receive the authorization code.
const callbackPath = "/oauth/callback"

// FindOAuthClient returns the application or application client whose id
// is clientID as an OAuth client, with its secret opened; iam.ErrNotFound
// when there is none.
func (h *Handler) FindOAuthClient(ctx context.Context, clientID string) (*iam.OAuthClient, error) {
	rec, err := h.DB.FindOAuthClientRecord(ctx, clientID)
	if err != nil {
		return nil, err
	}
	a := rec.App
	c := &iam.OAuthClient{ID: clientID, AppID: a.ID, Active: a.IsActive, LogoutURIs: impliedURIs(a.LogoutURLs, a.AppURL, a.LoginURL)}
	aad := clientSecretAAD(a.ID)
	if rec.Client != nil {
		c.RedirectURIs, aad = rec.Client.RedirectURLs, appClientSecretAAD(rec.Client.ID)
	} else {
		c.RedirectURIs = impliedURIs(a.RedirectURLs, callbackURL(a.AppURL))
	}
	if rec.Secret != "" {
		secret, err := h.Sealer.Open(rec.Secret, aad)
		if err != nil {
			return nil, err
		}
		c.Secret = string(secret)
	}
	return c, nil
}

// callbackURL returns appURL + callbackPath, or "" when appURL is unset or
// has a query or fragment to which a path cannot simply be added.
func callbackURL(appURL string) string {
	if appURL == "" || strings.ContainsAny(appURL, "?#") {
		return ""
	}
	return strings.TrimSuffix(appURL, "/") + callbackPath
}

// impliedURIs returns listed with each of implied that is a URL a client may
// be sent back to and not listed already.
func impliedURIs(listed []string, implied ...string) []string {
	out := slices.Clone(listed)
	for _, u := range implied {
		if u != "" && !slices.Contains(out, u) && policy.CheckRedirectURI("", u) == nil {
			out = append(out, u)
		}
	}
	return out
}

// CheckAccess returns ErrNotAllowed unless userID may sign in to the
// application appID in tenantID: it is active, assigned to tenantID or to no
// account at all, and — when access to it there is managed (MANAGED_ACCESS,
// the account assignment's type overriding the application's) — the user is
// assigned to it in that account. An unknown application is not allowed.
func (h *Handler) CheckAccess(ctx context.Context, appID, userID, tenantID string) error {
	acc, err := h.DB.FindAppAccess(ctx, appID, userID, tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return ErrNotAllowed
	}
	if err != nil {
		return err
	}
	access := acc.App.AccessType
	if acc.Assigned {
		if acc.TenantAccess == "" {
			return ErrNotAllowed
		}
		access = acc.TenantAccess
	}
	if !acc.App.IsActive || access == iam.ManagedAccess && !acc.UserAssigned {
		return ErrNotAllowed
	}
	return nil
}
