package social

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// providerRequest is the body of POST /identity/resources/sso/v2, as the
// Terraform provider sends it. A provider saved without a secret keeps the
// one it had.
type providerRequest struct {
	Type             string   `json:"type"`
	Active           *bool    `json:"active"`
	ClientID         *string  `json:"clientId"`
	RedirectURL      *string  `json:"redirectUrl"`
	Secret           *string  `json:"secret"`
	Customised       *bool    `json:"customised"`
	AdditionalScopes []string `json:"additionalScopes"`
}

// providerResponse is ISocialLoginProviderConfigurationV2; the secret is never shown.
type providerResponse struct {
	Type             string   `json:"type"`
	ClientID         string   `json:"clientId"`
	RedirectURL      string   `json:"redirectUrl"`
	Active           bool     `json:"active"`
	AuthorizationURL string   `json:"authorizationUrl"`
	Customised       bool     `json:"customised"`
	AdditionalScopes []string `json:"additionalScopes"`
	Scopes           []string `json:"scopes"` // the scopes the login box should ask for
}

// providerV1 is ISocialLoginProviderConfiguration.
type providerV1 struct {
	Type        string `json:"type"`
	ClientID    string `json:"clientId"`
	RedirectURL string `json:"redirectUrl"`
	Active      bool   `json:"active"`
}

func secretAAD(typ string) string { return "social-secret:" + typ }

func (h *Handler) providerResponse(sp *store.SocialProvider) providerResponse {
	p, _ := h.builtin(sp.Type)
	return providerResponse{Type: sp.Type, ClientID: sp.ClientID, RedirectURL: sp.RedirectURL, Active: sp.Active,
		AuthorizationURL: p.AuthURL, Customised: sp.Customised, AdditionalScopes: sp.AdditionalScopes,
		Scopes: append(slices.Clone(p.Scopes), sp.AdditionalScopes...)}
}

// saveProvider turns a built-in provider on or off and sets its client
// credentials (vendor only). The secret is sealed at rest.
func (h *Handler) saveProvider(w http.ResponseWriter, r *http.Request) error {
	var req providerRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	typ := strings.ToLower(strings.TrimSpace(req.Type))
	if _, ok := builtins[typ]; !ok {
		names := make([]string, 0, len(builtins))
		for n := range builtins {
			names = append(names, n)
		}
		sort.Strings(names)
		return iam.Invalid("type must be one of %s", strings.Join(names, ", "))
	}
	ctx := r.Context()
	now := h.Now()
	sp, err := h.DB.FindSocialProvider(ctx, typ)
	if errors.Is(err, iam.ErrNotFound) {
		sp, err = &store.SocialProvider{Type: typ, AdditionalScopes: []string{}, CreatedAt: now}, nil
	}
	if err != nil {
		return err
	}
	if req.Active != nil {
		sp.Active = *req.Active
	}
	if req.ClientID != nil {
		sp.ClientID = strings.TrimSpace(*req.ClientID)
	}
	if req.RedirectURL != nil {
		sp.RedirectURL = strings.TrimSpace(*req.RedirectURL)
		if sp.RedirectURL != "" {
			if err := checkURL("redirectUrl", sp.RedirectURL, true); err != nil {
				return err
			}
		}
	}
	if req.Secret != nil && *req.Secret != "" {
		sp.Secret = h.Sealer.Seal([]byte(*req.Secret), secretAAD(typ))
	}
	if req.Customised != nil {
		sp.Customised = *req.Customised
	}
	if req.AdditionalScopes != nil {
		sp.AdditionalScopes = req.AdditionalScopes
	}
	if sp.Active && (sp.ClientID == "" || sp.Secret == "") {
		return iam.Invalid("clientId and secret are required to activate %s", typ)
	}
	sp.UpdatedAt = now
	if err := h.DB.SaveSocialProvider(ctx, sp); err != nil {
		return err
	}
	return api.OK(w, h.providerResponse(sp))
}

// listProviders answers the configured built-in providers (public: the login
// box shows the active ones), without their secrets.
func (h *Handler) listProviders(w http.ResponseWriter, r *http.Request) error {
	sps, err := h.DB.FindSocialProviders(r.Context())
	if err != nil {
		return err
	}
	out := make([]providerResponse, 0, len(sps))
	for _, sp := range sps {
		out = append(out, h.providerResponse(sp))
	}
	return api.OK(w, out)
}

// listProvidersV1 is listProviders in the older, shorter shape.
func (h *Handler) listProvidersV1(w http.ResponseWriter, r *http.Request) error {
	sps, err := h.DB.FindSocialProviders(r.Context())
	if err != nil {
		return err
	}
	out := make([]providerV1, 0, len(sps))
	for _, sp := range sps {
		out = append(out, providerV1{Type: sp.Type, ClientID: sp.ClientID, RedirectURL: sp.RedirectURL, Active: sp.Active})
	}
	return api.OK(w, out)
}
