package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// tokenError is an error of the token endpoint, answered as RFC 6749 §5.2
// says: {error, error_description}, 400 (401 for invalid_client). It also
// carries Frontegg's errors array, which Frontegg's clients show.
type tokenError struct {
	status      int
	code        string
	description string
}

func (e *tokenError) Error() string { return e.code + ": " + e.description }

func invalidRequest(d string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_request", d}
}
func invalidGrant(d string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_grant", d}
}
func invalidClient(d string) *tokenError {
	return &tokenError{http.StatusUnauthorized, "invalid_client", d}
}

type tokenErrorJSON struct {
	Error       string   `json:"error"`
	Description string   `json:"error_description"`
	Errors      []string `json:"errors"`
}

// tokenParams are the token request's parameters: a form
// (application/x-www-form-urlencoded, as RFC 6749 says) or a JSON object
// (what Frontegg's clients send).
type tokenParams map[string]string

func readTokenParams(r *http.Request) (tokenParams, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	p := tokenParams{}
	if ct == "application/json" {
		var raw map[string]any
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			return nil, invalidRequest("The request body is not valid JSON")
		}
		for k, v := range raw {
			if s, ok := v.(string); ok {
				p[k] = s
			}
		}
		return p, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, invalidRequest("The request body could not be read")
	}
	for k, vs := range r.PostForm {
		if len(vs) > 1 {
			return nil, invalidRequest(k + " must be sent once")
		}
		p[k] = vs[0]
	}
	return p, nil
}

// tokenResponse is the token endpoint's answer (RFC 6749 §5.1, OpenID
// Connect Core §3.1.3.3).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

// token is the token endpoint: authorization_code and refresh_token grants.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	resp, err := h.grant(r)
	var te *tokenError
	if errors.As(err, &te) {
		if te.status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="hatch"`)
		}
		return writeJSON(w, te.status, tokenErrorJSON{Error: te.code, Description: te.description, Errors: []string{te.description}})
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func (h *Handler) grant(r *http.Request) (*tokenResponse, error) {
	p, err := readTokenParams(r)
	if err != nil {
		return nil, err
	}
	authed, err := h.authenticateClient(r.Context(), r, p)
	if err != nil {
		return nil, err
	}
	switch p["grant_type"] {
	case "authorization_code":
		return h.codeGrant(r.Context(), p, authed)
	case "refresh_token":
		return h.refreshGrant(r.Context(), p, authed)
	case "":
		return nil, invalidRequest("grant_type is required")
	}
	return nil, &tokenError{http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"}
}

// authenticateClient checks the client credentials the request carries:
// HTTP Basic (client_secret_basic) or client_id and client_secret in the
// body (client_secret_post), not both. It returns the authenticated client,
// or nil when the request carries no secret.
func (h *Handler) authenticateClient(ctx context.Context, r *http.Request, p tokenParams) (*client, error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if p["client_secret"] != "" {
			return nil, invalidRequest("Send the client secret once: in the Authorization header or in the body")
		}
		// RFC 6749 §2.3.1: both parts are form-encoded before base64.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return nil, invalidClient("The client credentials are not valid")
		}
		if p["client_id"] != "" && p["client_id"] != id {
			return nil, invalidRequest("client_id does not match the Authorization header")
		}
	} else if p["client_secret"] != "" {
		id, secret = p["client_id"], p["client_secret"]
	} else {
		return nil, nil
	}
	c, err := h.findClient(ctx, id)
	if errors.Is(err, errUnknownClient) {
		return nil, invalidClient("The client credentials are not valid")
	}
	if err != nil {
		return nil, err
	}
	if !h.checkSecret(c, secret) {
		return nil, invalidClient("The client credentials are not valid")
	}
	return c, nil
}

// checkGrantClient returns the client a grant was issued to, once the
// request may use it: the authenticated client must be that one; without
// authentication, a named client_id must be that one, and the grant must be
// one that needs no secret (secretOptional: a code requested with PKCE, a
// refresh token issued without the client's secret).
func (h *Handler) checkGrantClient(ctx context.Context, p tokenParams, authed *client, clientID string, secretOptional bool) (*client, error) {
	if authed != nil {
		if authed.ID != clientID {
			return nil, invalidGrant("The grant was issued to another client")
		}
		return authed, nil
	}
	if p["client_id"] != "" && p["client_id"] != clientID {
		return nil, invalidGrant("The grant was issued to another client")
	}
	c, err := h.findClient(ctx, clientID)
	if errors.Is(err, errUnknownClient) {
		return nil, invalidGrant("The client of this grant no longer exists")
	}
	if err != nil {
		return nil, err
	}
	if !secretOptional {
		return nil, invalidClient("Client authentication is required")
	}
	return c, nil
}

// codeGrant redeems an authorization code. The code is spent before any
// other check, so a failed attempt cannot be retried; a code presented
// again ends the session it was issued for.
func (h *Handler) codeGrant(ctx context.Context, p tokenParams, authed *client) (*tokenResponse, error) {
	raw := p["code"]
	if raw == "" {
		return nil, invalidRequest("code is required")
	}
	code, err := h.DB.RedeemAuthorizationCode(ctx, secure.HashToken(raw), h.Now())
	switch {
	case errors.Is(err, store.ErrCodeReplayed):
		h.Revocations.Add(code.SessionID)
		if aerr := h.Audit.Record(ctx, audit.Event{UserID: code.UserID, ActorID: code.UserID, ActorType: audit.ActorUser,
			Action: audit.ActionRefreshReused, Resource: "Sessions", Severity: audit.High, Outcome: audit.Failure,
			Data: map[string]any{"sessionId": code.SessionID, "reason": "authorization code replayed", "clientId": code.ClientID}}); aerr != nil {
			return nil, aerr
		}
		return nil, invalidGrant("The authorization code was already used; the session it started has been ended")
	case errors.Is(err, iam.ErrNotFound):
		return nil, invalidGrant("The authorization code is invalid or has expired")
	case err != nil:
		return nil, err
	}
	c, err := h.checkGrantClient(ctx, p, authed, code.ClientID, code.CodeChallenge != "")
	if err != nil {
		return nil, err
	}
	if p["redirect_uri"] != code.RedirectURI {
		return nil, invalidGrant("redirect_uri must be the one of the authorization request")
	}
	verifier := p["code_verifier"]
	switch {
	case code.CodeChallenge == "" && verifier != "":
		return nil, invalidGrant("code_verifier was sent but the authorization request had no code_challenge")
	case code.CodeChallenge != "" && verifier == "":
		return nil, invalidGrant("code_verifier is required")
	case code.CodeChallenge != "" && (!verifierRE.MatchString(verifier) || !secure.Equal(s256(verifier), code.CodeChallenge)):
		return nil, invalidGrant("code_verifier does not match the code_challenge")
	}
	res, err := h.Login.Branch(ctx, code.SessionID, refreshClient(c, authed != nil))
	if err != nil {
		return nil, grantFailure(err)
	}
	return h.tokens(res, c.ID, code.Scope, code.Nonce, hasScope(code.Scope, "openid"))
}

// refreshGrant rotates a refresh token (login.Service.Refresh): the old one
// dies, a spent one presented again ends its session.
func (h *Handler) refreshGrant(ctx context.Context, p tokenParams, authed *client) (*tokenResponse, error) {
	refresh := p["refresh_token"]
	if refresh == "" {
		return nil, invalidRequest("refresh_token is required")
	}
	owner, err := h.DB.FindRefreshTokenClient(ctx, secure.HashToken(refresh))
	if errors.Is(err, iam.ErrNotFound) {
		return nil, invalidGrant("The refresh token is invalid or has expired")
	}
	if err != nil {
		return nil, err
	}
	ownerID := owner.ClientID
	if ownerID == "" {
		ownerID = h.ClientID // the environment's own logins
	}
	// The environment's client needs no secret to refresh: Frontegg's browser
	// client refreshes without one, and its tokens come from the same logins.
	// An application's tokens need its secret when they were issued with it.
	c, err := h.checkGrantClient(ctx, p, authed, ownerID, ownerID == h.ClientID || !owner.Authenticated)
	if err != nil {
		return nil, err
	}
	res, err := h.Login.RefreshFor(ctx, owner.ClientID, refresh, p["tenantId"])
	if err != nil {
		return nil, grantFailure(err)
	}
	// The user must still be allowed to use the application, in the account
	// the refresh left them in (tenantId may move them). The spent token's
	// successor is not handed out.
	if err := h.checkAccess(ctx, c, res.User.ID, res.TenantID); err != nil {
		return nil, grantFailure(err)
	}
	return h.tokens(res, c.ID, "", "", true)
}

// refreshClient is what refresh tokens issued to c record: the client id,
// "" for the environment's own client like its other logins, and whether
// an application proved its secret.
func refreshClient(c *client, authenticated bool) store.RefreshClient {
	if c.Environment {
		return store.RefreshClient{}
	}
	return store.RefreshClient{ClientID: c.ID, Authenticated: authenticated}
}

// grantFailure turns a login error into invalid_grant, with the message the
// user may see (an ended session, a refused address…).
func grantFailure(err error) error {
	if errors.Is(err, login.ErrSessionInvalid) {
		return invalidGrant("The session is no longer valid")
	}
	var ie *iam.Error
	if errors.As(err, &ie) && iam.KindOf(err) != iam.KindInternal {
		return invalidGrant(ie.Message)
	}
	return err
}

// tokens builds the token response of a login result for client clientID.
func (h *Handler) tokens(res *login.Result, clientID, scope, nonce string, withID bool) (*tokenResponse, error) {
	out := &tokenResponse{AccessToken: res.Response.AccessToken, TokenType: "Bearer", ExpiresIn: res.Response.ExpiresIn,
		RefreshToken: res.RefreshToken, Scope: scope}
	if withID {
		id, err := h.Issuer.IDToken(res.Response.AccessToken, clientID, nonce)
		if err != nil {
			return nil, err
		}
		out.IDToken = id
	}
	return out, nil
}

// s256 is the PKCE S256 transform: base64url(SHA-256(verifier)).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// bearer returns the token of an Authorization: Bearer header, or "".
func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}
