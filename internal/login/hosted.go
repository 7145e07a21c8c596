package login

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
)

// A login started on the hosted login page (package oauth) may leave for an
// identity provider — a SAML or OIDC IdP (package sso), a social provider
// (package social) — and come back to one of Hatch's callbacks. What those
// packages share about it lives here: where the browser may be sent back
// to, the cookie that ties a provider's answer to the browser that asked,
// and how the finished login is handed back to the page.

// HostedAuthorizePath is the path of the authorization endpoint, the page a
// login leaving for an identity provider comes back to.
const HostedAuthorizePath = "/oauth/authorize"

// HostedReturnTo reports whether target is an authorization request at
// Hatch's own endpoint (baseURL + HostedAuthorizePath, with a query and
// nothing else): the only place a login started on the hosted login page
// may send the browser back to. That endpoint checks the client and its
// redirect URI again, so nothing else would make Hatch an open redirect.
func HostedReturnTo(baseURL, target string) bool {
	base, err := url.Parse(baseURL)
	if err != nil || base.Host == "" {
		return false
	}
	u, err := url.Parse(target)
	return err == nil && u.Scheme == base.Scheme && u.Host == base.Host && u.User == nil && u.Fragment == "" &&
		u.Opaque == "" && u.Path == strings.TrimRight(base.Path, "/")+HostedAuthorizePath && u.RawQuery != ""
}

// stateCookie carries the state (OIDC, OAuth) of the one login this browser
// sent to an identity provider from the hosted page. The callback accepts
// the provider's answer only with it, so that a callback URL made for
// someone else's login (login CSRF) logs no one in here.
const stateCookie = "hatch_idp_state"

// BindState sets the cookie that ties state to this browser until expires.
// It is SameSite=None on https (a provider may form-post its answer) and
// Lax on plain http, where browsers refuse None.
func (c *Cookies) BindState(w http.ResponseWriter, state string, expires time.Time) {
	c.SetNamed(w, stateCookie, state, expires, "NONE")
}

// StateBound reports whether the browser holds the state cookie for state.
func (c *Cookies) StateBound(r *http.Request, state string) bool {
	ck, err := r.Cookie(stateCookie)
	return err == nil && state != "" && secure.Equal(ck.Value, state)
}

// ClearState removes the state cookie.
func (c *Cookies) ClearState(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Secure})
}

// pendingMFACookie carries the MFA token of a login an identity provider
// finished but that needs a second factor, from the provider's callback to
// the authorization endpoint, which then shows the second-factor form.
const pendingMFACookie = "hatch_mfa_pending"

// pendingMFATTL is how long the pending-MFA cookie lives: the MFA token's
// own lifetime (factors.MFATokenLifetime), which the server enforces anyway.
const pendingMFATTL = 5 * time.Minute

// ReadPendingMFA returns the MFA token a provider's callback left for the
// page, or "".
func (c *Cookies) ReadPendingMFA(r *http.Request) string {
	ck, err := r.Cookie(pendingMFACookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

// ClearPendingMFA removes the pending-MFA cookie.
func (c *Cookies) ClearPendingMFA(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: pendingMFACookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Secure})
}

// ErrNoHostedLogin answers a finished login that opened no session and
// needs no second factor (an expired password: a provider's login never
// ends so), which the page cannot take on.
var ErrNoHostedLogin = errors.New("the login opened no session and asked for no second factor")

// ReturnToHostedPage answers the browser of a login that an identity
// provider finished for the hosted login page: it sets the refresh cookie
// (with the core sameSite setting) — or, when the login needs a second
// factor, the pending-MFA cookie for pendingMFATTL — and
// redirects to returnTo, the authorization request, which then issues the
// code or asks for the second factor. The caller has checked returnTo with
// HostedReturnTo.
func (c *Cookies) ReturnToHostedPage(w http.ResponseWriter, r *http.Request, res *Result, returnTo, sameSite string) error {
	switch {
	case res.RefreshToken != "":
		c.Set(w, res.RefreshToken, res.RefreshExpires, sameSite)
	case res.Response != nil && res.Response.MFARequired && res.Response.MFAToken != "":
		http.SetCookie(w, &http.Cookie{Name: pendingMFACookie, Value: res.Response.MFAToken, Path: "/", MaxAge: int(pendingMFATTL.Seconds()),
			HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteLaxMode})
	default:
		return ErrNoHostedLogin
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
	return nil
}

// errorCodeRE is the alphabet of OAuth error codes (RFC 6749 §4.1.2.1).
var errorCodeRE = regexp.MustCompile(`^[a-z_]{1,64}$`)

// ProviderRefused is the error of a callback to which the provider sent an
// OAuth error (access_denied when the user cancelled) instead of a code. The
// code is shown when it is one, never the provider's free text, which
// anyone could put in a link.
func ProviderRefused(code string) error {
	if !errorCodeRE.MatchString(code) {
		code = "error"
	}
	return iam.Unauthorized("The identity provider did not sign you in (%s)", code)
}
