package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Client speaks to one Hatch node: the management calls that set up a run
// and the calls that make up the scenarios. It is safe for concurrent use.
type Client struct {
	BaseURL string
	HTTP    *http.Client
}

// NewHTTPClient returns an HTTP/1.1 keep-alive client that keeps up to conns
// idle connections to each node, so that every worker reuses a connection of
// its own instead of opening one per request.
func NewHTTPClient(conns int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        0, // no limit across nodes; MaxIdleConnsPerHost bounds each
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// StatusError is an answer whose status was not the one expected.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// IsStatus reports whether err is a StatusError with that status.
func IsStatus(err error, status int) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == status
}

// Call sends body (nil: none) as JSON with the headers in hdr (pairs of name
// and value) and, when the answer has status want (0: any 2xx), decodes it
// into out (nil: discarded). Any other status is a *StatusError. The body is always read to
// its end so the connection is reused.
func (c *Client) Call(ctx context.Context, method, path string, body, out any, want int, hdr ...string) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want && (want != 0 || resp.StatusCode/100 != 2) {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		io.Copy(io.Discard, resp.Body)
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: string(msg)}
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// Tokens are an access token and the refresh token that renews it, from a
// user login (accessToken, refreshToken) or an API-token authentication
// (access_token, refresh_token).
type Tokens struct {
	Access  string
	Refresh string
}

type tokensJSON struct {
	AccessToken   string `json:"accessToken"`
	RefreshToken  string `json:"refreshToken"`
	AccessTokenM  string `json:"access_token"`
	RefreshTokenM string `json:"refresh_token"`
}

func (t tokensJSON) tokens(what string) (Tokens, error) {
	out := Tokens{Access: t.AccessToken + t.AccessTokenM, Refresh: t.RefreshToken + t.RefreshTokenM}
	if out.Access == "" || out.Refresh == "" {
		return Tokens{}, fmt.Errorf("%s: the answer has no access or refresh token", what)
	}
	return out, nil
}

// The routes the scenarios call. Set-up calls and the API-token routes accept
// any 2xx; the user-token routes must answer the status Frontegg's API declares.
const (
	pathVendor          = "/auth/vendor"
	pathTenants         = "/tenants/resources/tenants/v1"
	pathUsers           = "/identity/resources/users/v1"
	pathLogin           = "/identity/resources/auth/v1/user"
	pathRefresh         = "/identity/resources/auth/v1/user/token/refresh"
	pathLogout          = "/identity/resources/auth/v1/logout"
	pathMe              = "/identity/resources/users/v2/me"
	pathAPITokens       = "/identity/resources/tenants/api-tokens/v1"
	pathAPITokenAuth    = "/identity/resources/auth/v2/api-token"
	pathAPITokenRefresh = "/identity/resources/auth/v2/api-token/token/refresh"
	pathLockoutPolicy   = "/identity/resources/configurations/v1/lockout-policy"
)

// VendorToken exchanges the environment's client ID and API key for a vendor token.
func (c *Client) VendorToken(ctx context.Context, clientID, apiKey string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := c.Call(ctx, "POST", pathVendor, map[string]string{"clientId": clientID, "secret": apiKey}, &out, 0)
	if err == nil && out.Token == "" {
		err = errors.New("POST /auth/vendor: no token in the answer")
	}
	return out.Token, err
}

// CreateTenant creates an account with the vendor token.
func (c *Client) CreateTenant(ctx context.Context, vendor, tenantID, name string) error {
	return c.Call(ctx, "POST", pathTenants, map[string]string{"tenantId": tenantID, "name": name}, nil, 0,
		"Authorization", "Bearer "+vendor)
}

// CreateUser creates a verified user with a password in tenantID, sending no
// invitation, and returns its id.
func (c *Client) CreateUser(ctx context.Context, vendor, tenantID, email, password string) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	body := map[string]any{"email": email, "name": "Load Test", "password": password, "skipInviteEmail": true}
	err := c.Call(ctx, "POST", pathUsers, body, &out, 0,
		"Authorization", "Bearer "+vendor, "frontegg-tenant-id", tenantID)
	return out.ID, err
}

// SetLockout saves the environment's lockout policy.
func (c *Client) SetLockout(ctx context.Context, vendor string, maxAttempts, durationSeconds int) error {
	body := map[string]any{"enabled": true, "maxAttempts": maxAttempts, "lockoutDuration": durationSeconds}
	return c.Call(ctx, "POST", pathLockoutPolicy, body, nil, 0, "Authorization", "Bearer "+vendor)
}

// Login is a password login.
func (c *Client) Login(ctx context.Context, email, password string) (Tokens, error) {
	var out tokensJSON
	if err := c.Call(ctx, "POST", pathLogin, map[string]string{"email": email, "password": password}, &out, http.StatusOK); err != nil {
		return Tokens{}, err
	}
	return out.tokens("login")
}

// Refresh rotates a user's refresh token.
func (c *Client) Refresh(ctx context.Context, refresh string) (Tokens, error) {
	var out tokensJSON
	if err := c.Call(ctx, "POST", pathRefresh, map[string]string{"refreshToken": refresh}, &out, http.StatusCreated); err != nil {
		return Tokens{}, err
	}
	return out.tokens("refresh")
}

// Logout ends the session of a refresh token.
func (c *Client) Logout(ctx context.Context, refresh string) error {
	return c.Call(ctx, "POST", pathLogout, map[string]string{"refreshToken": refresh}, nil, http.StatusCreated)
}

// Me reads the caller's profile with a user access token (GET users/v2/me).
func (c *Client) Me(ctx context.Context, access string) error {
	return c.Call(ctx, "GET", pathMe, nil, nil, http.StatusOK, "Authorization", "Bearer "+access)
}

// APIToken is a tenant API token's client credentials.
type APIToken struct {
	ClientID string `json:"clientId"`
	Secret   string `json:"secret"`
}

// ErrUnavailable marks a scenario whose routes this server does not have.
var ErrUnavailable = errors.New("unavailable: the server does not have this route")

// CreateAPIToken creates a tenant API token with the vendor token. It returns
// ErrUnavailable when the server answers 404 (no API-token routes).
func (c *Client) CreateAPIToken(ctx context.Context, vendor, tenantID, description string) (APIToken, error) {
	var out APIToken
	err := c.Call(ctx, "POST", pathAPITokens, map[string]string{"description": description}, &out, 0,
		"Authorization", "Bearer "+vendor, "frontegg-tenant-id", tenantID)
	if IsStatus(err, http.StatusNotFound) {
		return APIToken{}, fmt.Errorf("POST %s: %w", pathAPITokens, ErrUnavailable)
	}
	if err == nil && (out.ClientID == "" || out.Secret == "") {
		err = fmt.Errorf("POST %s: no clientId or secret in the answer", pathAPITokens)
	}
	return out, err
}

// DeleteAPIToken deletes a tenant API token.
func (c *Client) DeleteAPIToken(ctx context.Context, vendor, tenantID, clientID string) error {
	return c.Call(ctx, "DELETE", pathAPITokens+"/"+clientID, nil, nil, 0,
		"Authorization", "Bearer "+vendor, "frontegg-tenant-id", tenantID)
}

// APITokenAuth exchanges an API token's client credentials for tokens. It
// returns ErrUnavailable when the server answers 404.
func (c *Client) APITokenAuth(ctx context.Context, tok APIToken) (Tokens, error) {
	var out tokensJSON
	err := c.Call(ctx, "POST", pathAPITokenAuth, tok, &out, 0)
	if IsStatus(err, http.StatusNotFound) {
		return Tokens{}, fmt.Errorf("POST %s: %w", pathAPITokenAuth, ErrUnavailable)
	}
	if err != nil {
		return Tokens{}, err
	}
	return out.tokens("api-token authentication")
}

// APITokenRefresh rotates an API token's refresh token.
func (c *Client) APITokenRefresh(ctx context.Context, refresh string) (Tokens, error) {
	var out tokensJSON
	if err := c.Call(ctx, "POST", pathAPITokenRefresh, map[string]string{"refreshToken": refresh}, &out, 0); err != nil {
		return Tokens{}, err
	}
	return out.tokens("api-token refresh")
}
