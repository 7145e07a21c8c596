package oauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/secure"
)

// authRequest is an authorization request that passed every check: what the
// login page carries from form to form (sealed in a ticket) and what the
// code it ends in is bound to.
type authRequest struct {
	ClientID      string `json:"c"`
	RedirectURI   string `json:"r"`
	Scope         string `json:"s,omitempty"`
	State         string `json:"st,omitempty"`
	Nonce         string `json:"n,omitempty"`
	CodeChallenge string `json:"cc,omitempty"` // S256
	LoginHint     string `json:"lh,omitempty"`
	Expires       int64  `json:"exp"` // unix seconds: the ticket's end
}

// ticketTTL is how long a login page stays usable.
const ticketTTL = 30 * time.Minute

// pageError is an error shown on a Hatch page and never sent to a redirect
// URI: the client or the redirect URI could not be trusted, or the page's
// own request was bad.
type pageError struct {
	status  int
	message string
}

func (e *pageError) Error() string { return e.message }

// redirectError is an error sent back to a validated redirect URI
// (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6).
type redirectError struct {
	code        string
	description string
}

func (e *redirectError) Error() string { return e.code + ": " + e.description }

// unreservedRE is RFC 7636's code_challenge alphabet; an S256 challenge is
// the base64url form of 32 bytes: 43 characters.
var (
	challengeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	verifierRE  = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)
)

// maxParam bounds state, nonce and login_hint, which the page carries along.
const maxParam = 2048

// parseAuthorize checks an authorization request. It returns the client, the
// request, prompt and max_age (-1 when absent), or a *pageError when the
// client or the redirect URI cannot be trusted, or a *redirectError to send
// to the redirect URI.
func (h *Handler) parseAuthorize(ctx context.Context, q url.Values) (*client, *authRequest, string, int, error) {
	c, err := h.findClient(ctx, q.Get("client_id"))
	if errors.Is(err, errUnknownClient) {
		return nil, nil, "", 0, &pageError{http.StatusBadRequest, "The application that sent you here is not registered (unknown client_id)."}
	}
	if err != nil {
		return nil, nil, "", 0, err
	}
	redirect := q.Get("redirect_uri")
	switch {
	case redirect == "":
		return nil, nil, "", 0, &pageError{http.StatusBadRequest, "The application that sent you here gave no redirect_uri."}
	case !c.allowsRedirect(redirect):
		return nil, nil, "", 0, &pageError{http.StatusBadRequest, "The application that sent you here asked to return to an address it has not registered (redirect_uri)."}
	}
	// From here on errors go back to the application.
	req := &authRequest{ClientID: c.ID, RedirectURI: redirect, Scope: normalizeScope(q.Get("scope")), State: q.Get("state"),
		Nonce: q.Get("nonce"), CodeChallenge: q.Get("code_challenge"), LoginHint: q.Get("login_hint")}
	bad := func(code, format string, args ...any) (*client, *authRequest, string, int, error) {
		return c, req, "", 0, &redirectError{code, fmt.Sprintf(format, args...)}
	}
	switch rt := q.Get("response_type"); {
	case rt == "":
		return bad("invalid_request", "response_type is required")
	case rt != "code":
		return bad("unsupported_response_type", "response_type must be code")
	case !c.Active && c.Environment:
		return bad("unauthorized_client", "The hosted login is not active for this environment")
	case !c.Active:
		return bad("unauthorized_client", "The application is not active")
	case q.Get("request") != "":
		return bad("request_not_supported", "request objects are not supported")
	case q.Get("request_uri") != "":
		return bad("request_uri_not_supported", "request_uri is not supported")
	case q.Get("response_mode") != "" && q.Get("response_mode") != "query":
		return bad("invalid_request", "response_mode must be query")
	case len(req.State) > maxParam || len(req.Nonce) > maxParam || len(req.LoginHint) > maxParam:
		return bad("invalid_request", "state, nonce and login_hint must be at most %d characters", maxParam)
	}
	method := q.Get("code_challenge_method")
	switch {
	case req.CodeChallenge == "" && method != "":
		return bad("invalid_request", "code_challenge_method without code_challenge")
	case req.CodeChallenge != "" && method != "S256":
		// RFC 7636 makes plain the default; Hatch accepts S256 only, so a
		// challenge is never the verifier itself.
		return bad("invalid_request", "code_challenge_method must be S256 (plain is not accepted)")
	case req.CodeChallenge != "" && !challengeRE.MatchString(req.CodeChallenge):
		return bad("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)")
	}
	prompt := q.Get("prompt")
	prompts := strings.Fields(prompt)
	for _, p := range prompts {
		if !slices.Contains([]string{"none", "login", "consent", "select_account"}, p) {
			return bad("invalid_request", "prompt must be none, login, consent or select_account")
		}
	}
	if slices.Contains(prompts, "none") && len(prompts) > 1 {
		return bad("invalid_request", "prompt=none cannot be combined with other values")
	}
	maxAge := -1
	if v := q.Get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad("invalid_request", "max_age must be a number of seconds")
		}
		maxAge = n
	}
	return c, req, prompt, maxAge, nil
}

// normalizeScope returns scope with its values separated by single spaces.
// @frontegg/client sends "openid+email+profile" percent-encoded, so a
// literal "+" separates values too.
func normalizeScope(scope string) string {
	return strings.Join(strings.FieldsFunc(scope, func(r rune) bool { return r == ' ' || r == '+' }), " ")
}

// hasScope reports whether the space-separated scope holds v.
func hasScope(scope, v string) bool { return slices.Contains(strings.Fields(scope), v) }

// authorizeURL is the authorization request again: where a page that
// expired starts over, and where SSO logins come back to.
func (h *Handler) authorizeURL(req *authRequest) string {
	q := url.Values{"response_type": {"code"}, "client_id": {req.ClientID}, "redirect_uri": {req.RedirectURI}}
	for k, v := range map[string]string{"scope": req.Scope, "state": req.State, "nonce": req.Nonce, "login_hint": req.LoginHint} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if req.CodeChallenge != "" {
		q.Set("code_challenge", req.CodeChallenge)
		q.Set("code_challenge_method", "S256")
	}
	return h.BaseURL + "/oauth/authorize?" + q.Encode()
}

// withParams returns the redirect URI with params added to its query (a
// registered URI may have a query of its own).
func withParams(uri string, params url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri // registered URIs parse; checked at registration
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// key derives the key for one use of the environment's secret.
func (h *Handler) key(purpose string) []byte {
	m := hmac.New(sha256.New, h.SecretKey)
	m.Write([]byte("hatch-oauth:" + purpose))
	return m.Sum(nil)
}

func (h *Handler) mac(purpose string, parts ...string) string {
	m := hmac.New(sha256.New, h.key(purpose))
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sealTicket signs req (valid for ticketTTL) for the page's forms.
func (h *Handler) sealTicket(req *authRequest) string {
	req.Expires = h.Now().Add(ticketTTL).Unix()
	raw, _ := json.Marshal(req)
	body := base64.RawURLEncoding.EncodeToString(raw)
	return body + "." + h.mac("ticket", body)
}

var (
	errTicketInvalid = &pageError{http.StatusBadRequest, "This sign-in page is not valid. Go back to the application and sign in again."}
	errTicketExpired = &pageError{http.StatusBadRequest, "This sign-in page has expired."}
)

// openTicket returns the request sealed in ticket. An expired ticket answers
// errTicketExpired with the request (so the page can offer to start over);
// any other problem errTicketInvalid.
func (h *Handler) openTicket(ticket string) (*authRequest, error) {
	body, sig, ok := strings.Cut(ticket, ".")
	if !ok || !secure.Equal(sig, h.mac("ticket", body)) {
		return nil, errTicketInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	var req authRequest
	if err != nil || json.Unmarshal(raw, &req) != nil {
		return nil, errTicketInvalid
	}
	if h.Now().Unix() >= req.Expires {
		return &req, errTicketExpired
	}
	return &req, nil
}

// csrfCookie holds the browser's random CSRF secret. Each form carries a
// token that is a MAC of that secret and the page's ticket, so a form is
// accepted only from the browser the page was served to, for that
// authorization request (double submit, bound to the request, unforgeable
// without the server's key even by one who can plant cookies).
const csrfCookie = "hatch_csrf"

// csrfToken returns the form token for ticket, setting the CSRF cookie when
// the browser has none.
func (h *Handler) csrfToken(w http.ResponseWriter, r *http.Request, ticket string) string {
	secret := ""
	if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
		secret = ck.Value
	} else {
		secret = secure.RandomToken(32)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: secret, Path: "/", HttpOnly: true,
			Secure: h.Cookies.Secure, SameSite: http.SameSiteLaxMode})
		// The form may be rendered in this same response: later reads see it.
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: secret})
	}
	return h.mac("csrf", secret, ticket)
}

// checkCSRF reports whether the form's token matches the browser's CSRF
// cookie and the ticket.
func (h *Handler) checkCSRF(r *http.Request, ticket string) bool {
	ck, err := r.Cookie(csrfCookie)
	token := r.PostForm.Get("csrf")
	return err == nil && ck.Value != "" && token != "" && secure.Equal(token, h.mac("csrf", ck.Value, ticket))
}
