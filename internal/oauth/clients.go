package oauth

import (
	"context"
	"errors"
	"slices"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
)

// Applications are the OAuth clients the vendor registers: its applications
// and their application clients (package applications, wired in
// internal/app). A client id that is not the environment's is looked up
// here.
type Applications interface {
	// FindOAuthClient returns the application or application client whose
	// client id is id, or an error wrapping iam.ErrNotFound.
	FindOAuthClient(ctx context.Context, id string) (*iam.OAuthClient, error)
	// CheckAccess returns an *iam.Error (forbidden) unless userID may sign
	// in to the application appID in the account tenantID.
	CheckAccess(ctx context.Context, appID, userID, tenantID string) error
}

// client is an OAuth client as the endpoints see it: the environment itself
// (Environment true), or an application of the vendor's.
//
// Every client may work two ways: a browser or mobile app proves nothing but
// PKCE (S256), a back end proves the client's secret. A code requested
// without a PKCE challenge is redeemed only with the secret, and refresh
// tokens issued to a client that proved its secret need it at every refresh.
type client struct {
	ID           string
	AppID        string // the application it signs users in to; "" for the environment
	Environment  bool   // the environment's own client: id HATCH_CLIENT_ID, secret the API key
	Active       bool
	RedirectURIs []string
	LogoutURIs   []string
	secret       string // a registered client's secret; "" when it has none
}

// errUnknownClient answers a client id that names no client.
var errUnknownClient = errors.New("unknown client")

// findClient returns the client with id: the environment's, or a registered
// one. It returns errUnknownClient when there is none.
func (h *Handler) findClient(ctx context.Context, id string) (*client, error) {
	if id == "" {
		return nil, errUnknownClient
	}
	if id == h.ClientID {
		cfg, err := h.hostedConfig(ctx)
		if err != nil {
			return nil, err
		}
		c := &client{ID: h.ClientID, Environment: true, Active: cfg.IsActive, LogoutURIs: cfg.PostLogoutRedirectURIs}
		for _, u := range cfg.RedirectURIs {
			c.RedirectURIs = append(c.RedirectURIs, u.RedirectURI)
		}
		return c, nil
	}
	if h.Applications == nil {
		return nil, errUnknownClient
	}
	rc, err := h.Applications.FindOAuthClient(ctx, id)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errUnknownClient
	}
	if err != nil {
		return nil, err
	}
	return &client{ID: rc.ID, AppID: rc.AppID, Active: rc.Active, RedirectURIs: rc.RedirectURIs, LogoutURIs: rc.LogoutURIs,
		secret: rc.Secret}, nil
}

// checkSecret reports whether secret is c's: the API key for the
// environment, the client secret of its credentials for an application. The
// comparison takes constant time (of hashes, so that not even the length of
// the secret leaks).
func (h *Handler) checkSecret(c *client, secret string) bool {
	switch {
	case secret == "":
		return false
	case c.Environment:
		return secure.Equal(secure.HashToken(secret), h.APIKeyHash)
	case c.secret == "":
		return false
	}
	return secure.Equal(secure.HashToken(secret), secure.HashToken(c.secret))
}

// checkAccess returns an error unless the user may use c's application in
// tenantID. The environment's client serves every user.
func (h *Handler) checkAccess(ctx context.Context, c *client, userID, tenantID string) error {
	if c.AppID == "" {
		return nil
	}
	return h.Applications.CheckAccess(ctx, c.AppID, userID, tenantID)
}

// allowsRedirect reports whether uri is one of c's redirect URIs, compared
// exactly (no prefix, no normalization).
func (c *client) allowsRedirect(uri string) bool { return slices.Contains(c.RedirectURIs, uri) }

// allowsLogoutRedirect reports whether uri is one of c's post-logout
// redirect URIs, compared exactly. The environment's client may also return
// to its redirect URIs.
func (c *client) allowsLogoutRedirect(uri string) bool {
	return slices.Contains(c.LogoutURIs, uri) || (c.Environment && c.allowsRedirect(uri))
}
