package oauth

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
)

type silentRequest struct {
	TenantID string `json:"tenantId"`
}

type silentResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// silent is the browser's silent refresh in hosted mode
// (@frontegg/rest-api's silentOAuthRefreshToken): the refresh cookie set by
// the login page rotates, like POST …/auth/v1/user/token/refresh, and the
// answer is in the OAuth shape, with an ID token for the environment's client.
func (h *Handler) silent(w http.ResponseWriter, r *http.Request) error {
	var req silentRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	res, err := h.Login.Refresh(ctx, h.Cookies.Read(r), req.TenantID)
	if err != nil {
		if errors.Is(err, login.ErrSessionInvalid) {
			h.Cookies.Clear(w)
		}
		return err
	}
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return err
	}
	id, err := h.Issuer.IDToken(res.Response.AccessToken, h.ClientID, "")
	if err != nil {
		return err
	}
	h.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
	return api.OK(w, silentResponse{AccessToken: res.Response.AccessToken, IDToken: id, RefreshToken: res.RefreshToken,
		ExpiresIn: res.Response.ExpiresIn, TokenType: "Bearer"})
}

// logout ends the browser's session (the refresh cookie) and the session the
// id_token_hint names, clears the cookie, and returns to
// post_logout_redirect_uri when it is one of the client's (OpenID Connect
// RP-Initiated Logout), else shows that the user is signed out. The client
// is the hint's audience or client_id; a post_logout_redirect_uri without
// either, or not registered, is refused on a Hatch page: never an open
// redirect.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	clientID, target := q.Get("client_id"), q.Get("post_logout_redirect_uri")
	hintUser, hintSession := "", ""
	if hint := q.Get("id_token_hint"); hint != "" {
		c, err := h.Issuer.ParseIDTokenHint(hint)
		if err != nil {
			return h.pageFailure(w, r, &pageError{http.StatusBadRequest, "The sign-out request is not valid (id_token_hint)."})
		}
		if clientID != "" && clientID != c.Audience {
			return h.pageFailure(w, r, &pageError{http.StatusBadRequest, "The sign-out request is not valid (client_id does not match id_token_hint)."})
		}
		clientID, hintUser, hintSession = c.Audience, c.Subject, c.SessionID
	}
	if target != "" {
		c, err := h.findClient(ctx, clientID)
		switch {
		case errors.Is(err, errUnknownClient):
			return h.pageFailure(w, r, &pageError{http.StatusBadRequest, "The sign-out request names no registered application (client_id or id_token_hint)."})
		case err != nil:
			return h.pageFailure(w, r, err)
		case !c.allowsLogoutRedirect(target):
			return h.pageFailure(w, r, &pageError{http.StatusBadRequest, "The application asked to return to an address it has not registered (post_logout_redirect_uri)."})
		}
	}
	if err := h.Login.Logout(ctx, h.Cookies.Read(r)); err != nil {
		return h.pageFailure(w, r, err)
	}
	if hintSession != "" {
		err := h.DB.RevokeSession(ctx, hintUser, hintSession, h.Now())
		if err != nil && !errors.Is(err, iam.ErrNotFound) {
			return h.pageFailure(w, r, err)
		}
		h.Revocations.Add(hintSession)
	}
	h.Cookies.Clear(w)
	if target != "" {
		http.Redirect(w, r, withParams(target, url.Values{"state": {q.Get("state")}}), http.StatusFound)
		return nil
	}
	return h.message(w, r, http.StatusOK, "You are signed out", "You have signed out. You can close this window.", nil)
}

// userInfo is the OpenID Connect UserInfo endpoint: the claims of the user
// of a bearer access token, read fresh from storage.
func (h *Handler) userInfo(w http.ResponseWriter, r *http.Request) error {
	raw := bearer(r)
	refuse := func(desc string) error {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
		return writeJSON(w, http.StatusUnauthorized, tokenErrorJSON{Error: "invalid_token", Description: desc, Errors: []string{desc}})
	}
	if raw == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hatch"`)
		return writeJSON(w, http.StatusUnauthorized, tokenErrorJSON{Error: "invalid_request", Description: "A bearer access token is required",
			Errors: []string{"A bearer access token is required"}})
	}
	c, err := h.Tokens.Verify(raw)
	if err != nil || c.Type != iam.TokenTypeUser {
		return refuse("The access token is invalid or has expired")
	}
	u, err := h.DB.FindUser(r.Context(), c.Subject)
	if errors.Is(err, iam.ErrNotFound) {
		return refuse("The access token's user no longer exists")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return api.OK(w, userInfoJSON{Subject: u.ID, Email: u.Email, EmailVerified: u.Verified, Name: u.Name,
		PreferredUsername: u.Username, Picture: u.ProfilePictureURL, PhoneNumber: u.PhoneNumber, UpdatedAt: u.UpdatedAt.Unix(),
		TenantID: c.TenantID, TenantIDs: c.TenantIDs})
}

// userInfoJSON holds the standard claims Hatch knows (OpenID Connect Core
// §5.1), and the user's accounts as Frontegg's tokens name them.
type userInfoJSON struct {
	Subject           string   `json:"sub"`
	Email             string   `json:"email,omitempty"`
	EmailVerified     bool     `json:"email_verified"`
	Name              string   `json:"name,omitempty"`
	PreferredUsername string   `json:"preferred_username,omitempty"`
	Picture           string   `json:"picture,omitempty"`
	PhoneNumber       string   `json:"phone_number,omitempty"`
	UpdatedAt         int64    `json:"updated_at"`
	TenantID          string   `json:"tenantId,omitempty"`
	TenantIDs         []string `json:"tenantIds,omitempty"`
}

// discovery is the OpenID Provider configuration (OpenID Connect Discovery 1.0).
func (h *Handler) discovery(w http.ResponseWriter, r *http.Request) error {
	b := h.BaseURL
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return api.OK(w, map[string]any{
		"issuer":                                b,
		"authorization_endpoint":                b + "/oauth/authorize",
		"token_endpoint":                        b + "/oauth/token",
		"userinfo_endpoint":                     b + "/oauth/userinfo",
		"jwks_uri":                              b + "/.well-known/jwks.json",
		"end_session_endpoint":                  b + "/oauth/logout",
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "email", "profile", "offline_access"},
		"claims_supported": []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "acr", "sid",
			"email", "email_verified", "name", "preferred_username", "picture", "phone_number", "updated_at", "tenantId", "tenantIds"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post", "none"},
		"prompt_values_supported":                        []string{"none", "login", "consent", "select_account"},
		"claims_parameter_supported":                     false,
		"request_parameter_supported":                    false,
		"request_uri_parameter_supported":                false,
		"authorization_response_iss_parameter_supported": true,
	})
}
