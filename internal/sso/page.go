package sso

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
)

// The hosted login page (package oauth) sends users of claimed domains to
// their IdP through PagePrelogin, with returnTo, the authorization request
// to come back to. A SAML IdP form-posts its answer to the ACS, whose
// RelayState names the login and so returnTo; an OIDC IdP sends the browser
// to OIDCPageCallbackPath with the code and the state. Either way the
// browser then goes back to returnTo with the refresh cookie set
// (login.Cookies.ReturnToHostedPage), or with the pending-MFA cookie when
// the user has a second factor to prove there.

// OIDCPageCallbackPath is where OIDC IdPs send browsers back to for logins
// started on the hosted login page; account admins register
// HATCH_BASE_URL + OIDCPageCallbackPath at their IdP besides the login
// box's redirect URI.
const OIDCPageCallbackPath = "/oauth/sso/oidc/callback"

func (h *Handler) oidcPageCallbackURL() string { return h.BaseURL + OIDCPageCallbackPath }

// PagePrelogin returns the IdP address to send the browser of the hosted
// login page to for email, and ok false when the email's domain has no
// single sign-on (or the environment excluded the address from it). The
// login comes back to returnTo, which must be an authorization request at
// Hatch's own endpoint (login.HostedReturnTo). For OIDC it binds the state
// to the browser with a cookie on w; it writes nothing else.
func (h *Handler) PagePrelogin(w http.ResponseWriter, r *http.Request, email, returnTo string) (string, bool, error) {
	if !login.HostedReturnTo(h.BaseURL, returnTo) {
		return "", false, fmt.Errorf("sso: returnTo %q is not Hatch's authorization endpoint", returnTo)
	}
	ctx := r.Context()
	if excluded, err := h.excludedFromSSO(ctx, email); err != nil || excluded {
		return "", false, err
	}
	c, err := h.configForEmail(ctx, email, "")
	if errors.Is(err, errNoSSO) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if c.Type != typeOIDC {
		address, err := h.samlAuthnRequest(ctx, c, returnTo)
		return address, err == nil, err
	}
	address, state, err := h.oidcAuthorize(ctx, c, h.oidcPageCallbackURL(), returnTo)
	if errors.Is(err, errNoSSO) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	h.Cookies.BindState(w, state, h.Now().Add(loginStateTTL))
	return address, true, nil
}

// oidcPageCallback finishes an OIDC login started on the hosted login page:
// the state must be one Hatch issued for the page, to this browser (the
// state cookie), and not yet used; the code is then checked as at
// oidc/postlogin, and the browser goes back to the authorization request.
func (h *Handler) oidcPageCallback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	code, state := q.Get("code"), q.Get("state")
	if e := q.Get("error"); e != "" {
		return login.ProviderRefused(e)
	}
	if code == "" || state == "" {
		return iam.Invalid("code and state are required")
	}
	if !h.Cookies.StateBound(r, state) {
		return errOIDCLogin(errors.New("the state is not this browser's"))
	}
	st, err := h.useOIDCState(r.Context(), state)
	if err != nil {
		return err
	}
	h.Cookies.ClearState(w)
	if st.RedirectURI != h.oidcPageCallbackURL() || !login.HostedReturnTo(h.BaseURL, st.ReturnTo) {
		return errOIDCLogin(errors.New("the state is not a hosted login's"))
	}
	res, err := h.oidcSignIn(r, st, code)
	if err != nil {
		return err
	}
	return h.returnToPage(w, r, res, st.ReturnTo)
}

// returnToPage sends the browser of a finished login back to the hosted
// login page's authorization request returnTo.
func (h *Handler) returnToPage(w http.ResponseWriter, r *http.Request, res *login.Result, returnTo string) error {
	core, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	return h.Cookies.ReturnToHostedPage(w, r, res, returnTo, core.CookieSameSite)
}
