package sso

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/crewjam/saml"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

type preloginRequest struct {
	Email    string `json:"email"`
	Username string `json:"username"`
	TenantID string `json:"tenantId"`
}

// preloginResponse is IPreLoginWithIdpTypeResponse: where to send the browser.
type preloginResponse struct {
	Address     string `json:"address"`
	IdPType     string `json:"idpType"`
	AddressType string `json:"addressType"`
}

// loginStateTTL is how long a browser has to come back from the IdP.
const loginStateTTL = 10 * time.Minute

var errNoSSO = iam.NotFound("SSO is not configured for this email")

// prelogin finds the SSO configuration of the email's domain (an account
// that validated the domain and enabled the configuration) and answers the
// IdP address to send the browser to: a SAML AuthnRequest (HTTP-Redirect
// binding) or an OIDC authorization request with state, nonce and PKCE.
// Without one, or for an email the environment excluded from SSO, it
// answers 404, and the client goes on with a password.
func (h *Handler) prelogin(w http.ResponseWriter, r *http.Request) error {
	var req preloginRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	email := strings.TrimSpace(req.Email)
	if email == "" && strings.TrimSpace(req.Username) != "" {
		u, err := h.DB.FindUserByUsername(ctx, req.Username)
		switch {
		case errors.Is(err, iam.ErrNotFound), err == nil && u.Email == "":
			return errNoSSO
		case err != nil:
			return err
		}
		email = u.Email
	}
	if email == "" {
		return iam.Invalid("email is required")
	}
	if excluded, err := h.excludedFromSSO(ctx, email); err != nil {
		return err
	} else if excluded {
		return errNoSSO
	}
	c, err := h.configForEmail(ctx, email, strings.TrimSpace(req.TenantID))
	if err != nil {
		return err
	}
	var address string
	switch c.Type {
	case typeOIDC:
		address, err = h.oidcAuthorizeURL(ctx, c)
	default:
		address, err = h.samlAuthnRequest(ctx, c, h.returnTo(r, c))
	}
	if err != nil {
		return err
	}
	return api.OK(w, preloginResponse{Address: address, IdPType: c.Type, AddressType: "sso"})
}

// configForEmail returns the configuration whose IdP speaks for the domain
// of email (configurationsFor), chosen among several by chooseConfiguration,
// or errNoSSO.
func (h *Handler) configForEmail(ctx context.Context, email, tenantID string) (*store.SSOConfiguration, error) {
	_, domain, ok := strings.Cut(strings.ToLower(email), "@")
	if !ok || domain == "" {
		return nil, errNoSSO
	}
	cs, err := h.configurationsFor(ctx, domain)
	if err != nil {
		return nil, err
	}
	return h.chooseConfiguration(ctx, cs, email, tenantID)
}

// samlAuthnRequest remembers a new AuthnRequest for c under a random
// RelayState and returns the IdP URL carrying both.
func (h *Handler) samlAuthnRequest(ctx context.Context, c *store.SSOConfiguration, returnTo string) (string, error) {
	if c.SSOEndpoint == "" {
		return "", iam.Invalid("The SSO configuration has no SSO URL")
	}
	sp, err := h.serviceProvider(ctx, c)
	if err != nil {
		return "", err
	}
	authn, err := sp.MakeAuthenticationRequest(c.SSOEndpoint, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", err
	}
	relay := secure.RandomToken(24)
	now := h.Now()
	err = h.DB.CreateSSOLoginState(ctx, &store.SSOLoginState{Hash: secure.HashToken(relay), ConfigurationID: c.ID,
		RequestID: authn.ID, ReturnTo: returnTo, CreatedAt: now, ExpiresAt: now.Add(loginStateTTL)})
	if err != nil {
		return "", err
	}
	u, err := authn.Redirect(relay, sp)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// returnTo is where a browser whose IdP form-posts the SAML response to the
// ACS is sent once logged in: the allowed origin that asked for the login,
// else the account's application URL, else Hatch's base URL.
func (h *Handler) returnTo(r *http.Request, c *store.SSOConfiguration) string {
	if origin := r.Header.Get("Origin"); origin != "" && h.Origins != nil && slices.Contains(h.Origins(), origin) {
		return origin + "/"
	}
	if t, err := h.DB.FindTenant(r.Context(), c.TenantID); err == nil && t.ApplicationURL != "" {
		return t.ApplicationURL
	}
	return h.BaseURL + "/"
}
