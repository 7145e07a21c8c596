package loadtest

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Client speaks to one Hatch node: the management calls that set up a run
// and the calls that make up the scenarios. It is safe for concurrent use.
//
// It speaks HTTP/1.1 over keep-alive connections of its own rather than
// through net/http's Transport: the load generator shares the machine's cores
// with the server it measures, so every microsecond it spends per request is
// taken from the server. A call takes an idle connection (or dials one),
// writes the request in one write, reads the answer with http.ReadResponse and
// puts the connection back; there is no goroutine per connection and no
// hand-off between goroutines.
type Client struct {
	BaseURL string
	host    string      // the Host header and the address dialled
	tls     *tls.Config // for https, else nil
	timeout time.Duration
	idle    chan *conn
}

// NewClient returns a client of the node at baseURL (http or https) that
// keeps up to conns idle connections, so that every worker reuses one of its
// own, and bounds each call by timeout.
func NewClient(baseURL string, conns int, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: want http://host:port", baseURL)
	}
	c := &Client{BaseURL: strings.TrimRight(baseURL, "/"), host: u.Host, timeout: timeout, idle: make(chan *conn, conns)}
	port := "80"
	if u.Scheme == "https" {
		c.tls, port = &tls.Config{ServerName: u.Hostname()}, "443"
	}
	if u.Port() == "" {
		c.host = net.JoinHostPort(u.Hostname(), port)
	}
	return c, nil
}

// conn is one keep-alive connection and its buffers.
type conn struct {
	nc  net.Conn
	r   *bufio.Reader
	buf []byte // the request being written
}

// Close closes the idle connections.
func (c *Client) Close() {
	for {
		select {
		case cn := <-c.idle:
			cn.nc.Close()
		default:
			return
		}
	}
}

// get returns an idle connection (reused) or a new one.
func (c *Client) get() (cn *conn, reused bool, err error) {
	select {
	case cn := <-c.idle:
		return cn, true, nil
	default:
	}
	cn, err = c.dial()
	return cn, false, err
}

// closedIdle reports whether err is how a connection the server had closed
// while it sat idle fails: the write is refused, or the answer ends before its
// first byte.
func closedIdle(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (c *Client) dial() (*conn, error) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	var nc net.Conn
	var err error
	if c.tls != nil {
		nc, err = tls.DialWithDialer(d, "tcp", c.host, c.tls)
	} else {
		nc, err = d.Dial("tcp", c.host)
	}
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: bufio.NewReaderSize(nc, 16<<10)}, nil
}

func (c *Client) put(cn *conn) {
	select {
	case c.idle <- cn:
	default:
		cn.nc.Close()
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
// into out (nil: discarded). Any other status is a *StatusError. The body is
// always read to its end so the connection is reused.
func (c *Client) Call(ctx context.Context, method, path string, body, out any, want int, hdr ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	cn, reused, err := c.get()
	if err != nil {
		return err
	}
	status, answer, keep, err := cn.roundTrip(c.host, method, path, raw, hdr, time.Now().Add(c.timeout))
	if err != nil && reused && closedIdle(err) {
		// The server closed the idle connection before it read the request
		// (as net/http's client, send it again on a new one).
		cn.nc.Close()
		if cn, err = c.dial(); err != nil {
			return err
		}
		status, answer, keep, err = cn.roundTrip(c.host, method, path, raw, hdr, time.Now().Add(c.timeout))
	}
	if err != nil {
		cn.nc.Close()
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if keep {
		c.put(cn)
	} else {
		cn.nc.Close()
	}
	if status != want && (want != 0 || status/100 != 2) {
		return &StatusError{Method: method, Path: path, Status: status, Body: string(answer[:min(len(answer), 512)])}
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// maxAnswer bounds the answer a call reads.
const maxAnswer = 4 << 20

// roundTrip writes one request and reads its answer whole. keep reports
// whether the connection may carry another request.
func (cn *conn) roundTrip(host, method, path string, body []byte, hdr []string, deadline time.Time) (status int, answer []byte, keep bool, err error) {
	if err := cn.nc.SetDeadline(deadline); err != nil {
		return 0, nil, false, err
	}
	b := append(cn.buf[:0], method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: hatch-loadtest\r\n"...)
	if body != nil {
		b = append(b, "Content-Type: application/json\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	} else if method != http.MethodGet && method != http.MethodHead {
		b = append(b, "Content-Length: 0\r\n"...)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		b = append(b, hdr[i]...)
		b = append(b, ": "...)
		b = append(b, hdr[i+1]...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, body...)
	cn.buf = b
	if _, err := cn.nc.Write(b); err != nil {
		return 0, nil, false, err
	}
	if _, err := cn.r.Peek(1); err != nil { // the answer's first byte, or how the connection failed
		return 0, nil, false, err
	}
	resp, err := http.ReadResponse(cn.r, nil)
	if err != nil {
		return 0, nil, false, err
	}
	answer, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	if err != nil {
		return 0, nil, false, err
	}
	return resp.StatusCode, answer, !resp.Close, nil
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
