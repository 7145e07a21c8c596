package social

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// customRequest is the body of the custom OAuth provider routes; every field
// is required on POST (ssoLogoUrl may be empty) and optional on PATCH.
type customRequest struct {
	Type             *string `json:"type"`
	ClientID         *string `json:"clientId"`
	Secret           *string `json:"secret"`
	RedirectURL      *string `json:"redirectUrl"`
	AuthorizationURL *string `json:"authorizationUrl"`
	TokenURL         *string `json:"tokenUrl"`
	UserInfoURL      *string `json:"userInfoUrl"`
	Scopes           *string `json:"scopes"`
	SSOLogoURL       *string `json:"ssoLogoUrl"`
	DisplayName      *string `json:"displayName"`
	Active           *bool   `json:"active"`
}

// customResponse is one provider of ICustomSocialLoginProviderConfigurationV1;
// the secret and the token URL stay on the server.
type customResponse struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	ClientID           string `json:"clientId"`
	RedirectURL        string `json:"redirectUrl"`
	RedirectURLPattern string `json:"redirectUrlPattern"`
	AuthorizationURL   string `json:"authorizationUrl"`
	UserInfoURL        string `json:"userInfoUrl"`
	Scopes             string `json:"scopes"`
	SSOLogoURL         string `json:"ssoLogoUrl"`
	DisplayName        string `json:"displayName"`
	Active             bool   `json:"active"`
}

func customResponseOf(p *store.CustomProvider) customResponse {
	return customResponse{ID: p.ID, Type: p.Type, ClientID: p.ClientID, RedirectURL: p.RedirectURL, RedirectURLPattern: p.RedirectURL,
		AuthorizationURL: p.AuthorizationURL, UserInfoURL: p.UserInfoURL, Scopes: p.Scopes, SSOLogoURL: p.SSOLogoURL,
		DisplayName: p.DisplayName, Active: p.Active}
}

func customSecretAAD(id string) string { return "custom-social-secret:" + id }

// checkURL returns a 400 naming field unless raw is an absolute https URL (or http when allowed).
func checkURL(field, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.User != nil:
		return iam.Invalid("%s must be an absolute URL", field)
	case u.Scheme == "https", u.Scheme == "http" && allowHTTP:
		return nil
	}
	return iam.Invalid("%s must be an https URL", field)
}

// apply validates req and copies what it sets onto p; required makes every
// field but ssoLogoUrl mandatory.
func (h *Handler) applyCustom(p *store.CustomProvider, req *customRequest, required bool) error {
	texts := []struct {
		name string
		in   *string
		dst  *string
		url  bool
	}{
		{"type", req.Type, &p.Type, false},
		{"clientId", req.ClientID, &p.ClientID, false},
		{"redirectUrl", req.RedirectURL, &p.RedirectURL, true},
		{"authorizationUrl", req.AuthorizationURL, &p.AuthorizationURL, true},
		{"tokenUrl", req.TokenURL, &p.TokenURL, true},
		{"userInfoUrl", req.UserInfoURL, &p.UserInfoURL, true},
		{"scopes", req.Scopes, &p.Scopes, false},
		{"displayName", req.DisplayName, &p.DisplayName, false},
	}
	for _, f := range texts {
		if f.in == nil || strings.TrimSpace(*f.in) == "" {
			if required || f.in != nil {
				return iam.Invalid("%s is required", f.name)
			}
			continue
		}
		v := strings.TrimSpace(*f.in)
		if f.url {
			if err := checkURL(f.name, v, h.AllowHTTP || f.name == "redirectUrl"); err != nil {
				return err
			}
		}
		*f.dst = v
	}
	if req.SSOLogoURL != nil {
		p.SSOLogoURL = strings.TrimSpace(*req.SSOLogoURL)
	}
	if req.Active != nil {
		p.Active = *req.Active
	} else if required {
		return iam.Invalid("active is required")
	}
	if req.Secret != nil && *req.Secret != "" {
		p.Secret = h.Sealer.Seal([]byte(*req.Secret), customSecretAAD(p.ID))
	} else if required || req.Secret != nil {
		return iam.Invalid("secret is required")
	}
	return nil
}

// createCustom adds a custom OAuth provider (vendor only); its secret is sealed at rest.
func (h *Handler) createCustom(w http.ResponseWriter, r *http.Request) error {
	var req customRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	now := h.Now()
	p := &store.CustomProvider{ID: uuid.NewString(), CreatedAt: now, UpdatedAt: now}
	if err := h.applyCustom(p, &req, true); err != nil {
		return err
	}
	if err := h.DB.CreateCustomProvider(r.Context(), p); err != nil {
		return err
	}
	return api.OK(w, customResponseOf(p))
}

// updateCustom changes the fields sent.
func (h *Handler) updateCustom(w http.ResponseWriter, r *http.Request) error {
	p, err := h.DB.FindCustomProvider(r.Context(), r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return errCustomNotFound
	} else if err != nil {
		return err
	}
	var req customRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := h.applyCustom(p, &req, false); err != nil {
		return err
	}
	p.UpdatedAt = h.Now()
	if err := h.DB.UpdateCustomProvider(r.Context(), p); errors.Is(err, iam.ErrNotFound) {
		return errCustomNotFound
	} else if err != nil {
		return err
	}
	return api.OK(w, customResponseOf(p))
}

var errCustomNotFound = iam.NotFound("Custom social login provider not found")

// deleteCustom removes a custom provider.
func (h *Handler) deleteCustom(w http.ResponseWriter, r *http.Request) error {
	if err := h.DB.DeleteCustomProvider(r.Context(), r.PathValue("id")); errors.Is(err, iam.ErrNotFound) {
		return errCustomNotFound
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}

type customList struct {
	Providers []customResponse `json:"providers"`
}

// listCustom answers the custom providers (public: the login box shows the
// active ones), never with their secrets.
func (h *Handler) listCustom(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.DB.FindCustomProviders(r.Context())
	if err != nil {
		return err
	}
	out := customList{Providers: make([]customResponse, 0, len(ps))}
	for _, p := range ps {
		out.Providers = append(out.Providers, customResponseOf(p))
	}
	return api.OK(w, out)
}
