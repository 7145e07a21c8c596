package oauth

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// hostedName is the settings document configuring the environment's own
// OAuth client: the hosted login Frontegg's SDKs use, whose client id is
// the environment's and whose secret is its API key.
const hostedName = "hostedLogin"

// hostedLogin is that document. The routes and field names are those
// Frontegg's Terraform provider uses (catalog §13.3); postLogoutRedirectUris
// is Hatch's addition.
type hostedLogin struct {
	// IsActive turns the hosted login on for the environment's client
	// (registered clients are not affected). On by default.
	IsActive               bool          `json:"isActive"`
	RedirectURIs           []redirectURI `json:"redirectUris"`
	PostLogoutRedirectURIs []string      `json:"postLogoutRedirectUris"`
}

type redirectURI struct {
	ID          string `json:"id"`
	RedirectURI string `json:"redirectUri"`
}

// hostedConfig returns the environment client's configuration: the saved
// document, or the defaults (active, no redirect URIs).
func (h *Handler) hostedConfig(ctx context.Context) (*hostedLogin, error) {
	return findHosted(ctx, h.DB.FindSetting)
}

func findHosted(ctx context.Context, find func(ctx context.Context, tenantID, name string, v any) error) (*hostedLogin, error) {
	cfg := &hostedLogin{IsActive: true}
	if err := find(ctx, "", hostedName, cfg); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return nil, err
	}
	if cfg.RedirectURIs == nil {
		cfg.RedirectURIs = []redirectURI{}
	}
	if cfg.PostLogoutRedirectURIs == nil {
		cfg.PostLogoutRedirectURIs = []string{}
	}
	return cfg, nil
}

// changeHosted applies change to the configuration in one transaction and
// saves it.
func (h *Handler) changeHosted(ctx context.Context, change func(*hostedLogin) error) (*hostedLogin, error) {
	var out *hostedLogin
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		cfg, err := findHosted(ctx, tx.FindSetting)
		if err != nil {
			return err
		}
		if err := change(cfg); err != nil {
			return err
		}
		out = cfg
		return tx.SaveSetting(ctx, "", hostedName, cfg, h.Now())
	})
	return out, err
}

type hostedConfigJSON struct {
	ClientID               string   `json:"clientId"`
	IsActive               bool     `json:"isActive"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris"`
}

func (h *Handler) hostedJSON(cfg *hostedLogin) hostedConfigJSON {
	return hostedConfigJSON{ClientID: h.ClientID, IsActive: cfg.IsActive, PostLogoutRedirectURIs: cfg.PostLogoutRedirectURIs}
}

// getHosted answers the environment client's configuration.
func (h *Handler) getHosted(w http.ResponseWriter, r *http.Request) error {
	cfg, err := h.hostedConfig(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, h.hostedJSON(cfg))
}

type hostedPatch struct {
	IsActive               *bool     `json:"isActive"`
	PostLogoutRedirectURIs *[]string `json:"postLogoutRedirectUris"`
}

// saveHosted changes isActive and the post-logout redirect URIs; each field
// sent replaces the stored one.
func (h *Handler) saveHosted(w http.ResponseWriter, r *http.Request) error {
	var req hostedPatch
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.PostLogoutRedirectURIs != nil {
		if err := policy.CheckRedirectURIs("postLogoutRedirectUris", *req.PostLogoutRedirectURIs); err != nil {
			return err
		}
	}
	cfg, err := h.changeHosted(r.Context(), func(c *hostedLogin) error {
		if req.IsActive != nil {
			c.IsActive = *req.IsActive
		}
		if req.PostLogoutRedirectURIs != nil {
			c.PostLogoutRedirectURIs = *req.PostLogoutRedirectURIs
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.Created(w, h.hostedJSON(cfg))
}

// activate and deactivate turn the environment's hosted login on and off.
func (h *Handler) activate(w http.ResponseWriter, r *http.Request) error {
	return h.setActive(w, r, true)
}
func (h *Handler) deactivate(w http.ResponseWriter, r *http.Request) error {
	return h.setActive(w, r, false)
}

func (h *Handler) setActive(w http.ResponseWriter, r *http.Request, on bool) error {
	cfg, err := h.changeHosted(r.Context(), func(c *hostedLogin) error { c.IsActive = on; return nil })
	if err != nil {
		return err
	}
	return api.Created(w, h.hostedJSON(cfg))
}

type redirectURIsJSON struct {
	RedirectURIs []redirectURI `json:"redirectUris"`
}

// listRedirectURIs answers the environment client's redirect URIs.
func (h *Handler) listRedirectURIs(w http.ResponseWriter, r *http.Request) error {
	cfg, err := h.hostedConfig(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, redirectURIsJSON{RedirectURIs: cfg.RedirectURIs})
}

// addRedirectURI allows one more redirect URI for the environment's client.
// The same URI twice is a 409.
func (h *Handler) addRedirectURI(w http.ResponseWriter, r *http.Request) error {
	var req redirectURI
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.RedirectURI == "" {
		return iam.Invalid("redirectUri is required")
	}
	if err := policy.CheckRedirectURI("redirectUri", req.RedirectURI); err != nil {
		return err
	}
	added := redirectURI{ID: uuid.NewString(), RedirectURI: req.RedirectURI}
	_, err := h.changeHosted(r.Context(), func(c *hostedLogin) error {
		if slices.ContainsFunc(c.RedirectURIs, func(u redirectURI) bool { return u.RedirectURI == req.RedirectURI }) {
			return iam.Conflict("redirectUri is already allowed")
		}
		if len(c.RedirectURIs) >= policy.MaxRedirectURIs {
			return iam.Invalid("at most %d redirect URIs are allowed", policy.MaxRedirectURIs)
		}
		c.RedirectURIs = append(c.RedirectURIs, added)
		return nil
	})
	if err != nil {
		return err
	}
	return api.Created(w, added)
}

// deleteRedirectURI removes one of the environment client's redirect URIs by id.
func (h *Handler) deleteRedirectURI(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, err := h.changeHosted(r.Context(), func(c *hostedLogin) error {
		i := slices.IndexFunc(c.RedirectURIs, func(u redirectURI) bool { return u.ID == id })
		if i < 0 {
			return iam.NotFound("Redirect URI not found")
		}
		c.RedirectURIs = slices.Delete(c.RedirectURIs, i, i+1)
		return nil
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

type baseURLJSON struct {
	BaseURL string `json:"baseURL"`
}

// baseURL answers where browsers reach the hosted login: @frontegg/client's
// HostedLoginClient builds its authorize URL on it.
func (h *Handler) baseURL(w http.ResponseWriter, r *http.Request) error {
	return api.OK(w, baseURLJSON{BaseURL: h.BaseURL})
}
