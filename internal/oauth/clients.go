package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// client is an OAuth client as the endpoints see it: a registered one, or
// the environment itself (Environment true).
type client struct {
	ID           string
	Name         string
	Public       bool // authenticates with PKCE alone
	Environment  bool // the environment's own client: id HATCH_CLIENT_ID, secret the API key
	Active       bool
	RedirectURIs []string
	LogoutURIs   []string
	secretHash   string
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
		c := &client{ID: h.ClientID, Name: "", Environment: true, Active: cfg.IsActive, LogoutURIs: cfg.PostLogoutRedirectURIs}
		for _, u := range cfg.RedirectURIs {
			c.RedirectURIs = append(c.RedirectURIs, u.RedirectURI)
		}
		return c, nil
	}
	rc, err := h.DB.FindOAuthClient(ctx, id)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errUnknownClient
	}
	if err != nil {
		return nil, err
	}
	return &client{ID: rc.ClientID, Name: rc.Name, Public: rc.Public, Active: true, RedirectURIs: rc.RedirectURIs,
		LogoutURIs: rc.PostLogoutRedirectURIs, secretHash: rc.SecretHash}, nil
}

// checkSecret reports whether secret is c's: the API key for the
// environment, the registered secret for a confidential client. Public
// clients have no secret. The comparison takes constant time.
func (h *Handler) checkSecret(c *client, secret string) bool {
	switch {
	case secret == "":
		return false
	case c.Environment:
		return secure.Equal(secure.HashToken(secret), h.APIKeyHash)
	case c.Public:
		return false
	}
	return secure.Equal(secure.KeyedHash(h.SecretKey, secret), c.secretHash)
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

// maxURIs bounds each list of URIs a client has.
const maxURIs = 100

// checkRedirectURI returns a 400 naming field unless raw is a redirect URI
// Hatch accepts: absolute, without a fragment or wildcards, https — or http
// only on a loopback host (local development, RFC 8252 §7.3) — or a private
// scheme with a dot in it for native apps (RFC 8252 §7.1).
func checkRedirectURI(field, raw string) error {
	u, err := url.Parse(raw)
	bad := iam.Invalid("%s must be an absolute https URL (http only on localhost), without a fragment: %q", field, raw)
	switch {
	case err != nil, len(raw) > 2000, u.Scheme == "", u.Fragment != "" || strings.Contains(raw, "#"), strings.Contains(raw, "*"):
		return bad
	case u.Scheme == "https":
		if u.Host == "" {
			return bad
		}
	case u.Scheme == "http":
		if !isLoopback(u.Hostname()) {
			return bad
		}
	case strings.Contains(u.Scheme, "."): // com.example.app:/callback
	default:
		return bad
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasPrefix(host, "127.")
}

// checkURIs checks a list of redirect URIs.
func checkURIs(field string, uris []string) error {
	if len(uris) > maxURIs {
		return iam.Invalid("%s must have at most %d entries", field, maxURIs)
	}
	for i, u := range uris {
		if err := checkRedirectURI(field, u); err != nil {
			return err
		}
		if slices.Contains(uris[:i], u) {
			return iam.Invalid("%s lists %q twice", field, u)
		}
	}
	return nil
}

// clientJSON is a registered client as the routes answer it. ClientSecret is
// set only when the secret is made (creation, new secret): it is stored as a
// keyed hash and cannot be read again.
type clientJSON struct {
	ClientID               string   `json:"clientId"`
	Name                   string   `json:"name"`
	Type                   string   `json:"type"`
	RedirectURIs           []string `json:"redirectUris"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris"`
	ClientSecret           string   `json:"clientSecret,omitempty"`
	CreatedAt              string   `json:"createdAt"`
	UpdatedAt              string   `json:"updatedAt"`
}

const (
	typePublic       = "public"
	typeConfidential = "confidential"
)

func toClientJSON(c *store.OAuthClient) clientJSON {
	typ := typeConfidential
	if c.Public {
		typ = typePublic
	}
	return clientJSON{ClientID: c.ClientID, Name: c.Name, Type: typ, RedirectURIs: orEmpty(c.RedirectURIs),
		PostLogoutRedirectURIs: orEmpty(c.PostLogoutRedirectURIs),
		CreatedAt:              c.CreatedAt.Format(time.RFC3339), UpdatedAt: c.UpdatedAt.Format(time.RFC3339)}
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

type createClientRequest struct {
	Name                   string   `json:"name"`
	Type                   string   `json:"type"`
	RedirectURIs           []string `json:"redirectUris"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris"`
}

// checkName returns a 400 unless name is 1 to 255 characters.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return iam.Invalid("name is required")
	}
	if utf8.RuneCountInString(name) > 255 {
		return iam.Invalid("name must be at most 255 characters")
	}
	return nil
}

// createClient registers an application as an OAuth client. A confidential
// client's secret is in this answer only.
func (h *Handler) createClient(w http.ResponseWriter, r *http.Request) error {
	var req createClientRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if err := checkName(req.Name); err != nil {
		return err
	}
	if req.Type != typePublic && req.Type != typeConfidential {
		return iam.Invalid("type must be one of public, confidential")
	}
	if len(req.RedirectURIs) == 0 {
		return iam.Invalid("redirectUris must list at least one redirect URI")
	}
	if err := checkURIs("redirectUris", req.RedirectURIs); err != nil {
		return err
	}
	if err := checkURIs("postLogoutRedirectUris", req.PostLogoutRedirectURIs); err != nil {
		return err
	}
	now := h.Now()
	c := &store.OAuthClient{ClientID: uuid.NewString(), Name: req.Name, Public: req.Type == typePublic,
		RedirectURIs: req.RedirectURIs, PostLogoutRedirectURIs: req.PostLogoutRedirectURIs, CreatedAt: now, UpdatedAt: now}
	secret := ""
	if !c.Public {
		secret = secure.RandomToken(32)
		c.SecretHash = secure.KeyedHash(h.SecretKey, secret)
	}
	if err := h.DB.CreateOAuthClient(r.Context(), c); err != nil {
		return err
	}
	out := toClientJSON(c)
	out.ClientSecret = secret
	return api.Created(w, out)
}

// listClients lists the registered clients, oldest first. The environment's
// own client is configured under /oauth/resources/configurations/v1.
func (h *Handler) listClients(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.DB.FindOAuthClients(r.Context())
	if err != nil {
		return err
	}
	out := make([]clientJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, toClientJSON(c))
	}
	return api.OK(w, out)
}

// registeredClient returns the registered client named by the path, or a 404.
func (h *Handler) registeredClient(r *http.Request) (*store.OAuthClient, error) {
	c, err := h.DB.FindOAuthClient(r.Context(), r.PathValue("clientId"))
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("OAuth client not found")
	}
	return c, err
}

func (h *Handler) getClient(w http.ResponseWriter, r *http.Request) error {
	c, err := h.registeredClient(r)
	if err != nil {
		return err
	}
	return api.OK(w, toClientJSON(c))
}

type updateClientRequest struct {
	Name                   *string   `json:"name"`
	RedirectURIs           *[]string `json:"redirectUris"`
	PostLogoutRedirectURIs *[]string `json:"postLogoutRedirectUris"`
}

// updateClient changes a client's name or URIs; each field sent replaces the
// stored one. A client's type cannot change.
func (h *Handler) updateClient(w http.ResponseWriter, r *http.Request) error {
	var req updateClientRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	c, err := h.registeredClient(r)
	if err != nil {
		return err
	}
	if req.Name != nil {
		c.Name = strings.TrimSpace(*req.Name)
		if err := checkName(c.Name); err != nil {
			return err
		}
	}
	if req.RedirectURIs != nil {
		if len(*req.RedirectURIs) == 0 {
			return iam.Invalid("redirectUris must list at least one redirect URI")
		}
		if err := checkURIs("redirectUris", *req.RedirectURIs); err != nil {
			return err
		}
		c.RedirectURIs = *req.RedirectURIs
	}
	if req.PostLogoutRedirectURIs != nil {
		if err := checkURIs("postLogoutRedirectUris", *req.PostLogoutRedirectURIs); err != nil {
			return err
		}
		c.PostLogoutRedirectURIs = *req.PostLogoutRedirectURIs
	}
	c.UpdatedAt = h.Now()
	if err := h.DB.UpdateOAuthClient(r.Context(), c); err != nil {
		return err
	}
	return api.OK(w, toClientJSON(c))
}

// deleteClient removes a client: its unredeemed codes stop working at once.
func (h *Handler) deleteClient(w http.ResponseWriter, r *http.Request) error {
	err := h.DB.DeleteOAuthClient(r.Context(), r.PathValue("clientId"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("OAuth client not found")
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

type secretJSON struct {
	ClientSecret string `json:"clientSecret"`
}

// newSecret replaces a confidential client's secret; the old one stops
// working at once. Public clients have none (400).
func (h *Handler) newSecret(w http.ResponseWriter, r *http.Request) error {
	c, err := h.registeredClient(r)
	if err != nil {
		return err
	}
	if c.Public {
		return iam.Invalid("A public client has no secret")
	}
	secret := secure.RandomToken(32)
	c.SecretHash, c.UpdatedAt = secure.KeyedHash(h.SecretKey, secret), h.Now()
	if err := h.DB.UpdateOAuthClient(r.Context(), c); err != nil {
		return err
	}
	return api.Created(w, secretJSON{ClientSecret: secret})
}
