package app

import (
	"context"
	"net/http"

	"github.com/hatchid/hatch/internal/oauth"
	"github.com/hatchid/hatch/internal/social"
	"github.com/hatchid/hatch/internal/sso"
)

// pageSSO is the hosted login page's single sign-on (oauth.SSO): the IdP of
// an account that claimed the email's domain (package sso) and the social
// login buttons (package social). Both send the browser back to the
// authorization request once the provider's login is done.
type pageSSO struct {
	sso    *sso.Handler
	social *social.Handler
}

func (p pageSSO) Prelogin(w http.ResponseWriter, r *http.Request, email, returnTo string) (string, bool, error) {
	return p.sso.PagePrelogin(w, r, email, returnTo)
}

func (p pageSSO) Providers(ctx context.Context, returnTo string) ([]oauth.Provider, error) {
	buttons, err := p.social.PageButtons(ctx, returnTo)
	if err != nil {
		return nil, err
	}
	out := make([]oauth.Provider, len(buttons))
	for i, b := range buttons {
		out[i] = oauth.Provider{Name: b.Name, URL: b.URL}
	}
	return out, nil
}
