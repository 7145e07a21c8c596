package social

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// The hosted login page (package oauth) shows a button per active provider
// (PageButtons). A button opens pageStart, which sends the browser to the
// provider with a state bound to it (a cookie) and a PKCE challenge; the
// provider sends it back to pageCallback, which finishes the login as
// postlogin does and sends the browser back to the authorization request
// it came from (returnTo) with the refresh cookie set — or with the
// pending-MFA cookie, for the page to ask for the user's second factor.
//
// The provider's OAuth app must allow the redirect URI
// HATCH_BASE_URL/oauth/social/{provider}/callback ({provider} is the type,
// or a custom provider's id), besides the login box's redirectUrl.

// pagePath is where the page's social logins start and come back.
const pagePath = "/oauth/social/"

func (h *Handler) pageCallbackURL(provider string) string {
	return h.BaseURL + pagePath + url.PathEscape(provider) + "/callback"
}

// Button is a social login button of the hosted login page.
type Button struct {
	Name string // the provider's name, or a custom provider's display name
	URL  string // starts the provider's login
}

// builtinNames are the built-in providers as the page names them, in the
// order it shows them.
var builtinNames = []struct{ typ, name string }{
	{"google", "Google"}, {"microsoft", "Microsoft"}, {"github", "GitHub"}, {"apple", "Apple"},
	{"facebook", "Facebook"}, {"linkedin", "LinkedIn"}, {"slack", "Slack"},
}

// PageButtons returns a button for each active provider, built-in ones
// first, each starting a login that comes back to returnTo, which must be
// an authorization request at Hatch's own endpoint (login.HostedReturnTo).
func (h *Handler) PageButtons(ctx context.Context, returnTo string) ([]Button, error) {
	if !login.HostedReturnTo(h.BaseURL, returnTo) {
		return nil, fmt.Errorf("social: returnTo %q is not Hatch's authorization endpoint", returnTo)
	}
	sps, err := h.DB.FindSocialProviders(ctx)
	if err != nil {
		return nil, err
	}
	cps, err := h.DB.FindCustomProviders(ctx)
	if err != nil {
		return nil, err
	}
	query := "?" + url.Values{"returnTo": {returnTo}}.Encode()
	var out []Button
	for _, b := range builtinNames {
		for _, sp := range sps {
			if sp.Type == b.typ && sp.Active && sp.ClientID != "" {
				out = append(out, Button{Name: b.name, URL: h.BaseURL + pagePath + b.typ + query})
			}
		}
	}
	for _, cp := range cps {
		if cp.Active {
			out = append(out, Button{Name: cp.DisplayName, URL: h.BaseURL + pagePath + url.PathEscape(cp.ID) + query})
		}
	}
	return out, nil
}

// pageLoginKind is the challenge kind of a page's social login between its
// start and the provider's answer; the challenge's id is the SHA-256 of the
// state.
const pageLoginKind = "social-page-login"

// pageLoginTTL is how long a browser has to come back from the provider.
const pageLoginTTL = 10 * time.Minute

// pageLogin is the Data of a page's social login challenge.
type pageLogin struct {
	Provider string `json:"provider"`
	ReturnTo string `json:"returnTo"`
	Verifier string `json:"verifier"` // PKCE, sealed
}

func pkceAAD(challengeID string) string { return "social-page-pkce:" + challengeID }

// pageStart sends the browser to the provider's authorization endpoint
// with a new state (remembered, and bound to the browser by a cookie) and a
// PKCE challenge (S256).
func (h *Handler) pageStart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	returnTo := r.URL.Query().Get("returnTo")
	if !login.HostedReturnTo(h.BaseURL, returnTo) {
		return iam.Invalid("returnTo must be an authorization request of this server")
	}
	provider := r.PathValue("provider")
	p, err := h.resolve(ctx, provider)
	if err != nil {
		return err
	}
	state, verifier, now := secure.RandomToken(24), oauth2.GenerateVerifier(), h.Now()
	id := secure.HashToken(state)
	data, err := json.Marshal(pageLogin{Provider: provider, ReturnTo: returnTo, Verifier: h.Sealer.Seal([]byte(verifier), pkceAAD(id))})
	if err != nil {
		return err
	}
	c := &store.Challenge{ID: id, Kind: pageLoginKind, Data: string(data), CreatedAt: now, ExpiresAt: now.Add(pageLoginTTL)}
	if err := h.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChallenge(ctx, c, false) }); err != nil {
		return err
	}
	p.oauth.RedirectURL = h.pageCallbackURL(provider)
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if p.typ == "apple" {
		// Apple answers requests for the name or email only by form post.
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", "form_post"))
	}
	h.Cookies.BindState(w, state, c.ExpiresAt)
	http.Redirect(w, r, p.oauth.AuthCodeURL(state, opts...), http.StatusFound)
	return nil
}

// pageCallback finishes a page's social login: the state must be one
// pageStart issued for this provider, to this browser, and not yet used;
// the code is exchanged with its PKCE verifier and the user logged in as at
// postlogin; the browser goes back to the authorization request. The answer
// comes as a query, or as a form post (Apple's response_mode=form_post).
func (h *Handler) pageCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return iam.Invalid("The provider's answer could not be read")
	}
	code, state := r.Form.Get("code"), r.Form.Get("state")
	if e := r.Form.Get("error"); e != "" {
		return login.ProviderRefused(e)
	}
	if code == "" || state == "" {
		return iam.Invalid("code and state are required")
	}
	if !h.Cookies.StateBound(r, state) {
		return errSocialLogin(errors.New("the state is not this browser's"))
	}
	now := h.Now()
	c, err := h.DB.FindChallenge(ctx, secure.HashToken(state), pageLoginKind, now)
	if err == nil {
		err = h.DB.SpendChallenge(ctx, c.ID, now)
	}
	if errors.Is(err, iam.ErrNotFound) {
		return errSocialLogin(errors.New("unknown, used or expired state"))
	}
	if err != nil {
		return err
	}
	h.Cookies.ClearState(w)
	var pl pageLogin
	if err := json.Unmarshal([]byte(c.Data), &pl); err != nil {
		return err
	}
	provider := r.PathValue("provider")
	if pl.Provider != provider || !login.HostedReturnTo(h.BaseURL, pl.ReturnTo) {
		return errSocialLogin(errors.New("the state is not this provider's hosted login"))
	}
	p, err := h.resolve(ctx, provider)
	if err != nil {
		return err
	}
	p.oauth.RedirectURL = h.pageCallbackURL(provider)
	verifier, err := h.Sealer.Open(pl.Verifier, pkceAAD(c.ID))
	if err != nil {
		return err
	}
	res, _, _, err := h.signIn(r, p, code, "", oauth2.VerifierOption(string(verifier)))
	if err != nil {
		return err
	}
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return err
	}
	return h.Cookies.ReturnToHostedPage(w, r, res, pl.ReturnTo, core.CookieSameSite)
}

// scopesOf splits a custom provider's scopes, separated by spaces or commas.
func scopesOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}
