package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// codeTTL is how long an authorization code lives: long enough for the
// application's back end to redeem it, short enough that a leaked one is
// useless (RFC 6749 §4.1.2 recommends at most ten minutes).
const codeTTL = time.Minute

// authorize is the authorization endpoint (GET, or POST with a form, as
// OpenID Connect requires). Errors found before the redirect URI is known to
// be the client's are shown on a Hatch page; later ones go back to it. A
// browser already signed in (the refresh cookie of a live session) gets a
// code at once unless prompt=login or max_age asks for a fresh login;
// prompt=none never shows the page. Otherwise the login page is shown.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return h.pageFailure(w, r, &pageError{http.StatusBadRequest, "The sign-in request could not be read."})
	}
	ctx := r.Context()
	_, req, prompt, maxAge, err := h.parseAuthorize(ctx, r.Form)
	var re *redirectError
	if errors.As(err, &re) {
		return h.redirectError(w, r, req, re.code, re.description)
	}
	if err != nil {
		return h.pageFailure(w, r, err)
	}
	prompts := strings.Fields(prompt)
	if !slices.Contains(prompts, "login") {
		sess, _, err := h.Login.Current(ctx, h.Cookies.Read(r))
		switch {
		case err == nil && (maxAge < 0 || h.Now().Sub(sess.AuthTime) <= time.Duration(maxAge)*time.Second):
			target, err := h.issueCode(ctx, req, sess.ID, sess.UserID)
			if err != nil {
				return h.pageFailure(w, r, err)
			}
			http.Redirect(w, r, target, http.StatusFound)
			return nil
		case err != nil && !errors.Is(err, login.ErrSessionInvalid):
			return h.pageFailure(w, r, err)
		}
	}
	if slices.Contains(prompts, "none") {
		return h.redirectError(w, r, req, "login_required", "The user is not signed in")
	}
	if mfaToken := h.Cookies.ReadPendingMFA(r); mfaToken != "" && h.MFA != nil {
		// An identity provider signed the user in from this page; the login
		// needs the user's second factor (login.Cookies.ReturnToHostedPage).
		h.Cookies.ClearPendingMFA(w)
		return h.renderMFA(w, r, h.sealTicket(req), mfaView{Token: mfaToken}, http.StatusOK, "", "")
	}
	return h.renderLogin(w, r, req, h.sealTicket(req), http.StatusOK, "", req.LoginHint)
}

// redirectError sends an authorization error to the request's redirect URI,
// with its state and the issuer (RFC 9207).
func (h *Handler) redirectError(w http.ResponseWriter, r *http.Request, req *authRequest, code, description string) error {
	target := withParams(req.RedirectURI, url.Values{"error": {code}, "error_description": {description},
		"state": {req.State}, "iss": {h.BaseURL}})
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// issueCode stores a code for req proving the login of session sessionID
// (of userID) and returns the redirect URI carrying it, the state and the
// issuer (RFC 9207). A user the application does not admit in the session's
// account (applications' access rules) gets no code: the redirect URI then
// carries access_denied.
func (h *Handler) issueCode(ctx context.Context, req *authRequest, sessionID, userID string) (string, error) {
	if denied, err := h.accessDenied(ctx, req.ClientID, sessionID, userID); err != nil || denied != "" {
		return withParams(req.RedirectURI, url.Values{"error": {"access_denied"}, "error_description": {denied},
			"state": {req.State}, "iss": {h.BaseURL}}), err
	}
	code := secure.RandomToken(32)
	now := h.Now()
	err := h.DB.CreateAuthorizationCode(ctx, &store.AuthorizationCode{Hash: secure.HashToken(code), ClientID: req.ClientID,
		RedirectURI: req.RedirectURI, SessionID: sessionID, UserID: userID, Scope: req.Scope, Nonce: req.Nonce,
		CodeChallenge: req.CodeChallenge, CreatedAt: now, ExpiresAt: now.Add(codeTTL)})
	if err != nil {
		return "", err
	}
	return withParams(req.RedirectURI, url.Values{"code": {code}, "state": {req.State}, "iss": {h.BaseURL}}), nil
}

// accessDenied returns why the user of session sessionID may not use the
// application of client clientID in the session's account, or "" when it
// may (and always for the environment's client).
func (h *Handler) accessDenied(ctx context.Context, clientID, sessionID, userID string) (string, error) {
	if clientID == h.ClientID {
		return "", nil
	}
	c, err := h.findClient(ctx, clientID)
	if errors.Is(err, errUnknownClient) { // deleted since the request was checked
		return "", &pageError{http.StatusBadRequest, "The application that sent you here is no longer registered."}
	}
	if err != nil {
		return "", err
	}
	sess, err := h.DB.FindSession(ctx, sessionID)
	if err != nil {
		return "", err
	}
	err = h.checkAccess(ctx, c, userID, sess.TenantID)
	var ie *iam.Error
	if errors.As(err, &ie) && ie.Kind == iam.KindForbidden {
		return ie.Message, nil
	}
	return "", err
}
